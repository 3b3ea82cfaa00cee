/*
** op_filter.c - keeps the rows for which the predicate is TRUE (NULL and
** FALSE are dropped), compacting them into the operator's own chunk. Used
** for WHERE and, after an aggregate, for HAVING.
*/
#include "op.h"

typedef struct filter_op {
    ds_op base;
    ds_expr *pred; /* owned */
    ds_chunk *out; /* owned */
} filter_op;

static int filter_open(ds_op *op, ds_opctx *ex) {
    (void)ex;
    filter_op *f = (filter_op *)op;
    int rc = ds__expr_prepare(f->pred);
    if (rc)
        return rc;
    f->out = ds__chunk_new(op->ncols, op->types);
    return f->out ? DS_OK : DS_NOMEM;
}

static int filter_push(ds_op *op, ds_opctx *ex, const ds_chunk *in) {
    filter_op *f = (filter_op *)op;
    const ds_vec *p;
    int rc = ds__expr_eval(f->pred, &ex->eval, in, &p);
    if (rc)
        return rc;
    /* the row numbers that pass */
    static _Thread_local uint16_t sel[DS_CHUNK_ROWS];
    int ns = 0;
    for (int w = 0; w * 64 < in->n; w++) {
        uint64_t bits = p->valid[w];
        if (!bits)
            continue;
        int base = w * 64;
        int end = in->n - base < 64 ? in->n - base : 64;
        for (int j = 0; j < end; j++) {
            sel[ns] = (uint16_t)(base + j);
            ns += (int)((bits >> j) & 1) & p->v.b[base + j];
        }
    }
    if (ns == in->n)
        return ds__op_push_next(op, ex, in);
    if (ns == 0)
        return DS_OK;
    ds_chunk *out = f->out;
    for (int k = 0; k < in->ncols; k++) {
        const ds_vec *s = &in->cols[k];
        ds_vec *d = &out->cols[k];
        memset(d->valid, 0, sizeof d->valid);
        switch (ds__type_width(s->type)) {
        case 1:
            for (int i = 0; i < ns; i++)
                d->v.b[i] = s->v.b[sel[i]];
            break;
        case 8:
            for (int i = 0; i < ns; i++)
                d->v.i64[i] = s->v.i64[sel[i]];
            break;
        default:
            for (int i = 0; i < ns; i++)
                d->v.str[i] = s->v.str[sel[i]];
        }
        for (int i = 0; i < ns; i++)
            d->valid[i >> 6] |= (uint64_t)ds__vec_valid(s, sel[i]) << (i & 63);
    }
    out->n = ns;
    return ds__op_push_next(op, ex, out);
}

static void filter_close(ds_op *op) {
    filter_op *f = (filter_op *)op;
    ds__expr_free(f->pred);
    ds__chunk_free(f->out);
    ds__op_fini(op);
    ds_free(f);
}

static void filter_explain(const ds_op *op, ds_strbuf *sb) {
    ds__expr_explain(((const filter_op *)op)->pred, NULL, sb);
}

static const ds_op_vtable filter_vt = {"filter",
                                       filter_open,
                                       filter_push,
                                       ds__op_default_punct,
                                       ds__op_default_advance,
                                       ds__op_default_flush,
                                       filter_close,
                                       filter_explain,
                                       NULL};

ds_op *ds__op_filter_new(ds_expr *pred, int ncols, const int *types) {
    filter_op *f = ds_malloc(sizeof *f);
    if (!f) {
        ds__expr_free(pred);
        return NULL;
    }
    memset(f, 0, sizeof *f);
    f->pred = pred;
    if (ds__op_init(&f->base, &filter_vt, ncols, types)) {
        ds__expr_free(pred);
        ds_free(f);
        return NULL;
    }
    return &f->base;
}
