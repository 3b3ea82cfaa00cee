/*
** expr_func.c - the scalar functions of the expression evaluator: text
** (lower ... instr), coalesce and nullif, numbers (abs ... sign) and time
** (to_timestamp, epoch_ms). Declared in expr.h; called by the driver in
** expr.c with the arguments already evaluated.
**
** Each function behaves as SQLite 3.40's of the same name on values of the
** planner's types: text counts UTF-8 characters the way SQLite skips them,
** round() formats as SQLite's printf does, and a NaN result is NULL. Text
** results are views of the input where they can be (substr, trim),
** otherwise written into ctx->arena once per chunk.
*/
#include "expr.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define NWORDS(n) (((n) + 63) >> 6)

/* Loops over the valid rows of o as row i. */
#define VALID_ROWS(o, n, ...)                                                  \
    for (int w_ = 0; w_ < NWORDS(n); w_++)                                     \
        for (uint64_t b_ = (o)->valid[w_]; b_; b_ &= b_ - 1) {                 \
            int i = (w_ << 6) + __builtin_ctzll(b_);                           \
            __VA_ARGS__;                                                       \
        }

const char *ds__fn_name(ds_fn fn) {
    static const char *const names[DS_FN_COUNT_] = {
        [DS_FN_LOWER] = "lower",
        [DS_FN_UPPER] = "upper",
        [DS_FN_LENGTH] = "length",
        [DS_FN_SUBSTR] = "substr",
        [DS_FN_TRIM] = "trim",
        [DS_FN_LTRIM] = "ltrim",
        [DS_FN_RTRIM] = "rtrim",
        [DS_FN_REPLACE] = "replace",
        [DS_FN_INSTR] = "instr",
        [DS_FN_COALESCE] = "coalesce",
        [DS_FN_NULLIF] = "nullif",
        [DS_FN_ABS] = "abs",
        [DS_FN_ROUND] = "round",
        [DS_FN_FLOOR] = "floor",
        [DS_FN_CEIL] = "ceil",
        [DS_FN_SQRT] = "sqrt",
        [DS_FN_POWER] = "power",
        [DS_FN_LN] = "ln",
        [DS_FN_EXP] = "exp",
        [DS_FN_SIGN] = "sign",
        [DS_FN_TO_TIMESTAMP] = "to_timestamp",
        [DS_FN_EPOCH_MS] = "epoch_ms",
    };
    return (unsigned)fn < DS_FN_COUNT_ && names[fn] ? names[fn] : "?";
}

/* ----------------------------------------------------------------- text */

/* lower/upper: ASCII letters only; every row's text in one arena piece. */
static int change_case(ds_vec *o, const ds_vec *a, int n, ds_arena *arena,
                       int upper) {
    size_t total = 0;
    VALID_ROWS(o, n, total += a->v.str[i].n)
    char *p = NULL;
    if (total && !(p = ds__arena_alloc(arena, total)))
        return DS_NOMEM;
    unsigned char from = upper ? 'a' : 'A';
    VALID_ROWS(o, n, {
        ds_str s = a->v.str[i];
        if (s.n == 0) {
            o->v.str[i] = s;
            continue;
        }
        for (size_t k = 0; k < s.n; k++) {
            unsigned char c = (unsigned char)s.p[k];
            p[k] = (char)((unsigned char)(c - from) < 26 ? c ^ 0x20 : c);
        }
        o->v.str[i].p = p;
        o->v.str[i].n = s.n;
        p += s.n;
    })
    return DS_OK;
}

static int64_t char_count(ds_str s) {
    const char *p = s.p, *end = s.p + s.n;
    int64_t len = 0;
    while (p < end) {
        p = ds__expr_utf8_next(p, end);
        len++;
    }
    return len;
}

/* substr(s, start[, len]) exactly as SQLite 3.40's substrFunc on text,
   which reads start and len as 32-bit ints. */
