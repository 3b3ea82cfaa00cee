/*
** value.c - text forms of values: number and timestamp formatting and
** parsing, SQLite-style lenient casts, hashing and text comparison.
** Declared in value.h.
*/
#include "value.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mem.h"

const char *ds_type_name(int type) {
    switch (type) {
    case DS_BIGINT:
        return "BIGINT";
    case DS_DOUBLE:
        return "DOUBLE";
    case DS_TEXT:
        return "TEXT";
    case DS_BOOLEAN:
        return "BOOLEAN";
    case DS_TIMESTAMP:
        return "TIMESTAMP";
    default:
        return "NULL";
    }
}

/* Writes the decimal digits of u, right-aligned to end; returns the start. */
static char *digits_back(uint64_t u, char *end) {
    do {
        *--end = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    return end;
}

int ds__fmt_int(int64_t i, char *buf) {
    char tmp[24], *end = tmp + sizeof tmp;
    uint64_t u = i < 0 ? 0 - (uint64_t)i : (uint64_t)i;
    char *p = digits_back(u, end);
    if (i < 0)
        *--p = '-';
    int n = (int)(end - p);
    memcpy(buf, p, (size_t)n);
    buf[n] = 0;
    return n;
}

/* Writes v (0 <= v < 10^width) in exactly width digits. */
static void digits_fixed(uint64_t v, int width, char *out) {
    for (int k = width - 1; k >= 0; k--) {
        out[k] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* The next decimal digit of *val (0 <= *val < 10), as SQLite's
   et_getdigit: at most *cnt significant digits, then zeros. */
static char next_digit(long double *val, int *cnt) {
    if (*cnt <= 0)
        return '0';
    (*cnt)--;
    int digit = (int)*val;
    *val = (*val - (long double)digit) * 10.0;
    return (char)('0' + digit);
}

/*
** SQLite 3.40's "%!.15g" (its own printf, with long double arithmetic), so
** that doubles turned into text match the oracle digit for digit: 15
** significant digits, trailing zeros removed but one kept after the point,
** exponent form below 1e-4 and from 1e15.
*/
static int fmt_double_sqlite(double d, char *buf);

/*
** ds__fmt_double's fast path, for 1e-4 <= |d| < 1e15: the 15 significant
** digits are d * 10^(14 - exp) rounded half up. The product is computed
** exactly, as hi + lo with fma (10^k is exact for k <= 18), so the digits
** are right unless the value is within 1e-3 of a tie, where SQLite's own
** long double steps (with their tiny errors) decide: those values, and
** every other d, take SQLite's steps. Returns the length, or 0 when it
** cannot decide.
*/
static int fmt_double_fast(double d, char *buf) {
    static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,
                                 1e7,  1e8,  1e9,  1e10, 1e11, 1e12, 1e13,
                                 1e14, 1e15, 1e16, 1e17, 1e18};
    static const double lows[] = {
        1e-4, 1e-3, 1e-2, 1e-1, 1e0,  1e1,  1e2,  1e3,  1e4, 1e5,
        1e6,  1e7,  1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14}; /* 10^exp, exp =
                                                                  -4 .. 14 */
    double a = d < 0 ? -d : d;
    if (!(a >= 1e-4 && a < 1e15))
        return 0;
    int exp = 14;
    while (exp > -4 && a < lows[exp + 4])
        exp--;
    double scale = p10[14 - exp];
    double hi = a * scale, lo = fma(a, scale, -hi); /* == a * scale */
    if (!(hi < 9007199254740992.0))
        return 0;
    double fl = (double)(uint64_t)hi; /* floor: 0 <= hi < 2^53 */
    double frac = (hi - fl) + lo;     /* in (-1, 2) */
    if (frac > 0.499 && frac < 0.501)
        return 0;
    if (frac < 0) {
        fl -= 1;
        frac += 1;
    } else if (frac >= 1) {
        fl += 1;
        frac -= 1;
    }
    uint64_t m = (uint64_t)fl + (frac >= 0.5);
    if (m >= 1000000000000000ULL) { /* rounded up to the next power */
        m /= 10;
        exp++;
        if (exp > 14)
            return 0; /* exponent form */
    } else if (m < 100000000000000ULL) {
        return 0; /* exp was off by one: let the slow path decide */
    }
    char dig[15];
    digits_fixed(m, 15, dig);
    int last = 14; /* the last nonzero digit */
    while (last > 0 && dig[last] == '0')
        last--;
    char *p = buf;
    if (d < 0)
        *p++ = '-';
    if (exp >= 0) {
        memcpy(p, dig, (size_t)exp + 1);
        p += exp + 1;
        *p++ = '.';
        if (last > exp) {
            memcpy(p, dig + exp + 1, (size_t)(last - exp));
            p += last - exp;
        } else {
            *p++ = '0';
        }
    } else {
        *p++ = '0';
        *p++ = '.';
        for (int z = -1; z > exp; z--)
            *p++ = '0';
        memcpy(p, dig, (size_t)last + 1);
        p += last + 1;
    }
    *p = 0;
    return (int)(p - buf);
}

int ds__fmt_double(double d, char *buf) {
    int n = fmt_double_fast(d, buf);
    return n ? n : fmt_double_sqlite(d, buf);
}

int ds__fmt_double_slow(double d, char *buf) {
    return fmt_double_sqlite(d, buf);
}

static int fmt_double_sqlite(double d, char *buf) {
    if (isnan(d))
        return snprintf(buf, DS_NUMBUF, "NaN");
    if (isinf(d))
        return snprintf(buf, DS_NUMBUF, d < 0 ? "-Inf" : "Inf");
    long double v = d;
    char *p = buf;
    if (v < 0) {
        v = -v;
        *p++ = '-';
    }
    int precision = 14; /* %.15g: one digit before the point */
    /* the constants are doubles, as in SQLite, widened as it widens them */
    long double rounder = 5.0e-05;
    rounder *= 1.0e-10;
    int exp = 0;
    if (v > 0) {
        long double scale = 1.0L;
        while (v >= 1e100 * scale && exp <= 350) {
            scale *= 1e100;
            exp += 100;
        }
        while (v >= 1e10 * scale && exp <= 350) {
            scale *= 1e10;
            exp += 10;
        }
        while (v >= 10.0 * scale && exp <= 350) {
            scale *= 10.0;
            exp++;
        }
        v /= scale;
        while (v < 1e-8) {
            v *= 1e8;
            exp -= 8;
        }
        while (v < 1.0) {
            v *= 10.0;
            exp--;
        }
    }
    v += rounder;
    if (v >= 10.0) {
        v *= 0.1;
        exp++;
    }
    int use_exp = exp < -4 || exp > precision;
    int e2 = use_exp ? 0 : exp;
    if (!use_exp)
        precision -= exp;
    int nsd = 26; /* significant digits produced, then '0's */
    if (e2 < 0) {
        *p++ = '0';
    } else {
        for (; e2 >= 0; e2--)
            *p++ = next_digit(&v, &nsd);
    }
    *p++ = '.';
    for (e2++; e2 < 0; precision--, e2++)
        *p++ = '0';
    while (precision-- > 0)
        *p++ = next_digit(&v, &nsd);
    while (p[-1] == '0')
        p--;
    if (p[-1] == '.')
        *p++ = '0';
    if (use_exp) {
        *p++ = 'e';
        if (exp < 0) {
            *p++ = '-';
            exp = -exp;
        } else {
            *p++ = '+';
        }
        if (exp >= 100) {
            *p++ = (char)('0' + exp / 100);
            exp %= 100;
        }
        *p++ = (char)('0' + exp / 10);
        *p++ = (char)('0' + exp % 10);
    }
    *p = 0;
    return (int)(p - buf);
}

int64_t ds__days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

void ds__civil_from_days(int64_t z, int64_t *py, unsigned *pm, unsigned *pd) {
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

int ds__fmt_timestamp(int64_t us, char *buf) {
    int64_t secs = us / 1000000, frac = us % 1000000;
    if (frac < 0) {
        frac += 1000000;
        secs -= 1;
    }
    int64_t days = secs / 86400, sod = secs % 86400;
    if (sod < 0) {
        sod += 86400;
        days -= 1;
    }
    int64_t y;
    unsigned m, d;
    ds__civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999) { /* rare: let printf widen the year */
        int n = snprintf(buf, DS_NUMBUF, "%04lld-%02u-%02u %02d:%02d:%02d",
                         (long long)y, m, d, (int)(sod / 3600),
                         (int)(sod / 60 % 60), (int)(sod % 60));
        if (frac)
            n += snprintf(buf + n, DS_NUMBUF - (size_t)n, ".%06d", (int)frac);
        return n;
    }
    char *p = buf;
    digits_fixed((uint64_t)y, 4, p);
    p[4] = '-';
    digits_fixed(m, 2, p + 5);
    p[7] = '-';
    digits_fixed(d, 2, p + 8);
    p[10] = ' ';
    digits_fixed((uint64_t)(sod / 3600), 2, p + 11);
    p[13] = ':';
    digits_fixed((uint64_t)(sod / 60 % 60), 2, p + 14);
    p[16] = ':';
    digits_fixed((uint64_t)(sod % 60), 2, p + 17);
    int n = 19;
    if (frac) {
        p[19] = '.';
        digits_fixed((uint64_t)frac, 6, p + 20);
        n = 26;
    }
    buf[n] = 0;
    return n;
}

int ds_format_double(double d, char *buf) { return ds__fmt_double(d, buf); }

char *ds_format_timestamp(int64_t us, char *buf) {
    ds__fmt_timestamp(us, buf);
    return buf;
}

int ds__fmt_value(int type, int64_t i, double d, char *buf) {
    switch (type) {
    case DS_DOUBLE:
        return ds__fmt_double(d, buf);
    case DS_TIMESTAMP:
        return ds__fmt_timestamp(i, buf);
    case DS_BOOLEAN:
        return snprintf(buf, DS_NUMBUF, "%s", i ? "true" : "false");
    default:
        return ds__fmt_int(i, buf);
    }
}

/* Reads exactly `digits` decimal digits at s[*i]. */
static int take_digits(const char *s, size_t n, size_t *i, int digits,
                       int *out) {
    int v = 0;
    for (int k = 0; k < digits; k++) {
        if (*i >= n || s[*i] < '0' || s[*i] > '9')
            return 0;
        v = v * 10 + (s[(*i)++] - '0');
    }
    *out = v;
    return 1;
}

static void skip_blanks(const char *s, size_t n, size_t *i) {
    while (*i < n &&
           (s[*i] == ' ' || s[*i] == '\t' || s[*i] == '\n' || s[*i] == '\r'))
        (*i)++;
}

int ds__parse_timestamp(const char *s, size_t n, int64_t *us) {
    size_t i = 0;
    int Y, M, D, h = 0, mi = 0, sec = 0, neg = 0;
    int64_t frac = 0;
    skip_blanks(s, n, &i);
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    if (!take_digits(s, n, &i, 4, &Y) || i >= n || s[i++] != '-' ||
        !take_digits(s, n, &i, 2, &M) || i >= n || s[i++] != '-' ||
        !take_digits(s, n, &i, 2, &D))
        return 0;
    if (M < 1 || M > 12 || D < 1 || D > 31)
        return 0;
    int64_t offset = 0;
    if (i < n && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
        size_t save = i++;
        if (!take_digits(s, n, &i, 2, &h)) {
            i = save; /* a trailing blank after the date */
        } else {
            if (i >= n || s[i++] != ':' || !take_digits(s, n, &i, 2, &mi))
                return 0;
            if (i < n && s[i] == ':') {
                i++;
                if (!take_digits(s, n, &i, 2, &sec))
                    return 0;
                if (i < n && (s[i] == '.' || s[i] == ',')) {
                    i++;
                    int digits = 0;
                    while (i < n && s[i] >= '0' && s[i] <= '9') {
                        if (digits < 6) {
                            frac = frac * 10 + (s[i] - '0');
                            digits++;
                        }
                        i++;
                    }
                    if (digits == 0)
                        return 0;
                    while (digits++ < 6)
                        frac *= 10;
                }
            }
            if (h > 23 || mi > 59 || sec > 60)
                return 0;
            skip_blanks(s, n, &i);
            if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
                i++;
            } else if (i < n && (s[i] == '+' || s[i] == '-')) {
                int sign = s[i++] == '-' ? -1 : 1, oh, om = 0;
                if (!take_digits(s, n, &i, 2, &oh))
                    return 0;
                if (i < n && s[i] == ':')
                    i++;
                if (i < n && s[i] >= '0' && s[i] <= '9' &&
                    !take_digits(s, n, &i, 2, &om))
                    return 0;
                if (oh > 23 || om > 59)
                    return 0;
                offset = sign * (int64_t)(oh * 3600 + om * 60);
            }
        }
    }
    skip_blanks(s, n, &i);
    if (i != n)
        return 0;
    int64_t days = ds__days_from_civil(neg ? -Y : Y, (unsigned)M, (unsigned)D);
    int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - offset;
    *us = secs * 1000000 + frac;
    return 1;
}

int ds__parse_int64(const char *s, size_t n, int64_t *out) {
    size_t i = 0;
    skip_blanks(s, n, &i);
    int neg = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    if (i >= n || s[i] < '0' || s[i] > '9')
        return 0;
    uint64_t v = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
        unsigned dgt = (unsigned)(s[i++] - '0');
        if (v > (UINT64_MAX - dgt) / 10)
            return 0;
        v = v * 10 + dgt;
    }
    skip_blanks(s, n, &i);
    if (i != n)
        return 0;
    if (neg) {
        if (v > (uint64_t)INT64_MAX + 1)
            return 0;
        *out = (int64_t)(0 - v);
    } else {
        if (v > (uint64_t)INT64_MAX)
            return 0;
        *out = (int64_t)v;
    }
    return 1;
}

