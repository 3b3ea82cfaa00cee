/*
** expr_cast.c - CAST between the five types, and the text form of values
** (expr.h). Numbers convert as SQLite does: DOUBLE to BIGINT truncates and
** saturates, text to a number takes its numeric prefix (value.c does the
** parsing and the formatting); text that is not a timestamp casts to NULL.
*/
#include "expr.h"

#include <string.h>

#define NWORDS(n) (((n) + 63) >> 6)

/* ds__fmt_int without snprintf. */
static int fmt_int(int64_t v, char *buf) {
    char tmp[24];
    int n = 0, k = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        buf[k++] = '-';
    while (n)
        buf[k++] = tmp[--n];
    buf[k] = 0;
    return k;
}

/* Formats row i of v (type, not TEXT) into buf; returns the length. */
static int fmt_row(int type, const ds_vec *v, int i, char *buf) {
    switch (type) {
    case DS_DOUBLE: {
        double d = v->v.f64[i];
        /* SQLite prints -0.0 as 0.0 */
        return ds__fmt_double(d == 0 ? 0.0 : d, buf);
    }
    case DS_TIMESTAMP:
        return ds__fmt_timestamp(v->v.i64[i], buf);
    default:
        return fmt_int(v->v.i64[i], buf);
    }
}

int ds__value_to_text(int type, const ds_vec *v, int i, ds_arena *arena,
                      ds_str *out) {
    char buf[DS_NUMBUF];
    if (type == DS_TEXT) {
        *out = v->v.str[i];
        return DS_OK;
    }
    if (type == DS_BOOLEAN) {
        /* static text outlives any arena */
        out->p = v->v.b[i] ? "true" : "false";
        out->n = v->v.b[i] ? 4 : 5;
        return DS_OK;
    }
    int len = fmt_row(type, v, i, buf);
    char *p = ds__arena_alloc(arena, (size_t)len);
    if (!p)
        return DS_NOMEM;
    memcpy(p, buf, (size_t)len);
    out->p = p;
    out->n = (size_t)len;
    return DS_OK;
}

/* CAST(number or timestamp AS TEXT): 64 rows are formatted at a time into
   a local buffer, then copied into one arena piece. */
static int to_text(int from, const ds_vec *a, ds_vec *o, int n,
                   ds_arena *arena) {
    char tmp[64 * DS_NUMBUF];
    int off[65];
    for (int w = 0; w < NWORDS(n); w++) {
        uint64_t bits = o->valid[w];
        int lo = w << 6, k = 0;
        off[0] = 0;
        for (uint64_t b = bits; b; b &= b - 1, k++)
            off[k + 1] = off[k] + fmt_row(from, a, lo + __builtin_ctzll(b),
                                          tmp + off[k]);
        if (k == 0)
            continue;
        char *p = ds__arena_alloc(arena, (size_t)off[k]);
        if (!p)
            return DS_NOMEM;
        memcpy(p, tmp, (size_t)off[k]);
        k = 0;
        for (uint64_t b = bits; b; b &= b - 1, k++) {
            ds_str *s = &o->v.str[lo + __builtin_ctzll(b)];
            s->p = p + off[k];
            s->n = (size_t)(off[k + 1] - off[k]);
        }
    }
    return DS_OK;
}

/* Loops over every row, or over the valid rows only. */
#define ALL_ROWS(...)                                                          \
    for (int i = 0; i < n; i++) {                                              \
        __VA_ARGS__;                                                           \
    }
#define VALID_ROWS(...)                                                        \
    for (int w = 0; w < NWORDS(n); w++)                                        \
        for (uint64_t b_ = o->valid[w]; b_; b_ &= b_ - 1) {                    \
            int i = (w << 6) + __builtin_ctzll(b_);                            \
            __VA_ARGS__;                                                       \
        }

static int from_text(ds_vec *o, const ds_vec *a, int n) {
    const ds_str *s = a->v.str;
    switch (o->type) {
    case DS_BIGINT:
        VALID_ROWS(o->v.i64[i] = ds__text_to_int64(s[i].p, s[i].n))
        break;
    case DS_DOUBLE:
        VALID_ROWS(o->v.f64[i] = ds__text_to_double(s[i].p, s[i].n))
        break;
    case DS_BOOLEAN:
        VALID_ROWS({
            int v;
            if (!ds__parse_bool(s[i].p, s[i].n, &v))
                v = ds__text_to_double(s[i].p, s[i].n) != 0.0;
            o->v.b[i] = (uint8_t)v;
        })
        break;
    case DS_TIMESTAMP:
        VALID_ROWS({
            if (!ds__parse_timestamp(s[i].p, s[i].n, &o->v.i64[i]))
                ds__vec_set_null(o, i);
        })
        break;
    }
    return DS_OK;
}

int ds__expr_eval_cast(ds_expr *x, ds_eval_ctx *ctx, int n,
                       const ds_vec **argv) {
    const ds_vec *a = argv[0];
    ds_vec *o = &x->out;
    int from = a->type, to = x->type;
    memcpy(o->valid, a->valid, sizeof(uint64_t) * (size_t)NWORDS(n));
    ds__expr_valid_tail(o->valid, n);
    if (from == to || (from == DS_BIGINT && to == DS_TIMESTAMP) ||
        (from == DS_TIMESTAMP && to == DS_BIGINT)) {
        memcpy(o->v.raw, a->v.raw, ds__type_width(to) * (size_t)n);
        return DS_OK;
    }
    if (from == DS_TEXT)
        return from_text(o, a, n);
    switch (to) {
    case DS_TEXT:
        if (from == DS_BOOLEAN) {
            VALID_ROWS(ds__value_to_text(from, a, i, ctx->arena, &o->v.str[i]))
            return DS_OK;
        }
        return to_text(from, a, o, n, ctx->arena);
    case DS_DOUBLE:
        if (from == DS_BOOLEAN)
            ALL_ROWS(o->v.f64[i] = a->v.b[i] & 1)
        else
            ALL_ROWS(o->v.f64[i] = (double)a->v.i64[i])
        break;
    case DS_BOOLEAN:
        if (from == DS_DOUBLE)
            ALL_ROWS(o->v.b[i] = a->v.f64[i] != 0.0)
        else
            ALL_ROWS(o->v.b[i] = a->v.i64[i] != 0)
        break;
    default: /* BIGINT, TIMESTAMP */
        if (from == DS_BOOLEAN)
            ALL_ROWS(o->v.i64[i] = a->v.b[i] & 1)
        else /* DOUBLE: truncated, saturating */
            ALL_ROWS(o->v.i64[i] = ds__double_to_int64(a->v.f64[i]))
    }
    return DS_OK;
}