static ds_str substr_row(ds_str s, int64_t start, int has_len, int64_t len) {
    int64_t p1 = (int32_t)(uint32_t)start, p2;
    int neg = 0;
    const char *z = s.p, *end = s.p + s.n, *z2;
    if (has_len) {
        p2 = (int32_t)(uint32_t)len;
        if (p2 < 0) {
            p2 = -p2;
            neg = 1;
        }
    } else {
        p2 = 1000000000; /* SQLITE_LIMIT_LENGTH */
    }
    if (p1 < 0) {
        p1 += (int)char_count(s);
        if (p1 < 0) {
            p2 += p1;
            if (p2 < 0)
                p2 = 0;
            p1 = 0;
        }
    } else if (p1 > 0) {
        p1--;
    } else if (p2 > 0) {
        p2--;
    }
    if (neg) {
        p1 -= p2;
        if (p1 < 0) {
            p2 += p1;
            p1 = 0;
        }
    }
    for (; z < end && p1; p1--)
        z = ds__expr_utf8_next(z, end);
    for (z2 = z; z2 < end && p2; p2--)
        z2 = ds__expr_utf8_next(z2, end);
    return (ds_str){z, (size_t)(z2 - z)};
}

/* trim with a set of characters, as SQLite's trimFunc: each character of
   the set (a UTF-8 sequence) is removed while the text starts (ends) with
   it. mode: 1 left, 2 right, 3 both. */
static ds_str trim_row(ds_str s, ds_str set, int mode) {
    const char *p = s.p;
    size_t n = s.n;
    const char *se = set.p + set.n;
    if (mode & 1)
        while (n > 0) {
            const char *c = set.p, *d;
            for (; c < se; c = d) {
                d = ds__expr_utf8_next(c, se);
                size_t k = (size_t)(d - c);
                if (k <= n && memcmp(p, c, k) == 0)
                    break;
            }
            if (c >= se)
                break;
            size_t k = (size_t)(ds__expr_utf8_next(c, se) - c);
            p += k;
            n -= k;
        }
    if (mode & 2)
        while (n > 0) {
            const char *c = set.p, *d;
            for (; c < se; c = d) {
                d = ds__expr_utf8_next(c, se);
                size_t k = (size_t)(d - c);
                if (k <= n && memcmp(p + n - k, c, k) == 0)
                    break;
            }
            if (c >= se)
                break;
            n -= (size_t)(ds__expr_utf8_next(c, se) - c);
        }
    return (ds_str){p, n};
}

/* The same when every character of the set is ASCII: a byte table. */
static ds_str trim_ascii(ds_str s, const uint8_t *in_set, int mode) {
    const unsigned char *p = (const unsigned char *)s.p;
    size_t n = s.n;
    if (mode & 1)
        while (n > 0 && in_set[*p])
            p++, n--;
    if (mode & 2)
        while (n > 0 && in_set[p[n - 1]])
            n--;
    return (ds_str){(const char *)p, n};
}

static int trim(ds_expr *x, int n, const ds_vec **argv) {
    ds_vec *o = &x->out;
    const ds_vec *a = argv[0];
    int mode = x->fn == DS_FN_LTRIM ? 1 : x->fn == DS_FN_RTRIM ? 2 : 3;
    uint8_t table[256];
    int by_table = x->nargs < 2 || x->args[1]->kind == DS_X_CONST;
    if (by_table) {
        memset(table, 0, sizeof table);
        if (x->nargs < 2) {
            table[' '] = 1;
        } else if (x->args[1]->konst.type != DS_NULL) {
            ds_str set = x->args[1]->konst.u.s;
            for (size_t k = 0; k < set.n && by_table; k++) {
                if ((unsigned char)set.p[k] >= 0x80)
                    by_table = 0;
                table[(unsigned char)set.p[k]] = 1;
            }
        }
    }
    if (by_table)
        VALID_ROWS(o, n, o->v.str[i] = trim_ascii(a->v.str[i], table, mode))
    else
        VALID_ROWS(o, n,
                   o->v.str[i] = trim_row(a->v.str[i], argv[1]->v.str[i], mode))
    return DS_OK;
}

/* Occurrences of f in s, left to right, not overlapping; f.n > 0. */
static size_t count_matches(ds_str s, ds_str f) {
    size_t c = 0;
    const char *p = s.p, *end = s.p + s.n, *m;
    while ((size_t)(end - p) >= f.n &&
           (m = ds__expr_find(p, (size_t)(end - p), f.p, f.n))) {
        c++;
        p = m + f.n;
    }
    return c;
}

