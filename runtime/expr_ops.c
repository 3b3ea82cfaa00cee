/*
** expr_ops.c - the operator kernels of the expression evaluator: arithmetic,
** comparison, AND/OR/NOT, IS [NOT] NULL and ||, each a typed loop over a
** chunk (expr.h). The driver in expr.c has already evaluated the arguments.
**
** Validity is combined a 64-bit word at a time; values are computed for
** every row, NULL or not, where that is harmless (numbers), and only for
** the valid rows where it is not (text views of NULL rows may be garbage).
** Semantics are SQLite's: x/0 and x%0 are NULL, a NaN result is NULL,
** BIGINT overflow is an error (ds__expr_overflow).
*/
#include "expr.h"

#include <stdio.h>
#include <string.h>

#define NWORDS(n) (((n) + 63) >> 6)

/* Rows of word w: lo .. lo+m. */
#define WORD_ROWS(w, n, lo, m)                                                 \
    int lo = (w) << 6;                                                         \
    int m = (n)-lo < 64 ? (n)-lo : 64

/* -------------------------------------------------------------- BIGINT */

/*
** One loop per operator: r = a op b for the rows of each word, with the
** bits of the rows that overflowed; an overflow on a valid row fails.
*/
#define INT_OVF_LOOP(OVF)                                                      \
    for (int w = 0; w < nw; w++) {                                             \
        WORD_ROWS(w, n, lo, m);                                                \
        uint64_t of = 0;                                                       \
        for (int j = 0; j < m; j++) {                                          \
            int i = lo + j;                                                    \
            of |= (uint64_t)OVF(a[i], b[i], &r[i]) << j;                       \
        }                                                                      \
        bad |= of & valid[w];                                                  \
    }

static int int_arith(ds_expr *x, ds_eval_ctx *ctx, int n, const ds_vec *va,
                     const ds_vec *vb) {
    ds_vec *o = &x->out;
    const int64_t *a = va->v.i64, *b = vb->v.i64;
    int64_t *r = o->v.i64;
    uint64_t *valid = o->valid, bad = 0;
    int nw = NWORDS(n);
    const ds_vec *both[2] = {va, vb};
    ds__expr_valid_and(valid, both, 2, n);
    switch (x->kind) {
    case DS_X_ADD:
        INT_OVF_LOOP(__builtin_add_overflow)
        break;
    case DS_X_SUB:
        INT_OVF_LOOP(__builtin_sub_overflow)
        break;
    case DS_X_MUL:
        INT_OVF_LOOP(__builtin_mul_overflow)
        break;
    case DS_X_DIV:
        /* x/0 is NULL; INT64_MIN / -1 overflows */
        for (int w = 0; w < nw; w++) {
            WORD_ROWS(w, n, lo, m);
            uint64_t zero = 0, of = 0;
            for (int j = 0; j < m; j++) {
                int i = lo + j;
                int64_t d = b[i];
                zero |= (uint64_t)(d == 0) << j;
                if (d == -1) {
                    of |= (uint64_t)__builtin_sub_overflow(0, a[i], &r[i]) << j;
                } else {
                    r[i] = a[i] / (d == 0 ? 1 : d);
                }
            }
            valid[w] &= ~zero;
            bad |= of & valid[w];
        }
        break;
    default: /* DS_X_MOD: x%0 is NULL; INT64_MIN % -1 is 0 */
        for (int w = 0; w < nw; w++) {
            WORD_ROWS(w, n, lo, m);
            uint64_t zero = 0;
            for (int j = 0; j < m; j++) {
                int i = lo + j;
                int64_t d = b[i];
                zero |= (uint64_t)(d == 0) << j;
                r[i] = d == 0 || d == -1 ? 0 : a[i] % d;
            }
            valid[w] &= ~zero;
        }
        break;
    }
    return bad ? ds__expr_overflow(ctx, x) : DS_OK;
}

/* -------------------------------------------------------------- DOUBLE */