/* Length of the longest prefix of s that strtod-style parses as a decimal
   number (no hex, no inf/nan), starting at i. */
static size_t number_prefix(const char *s, size_t n, size_t i, int *is_real) {
    size_t start = i;
    *is_real = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    size_t digits = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (i < n && s[i] == '.') {
        size_t j = i + 1, fd = 0;
        while (j < n && s[j] >= '0' && s[j] <= '9')
            j++, fd++;
        if (digits + fd > 0) {
            i = j;
            digits += fd;
            *is_real = 1;
        }
    }
    if (digits == 0)
        return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        if (j < n && (s[j] == '-' || s[j] == '+'))
            j++;
        if (j < n && s[j] >= '0' && s[j] <= '9') {
            while (j < n && s[j] >= '0' && s[j] <= '9')
                j++;
            i = j;
            *is_real = 1;
        }
    }
    return i - start;
}

static double to_double(const char *s, size_t n) {
    char small[64];
    char *buf = n < sizeof small ? small : ds_malloc(n + 1);
    if (!buf)
        return 0.0;
    memcpy(buf, s, n);
    buf[n] = 0;
    double d = strtod(buf, NULL);
    if (buf != small)
        ds_free(buf);
    return d;
}

int ds__parse_double(const char *s, size_t n, double *out) {
    size_t i = 0;
    skip_blanks(s, n, &i);
    int is_real;
    size_t len = number_prefix(s, n, i, &is_real);
    if (len == 0) {
        /* inf, nan and the like are not accepted as input numbers */
        return 0;
    }
    size_t j = i + len;
    skip_blanks(s, n, &j);
    if (j != n)
        return 0;
    *out = to_double(s + i, len);
    return 1;
}