/*
** replace(s, from, to). As in SQLite an empty `from` gives s, even when
** `to` is NULL. Two passes: the sizes, then the text, into one arena piece;
** a row without a match is a view of s.
*/
static int replace(ds_expr *x, ds_eval_ctx *ctx, int n, const ds_vec **argv) {
    ds_vec *o = &x->out;
    const ds_vec *a = argv[0], *f = argv[1], *t = argv[2];
    size_t total = 0;
    for (int w = 0; w < NWORDS(n); w++) {
        int m = n - (w << 6) < 64 ? n - (w << 6) : 64;
        uint64_t k = a->valid[w] & f->valid[w] &
                     (m == 64 ? ~(uint64_t)0 : ((uint64_t)1 << m) - 1),
                 empty = 0;
        for (uint64_t b = k & ~t->valid[w]; b; b &= b - 1) {
            int i = (w << 6) + __builtin_ctzll(b);
            if (f->v.str[i].n == 0)
                empty |= (uint64_t)1 << (i & 63);
        }
        o->valid[w] = (k & t->valid[w]) | empty;
    }
    ds__expr_valid_tail(o->valid, n);
    int any = 0;
    VALID_ROWS(o, n, {
        ds_str s = a->v.str[i], fr = f->v.str[i];
        size_t c = fr.n ? count_matches(s, fr) : 0;
        if (c) {
            total += s.n + c * t->v.str[i].n - c * fr.n;
            any = 1;
        }
    })
    char *p = NULL;
    if (any && !(p = ds__arena_alloc(ctx->arena, total ? total : 1)))
        return DS_NOMEM;
    VALID_ROWS(o, n, {
        ds_str s = a->v.str[i], fr = f->v.str[i];
        size_t c = fr.n ? count_matches(s, fr) : 0;
        if (!c) {
            o->v.str[i] = s;
            continue;
        }
        ds_str to = t->v.str[i];
        const char *q = s.p, *end = s.p + s.n, *m;
        char *start = p;
        while ((size_t)(end - q) >= fr.n &&
               (m = ds__expr_find(q, (size_t)(end - q), fr.p, fr.n))) {
            if (m > q)
                memcpy(p, q, (size_t)(m - q));
            p += m - q;
            if (to.n)
                memcpy(p, to.p, to.n);
            p += to.n;
            q = m + fr.n;
        }
        if (end > q)
            memcpy(p, q, (size_t)(end - q));
        p += end - q;
        o->v.str[i].p = start;
        o->v.str[i].n = (size_t)(p - start);
    })
    return DS_OK;
}

/* instr(s, f) as SQLite: the 1-based character position of the first f
   in s, 1 for an empty f, 0 when there is none. */
static int64_t instr_row(ds_str s, ds_str f) {
    if (f.n == 0)
        return 1;
    const char *p = s.p, *end = s.p + s.n, *m;
    while ((size_t)(end - p) >= f.n &&
           (m = ds__expr_find(p, (size_t)(end - p), f.p, f.n))) {
        if (m == s.p || ((unsigned char)*m & 0xC0) != 0x80) {
            int64_t pos = 1; /* SQLite steps a byte, then continuations */
            for (const char *q = s.p + 1; q <= m; q++)
                pos += ((unsigned char)*q & 0xC0) != 0x80;
            return pos;
        }
        p = m + 1;
    }
    return 0;
}

/* ---------------------------------------------------- coalesce, nullif */

static void copy_rows(ds_vec *o, const ds_vec *a, uint64_t bits, int w) {
    for (; bits; bits &= bits - 1) {
        int i = (w << 6) + __builtin_ctzll(bits);
        switch (o->type) {
        case DS_DOUBLE:
            o->v.f64[i] = a->v.f64[i];
            break;
        case DS_TEXT:
            o->v.str[i] = a->v.str[i];
            break;
        case DS_BOOLEAN:
            o->v.b[i] = a->v.b[i];
            break;
        default:
            o->v.i64[i] = a->v.i64[i];
        }
    }
}

