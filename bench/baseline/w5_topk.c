/*
** w5_topk.c - the C baseline of workload W5 (bench/workloads/w5_topk.sql):
** the 10 most frequent words of every processing-time tumbling window of
** 10 seconds (10 one-second batches), ties broken by the word.
**
**   w5_topk FILE ROWS_PER_BATCH [BATCHES_PER_WINDOW [K]] > out.csv
**
** dstream's semantics: batches of ROWS_PER_BATCH lines in file order,
** batch k ending at k seconds; window j holds batches (j-1)B+1 .. jB and
** ends at jB seconds; the last, partial window is emitted at end of input
** with its own end. Each window emits its K rows with the largest counts,
** ORDER BY n DESC, word (bytewise). Output rows: window_end,word,n.
**
** Written for speed: words get dense ids from one table for the run, a
** window counts into an array by id, and the top K are kept by insertion
** into a K-array while scanning the window's words.
*/
#include "../bench_words.h"

static word_counts wc;

/* Is word a ranked before word b (count desc, then bytes)? */
static int before(uint32_t a, uint32_t na, uint32_t b, uint32_t nb) {
    if (na != nb)
        return na > nb;
    size_t la = wc.words.len[a], lb = wc.words.len[b];
    int c = memcmp(wc.words.str[a], wc.words.str[b], la < lb ? la : lb);
    return c ? c < 0 : la < lb;
}

int main(int argc, char **argv) {
    if (argc < 3 || argc > 5)
        die("usage: w5_topk FILE ROWS_PER_BATCH [BATCHES [K]]%s", "");
    mapped m = map_file(argv[1]);
    long long per_batch = atoll(argv[2]);
    long long per_window = argc > 3 ? atoll(argv[3]) : 10;
    int k = argc > 4 ? atoi(argv[4]) : 10;
    if (per_batch <= 0 || per_window <= 0 || k <= 0)
        die("bad arguments%s", "");
    wc_init(&wc);
    uint32_t *top = xmalloc((size_t)k * sizeof *top);
    obuf out;
    ob_init(&out, 1);
    size_t at = 0;
    for (int64_t window = 1; wc_add_lines(&wc, &m, &at, per_batch * per_window);
         window++) {
        int ntop = 0;
        for (size_t i = 0; i < wc.ntouched; i++) {
            uint32_t id = wc.touched[i], n = wc.count[id];
            if (ntop == k && !before(id, n, top[k - 1], wc.count[top[k - 1]]))
                continue;
            int j = ntop < k ? ntop++ : k - 1;
            while (j > 0 && before(id, n, top[j - 1], wc.count[top[j - 1]])) {
                top[j] = top[j - 1];
                j--;
            }
            top[j] = id;
        }
        int64_t end_us = window * per_window * 1000000;
        for (int i = 0; i < ntop; i++) {
            ob_timestamp(&out, end_us);
            ob_char(&out, ',');
            ob_word_count(&out, &wc, top[i]);
        }
        wc_clear(&wc);
    }
    ob_fini(&out);
    return 0;
}
