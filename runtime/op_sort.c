/*
** op_sort.c - ORDER BY, per emission: buffers the emission's rows (text
** copied), and at its end sorts them on the key columns and passes them on
** in order. NULLs sort first ascending and last descending, as in SQLite,
** unless NULLS FIRST/LAST says otherwise. The sort is stable.
*/
#include "op.h"

#include <stdlib.h>

typedef struct sort_op {
    ds_op base;
    int nkeys;
    int *cols, *desc, *nulls_first; /* owned */
    ds_batch *rows;                 /* owned: the emission so far */
    ds_chunk *out;                  /* owned */
} sort_op;

typedef struct rowref {
    const ds_chunk *c;
    int i;
    int64_t seq; /* arrival order, for stability */
} rowref;

static _Thread_local const sort_op *cmp_op;

static int cmp_rows(const void *pa, const void *pb) {
    const rowref *a = pa, *b = pb;
    const sort_op *s = cmp_op;
    for (int k = 0; k < s->nkeys; k++) {
        const ds_vec *va = &a->c->cols[s->cols[k]];
        const ds_vec *vb = &b->c->cols[s->cols[k]];
        int na = !ds__vec_valid(va, a->i), nb = !ds__vec_valid(vb, b->i);
        if (na || nb) {
            if (na && nb)
                continue;
            return (na ? -1 : 1) * (s->nulls_first[k] ? 1 : -1);
        }
        int c;
        switch (va->type) {
        case DS_DOUBLE: {
            double x = va->v.f64[a->i], y = vb->v.f64[b->i];
            c = x < y ? -1 : x > y;
            break;
        }
        case DS_TEXT:
            c = ds__str_cmp(va->v.str[a->i], vb->v.str[b->i]);
            break;
        case DS_BOOLEAN:
            c = (int)va->v.b[a->i] - (int)vb->v.b[b->i];
            break;
        default: {
            int64_t x = va->v.i64[a->i], y = vb->v.i64[b->i];
            c = x < y ? -1 : x > y;
        }
        }
        if (c)
            return s->desc[k] ? -c : c;
    }
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int sort_open(ds_op *op, ds_opctx *ex) {
    (void)ex;
    sort_op *s = (sort_op *)op;
    s->rows = ds__batch_new(op->ncols, op->types);
    s->out = ds__chunk_new(op->ncols, op->types);
    return s->rows && s->out ? DS_OK : DS_NOMEM;
}

static int sort_push(ds_op *op, ds_opctx *ex, const ds_chunk *in) {
    (void)ex;
    return ds__batch_append_chunk(((sort_op *)op)->rows, in);
}

static int sort_punct(ds_op *op, ds_opctx *ex) {
    sort_op *s = (sort_op *)op;
    int64_t n = s->rows->rows;
    int rc = DS_OK;
    if (n) {
        rowref *refs = ds_malloc(sizeof(rowref) * (size_t)n);
        if (!refs)
            return DS_NOMEM;
        int64_t k = 0;
        for (const ds_chunk *c = s->rows->head; c; c = c->next)
            for (int i = 0; i < c->n; i++, k++)
                refs[k] = (rowref){c, i, k};
        cmp_op = s;
        qsort(refs, (size_t)n, sizeof *refs, cmp_rows);
        s->out->n = 0;
        for (k = 0; k < n && !rc; k++) {
            rc = ds__chunk_append_row(s->out, refs[k].c, refs[k].i, NULL);
            if (!rc && s->out->n == DS_CHUNK_ROWS) {
                rc = ds__op_push_next(op, ex, s->out);
                s->out->n = 0;
            }
        }
        if (!rc && s->out->n)
            rc = ds__op_push_next(op, ex, s->out);
        s->out->n = 0;
        ds_free(refs);
    }
    ds__batch_clear(s->rows);
    return rc ? rc : ds__op_default_punct(op, ex);
}

static void sort_close(ds_op *op) {
    sort_op *s = (sort_op *)op;
    ds_free(s->cols);
    ds_free(s->desc);
    ds_free(s->nulls_first);
    ds__batch_free(s->rows);
    ds__chunk_free(s->out);
    ds__op_fini(op);
    ds_free(s);
}

static void sort_explain(const ds_op *op, ds_strbuf *sb) {
    const sort_op *s = (const sort_op *)op;
    for (int k = 0; k < s->nkeys; k++)
        ds__strbuf_printf(sb, "%s#%d%s", k ? ", " : "", s->cols[k],
                          s->desc[k] ? " DESC" : "");
}

static void sort_metrics(const ds_op *op, ds_op_metrics *m) {
    (void)op;
    (void)m; /* rows are held only within one emission */
}

static const ds_op_vtable sort_vt = {"sort",
                                     sort_open,
                                     sort_push,
                                     sort_punct,
                                     ds__op_default_advance,
                                     ds__op_default_flush,
                                     sort_close,
                                     sort_explain,
                                     sort_metrics};

ds_op *ds__op_sort_new(int nkeys, const int *cols, const int *desc,
                       const int *nulls_first, int ncols, const int *types) {
    sort_op *s = ds_malloc(sizeof *s);
    if (!s)
        return NULL;
    memset(s, 0, sizeof *s);
    size_t sz = sizeof(int) * (size_t)(nkeys ? nkeys : 1);
    s->cols = ds_malloc(sz);
    s->desc = ds_malloc(sz);
    s->nulls_first = ds_malloc(sz);
    if (!s->cols || !s->desc || !s->nulls_first ||
        ds__op_init(&s->base, &sort_vt, ncols, types)) {
        sort_close(&s->base);
        return NULL;
    }
    s->nkeys = nkeys;
    for (int k = 0; k < nkeys; k++) {
        s->cols[k] = cols[k];
        s->desc[k] = desc[k];
        s->nulls_first[k] = nulls_first[k] >= 0 ? nulls_first[k] : !desc[k];
    }
    return &s->base;
}