static int coalesce(ds_expr *x, int n, const ds_vec **argv) {
    ds_vec *o = &x->out;
    for (int w = 0; w < NWORDS(n); w++) {
        uint64_t left = ~(uint64_t)0;
        for (int k = 0; k < x->nargs && left; k++) {
            uint64_t take = left & argv[k]->valid[w];
            copy_rows(o, argv[k], take, w);
            left &= ~take;
        }
        o->valid[w] = ~left;
    }
    ds__expr_valid_tail(o->valid, n);
    return DS_OK;
}

static int nullif(ds_expr *x, int n, const ds_vec **argv) {
    ds_vec *o = &x->out;
    const ds_vec *a = argv[0], *b = argv[1];
    int nw = NWORDS(n);
    memcpy(o->valid, a->valid, sizeof(uint64_t) * (size_t)nw);
    ds__expr_valid_tail(o->valid, n);
    memcpy(o->v.raw, a->v.raw, ds__type_width(o->type) * (size_t)n);
    for (int w = 0; w < nw; w++) {
        uint64_t eq = 0;
        for (uint64_t bits = o->valid[w] & b->valid[w]; bits;
             bits &= bits - 1) {
            int i = (w << 6) + __builtin_ctzll(bits), e;
            switch (o->type) {
            case DS_DOUBLE:
                e = a->v.f64[i] == b->v.f64[i];
                break;
            case DS_TEXT:
                e = ds__str_cmp(a->v.str[i], b->v.str[i]) == 0;
                break;
            case DS_BOOLEAN:
                e = (a->v.b[i] & 1) == (b->v.b[i] & 1);
                break;
            default:
                e = a->v.i64[i] == b->v.i64[i];
            }
            eq |= (uint64_t)e << (i & 63);
        }
        o->valid[w] &= ~eq;
    }
    return DS_OK;
}

/* -------------------------------------------------------------- numbers */

/*
** SQLite 3.40's printf("%.*f", prec, r) for |r| < 2^52 and prec 1..30: it
** adds a rounding term, then takes at most 16 significant digits in long
** double. round() must print as it does to round as it does (2.675 -> 2.68).
*/
static void sqlite_fixed(double r, int prec, char *buf) {
    static const double round_by[] = {5.0e-01, 5.0e-02, 5.0e-03, 5.0e-04,
                                      5.0e-05, 5.0e-06, 5.0e-07, 5.0e-08,
                                      5.0e-09, 5.0e-10};
    long double v = r;
    char *p = buf;
    int digits = 16, e = 0;
    if (v < 0.0) {
        v = -v;
        *p++ = '-';
    }
    int idx = prec;
    double rounder = round_by[idx % 10];
    while (idx >= 10) {
        rounder *= 1.0e-10;
        idx -= 10;
    }
    double rx = (double)v;
    uint64_t u;
    memcpy(&u, &rx, sizeof u);
    int ex = -1023 + (int)((u >> 52) & 0x7ff);
    if (prec + (ex / 3) < 15)
        rounder += v * 3e-16;
    v += rounder;
    if (v > 0.0) {
        long double scale = 1.0;
        while (v >= 1e100 * scale && e <= 350) {
            scale *= 1e100;
            e += 100;
        }
        while (v >= 1e10 * scale && e <= 350) {
            scale *= 1e10;
            e += 10;
        }
        while (v >= 10.0 * scale && e <= 350) {
            scale *= 10.0;
            e++;
        }
        v /= scale;
        while (v < 1e-8) {
            v *= 1e8;
            e -= 8;
        }
        while (v < 1.0) {
            v *= 10.0;
            e--;
        }
    }
#define DIGIT()                                                                \
    do {                                                                       \
        if (digits <= 0) {                                                     \
            *p++ = '0';                                                        \
        } else {                                                               \
            int d_ = (int)v;                                                   \
            digits--;                                                          \
            *p++ = (char)('0' + d_);                                           \
            v = (v - d_) * 10.0;                                               \
        }                                                                      \
    } while (0)
    if (e < 0)
        *p++ = '0';
    else
        for (; e >= 0; e--)
            DIGIT();
    *p++ = '.';
    for (e++; e < 0; prec--, e++)
        *p++ = '0';
    while (prec-- > 0)
        DIGIT();
#undef DIGIT
    *p = 0;
}