int ds__parse_bool(const char *s, size_t n, int *out) {
    size_t i = 0;
    skip_blanks(s, n, &i);
    while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    static const struct {
        const char *w;
        int v;
    } words[] = {{"true", 1}, {"false", 0}, {"t", 1},   {"f", 0},
                 {"1", 1},    {"0", 0},     {"yes", 1}, {"no", 0}};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
        size_t wl = strlen(words[k].w);
        if (wl == n - i && strncasecmp(s + i, words[k].w, wl) == 0) {
            *out = words[k].v;
            return 1;
        }
    }
    return 0;
}

int64_t ds__double_to_int64(double d) {
    if (isnan(d))
        return 0;
    if (d <= -9223372036854775808.0)
        return INT64_MIN;
    if (d >= 9223372036854775807.0)
        return INT64_MAX;
    return (int64_t)d;
}

int64_t ds__text_to_int64(const char *s, size_t n) {
    /* as SQLite 3.40: the integer prefix only ('1e3' is 1, '3.9' is 3) */
    size_t k = 0;
    skip_blanks(s, n, &k);
    int neg = 0;
    if (k < n && (s[k] == '-' || s[k] == '+'))
        neg = s[k++] == '-';
    uint64_t v = 0;
    int over = 0;
    for (; k < n && s[k] >= '0' && s[k] <= '9'; k++) {
        unsigned dgt = (unsigned)(s[k] - '0');
        if (v > (UINT64_MAX - dgt) / 10) {
            over = 1;
            break;
        }
        v = v * 10 + dgt;
    }
    if (neg)
        return over || v > (uint64_t)INT64_MAX + 1 ? INT64_MIN
                                                   : (int64_t)(0 - v);
    return over || v > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)v;
}

