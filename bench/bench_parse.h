/*
** bench_parse.h - reading the bench's inputs as dstream's decoders read
** them: timestamps (ISO-8601 text or epoch seconds), numbers, CSV and JSON
** fields, and the readings (ts, sensor, temp) of readings.csv and
** readings.jsonl. Part of bench.h's family (see there); like the rest of
** it, written independently of dstream's sources/decode.c (see
** parse_double).
*/
#ifndef DS_BENCH_PARSE_H
#define DS_BENCH_PARSE_H

#include "bench.h"

/* ------------------------------------------------------------ time */

static inline int digits_at(const char *s, size_t n, size_t i, int k, int *v) {
    int x = 0;
    if (i + (size_t)k > n)
        return 0;
    for (int j = 0; j < k; j++) {
        unsigned c = (unsigned)(s[i + j] - '0');
        if (c > 9)
            return 0;
        x = x * 10 + (int)c;
    }
    *v = x;
    return 1;
}

/*
** ISO-8601 text to microseconds: "YYYY-MM-DD[( |T)HH:MM[:SS[.f...]]]"
** then "Z" or "+HH:MM"/"-HH:MM" optionally. Returns 1, or 0 if it is not
** such a text.
*/
static inline int parse_iso(const char *s, size_t n, int64_t *us) {
    int Y, M, D, h = 0, mi = 0, sec = 0;
    int64_t frac = 0;
    size_t i = 0;
    if (!digits_at(s, n, 0, 4, &Y) || n < 10 || s[4] != '-' ||
        !digits_at(s, n, 5, 2, &M) || s[7] != '-' || !digits_at(s, n, 8, 2, &D))
        return 0;
    i = 10;
    if (i < n && (s[i] == ' ' || s[i] == 'T')) {
        if (!digits_at(s, n, i + 1, 2, &h) || i + 3 >= n || s[i + 3] != ':' ||
            !digits_at(s, n, i + 4, 2, &mi))
            return 0;
        i += 6;
        if (i < n && s[i] == ':') {
            if (!digits_at(s, n, i + 1, 2, &sec))
                return 0;
            i += 3;
            if (i < n && s[i] == '.') {
                int fd = 0;
                for (i++; i < n && (unsigned)(s[i] - '0') <= 9; i++)
                    if (fd++ < 6)
                        frac = frac * 10 + (s[i] - '0');
                for (; fd < 6; fd++)
                    frac *= 10;
            }
        }
    }
    int64_t off = 0;
    if (i < n && s[i] == 'Z') {
        i++;
    } else if (i < n && (s[i] == '+' || s[i] == '-')) {
        int oh, om;
        if (!digits_at(s, n, i + 1, 2, &oh) || i + 3 >= n || s[i + 3] != ':' ||
            !digits_at(s, n, i + 4, 2, &om))
            return 0;
        off = (oh * 60 + om) * 60 * (s[i] == '-' ? -1 : 1);
        i += 6;
    }
    if (i != n || M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || mi > 59 ||
        sec > 60)
        return 0;
    int64_t days = days_from_civil(Y, (unsigned)M, (unsigned)D);
    *us = ((days * 86400 + h * 3600 + mi * 60 + sec) - off) * 1000000 + frac;
    return 1;
}

/* Epoch seconds "123", "-5", "1767225600.123" to microseconds. */
static inline int parse_epoch(const char *s, size_t n, int64_t *us) {
    size_t i = 0;
    int neg = 0, digits = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    int64_t secs = 0, frac = 0;
    for (; i < n && (unsigned)(s[i] - '0') <= 9; i++, digits++)
        secs = secs * 10 + (s[i] - '0');
    if (i < n && s[i] == '.') {
        int fd = 0;
        for (i++; i < n && (unsigned)(s[i] - '0') <= 9; i++, digits++)
            if (fd++ < 6)
                frac = frac * 10 + (s[i] - '0');
        for (; fd < 6; fd++)
            frac *= 10;
    }
    if (i != n || !digits)
        return 0;
    int64_t v = secs * 1000000 + frac;
    *us = neg ? -v : v;
    return 1;
}

/* A TIMESTAMP field: ISO text or epoch seconds, as dstream's decoders. */
static inline int parse_timestamp(const char *s, size_t n, int64_t *us) {
    return parse_iso(s, n, us) || parse_epoch(s, n, us);
}

