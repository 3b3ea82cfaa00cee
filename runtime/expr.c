/*
** expr.c - building, preparing and evaluating expression trees (expr.h).
**
** The driver, ds__expr_eval, walks a tree over one chunk: a column returns
** the input vector, a constant the vector filled once by ds__expr_prepare,
** a time node a vector of ctx's value; every other node evaluates its
** arguments and then itself, through the kernels of expr_ops.c (arithmetic,
** comparison, logic, ||), expr_cast.c, expr_like.c and expr_func.c. CASE
** and IN live here: CASE evaluates a branch only over the rows that take
** it, IN searches a sorted copy of a long constant list. Also the
** evaluation of constant trees for the planner; EXPLAIN is expr_explain.c.
*/
#include "expr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NWORDS(n) (((n) + 63) >> 6)

/* Visits the set bits of the nw words of mask as row numbers i. */
#define FOR_EACH_BIT(mask, nw, i, ...)                                         \
    for (int w_ = 0; w_ < (nw); w_++) {                                        \
        uint64_t b_ = (mask)[w_];                                              \
        while (b_) {                                                           \
            int i = (w_ << 6) + __builtin_ctzll(b_);                           \
            b_ &= b_ - 1;                                                      \
            __VA_ARGS__                                                        \
        }                                                                      \
    }

/* ------------------------------------------------------------ building */

ds_expr *ds__expr_new(ds_xkind kind, int type, int nargs, ds_expr **args) {
    ds_expr *x = NULL;
    for (int k = 0; k < nargs; k++)
        if (!args[k])
            goto fail; /* a child that failed to build */
    x = ds_malloc(sizeof *x);
    if (!x)
        goto fail;
    memset(x, 0, sizeof *x);
    x->kind = kind;
    x->type = type;
    x->nargs = nargs;
    if (nargs > 0) {
        x->args = ds_malloc(sizeof(ds_expr *) * (size_t)nargs);
        if (!x->args)
            goto fail;
        memcpy(x->args, args, sizeof(ds_expr *) * (size_t)nargs);
    }
    return x;
fail:
    ds_free(x);
    for (int k = 0; k < nargs; k++)
        ds__expr_free(args[k]);
    return NULL;
}

ds_expr *ds__expr_col(int col, int type) {
    ds_expr *x = ds__expr_new(DS_X_COL, type, 0, NULL);
    if (x)
        x->col = col;
    return x;
}

ds_expr *ds__expr_const(const ds_value *v, int type) {
    ds_expr *x = ds__expr_new(DS_X_CONST, type, 0, NULL);
    if (x)
        x->konst = *v;
    return x;
}

ds_expr *ds__expr_call(ds_fn fn, int type, int nargs, ds_expr **args) {
    ds_expr *x = ds__expr_new(DS_X_CALL, type, nargs, args);
    if (x)
        x->fn = fn;
    return x;
}

ds_expr *ds__expr_cast(ds_expr *a, int type) {
    return ds__expr_new(DS_X_CAST, type, 1, &a);
}

void ds__expr_free(ds_expr *x) {
    if (!x)
        return;
    for (int k = 0; k < x->nargs; k++)
        ds__expr_free(x->args[k]);
    ds_free(x->args);
    ds__vec_fini(&x->out);
    ds_xstate *st = x->aux;
    if (st) {
        if (st->kstate && st->kfree)
            st->kfree(st->kstate);
        ds_free(st->argv);
        ds_free(st);
    }
    ds_free(x);
}

/* ------------------------------------------------------ shared helpers */

int ds__expr_overflow(ds_eval_ctx *ctx, const ds_expr *x) {
    if (x->label)
        snprintf(ctx->errmsg, sizeof ctx->errmsg, "integer overflow in '%s'",
                 x->label);
    else
        snprintf(ctx->errmsg, sizeof ctx->errmsg, "integer overflow");
    return DS_ERROR;
}

