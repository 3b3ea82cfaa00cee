/*
** w1_wordcount.c - the C baseline of workload W1 (bench/workloads/
** w1_wordcount.sql): the count of every word of each batch.
**
**   w1_wordcount FILE ROWS_PER_BATCH > out.csv
**
** dstream's semantics: the virtual clock cuts the file into batches of
** ROWS_PER_BATCH lines in file order; split(line, ' ') gives every piece,
** empty ones included, and no piece for an empty line; each batch emits
** "word,n" for every word it holds. Written for speed: the file is mapped,
** words get a dense id from one open-addressing table for the whole run,
** and a batch counts into an array by id.
*/
#include "../bench_words.h"

int main(int argc, char **argv) {
    if (argc != 3)
        die("usage: w1_wordcount FILE ROWS_PER_BATCH%s", "");
    mapped m = map_file(argv[1]);
    long long per_batch = atoll(argv[2]);
    if (per_batch <= 0)
        die("bad ROWS_PER_BATCH %s", argv[2]);
    word_counts wc;
    wc_init(&wc);
    obuf out;
    ob_init(&out, 1);
    size_t at = 0;
    while (wc_add_lines(&wc, &m, &at, per_batch)) {
        for (size_t i = 0; i < wc.ntouched; i++)
            ob_word_count(&out, &wc, wc.touched[i]);
        wc_clear(&wc);
    }
    ob_fini(&out);
    return 0;
}