/* ------------------------------------------------------------ numbers */

/*
** b_pow10 and parse_double resemble ds__decode_double of dstream's
** sources/decode.c, being the same textbook fast path (Clinger's), and are
** written independently of it on purpose: the baselines are references
** that must not include or link the engine's code, since a reference that
** reused the engine's parsing could not catch its bugs. Keep them apart
** when either changes.
*/
static const double b_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/*
** A decimal to the nearest double: the exact fast path for at most 15
** significant digits and no exponent, strtod otherwise. Returns 1, or 0 if
** it is not a number. Independent of the engine's on purpose (see above).
*/
static inline int parse_double(const char *s, size_t n, double *out) {
    size_t i = 0;
    int neg = 0, sig = 0, e10 = 0, digits = 0;
    uint64_t m = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    for (; i < n && (unsigned)(s[i] - '0') <= 9; i++, digits++) {
        if (m || s[i] != '0')
            sig++;
        m = m * 10 + (uint64_t)(s[i] - '0');
    }
    if (i < n && s[i] == '.')
        for (i++; i < n && (unsigned)(s[i] - '0') <= 9; i++, digits++) {
            if (m || s[i] != '0')
                sig++;
            m = m * 10 + (uint64_t)(s[i] - '0');
            e10--;
        }
    if (i == n && digits && sig <= 15 && e10 >= -22) {
        double v = (double)m;
        v = e10 < 0 ? v / b_pow10[-e10] : v;
        *out = neg ? -v : v;
        return 1;
    }
    char tmp[128];
    if (n == 0 || n >= sizeof tmp)
        return 0;
    memcpy(tmp, s, n);
    tmp[n] = 0;
    char *end;
    double v = strtod(tmp, &end);
    if (end != tmp + n)
        return 0;
    *out = v;
    return 1;
}

/* ------------------------------------------------------------ CSV */

/*
** Splits a CSV record (RFC 4180 without quotes, which the bench's data
** never has) into at most max fields; returns the field count.
*/
static inline int csv_fields(const char *s, size_t n, const char **f,
                             size_t *fl, int max) {
    int k = 0;
    size_t start = 0;
    for (size_t i = 0; i <= n && k < max; i++) {
        if (i == n || s[i] == ',') {
            f[k] = s + start;
            fl[k] = i - start;
            k++;
            start = i + 1;
        }
    }
    return k;
}

/* ------------------------------------------------------------ JSON */

/* A JSON value of an object's field. */
typedef struct {
    const char *s; /* the value's text (without quotes for a string) */
    size_t n;
    int is_str, present;
} jval;

B_UNUSED static const char *skip_ws(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p;
}

/* Scans a JSON string at p (at the quote); sets its content (escapes left
   in place) and returns the position after it, or NULL. */
B_UNUSED static const char *scan_str(const char *p, const char *end, jval *v) {
    const char *s = ++p;
    while (p < end && *p != '"')
        p += *p == '\\' ? 2 : 1;
    if (p >= end)
        return NULL;
    v->s = s;
    v->n = (size_t)(p - s);
    v->is_str = 1;
    return p + 1;
}

/* Skips any JSON value (nested ones by bracket counting). */
B_UNUSED static const char *scan_value(const char *p, const char *end,
                                       jval *v) {
    if (p >= end)
        return NULL;
    if (*p == '"')
        return scan_str(p, end, v);
    const char *s = p;
    int depth = 0;
    while (p < end) {
        char c = *p;
        if (c == '"') {
            jval tmp;
            p = scan_str(p, end, &tmp);
            if (!p)
                return NULL;
            continue;
        }
        if (c == '{' || c == '[')
            depth++;
        else if (c == '}' || c == ']') {
            if (depth == 0)
                break;
            depth--;
        } else if (c == ',' && depth == 0)
            break;
        p++;
    }
    v->s = s;
    v->n = (size_t)(p - s);
    while (v->n && (s[v->n - 1] == ' ' || s[v->n - 1] == '\t'))
        v->n--;
    v->is_str = 0;
    return p;
}