#define DBL_LOOP(EXPR)                                                         \
    for (int w = 0; w < nw; w++) {                                             \
        WORD_ROWS(w, n, lo, m);                                                \
        uint64_t nul = 0;                                                      \
        for (int j = 0; j < m; j++) {                                          \
            int i = lo + j;                                                    \
            double t = EXPR;                                                   \
            r[i] = t;                                                          \
            nul |= (uint64_t)(t != t) << j;                                    \
        }                                                                      \
        valid[w] &= ~nul;                                                      \
    }

static int dbl_arith(ds_expr *x, int n, const ds_vec *va, const ds_vec *vb) {
    ds_vec *o = &x->out;
    const double *a = va->v.f64, *b = vb->v.f64;
    double *r = o->v.f64;
    uint64_t *valid = o->valid;
    int nw = NWORDS(n);
    const ds_vec *both[2] = {va, vb};
    ds__expr_valid_and(valid, both, 2, n);
    switch (x->kind) {
    case DS_X_ADD:
        DBL_LOOP(a[i] + b[i])
        break;
    case DS_X_SUB:
        DBL_LOOP(a[i] - b[i])
        break;
    case DS_X_MUL:
        DBL_LOOP(a[i] * b[i])
        break;
    case DS_X_DIV:
        /* x/0.0 is NULL: a NaN marks it */
        DBL_LOOP(b[i] == 0.0 ? __builtin_nan("") : a[i] / b[i])
        break;
    default:
        /* DS_X_MOD as SQLite 3.40: the integer remainder of the operands
           converted to BIGINT, NULL when the divisor converts to 0 */
        for (int w = 0; w < nw; w++) {
            WORD_ROWS(w, n, lo, m);
            uint64_t zero = 0;
            for (int j = 0; j < m; j++) {
                int i = lo + j;
                int64_t ia = ds__double_to_int64(a[i]);
                int64_t ib = ds__double_to_int64(b[i]);
                zero |= (uint64_t)(ib == 0) << j;
                r[i] = ib == 0 || ib == -1 ? 0.0 : (double)(ia % ib);
            }
            valid[w] &= ~zero;
        }
    }
    return DS_OK;
}

static int negate(ds_expr *x, ds_eval_ctx *ctx, int n, const ds_vec *va) {
    ds_vec *o = &x->out;
    int nw = NWORDS(n);
    memcpy(o->valid, va->valid, sizeof(uint64_t) * (size_t)nw);
    ds__expr_valid_tail(o->valid, n);
    if (x->type == DS_DOUBLE) {
        /* as SQLite: 0 - x, so that -(0.0) is 0.0, not -0.0 */
        for (int i = 0; i < n; i++)
            o->v.f64[i] = 0.0 - va->v.f64[i];
        return DS_OK;
    }
    const int64_t *a = va->v.i64;
    int64_t *r = o->v.i64;
    uint64_t bad = 0;
    for (int w = 0; w < nw; w++) {
        WORD_ROWS(w, n, lo, m);
        uint64_t of = 0;
        for (int j = 0; j < m; j++)
            of |= (uint64_t)__builtin_sub_overflow(0, a[lo + j], &r[lo + j])
                  << j;
        bad |= of & o->valid[w];
    }
    return bad ? ds__expr_overflow(ctx, x) : DS_OK;
}

/* --------------------------------------------------------- comparisons */

#define CMP_LOOP(FIELD, OP)                                                    \
    for (int i = 0; i < n; i++)                                                \
    r[i] = (uint8_t)(a->v.FIELD[i] OP b->v.FIELD[i])

#define CMP_ALL(FIELD)                                                         \
    switch (x->kind) {                                                         \
    case DS_X_EQ:                                                              \
        CMP_LOOP(FIELD, ==);                                                   \
        break;                                                                 \
    case DS_X_NE:                                                              \
        CMP_LOOP(FIELD, !=);                                                   \
        break;                                                                 \
    case DS_X_LT:                                                              \
        CMP_LOOP(FIELD, <);                                                    \
        break;                                                                 \
    case DS_X_LE:                                                              \
        CMP_LOOP(FIELD, <=);                                                   \
        break;                                                                 \
    case DS_X_GT:                                                              \
        CMP_LOOP(FIELD, >);                                                    \
        break;                                                                 \
    default:                                                                   \
        CMP_LOOP(FIELD, >=);                                                   \
    }

