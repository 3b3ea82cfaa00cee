/*
** bench_words.h - the words of the text workloads (W1, W5) counted by
** batch or window: ids from bench_hash.h's table, counts in arrays by id,
** and a word's output row. Part of bench.h's family (see there).
*/
#ifndef DS_BENCH_WORDS_H
#define DS_BENCH_WORDS_H

#include "bench_hash.h"
#include "bench_out.h"

/*
** Counts of words by dense id, for one batch or window at a time: a word's
** id comes from a table kept for the whole run, count[id] is its count
** since the last wc_clear, and touched[0..ntouched) lists the ids counted
** since then, in order of first sight.
*/
typedef struct {
    sid_map words;
    uint32_t *count, *touched; /* by id; cap of each */
    size_t ntouched, cap;
} word_counts;

B_UNUSED static void wc_init(word_counts *c) {
    sid_init(&c->words, 1 << 16);
    c->cap = 1 << 16;
    c->count = xcalloc(c->cap, sizeof *c->count);
    c->touched = xmalloc(c->cap * sizeof *c->touched);
    c->ntouched = 0;
}

B_UNUSED static void wc_grow(word_counts *c) {
    size_t ncap = c->cap * 2;
    c->count = xrealloc_zero(c->count, c->cap, ncap, sizeof *c->count);
    c->touched = xrealloc(c->touched, ncap * sizeof *c->touched);
    c->cap = ncap;
}

/* Counts the words of a line (split(line, ' '), see words_of). */
static inline void wc_add_line(word_counts *c, const char *line, size_t len) {
    uint32_t *count = c->count, *touched = c->touched;
    size_t nt = c->ntouched;
    word_iter it = words_of(line, len);
    const char *w;
    size_t n;
    while (next_word(&it, &w, &n)) {
        uint32_t id = sid_get(&c->words, w, n);
        if (id >= c->cap) {
            wc_grow(c);
            count = c->count, touched = c->touched;
        }
        if (count[id]++ == 0)
            touched[nt++] = id;
    }
    c->ntouched = nt;
}

/* Counts the words of the next n lines from *at on (a batch or a window;
   fewer at the end of the input). Returns how many lines it read: 0 at the
   end. */
static inline long long wc_add_lines(word_counts *c, const mapped *m,
                                     size_t *at, long long n) {
    const char *line;
    size_t len;
    long long k = 0;
    for (; k < n && next_line(m, at, &line, &len); k++)
        wc_add_line(c, line, len);
    return k;
}

/* Zeroes the counts of the touched ids and forgets them. */
static inline void wc_clear(word_counts *c) {
    for (size_t i = 0; i < c->ntouched; i++)
        c->count[c->touched[i]] = 0;
    c->ntouched = 0;
}

/* A word's row "word,n" (its count since the last wc_clear), as dstream
   writes it in CSV. */
static inline void ob_word_count(obuf *out, const word_counts *c, uint32_t id) {
    ob_csv_text(out, c->words.str[id], c->words.len[id]);
    ob_char(out, ',');
    ob_i64(out, c->count[id]);
    ob_char(out, '\n');
}

#endif /* DS_BENCH_WORDS_H */