/*
** Reads the fields named names[0..nf) of one JSON object (one line): f[k]
** gets the text of field k's value (strings without their quotes, escapes
** left in place); present is 0 for a missing field or a null. Returns 0 if
** the line is not a JSON object.
*/
B_UNUSED static int json_fields(const char *p, size_t len,
                                const char *const *names, int nf, jval *f) {
    const char *end = p + len;
    memset(f, 0, (size_t)nf * sizeof *f);
    p = skip_ws(p, end);
    if (p >= end || *p != '{')
        return 0;
    p = skip_ws(p + 1, end);
    if (p < end && *p == '}')
        return 1;
    for (;;) {
        jval key, val;
        if (p >= end || *p != '"' || !(p = scan_str(p, end, &key)))
            return 0;
        p = skip_ws(p, end);
        if (p >= end || *p != ':')
            return 0;
        p = skip_ws(p + 1, end);
        if (!(p = scan_value(p, end, &val)))
            return 0;
        for (int k = 0; k < nf; k++)
            if (key.n == strlen(names[k]) && !memcmp(key.s, names[k], key.n)) {
                f[k] = val;
                f[k].present =
                    !(val.n == 4 && !val.is_str && !memcmp(val.s, "null", 4));
            }
        p = skip_ws(p, end);
        if (p < end && *p == ',') {
            p = skip_ws(p + 1, end);
            continue;
        }
        return p < end && *p == '}';
    }
}

/* ------------------------------------------------------------ readings */

/* A row of the bench's readings: (ts TIMESTAMP, sensor TEXT, temp DOUBLE). */
typedef struct {
    int64_t ts;         /* microseconds, if has_ts */
    double temp;        /* if has_temp */
    const char *sensor; /* borrowed from the input */
    size_t sensor_n;
    int has_ts, has_temp; /* 0: NULL */
} reading;

/* A CSV row ts,sensor,temp; an empty ts or temp is NULL. Returns 0 for a
   bad row (not three fields, or a ts or temp that does not convert). */
static inline int parse_reading_csv(const char *line, size_t len, reading *r) {
    const char *f[4];
    size_t fl[4];
    if (csv_fields(line, len, f, fl, 4) != 3)
        return 0;
    r->ts = 0, r->temp = 0;
    r->has_ts = fl[0] > 0;
    r->has_temp = fl[2] > 0;
    r->sensor = f[1];
    r->sensor_n = fl[1];
    return (!r->has_ts || parse_timestamp(f[0], fl[0], &r->ts)) &&
           (!r->has_temp || parse_double(f[2], fl[2], &r->temp));
}

/* A JSON line {"ts": ..., "sensor": ..., "temp": ...}: ts is ISO text or
   epoch seconds (a string is tried as either, a number as epoch seconds);
   a missing field or a null is NULL (a NULL sensor is the empty string).
   Returns 0 for a bad row. */
B_UNUSED static int parse_reading_json(const char *line, size_t len,
                                       reading *r) {
    static const char *const names[3] = {"ts", "sensor", "temp"};
    jval v[3];
    if (!json_fields(line, len, names, 3, v))
        return 0;
    r->ts = 0, r->temp = 0;
    r->has_ts = v[0].present;
    r->has_temp = v[2].present;
    r->sensor = v[1].s;
    r->sensor_n = v[1].present ? v[1].n : 0;
    if (r->has_ts && !(v[0].is_str ? parse_timestamp(v[0].s, v[0].n, &r->ts)
                                   : parse_epoch(v[0].s, v[0].n, &r->ts)))
        return 0;
    return !r->has_temp || parse_double(v[2].s, v[2].n, &r->temp);
}

/* The readings of a mapped input, in file order. */
typedef struct {
    const mapped *m;
    size_t at;
    int eof; /* set once the input is all read */
} reading_in;

static inline reading_in readings_of(const mapped *m) {
    return (reading_in){m, 0, 0};
}

/* The next reading of a JSON-lines (json) or CSV input that converts into
   *r (bad rows are skipped, as dstream skips them: they take no place in a
   batch). Returns 0 at the end. A constant json lets the compiler drop the
   other format's parser from the caller's loop. */
static inline int next_reading(reading_in *in, int json, reading *r) {
    const char *line;
    size_t len;
    while (next_line(in->m, &in->at, &line, &len))
        if (json ? parse_reading_json(line, len, r)
                 : parse_reading_csv(line, len, r))
            return 1;
    in->eof = 1;
    return 0;
}

#endif /* DS_BENCH_PARSE_H */
