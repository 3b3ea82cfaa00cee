/*
** op_limit.c - LIMIT and OFFSET, per emission: passes on the rows numbered
** offset .. offset+limit-1 of each emission.
*/
#include "op.h"

typedef struct limit_op {
    ds_op base;
    int64_t limit, offset; /* limit < 0: no limit */
    int64_t seen;          /* rows of this emission so far */
    ds_chunk *view;        /* owned view chunk */
} limit_op;

static int limit_open(ds_op *op, ds_opctx *ex) {
    (void)ex;
    limit_op *l = (limit_op *)op;
    l->view = ds__view_new(op->ncols);
    return l->view ? DS_OK : DS_NOMEM;
}

static int limit_push(ds_op *op, ds_opctx *ex, const ds_chunk *in) {
    limit_op *l = (limit_op *)op;
    int64_t first = l->seen, end = l->seen + in->n;
    l->seen = end;
    int64_t lo = l->offset,
            hi = l->limit < 0 ? INT64_MAX : l->offset + l->limit;
    if (end <= lo || first >= hi)
        return DS_OK;
    if (first >= lo && end <= hi)
        return ds__op_push_next(op, ex, in);
    int from = (int)(lo > first ? lo - first : 0);
    int to = (int)(hi < end ? hi - first : in->n);
    /* shift the window [from, to) to the front of a copy */
    ds_chunk *v = l->view;
    for (int k = 0; k < in->ncols; k++) {
        const ds_vec *s = &in->cols[k];
        ds_vec *d = &v->cols[k];
        d->type = s->type;
        d->v = s->v;
        memset(d->valid, 0, sizeof d->valid);
        for (int i = from; i < to; i++)
            ds__vec_put_valid(d, i - from, ds__vec_valid(s, i));
        d->v.raw = (char *)s->v.raw + ds__type_width(s->type) * (size_t)from;
    }
    v->n = to - from;
    return ds__op_push_next(op, ex, v);
}

static int limit_punct(ds_op *op, ds_opctx *ex) {
    ((limit_op *)op)->seen = 0;
    return ds__op_default_punct(op, ex);
}

static void limit_close(ds_op *op) {
    limit_op *l = (limit_op *)op;
    ds__view_free(l->view);
    ds__op_fini(op);
    ds_free(l);
}

static void limit_explain(const ds_op *op, ds_strbuf *sb) {
    const limit_op *l = (const limit_op *)op;
    if (l->limit >= 0)
        ds__strbuf_printf(sb, "%lld", (long long)l->limit);
    else
        ds__strbuf_puts(sb, "all");
    if (l->offset)
        ds__strbuf_printf(sb, " offset %lld", (long long)l->offset);
}

static const ds_op_vtable limit_vt = {"limit",
                                      limit_open,
                                      limit_push,
                                      limit_punct,
                                      ds__op_default_advance,
                                      ds__op_default_flush,
                                      limit_close,
                                      limit_explain,
                                      NULL};

ds_op *ds__op_limit_new(int64_t limit, int64_t offset, int ncols,
                        const int *types) {
    limit_op *l = ds_malloc(sizeof *l);
    if (!l)
        return NULL;
    memset(l, 0, sizeof *l);
    l->limit = limit;
    l->offset = offset < 0 ? 0 : offset;
    if (ds__op_init(&l->base, &limit_vt, ncols, types)) {
        ds_free(l);
        return NULL;
    }
    return &l->base;
}
