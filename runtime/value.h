/*
** value.h - scalar values of the five SQL types, and their text forms.
**
** Types are the DS_BIGINT ... DS_TIMESTAMP constants of dstream.h. This file
** converts between values and text the way SQLite does where the two agree
** (numbers), and by ISO-8601 for timestamps (design section 3). Used by the
** vectorized expressions (expr*.c), the decoders in sources/, the printers,
** and the planner for literals.
*/
#ifndef DS_VALUE_H
#define DS_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include "dstream.h"

/* A view of bytes that someone else owns (an arena, an input buffer). */
typedef struct ds_str {
    const char *p; /* borrowed */
    size_t n;
} ds_str;

/* One value of any type; text is a borrowed view. */
typedef struct ds_value {
    int type; /* DS_NULL for NULL */
    union {
        int64_t i; /* BIGINT, TIMESTAMP, BOOLEAN (0/1) */
        double d;
        ds_str s;
    } u;
} ds_value;

/* Largest text any number or timestamp formats to, with the NUL. */
#define DS_NUMBUF 40

/*
** Formats a double as SQLite 3.40 does ("%!.15g": 1.0, 0.1, 1.0e+20);
** returns the length written into buf (DS_NUMBUF bytes).
*/
int ds__fmt_double(double d, char *buf);
/* The same by SQLite's steps alone (no fast path), for tests. */
int ds__fmt_double_slow(double d, char *buf);
int ds__fmt_int(int64_t i, char *buf);
/* "YYYY-MM-DD HH:MM:SS" with ".ffffff" when the microseconds are not 0. */
int ds__fmt_timestamp(int64_t us, char *buf);
/* Formats v of type (not NULL) into buf; TEXT is not handled. */
int ds__fmt_value(int type, int64_t i, double d, char *buf);

/*
** Parses an ISO-8601 timestamp: "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS[.f*]]",
** 'T' or ' ' between date and time, an optional "Z" or "+HH[:MM]" offset.
** Returns 1 and sets *us on success, 0 if s is not a timestamp.
*/
int ds__parse_timestamp(const char *s, size_t n, int64_t *us);

/*
** Strict number parsing for input decoding: the whole text (surrounding
** blanks allowed) must be the number. Return 1 on success, 0 otherwise.
** ds__parse_int64 fails on overflow.
*/
int ds__parse_int64(const char *s, size_t n, int64_t *out);
int ds__parse_double(const char *s, size_t n, double *out);
/* "true"/"false"/"1"/"0"/"t"/"f"/"yes"/"no" in any case. */
int ds__parse_bool(const char *s, size_t n, int *out);

/*
** Lenient conversions of CAST(text AS ...), as SQLite 3.40 does: after
** leading blanks, the longest integer prefix for BIGINT (saturating on
** overflow; '1e3' is 1) and the longest real prefix for DOUBLE; 0 when
** there is none.
*/
int64_t ds__text_to_int64(const char *s, size_t n);
double ds__text_to_double(const char *s, size_t n);

/* CAST(double AS BIGINT): truncation toward zero, saturating at the
   bounds; NaN gives 0 (SQLite). */
int64_t ds__double_to_int64(double d);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t ds__days_from_civil(int64_t y, unsigned m, unsigned d);
void ds__civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

/* A 64-bit hash of bytes, for hash tables (wyhash-style mixing). */
uint64_t ds__hash_bytes(const void *p, size_t n, uint64_t seed);
static inline uint64_t ds__hash_u64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* Three-way comparison of texts, bytewise (memcmp, shorter first). */
int ds__str_cmp(ds_str a, ds_str b);

#endif