/*
** Reads back the text that sqlite_fixed wrote as SQLite 3.40's sqlite3AtoF
** does: up to 18 significant digits in an integer, trailing zeros taken
** off, then one long double division by the power of ten. That is not
** always the double nearest the text (strtod's answer), and round() must
** give SQLite's.
*/
static double sqlite_atof(const char *z) {
    int neg = *z == '-', d = 0;
    int64_t s = 0;
    const int64_t cap = (INT64_MAX - 9) / 10;
    if (neg)
        z++;
    for (; *z >= '0' && *z <= '9'; z++) {
        if (s >= cap) {
            d++; /* a digit past the significand */
            continue;
        }
        s = s * 10 + (*z - '0');
    }
    if (*z == '.')
        for (z++; *z >= '0' && *z <= '9'; z++)
            if (s < cap) {
                s = s * 10 + (*z - '0');
                d--;
            }
    if (s == 0)
        return neg ? -0.0 : 0.0; /* "-0.0000" reads as -0.0 */
    int e = d < 0 ? -d : d;
    while (e > 0) {
        if (d > 0) {
            if (s >= INT64_MAX / 10)
                break;
            s *= 10;
        } else {
            if (s % 10 != 0)
                break;
            s /= 10;
        }
        e--;
    }
    if (neg)
        s = -s;
    if (e == 0)
        return (double)s;
    long double scale = 1.0;
    while (e % 22) {
        scale *= 1.0e+1;
        e--;
    }
    while (e > 0) {
        scale *= 1.0e+22;
        e -= 22;
    }
    return d < 0 ? (double)(s / scale) : (double)(s * scale);
}

/* round(r, digits) as SQLite 3.40's roundFunc. */
static double round_row(double r, int64_t digits) {
    int n = (int32_t)(uint32_t)digits; /* sqlite3_value_int */
    if (n > 30)
        n = 30;
    if (n < 0)
        n = 0;
    if (r < -4503599627370496.0 || r > 4503599627370496.0)
        return r; /* no fractional part */
    if (n == 0)
        return (double)(int64_t)(r + (r < 0 ? -0.5 : 0.5)); /* never -0.0 */
    char buf[80];
    sqlite_fixed(r, n, buf);
    return sqlite_atof(buf); /* "-0.00" is -0.0, as in SQLite */
}

/* Sets NULL the rows of o whose double result is NaN. */
static void nan_to_null(ds_vec *o, int n) {
    for (int w = 0; w < NWORDS(n); w++) {
        int lo = w << 6, m = n - lo < 64 ? n - lo : 64;
        uint64_t nan = 0;
        for (int j = 0; j < m; j++)
            nan |= (uint64_t)(o->v.f64[lo + j] != o->v.f64[lo + j]) << j;
        o->valid[w] &= ~nan;
    }
}

#define ALL_ROWS(...)                                                          \
    for (int i = 0; i < n; i++) {                                              \
        __VA_ARGS__;                                                           \
    }