double ds__text_to_double(const char *s, size_t n) {
    size_t i = 0;
    skip_blanks(s, n, &i);
    int is_real;
    size_t len = number_prefix(s, n, i, &is_real);
    return len ? to_double(s + i, len) : 0.0;
}

static inline uint64_t read64(const unsigned char *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint64_t mix(uint64_t a, uint64_t b) {
    __uint128_t r = (__uint128_t)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

uint64_t ds__hash_bytes(const void *data, size_t n, uint64_t seed) {
    const unsigned char *p = data;
    const uint64_t k0 = 0xa0761d6478bd642fULL, k1 = 0xe7037ed1a0b428dbULL;
    uint64_t h = seed ^ mix(n ^ k0, k1);
    while (n >= 16) {
        h = mix(read64(p) ^ k1, read64(p + 8) ^ h);
        p += 16;
        n -= 16;
    }
    uint64_t a = 0, b = 0;
    if (n >= 8) {
        a = read64(p);
        b = read64(p + n - 8);
    } else if (n >= 4) {
        uint32_t x, y;
        memcpy(&x, p, 4);
        memcpy(&y, p + n - 4, 4);
        a = x;
        b = y;
    } else if (n > 0) {
        a = ((uint64_t)p[0] << 16) | ((uint64_t)p[n >> 1] << 8) | p[n - 1];
    }
    return mix(a ^ k1 ^ n, b ^ h);
}

int ds__str_cmp(ds_str a, ds_str b) {
    size_t n = a.n < b.n ? a.n : b.n;
    int c = n ? memcmp(a.p, b.p, n) : 0;
    if (c)
        return c < 0 ? -1 : 1;
    return a.n < b.n ? -1 : a.n > b.n;
}
