/*
** w3_filter.c - the C baseline of workload W3 (bench/workloads/
** w3_filter.sql): the readings whose temp is over 34.5, as ts,sensor,temp.
**
**   w3_filter FILE THRESHOLD > out.csv
**
** dstream's semantics: every CSV row (ts,sensor,temp) whose temp > the
** threshold (a NULL temp never passes), ts printed as a TIMESTAMP, temp as
** a DOUBLE. Batches do not change a filter's output, so there are none
** here. Written for speed: the file is mapped and only temp is converted
** for every row; ts is converted for the rows that pass.
*/
#include "../bench_out.h"
#include "../bench_parse.h"

int main(int argc, char **argv) {
    if (argc != 3)
        die("usage: w3_filter FILE THRESHOLD%s", "");
    mapped m = map_file(argv[1]);
    double threshold = atof(argv[2]);
    obuf out;
    ob_init(&out, 1);
    size_t at = 0;
    const char *line;
    size_t len;
    while (next_line(&m, &at, &line, &len)) {
        /* temp is the last field: find the last two commas from the end */
        const char *end = line + len, *c2 = end;
        while (c2 > line && c2[-1] != ',')
            c2--;
        if (c2 == line)
            continue;
        const char *c1 = c2 - 1;
        while (c1 > line && c1[-1] != ',')
            c1--;
        if (c1 == line || memchr(line, ',', (size_t)(c1 - 1 - line)))
            continue; /* not three fields: a bad row */
        double temp;
        int64_t ts;
        size_t tl = (size_t)(end - c2);
        if (!tl || !parse_double(c2, tl, &temp) || !(temp > threshold))
            continue;
        if (!parse_timestamp(line, (size_t)(c1 - 1 - line), &ts))
            continue;
        ob_timestamp(&out, ts);
        ob_char(&out, ',');
        ob_csv_text(&out, c1, (size_t)(c2 - 1 - c1));
        ob_char(&out, ',');
        ob_double(&out, temp);
        ob_char(&out, '\n');
    }
    ob_fini(&out);
    return 0;
}
