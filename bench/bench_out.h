/*
** bench_out.h - a buffered output for the bench's C programs that formats
** values the way dstream prints them: integers, doubles ("%.15g" and ".0"),
** timestamps ("YYYY-MM-DD HH:MM:SS[.ffffff]") and CSV text (quoted when
** needed). Part of bench.h's family (see there).
*/
#ifndef DS_BENCH_OUT_H
#define DS_BENCH_OUT_H

#include "bench.h"

/* A buffered writer to a file descriptor. */
typedef struct {
    char *p;
    size_t n, cap;
    int fd;
} obuf;

B_UNUSED static void ob_init(obuf *b, int fd) {
    b->cap = 1 << 20;
    b->p = xmalloc(b->cap);
    b->n = 0;
    b->fd = fd;
}

B_UNUSED static void ob_flush(obuf *b) {
    size_t off = 0;
    while (off < b->n) {
        ssize_t w = write(b->fd, b->p + off, b->n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            die("write failed%s", "");
        off += (size_t)w;
    }
    b->n = 0;
}

B_UNUSED static void ob_fini(obuf *b) {
    ob_flush(b);
    free(b->p);
}

/* Makes room for n more bytes and returns where they go. */
static inline char *ob_room(obuf *b, size_t n) {
    if (b->n + n > b->cap)
        ob_flush(b);
    return b->p + b->n;
}

static inline void ob_put(obuf *b, const char *s, size_t n) {
    if (n > b->cap / 2) {
        ob_flush(b);
        b->n = 0;
        size_t off = 0;
        while (off < n) {
            ssize_t w = write(b->fd, s + off, n - off);
            if (w <= 0)
                die("write failed%s", "");
            off += (size_t)w;
        }
        return;
    }
    memcpy(ob_room(b, n), s, n);
    b->n += n;
}

static inline void ob_char(obuf *b, char c) {
    *ob_room(b, 1) = c;
    b->n++;
}

static inline void ob_i64(obuf *b, int64_t v) {
    char tmp[24];
    int k = 24;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[--k] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[--k] = '-';
    ob_put(b, tmp + k, (size_t)(24 - k));
}

/* A TEXT value as a CSV field, as the dstream program writes it: quoted
   when it holds a comma, a quote or a line break, or starts or ends with a
   space. */
static inline void ob_csv_text(obuf *b, const char *s, size_t n) {
    int quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote) {
        ob_put(b, s, n);
        return;
    }
    ob_char(b, '"');
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            ob_char(b, '"');
        ob_char(b, s[i]);
    }
    ob_char(b, '"');
}

/*
** A double as dstream (and SQLite 3.40) prints it: "%.15g", with ".0"
** added to a whole number (1.0, 1.0e+20).
**
** This and ob_double below write the text dstream's runtime/value.c
** writes, so they look like it, but they are written independently of it
** on purpose: the baselines are references that must not include or link
** the engine's code, since a reference that reused the engine's formatting
** could not catch its bugs. Keep them apart when either changes.
*/
static inline void ob_double_slow(obuf *b, double d) {
    char tmp[48];
    if (isnan(d)) {
        ob_put(b, "NaN", 3);
        return;
    }
    if (isinf(d)) {
        ob_put(b, d < 0 ? "-Inf" : "Inf", d < 0 ? 4 : 3);
        return;
    }
    int n = snprintf(tmp, 40, "%.15g", d);
    if (!memchr(tmp, '.', (size_t)n)) {
        char *e = memchr(tmp, 'e', (size_t)n);
        if (!e) {
            memcpy(tmp + n, ".0", 2);
            n += 2;
        } else {
            memmove(e + 2, e, (size_t)(tmp + n - e));
            e[0] = '.';
            e[1] = '0';
            n += 2;
        }
    }
    ob_put(b, tmp, (size_t)n);
}

/*
** The same text, faster: 15 significant digits rounded in long double
** arithmetic (glibc rounds the exact binary value, so the last digit may
** differ about once in 10^4 values: the bench compares numbers with a
** tolerance), for magnitudes where %.15g uses no exponent. Written
** independently of dstream's own fast path in runtime/value.c, on purpose
** (see ob_double_slow): an independent reference can catch its bugs.
*/
static inline void ob_double(obuf *b, double d) {
    double a = fabs(d);
    if (!(a >= 1e-4 && a < 1e15)) {
        ob_double_slow(b, d);
        return;
    }
    static const long double p10[] = {
        1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,  1e7L,  1e8L, 1e9L,
        1e10L, 1e11L, 1e12L, 1e13L, 1e14L, 1e15L, 1e16L, 1e17L, 1e18L};
    int e = (int)floor(log10(a));
    if (e < -4)
        e = -4;
    if (e > 14)
        e = 14;
    while (e < 14 && (long double)a >= p10[e + 1])
        e++;
    while (e > -4 &&
           (e >= 0 ? (long double)a < p10[e] : (long double)a * p10[-e] < 1.0L))
        e--;
    long long mant = llroundl((long double)a * p10[14 - e]);
    if (mant >= 1000000000000000LL) {
        if (e == 14) {
            ob_double_slow(b, d);
            return;
        }
        e++;
        mant = llroundl((long double)a * p10[14 - e]);
    }
    char dig[16];
    for (int k = 14; k >= 0; k--) {
        dig[k] = (char)('0' + mant % 10);
        mant /= 10;
    }
    int last = 14; /* the last significant digit kept */
    while (last > 0 && last > e && dig[last] == '0')
        last--;
    char *p = ob_room(b, 48), *start = p;
    if (d < 0)
        *p++ = '-';
    if (e >= 0) {
        memcpy(p, dig, (size_t)e + 1);
        p += e + 1;
        *p++ = '.';
        if (last > e) {
            memcpy(p, dig + e + 1, (size_t)(last - e));
            p += last - e;
        } else {
            *p++ = '0';
        }
    } else {
        *p++ = '0';
        *p++ = '.';
        for (int k = 0; k < -e - 1; k++)
            *p++ = '0';
        memcpy(p, dig, (size_t)last + 1);
        p += last + 1;
    }
    b->n += (size_t)(p - start);
}

/* ------------------------------------------------------------ time */

static inline void put2(char *p, unsigned v) {
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
}

/*
** A TIMESTAMP (microseconds since the epoch) as dstream prints it:
** "YYYY-MM-DD HH:MM:SS", then ".ffffff" when the fraction is not zero.
** The date part of the last day printed is cached.
*/
static inline void ob_timestamp(obuf *b, int64_t us) {
    static date_cache dc = DATE_CACHE_INIT;
    int64_t secs = floor_div(us, 1000000), frac = us - secs * 1000000;
    int64_t day = floor_div(secs, 86400), sod = secs - day * 86400;
    const char *date = cached_date(&dc, day);
    char *p = ob_room(b, 48);
    memcpy(p, date, dc.len);
    p += dc.len;
    *p++ = ' ';
    put2(p, (unsigned)(sod / 3600));
    p[2] = ':';
    put2(p + 3, (unsigned)(sod / 60 % 60));
    p[5] = ':';
    put2(p + 6, (unsigned)(sod % 60));
    p += 8;
    if (frac) {
        *p++ = '.';
        for (int k = 5; k >= 0; k--) {
            p[k] = (char)('0' + frac % 10);
            frac /= 10;
        }
        p += 6;
    }
    b->n = (size_t)(p - b->p);
}

#endif /* DS_BENCH_OUT_H */