void ds__expr_valid_and(uint64_t *r, const ds_vec *const *v, int nv, int n) {
    int nw = NWORDS(n);
    if (nv == 0) {
        memset(r, 0xff, sizeof(uint64_t) * (size_t)nw);
    } else {
        memcpy(r, v[0]->valid, sizeof(uint64_t) * (size_t)nw);
        for (int k = 1; k < nv; k++)
            for (int w = 0; w < nw; w++)
                r[w] &= v[k]->valid[w];
    }
    ds__expr_valid_tail(r, n);
}

/* 1 if evaluating x can fail with DS_ERROR (not counting DS_NOMEM). */
static int can_error(const ds_expr *x) {
    switch (x->kind) {
    case DS_X_NEG:
    case DS_X_ADD:
    case DS_X_SUB:
    case DS_X_MUL:
    case DS_X_DIV:
        if (x->type == DS_BIGINT)
            return 1;
        break;
    case DS_X_LIKE:
        if (x->nargs > 2)
            return 1; /* a bad ESCAPE */
        break;
    case DS_X_CALL:
        if (x->fn == DS_FN_ABS && x->type == DS_BIGINT)
            return 1;
        break;
    default:
        break;
    }
    for (int k = 0; k < x->nargs; k++)
        if (can_error(x->args[k]))
            return 1;
    return 0;
}

/* Marks in seen[] (ncols entries) every column x reads. */
static void mark_columns(const ds_expr *x, uint8_t *seen, int ncols) {
    if (x->kind == DS_X_COL && x->col >= 0 && x->col < ncols)
        seen[x->col] = 1;
    for (int k = 0; k < x->nargs; k++)
        mark_columns(x->args[k], seen, ncols);
}

static int max_column(const ds_expr *x) {
    int m = x->kind == DS_X_COL ? x->col : -1;
    for (int k = 0; k < x->nargs; k++) {
        int c = max_column(x->args[k]);
        if (c > m)
            m = c;
    }
    return m;
}

/* ---------------------------------------------------------------- CASE */

/*
** A branch (or a later condition) that could fail is evaluated over only
** the rows that reach it: they are gathered into a scratch chunk (the
** columns the branch reads, as views), evaluated there, and the results
** are put back at their rows. A branch that cannot fail is evaluated over
** the whole chunk, which costs less than gathering.
*/
typedef struct case_state {
    ds_chunk scratch; /* cols: owned vectors, allocated on first use */
    int **used;       /* owned: per argument, the columns it reads, -1
                         ended; NULL when the argument needs no gathering */
    uint16_t sel[DS_CHUNK_ROWS];
} case_state;

static void case_free(void *p) {
    case_state *cs = p;
    if (!cs)
        return;
    for (int k = 0; k < cs->scratch.ncols; k++)
        ds__vec_fini(&cs->scratch.cols[k]);
    ds_free(cs->scratch.cols);
    ds_free(cs->used);
    ds_free(cs);
}

static int case_prepare(ds_expr *x) {
    ds_xstate *st = x->aux;
    int ncols = max_column(x) + 1;
    case_state *cs = ds_malloc(sizeof *cs);
    if (!cs)
        return DS_NOMEM;
    memset(cs, 0, sizeof *cs);
    st->kstate = cs;
    st->kfree = case_free;
    cs->scratch.ncols = ncols;
    if (ncols > 0) {
        cs->scratch.cols = ds_malloc(sizeof(ds_vec) * (size_t)ncols);
        if (!cs->scratch.cols) {
            cs->scratch.ncols = 0;
            return DS_NOMEM;
        }
        memset(cs->scratch.cols, 0, sizeof(ds_vec) * (size_t)ncols);
    }
    /* one block: nargs list pointers, the lists, a column bitmap */
    size_t per = (size_t)ncols + 1;
    cs->used =
        ds_malloc((sizeof(int *) + sizeof(int) * per) * (size_t)x->nargs + per);
    if (!cs->used)
        return DS_NOMEM;
    int *lists = (int *)(cs->used + x->nargs);
    uint8_t *seen = (uint8_t *)(lists + per * (size_t)x->nargs);
    for (int k = 0; k < x->nargs; k++) {
        cs->used[k] = NULL;
        if (!can_error(x->args[k]))
            continue;
        int *l = lists + (size_t)k * per, m = 0;
        memset(seen, 0, per);
        mark_columns(x->args[k], seen, ncols);
        for (int c = 0; c < ncols; c++)
            if (seen[c])
                l[m++] = c;
        l[m] = -1;
        cs->used[k] = l;
    }
    return DS_OK;
}

