/*
** bench.h - the core of what the bench's C programs share: errors and
** memory, the clock, the calendar, mapping an input file and cutting it
** into lines and words. The rest is split by concept:
**
**   bench_out.h    a buffered output that formats values the way dstream
**                  prints them (integers, doubles, timestamps, CSV text);
**   bench_parse.h  timestamp and number parsing, CSV and JSON fields, and
**                  the bench's readings (ts, sensor, temp) read from either;
**   bench_hash.h   a string hash and a table of strings to dense ids;
**   bench_words.h  per-batch word counts (W1, W5) on top of the last two.
**
** Header-only (static functions) so that every program in bench/ and
** bench/baseline/ is one translation unit built with `cc -O2`; each
** includes the headers it uses. Used by gen.c, compare.c, sqlite_ref.c and
** baseline/w*.c. None of it includes or links dstream's code, on purpose,
** though parts resemble it (the calendar below, ob_double in bench_out.h,
** parse_double in bench_parse.h): the programs are the references that
** dstream's results are checked against.
*/
#ifndef DS_BENCH_H
#define DS_BENCH_H

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#if defined(__GNUC__)
#define B_UNUSED __attribute__((unused))
#else
#define B_UNUSED
#endif

/* ------------------------------------------------------------ errors */

B_UNUSED static void die(const char *fmt, const char *arg) {
    fprintf(stderr, "bench: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    exit(1);
}

B_UNUSED static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory%s", "");
    return p;
}

B_UNUSED static void *xcalloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        die("out of memory%s", "");
    return p;
}

B_UNUSED static void *xrealloc(void *p, size_t n) {
    p = realloc(p, n ? n : 1);
    if (!p)
        die("out of memory%s", "");
    return p;
}

/* Grows an array of n items of size bytes to ncap items, the new ones
   zeroed. */
B_UNUSED static void *xrealloc_zero(void *p, size_t n, size_t ncap,
                                    size_t size) {
    p = xrealloc(p, ncap * size);
    memset((char *)p + n * size, 0, (ncap - n) * size);
    return p;
}

B_UNUSED static double now_sec(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------------------ calendar */

/*
** Days since 1970-01-01 from a proleptic Gregorian date and back: Howard
** Hinnant's published algorithms (days_from_civil, civil_from_days). The
** engine's runtime/value.c uses the same ones; the bench keeps its own on
** purpose: its programs are references that must not include or link the
** engine's code, since a reference that reused the engine's code could not
** catch its bugs.
*/
static inline int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static inline void civil_from_days(int64_t z, int64_t *py, unsigned *pm,
                                   unsigned *pd) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    *py = y + (m <= 2);
    *pm = m;
    *pd = d;
}

static inline int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/*
** "YYYY-MM-DD" of a day (days since the epoch), formatted again only when
** the day changes: rows in time order mostly fall on the same day as the
** row before.
*/
typedef struct {
    int64_t day; /* of text; INT64_MIN: none yet */
    size_t len;
    char text[24];
} date_cache;

#define DATE_CACHE_INIT                                                        \
    { INT64_MIN, 0, "" }

static inline const char *cached_date(date_cache *c, int64_t day) {
    if (day != c->day) {
        int64_t y;
        unsigned m, d;
        civil_from_days(day, &y, &m, &d);
        c->len = (size_t)snprintf(c->text, sizeof c->text, "%04lld-%02u-%02u",
                                  (long long)y, m, d);
        c->day = day;
    }
    return c->text;
}

/* ------------------------------------------------------------ input */

/* A whole file mapped read-only; an empty file maps to "" of length 0. */
typedef struct {
    const char *p;
    size_t n;
} mapped;

B_UNUSED static mapped map_file(const char *path) {
    mapped m = {"", 0};
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        die("cannot open %s", path);
    struct stat st;
    if (fstat(fd, &st) != 0)
        die("cannot stat %s", path);
    if (st.st_size > 0) {
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED)
            die("cannot map %s", path);
        madvise(p, (size_t)st.st_size, MADV_SEQUENTIAL);
        m.p = p;
        m.n = (size_t)st.st_size;
    }
    close(fd);
    return m;
}

/*
** The next record of a text input, as dstream's decoders cut them: a line
** ends with "\n" or "\r\n"; the last line needs no line end. Sets *line and
** *len (without the line end), moves *at past the record and returns 1, or
** returns 0 at the end of the input.
*/
static inline int next_line(const mapped *m, size_t *at, const char **line,
                            size_t *len) {
    if (*at >= m->n)
        return 0;
    const char *s = m->p + *at;
    const char *nl = memchr(s, '\n', m->n - *at);
    size_t n = nl ? (size_t)(nl - s) : m->n - *at;
    *at += n + (nl != NULL);
    if (n && s[n - 1] == '\r')
        n--;
    *line = s;
    *len = n;
    return 1;
}

/*
** The words of a line as dstream's split(line, ' ') gives them: every piece
** between spaces, empty ones included, and no piece for an empty line.
**
**   word_iter it = words_of(line, len);
**   while (next_word(&it, &w, &wn))
**       ...
*/
typedef struct {
    const char *p; /* the next word's start; NULL after the last word */
    const char *end;
} word_iter;

static inline word_iter words_of(const char *line, size_t len) {
    return (word_iter){len ? line : NULL, line + len};
}

static inline int next_word(word_iter *it, const char **w, size_t *n) {
    if (!it->p)
        return 0;
    const char *sp = memchr(it->p, ' ', (size_t)(it->end - it->p));
    const char *stop = sp ? sp : it->end;
    *w = it->p;
    *n = (size_t)(stop - it->p);
    it->p = sp ? sp + 1 : NULL;
    return 1;
}

#endif /* DS_BENCH_H */