/* Three-way bytewise comparison, as ds__str_cmp. */
static inline int str_cmp(ds_str a, ds_str b) {
    size_t m = a.n < b.n ? a.n : b.n;
    int c = m ? memcmp(a.p, b.p, m) : 0;
    if (c)
        return c;
    return (a.n > b.n) - (a.n < b.n);
}

static inline int str_eq(ds_str a, ds_str b) {
    return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

/* Text: only the valid rows are looked at. */
#define STR_LOOP(TEST)                                                         \
    for (int w = 0; w < nw; w++) {                                             \
        for (uint64_t bits = o->valid[w]; bits; bits &= bits - 1) {            \
            int i = (w << 6) + __builtin_ctzll(bits);                          \
            ds_str p = a->v.str[i], q = b->v.str[i];                           \
            r[i] = (uint8_t)(TEST);                                            \
        }                                                                      \
    }

static int compare(ds_expr *x, int n, const ds_vec *a, const ds_vec *b) {
    ds_vec *o = &x->out;
    uint8_t *r = o->v.b;
    int nw = NWORDS(n);
    const ds_vec *both[2] = {a, b};
    ds__expr_valid_and(o->valid, both, 2, n);
    switch (a->type) {
    case DS_DOUBLE:
        CMP_ALL(f64)
        break;
    case DS_BOOLEAN:
        CMP_ALL(b)
        break;
    case DS_TEXT:
        memset(r, 0, (size_t)n);
        switch (x->kind) {
        case DS_X_EQ:
            STR_LOOP(str_eq(p, q))
            break;
        case DS_X_NE:
            STR_LOOP(!str_eq(p, q))
            break;
        case DS_X_LT:
            STR_LOOP(str_cmp(p, q) < 0)
            break;
        case DS_X_LE:
            STR_LOOP(str_cmp(p, q) <= 0)
            break;
        case DS_X_GT:
            STR_LOOP(str_cmp(p, q) > 0)
            break;
        default:
            STR_LOOP(str_cmp(p, q) >= 0)
        }
        break;
    default: /* BIGINT, TIMESTAMP */
        CMP_ALL(i64)
    }
    return DS_OK;
}

/* ---------------------------------------------------------------- logic */

/* The word of row bits of the bytes b[0..m) that are true. */
static inline uint64_t true_bits(const uint8_t *b, int m) {
    uint64_t t = 0;
    for (int j = 0; j < m; j++)
        t |= (uint64_t)(b[j] & 1) << j;
    return t;
}

/*
** Three-valued AND/OR: the result is known when both sides are, or when
** one side is known FALSE (AND) or TRUE (OR).
*/
static int logic(ds_expr *x, int n, const ds_vec *va, const ds_vec *vb) {
    ds_vec *o = &x->out;
    const uint8_t *a = va->v.b, *b = vb->v.b;
    uint8_t *r = o->v.b;
    int nw = NWORDS(n), is_and = x->kind == DS_X_AND;
    for (int w = 0; w < nw; w++) {
        WORD_ROWS(w, n, lo, m);
        uint64_t ka = va->valid[w], kb = vb->valid[w];
        uint64_t ta = true_bits(a + lo, m), tb = true_bits(b + lo, m);
        uint64_t rv;
        if (is_and) {
            rv = (ka & kb) | (ka & ~ta) | (kb & ~tb);
            for (int j = 0; j < m; j++)
                r[lo + j] = (uint8_t)(a[lo + j] & b[lo + j] & 1);
        } else {
            rv = (ka & kb) | (ka & ta) | (kb & tb);
            for (int j = 0; j < m; j++)
                r[lo + j] = (uint8_t)((a[lo + j] | b[lo + j]) & 1);
        }
        o->valid[w] = rv;
    }
    ds__expr_valid_tail(o->valid, n);
    return DS_OK;
}

static int is_null(ds_expr *x, int n, const ds_vec *va) {
    ds_vec *o = &x->out;
    int nw = NWORDS(n);
    uint8_t want = x->kind == DS_X_IS_NOT_NULL;
    for (int w = 0; w < nw; w++) {
        WORD_ROWS(w, n, lo, m);
        uint64_t k = va->valid[w];
        for (int j = 0; j < m; j++)
            o->v.b[lo + j] = (uint8_t)(((k >> j) & 1) == want);
        o->valid[w] = ~(uint64_t)0;
    }
    ds__expr_valid_tail(o->valid, n);
    return DS_OK;
}

static int bool_not(ds_expr *x, int n, const ds_vec *va) {
    ds_vec *o = &x->out;
    memcpy(o->valid, va->valid, sizeof(uint64_t) * (size_t)NWORDS(n));
    ds__expr_valid_tail(o->valid, n);
    for (int i = 0; i < n; i++)
        o->v.b[i] = (uint8_t)(~va->v.b[i] & 1);
    return DS_OK;
}

/* ------------------------------------------------------------------ || */

/*
** The text of every row goes into one arena block; a row with an empty
** side is a view of the other side.
*/
static int concat(ds_expr *x, ds_eval_ctx *ctx, int n, const ds_vec *a,
                  const ds_vec *b) {
    ds_vec *o = &x->out;
    int nw = NWORDS(n);
    const ds_vec *both[2] = {a, b};
    ds__expr_valid_and(o->valid, both, 2, n);
    size_t total = 0;
    for (int w = 0; w < nw; w++)
        for (uint64_t bits = o->valid[w]; bits; bits &= bits - 1) {
            int i = (w << 6) + __builtin_ctzll(bits);
            if (a->v.str[i].n && b->v.str[i].n)
                total += a->v.str[i].n + b->v.str[i].n;
        }
    char *p = NULL;
    if (total && !(p = ds__arena_alloc(ctx->arena, total)))
        return DS_NOMEM;
    for (int w = 0; w < nw; w++)
        for (uint64_t bits = o->valid[w]; bits; bits &= bits - 1) {
            int i = (w << 6) + __builtin_ctzll(bits);
            ds_str s = a->v.str[i], t = b->v.str[i];
            if (!t.n) {
                o->v.str[i] = s;
            } else if (!s.n) {
                o->v.str[i] = t;
            } else {
                memcpy(p, s.p, s.n);
                memcpy(p + s.n, t.p, t.n);
                o->v.str[i].p = p;
                o->v.str[i].n = s.n + t.n;
                p += s.n + t.n;
            }
        }
    return DS_OK;
}

/* ------------------------------------------------------------ dispatch */

int ds__expr_eval_op(ds_expr *x, ds_eval_ctx *ctx, int n, const ds_vec **argv) {
    switch (x->kind) {
    case DS_X_NEG:
        return negate(x, ctx, n, argv[0]);
    case DS_X_NOT:
        return bool_not(x, n, argv[0]);
    case DS_X_ADD:
    case DS_X_SUB:
    case DS_X_MUL:
    case DS_X_DIV:
    case DS_X_MOD:
        if (x->type == DS_DOUBLE)
            return dbl_arith(x, n, argv[0], argv[1]);
        return int_arith(x, ctx, n, argv[0], argv[1]);
    case DS_X_CONCAT:
        return concat(x, ctx, n, argv[0], argv[1]);
    case DS_X_EQ:
    case DS_X_NE:
    case DS_X_LT:
    case DS_X_LE:
    case DS_X_GT:
    case DS_X_GE:
        return compare(x, n, argv[0], argv[1]);
    case DS_X_AND:
    case DS_X_OR:
        return logic(x, n, argv[0], argv[1]);
    case DS_X_IS_NULL:
    case DS_X_IS_NOT_NULL:
        return is_null(x, n, argv[0]);
    default:
        snprintf(ctx->errmsg, sizeof ctx->errmsg,
                 "cannot evaluate expression node %d", (int)x->kind);
        return DS_ERROR;
    }
}