/* Copies rows sel[0..m) of src into rows 0..m) of dst. */
static void gather_vec(ds_vec *dst, const ds_vec *src, const uint16_t *sel,
                       int m) {
    memset(dst->valid, 0, sizeof(uint64_t) * (size_t)NWORDS(m));
    for (int j = 0; j < m; j++)
        if (ds__vec_valid(src, sel[j]))
            ds__vec_set_valid(dst, j);
    switch (src->type) {
    case DS_DOUBLE:
        for (int j = 0; j < m; j++)
            dst->v.f64[j] = src->v.f64[sel[j]];
        break;
    case DS_TEXT:
        for (int j = 0; j < m; j++)
            dst->v.str[j] = src->v.str[sel[j]];
        break;
    case DS_BOOLEAN:
        for (int j = 0; j < m; j++)
            dst->v.b[j] = src->v.b[sel[j]];
        break;
    default:
        for (int j = 0; j < m; j++)
            dst->v.i64[j] = src->v.i64[sel[j]];
    }
}

/*
** Evaluates argument k of the CASE node x over the rows in mask (count of
** them). *compact is 0 when *res has a value for every row of in, 1 when
** it holds the masked rows in order, packed from 0.
*/
static int case_eval_rows(ds_expr *x, int k, ds_eval_ctx *ctx,
                          const ds_chunk *in, const uint64_t *mask, int count,
                          const ds_vec **res, int *compact) {
    case_state *cs = ((ds_xstate *)x->aux)->kstate;
    if (count == in->n || !cs->used[k]) {
        *compact = 0;
        return ds__expr_eval(x->args[k], ctx, in, res);
    }
    int m = 0;
    FOR_EACH_BIT(mask, NWORDS(in->n), i, { cs->sel[m++] = (uint16_t)i; })
    for (const int *c = cs->used[k]; *c >= 0; c++) {
        ds_vec *d = &cs->scratch.cols[*c];
        const ds_vec *s = &in->cols[*c];
        if (d->v.raw && d->type != s->type)
            ds__vec_fini(d);
        if (!d->v.raw && ds__vec_init(d, s->type) != DS_OK)
            return DS_NOMEM;
        gather_vec(d, s, cs->sel, m);
    }
    cs->scratch.n = m;
    *compact = 1;
    return ds__expr_eval(x->args[k], ctx, &cs->scratch, res);
}

/* Writes the rows in mask of o from res (packed or not, see above). */
static void put_rows(ds_vec *o, const ds_vec *res, const uint64_t *mask, int nw,
                     int compact) {
    int j = 0;
#define PUT(FIELD)                                                             \
    FOR_EACH_BIT(mask, nw, i, {                                                \
        int s = compact ? j++ : i;                                             \
        o->v.FIELD[i] = res->v.FIELD[s];                                       \
        ds__vec_put_valid(o, i, ds__vec_valid(res, s));                        \
    })
    switch (o->type) {
    case DS_DOUBLE:
        PUT(f64);
        break;
    case DS_TEXT:
        PUT(str);
        break;
    case DS_BOOLEAN:
        PUT(b);
        break;
    default:
        PUT(i64);
    }
#undef PUT
}