static int number_fn(ds_expr *x, ds_eval_ctx *ctx, int n, const ds_vec **argv) {
    ds_vec *o = &x->out;
    const ds_vec *a = argv[0];
    int is_int = a->type != DS_DOUBLE;
    const int64_t *ai = a->v.i64;
    const double *ad = a->v.f64;
    switch (x->fn) {
    case DS_FN_ABS:
        if (is_int) {
            uint64_t bad = 0;
            for (int w = 0; w < NWORDS(n); w++) {
                int lo = w << 6, m = n - lo < 64 ? n - lo : 64;
                uint64_t of = 0;
                for (int j = 0; j < m; j++) {
                    int64_t v = ai[lo + j];
                    of |= (uint64_t)(v == INT64_MIN) << j;
                    o->v.i64[lo + j] = v < 0 && v != INT64_MIN ? -v : v;
                }
                bad |= of & o->valid[w];
            }
            if (bad)
                return ds__expr_overflow(ctx, x);
        } else {
            ALL_ROWS(o->v.f64[i] = fabs(ad[i]))
        }
        break;
    case DS_FN_ROUND: {
        const ds_vec *d = x->nargs > 1 ? argv[1] : NULL;
        VALID_ROWS(o, n,
                   o->v.f64[i] = round_row(is_int ? (double)ai[i] : ad[i],
                                           d ? d->v.i64[i] : 0))
        break;
    }
    case DS_FN_FLOOR:
    case DS_FN_CEIL:
        if (is_int)
            memcpy(o->v.i64, ai, sizeof(int64_t) * (size_t)n);
        else if (x->fn == DS_FN_FLOOR)
            ALL_ROWS(o->v.f64[i] = floor(ad[i]))
        else
            ALL_ROWS(o->v.f64[i] = ceil(ad[i]))
        break;
    case DS_FN_SQRT:
        ALL_ROWS(o->v.f64[i] = sqrt(ad[i]))
        nan_to_null(o, n);
        break;
    case DS_FN_POWER:
        ALL_ROWS(o->v.f64[i] = pow(ad[i], argv[1]->v.f64[i]))
        nan_to_null(o, n);
        break;
    case DS_FN_LN:
        ALL_ROWS(o->v.f64[i] = ad[i] > 0 ? log(ad[i]) : __builtin_nan(""))
        nan_to_null(o, n);
        break;
    case DS_FN_EXP:
        ALL_ROWS(o->v.f64[i] = exp(ad[i]))
        nan_to_null(o, n);
        break;
    case DS_FN_SIGN:
        if (is_int)
            ALL_ROWS(o->v.i64[i] = (ai[i] > 0) - (ai[i] < 0))
        else
            ALL_ROWS(o->v.i64[i] = (ad[i] > 0) - (ad[i] < 0))
        break;
    case DS_FN_TO_TIMESTAMP:
        /* microseconds, rounded half away from zero; NULL out of range */
        VALID_ROWS(o, n, {
            double us = ad[i] * 1e6;
            if (us > -9.2e18 && us < 9.2e18)
                o->v.i64[i] = (int64_t)round(us);
            else
                ds__vec_set_null(o, i);
        })
        break;
    case DS_FN_EPOCH_MS:
        ALL_ROWS({
            int64_t q = ai[i] / 1000;
            o->v.i64[i] = q - (ai[i] % 1000 < 0);
        })
        break;
    default:
        break;
    }
    return DS_OK;
}

/* ------------------------------------------------------------ dispatch */

int ds__fn_eval(ds_expr *x, ds_eval_ctx *ctx, int n, const ds_vec **argv) {
    ds_vec *o = &x->out;
    const ds_vec *a = x->nargs > 0 ? argv[0] : NULL;
    switch (x->fn) {
    case DS_FN_COALESCE:
        return coalesce(x, n, argv);
    case DS_FN_NULLIF:
        return nullif(x, n, argv);
    case DS_FN_REPLACE:
        return replace(x, ctx, n, argv);
    default:
        break;
    }
    ds__expr_valid_and(o->valid, argv, x->nargs, n);
    switch (x->fn) {
    case DS_FN_LOWER:
    case DS_FN_UPPER:
        return change_case(o, a, n, ctx->arena, x->fn == DS_FN_UPPER);
    case DS_FN_LENGTH:
        VALID_ROWS(o, n, o->v.i64[i] = char_count(a->v.str[i]))
        return DS_OK;
    case DS_FN_SUBSTR: {
        const ds_vec *l = x->nargs > 2 ? argv[2] : NULL;
        VALID_ROWS(o, n,
                   o->v.str[i] = substr_row(a->v.str[i], argv[1]->v.i64[i],
                                            l != NULL, l ? l->v.i64[i] : 0))
        return DS_OK;
    }
    case DS_FN_TRIM:
    case DS_FN_LTRIM:
    case DS_FN_RTRIM:
        return trim(x, n, argv);
    case DS_FN_INSTR:
        VALID_ROWS(o, n,
                   o->v.i64[i] = instr_row(a->v.str[i], argv[1]->v.str[i]))
        return DS_OK;
    default:
        return number_fn(x, ctx, n, argv);
    }
}