static int eval_case(ds_expr *x, ds_eval_ctx *ctx, const ds_chunk *in) {
    int n = in->n, nw = NWORDS(n), rc;
    int nwhen = (x->nargs - (x->has_else ? 1 : 0)) / 2;
    ds_vec *o = &x->out;
    uint64_t rem[DS_VALID_WORDS], take[DS_VALID_WORDS];
    memset(o->valid, 0, sizeof(uint64_t) * (size_t)nw);
    memset(rem, 0xff, sizeof(uint64_t) * (size_t)nw);
    ds__expr_valid_tail(rem, n);
    int left = n;
    for (int k = 0; k < nwhen && left > 0; k++) {
        const ds_vec *cv;
        int compact, got = 0;
        rc = case_eval_rows(x, 2 * k, ctx, in, rem, left, &cv, &compact);
        if (rc)
            return rc;
        if (compact) {
            int j = 0;
            memset(take, 0, sizeof(uint64_t) * (size_t)nw);
            FOR_EACH_BIT(rem, nw, i, {
                if (ds__vec_valid(cv, j) && cv->v.b[j])
                    take[i >> 6] |= (uint64_t)1 << (i & 63);
                j++;
            })
        } else {
            for (int w = 0; w < nw; w++) {
                uint64_t t = 0;
                const uint8_t *b = cv->v.b + (w << 6);
                int m = n - (w << 6) < 64 ? n - (w << 6) : 64;
                for (int j = 0; j < m; j++)
                    t |= (uint64_t)(b[j] & 1) << j;
                take[w] = t & cv->valid[w] & rem[w];
            }
        }
        for (int w = 0; w < nw; w++) {
            rem[w] &= ~take[w];
            got += __builtin_popcountll(take[w]);
        }
        if (got == 0)
            continue;
        left -= got;
        const ds_vec *tv;
        rc = case_eval_rows(x, 2 * k + 1, ctx, in, take, got, &tv, &compact);
        if (rc)
            return rc;
        put_rows(o, tv, take, nw, compact);
    }
    if (x->has_else && left > 0) {
        const ds_vec *ev;
        int compact;
        rc = case_eval_rows(x, x->nargs - 1, ctx, in, rem, left, &ev, &compact);
        if (rc)
            return rc;
        put_rows(o, ev, rem, nw, compact);
    }
    return DS_OK;
}

/* ------------------------------------------------------------------ IN */

/*
** x IN (list): TRUE on a match; else NULL when x is NULL or the list holds
** a NULL; else FALSE. A list of more than IN_LINEAR constants is kept
** sorted and searched; otherwise each element is compared as a vector.
*/
#define IN_LINEAR 4

typedef struct in_set {
    int n;        /* non-NULL constants, sorted */
    int has_null; /* the list holds a NULL */
    union {
        int64_t *i; /* BIGINT, TIMESTAMP, BOOLEAN */
        double *d;
        ds_str *s;
    } v; /* owned */
} in_set;

static void in_free(void *p) {
    in_set *s = p;
    if (s) {
        ds_free(s->v.i);
        ds_free(s);
    }
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}
static int cmp_f64(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}
static int cmp_str(const void *a, const void *b) {
    return ds__str_cmp(*(const ds_str *)a, *(const ds_str *)b);
}

static int in_prepare(ds_expr *x) {
    int nl = x->nargs - 1;
    if (nl <= IN_LINEAR)
        return DS_OK;
    for (int k = 1; k < x->nargs; k++)
        if (x->args[k]->kind != DS_X_CONST)
            return DS_OK;
    int type = x->args[0]->type;
    in_set *s = ds_malloc(sizeof *s);
    if (!s)
        return DS_NOMEM;
    memset(s, 0, sizeof *s);
    ds_xstate *st = x->aux;
    st->kstate = s;
    st->kfree = in_free;
    size_t w = type == DS_DOUBLE ? sizeof(double)
               : type == DS_TEXT ? sizeof(ds_str)
                                 : sizeof(int64_t);
    s->v.i = ds_malloc(w * (size_t)nl);
    if (!s->v.i)
        return DS_NOMEM;
    for (int k = 1; k < x->nargs; k++) {
        const ds_value *c = &x->args[k]->konst;
        if (c->type == DS_NULL) {
            s->has_null = 1;
            continue;
        }
        if (type == DS_DOUBLE)
            s->v.d[s->n++] = c->u.d;
        else if (type == DS_TEXT)
            s->v.s[s->n++] = c->u.s;
        else
            s->v.i[s->n++] = c->u.i;
    }
    qsort(s->v.i, (size_t)s->n, w,
          type == DS_DOUBLE ? cmp_f64
          : type == DS_TEXT ? cmp_str
                            : cmp_i64);
    return DS_OK;
}

static int find_i64(const int64_t *v, int n, int64_t key) {
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = (lo + hi) >> 1;
        if (v[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && v[lo] == key;
}

static int find_f64(const double *v, int n, double key) {
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = (lo + hi) >> 1;
        if (v[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && v[lo] == key;
}

static int find_str(const ds_str *v, int n, ds_str key) {
    int lo = 0, hi = n;
    while (lo < hi) {
        int mid = (lo + hi) >> 1;
        if (ds__str_cmp(v[mid], key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && ds__str_cmp(v[lo], key) == 0;
}

/* Builds the word of row bits from the bytes b[0..m). */
static inline uint64_t byte_bits(const uint8_t *b, int m) {
    uint64_t t = 0;
    for (int j = 0; j < m; j++)
        t |= (uint64_t)(b[j] & 1) << j;
    return t;
}

static void in_sorted(ds_expr *x, const in_set *s, const ds_vec *a, int n) {
    ds_vec *o = &x->out;
    uint8_t *r = o->v.b;
    int nw = NWORDS(n);
    memcpy(o->valid, a->valid, sizeof(uint64_t) * (size_t)nw);
    ds__expr_valid_tail(o->valid, n);
    switch (a->type) {
    case DS_DOUBLE:
        for (int i = 0; i < n; i++)
            r[i] = (uint8_t)find_f64(s->v.d, s->n, a->v.f64[i]);
        break;
    case DS_TEXT:
        memset(r, 0, (size_t)n);
        FOR_EACH_BIT(o->valid, nw, i,
                     { r[i] = (uint8_t)find_str(s->v.s, s->n, a->v.str[i]); })
        break;
    case DS_BOOLEAN:
        for (int i = 0; i < n; i++)
            r[i] = (uint8_t)find_i64(s->v.i, s->n, a->v.b[i]);
        break;
    default:
        for (int i = 0; i < n; i++)
            r[i] = (uint8_t)find_i64(s->v.i, s->n, a->v.i64[i]);
    }
    if (s->has_null)
        for (int w = 0; w < nw; w++) {
            int m = n - (w << 6) < 64 ? n - (w << 6) : 64;
            o->valid[w] &= byte_bits(r + (w << 6), m);
        }
}

static void in_linear(ds_expr *x, const ds_vec **argv, int n) {
    ds_vec *o = &x->out;
    const ds_vec *a = argv[0];
    int nw = NWORDS(n);
    uint64_t match[DS_VALID_WORDS], lnull[DS_VALID_WORDS];
    memset(match, 0, sizeof(uint64_t) * (size_t)nw);
    memset(lnull, 0, sizeof(uint64_t) * (size_t)nw);
    for (int k = 1; k < x->nargs; k++) {
        const ds_vec *l = argv[k];
        for (int w = 0; w < nw; w++) {
            int lo = w << 6, m = n - lo < 64 ? n - lo : 64;
            /* bits past row n may be stale: never look at those rows */
            uint64_t tail = m == 64 ? ~(uint64_t)0 : ((uint64_t)1 << m) - 1;
            uint64_t both = a->valid[w] & l->valid[w] & tail, eq = 0;
            lnull[w] |= ~l->valid[w];
            switch (a->type) {
            case DS_DOUBLE:
                for (int j = 0; j < m; j++)
                    eq |= (uint64_t)(a->v.f64[lo + j] == l->v.f64[lo + j]) << j;
                break;
            case DS_TEXT:
                for (uint64_t b = both; b; b &= b - 1) {
                    int i = lo + __builtin_ctzll(b);
                    ds_str p = a->v.str[i], q = l->v.str[i];
                    if (p.n == q.n && (p.n == 0 || !memcmp(p.p, q.p, p.n)))
                        eq |= (uint64_t)1 << (i - lo);
                }
                break;
            case DS_BOOLEAN:
                for (int j = 0; j < m; j++)
                    eq |=
                        (uint64_t)((a->v.b[lo + j] & 1) == (l->v.b[lo + j] & 1))
                        << j;
                break;
            default:
                for (int j = 0; j < m; j++)
                    eq |= (uint64_t)(a->v.i64[lo + j] == l->v.i64[lo + j]) << j;
            }
            match[w] |= eq & both;
        }
    }
    for (int w = 0; w < nw; w++) {
        int lo = w << 6, m = n - lo < 64 ? n - lo : 64;
        o->valid[w] = match[w] | (a->valid[w] & ~lnull[w]);
        for (int j = 0; j < m; j++)
            o->v.b[lo + j] = (uint8_t)((match[w] >> j) & 1);
    }
    ds__expr_valid_tail(o->valid, n);
}

static int eval_in(ds_expr *x, const ds_vec **argv, int n) {
    in_set *s = ((ds_xstate *)x->aux)->kstate;
    if (s)
        in_sorted(x, s, argv[0], n);
    else
        in_linear(x, argv, n);
    return DS_OK;
}

/* ------------------------------------------------------------- prepare */

static void fill_const(ds_expr *x) {
    ds_vec *o = &x->out;
    const ds_value *c = &x->konst;
    if (c->type == DS_NULL) {
        memset(o->valid, 0, sizeof o->valid);
        memset(o->v.raw, 0, ds__type_width(o->type) * DS_CHUNK_ROWS);
        return;
    }
    ds__vec_all_valid(o);
    for (int i = 0; i < DS_CHUNK_ROWS; i++) {
        switch (o->type) {
        case DS_DOUBLE:
            o->v.f64[i] = c->u.d;
            break;
        case DS_TEXT:
            o->v.str[i] = c->u.s;
            break;
        case DS_BOOLEAN:
            o->v.b[i] = (uint8_t)(c->u.i != 0);
            break;
        default:
            o->v.i64[i] = c->u.i;
        }
    }
}

int ds__expr_prepare(ds_expr *x) {
    if (x->prepared)
        return DS_OK;
    for (int k = 0; k < x->nargs; k++) {
        int rc = ds__expr_prepare(x->args[k]);
        if (rc)
            return rc;
    }
    if (x->kind != DS_X_COL && !x->out.v.raw &&
        ds__vec_init(&x->out, x->type) != DS_OK)
        return DS_NOMEM;
    if (x->nargs > 0 && !x->aux) {
        ds_xstate *st = ds_malloc(sizeof *st);
        if (!st)
            return DS_NOMEM;
        memset(st, 0, sizeof *st);
        x->aux = st;
        st->argv = ds_malloc(sizeof(ds_vec *) * (size_t)x->nargs);
        if (!st->argv)
            return DS_NOMEM;
    }
    int rc = DS_OK;
    ds_xstate *st = x->aux;
    switch (x->kind) {
    case DS_X_CONST:
        fill_const(x);
        break;
    case DS_X_LIKE:
        if (!st->kstate)
            rc = ds__like_prepare(x);
        break;
    case DS_X_IN:
        if (!st->kstate)
            rc = in_prepare(x);
        break;
    case DS_X_CASE:
        if (!st->kstate)
            rc = case_prepare(x);
        break;
    default:
        break;
    }
    if (rc == DS_OK)
        x->prepared = 1;
    return rc;
}

/* ------------------------------------------------------------- driver */

static void fill_time(ds_expr *x, int64_t t, int n) {
    int64_t *r = x->out.v.i64;
    for (int i = 0; i < n; i++)
        r[i] = t;
    ds__vec_all_valid(&x->out);
}

int ds__expr_eval(ds_expr *x, ds_eval_ctx *ctx, const ds_chunk *in,
                  const ds_vec **out) {
    int rc;
    if (!x->prepared && (rc = ds__expr_prepare(x)) != DS_OK)
        return rc;
    int n = in->n;
    switch (x->kind) {
    case DS_X_COL:
        *out = &in->cols[x->col];
        return DS_OK;
    case DS_X_CONST:
        *out = &x->out;
        return DS_OK;
    case DS_X_BATCH_TIME:
        fill_time(x, ctx->batch_time, n);
        break;
    case DS_X_WINDOW_START:
        fill_time(x, ctx->window_start, n);
        break;
    case DS_X_WINDOW_END:
        fill_time(x, ctx->window_end, n);
        break;
    case DS_X_CASE:
        if ((rc = eval_case(x, ctx, in)) != DS_OK)
            return rc;
        break;
    default: {
        const ds_vec **argv = ((ds_xstate *)x->aux)->argv;
        for (int k = 0; k < x->nargs; k++)
            if ((rc = ds__expr_eval(x->args[k], ctx, in, &argv[k])) != DS_OK)
                return rc;
        switch (x->kind) {
        case DS_X_CAST:
            rc = ds__expr_eval_cast(x, ctx, n, argv);
            break;
        case DS_X_LIKE:
            rc = ds__like_eval(x, ctx, n, argv);
            break;
        case DS_X_IN:
            rc = eval_in(x, argv, n);
            break;
        case DS_X_CALL:
            rc = ds__fn_eval(x, ctx, n, argv);
            break;
        default:
            rc = ds__expr_eval_op(x, ctx, n, argv);
        }
        if (rc)
            return rc;
    }
    }
    *out = &x->out;
    return DS_OK;
}

int ds__expr_is_constant(const ds_expr *x) {
    switch (x->kind) {
    case DS_X_COL:
    case DS_X_BATCH_TIME:
    case DS_X_WINDOW_START:
    case DS_X_WINDOW_END:
        return 0;
    default:
        for (int k = 0; k < x->nargs; k++)
            if (!ds__expr_is_constant(x->args[k]))
                return 0;
        return 1;
    }
}

int ds__expr_eval_const(ds_expr *x, ds_arena *arena, ds_value *v, char *errmsg,
                        size_t errlen) {
    ds_eval_ctx ctx;
    ds_chunk one;
    const ds_vec *r;
    int rc;
    memset(&ctx, 0, sizeof ctx);
    memset(&one, 0, sizeof one);
    ctx.arena = arena;
    one.n = 1;
    if (!ds__expr_is_constant(x)) {
        rc = DS_MISUSE;
        snprintf(ctx.errmsg, sizeof ctx.errmsg, "not a constant expression");
        goto fail;
    }
    if (x->kind == DS_X_CONST) { /* a literal: no vectors needed */
        *v = x->konst;
        if (v->type != DS_NULL)
            v->type = x->type;
    } else {
        rc = ds__expr_eval(x, &ctx, &one, &r);
        if (rc)
            goto fail;
        *v = ds__vec_get(r, 0);
    }
    if (v->type == DS_TEXT) {
        char *p = ds__arena_strndup(arena, v->u.s.p ? v->u.s.p : "", v->u.s.n);
        if (!p) {
            rc = DS_NOMEM;
            goto fail;
        }
        v->u.s.p = p;
    }
    return DS_OK;
fail:
    if (rc == DS_NOMEM)
        snprintf(ctx.errmsg, sizeof ctx.errmsg, "out of memory");
    if (errmsg && errlen)
        snprintf(errmsg, errlen, "%s", ctx.errmsg);
    return rc;
}
