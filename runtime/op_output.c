/*
** op_output.c - the last operator of every query: collects each
** emission's rows (its first nout columns; later ones are hidden sort keys)
** and hands the finished emission to the query's receiver (ex->deliver):
** the result callback, a derived stream or a sink.
*/
#include "op.h"

typedef struct output_op {
    ds_op base;
    int nout;
    ds_batch *rows; /* owned: the emission so far */
} output_op;

static int output_open(ds_op *op, ds_opctx *ex) {
    (void)ex;
    output_op *o = (output_op *)op;
    o->rows = ds__batch_new(o->nout, op->types);
    return o->rows ? DS_OK : DS_NOMEM;
}

static int output_push(ds_op *op, ds_opctx *ex, const ds_chunk *in) {
    (void)ex;
    output_op *o = (output_op *)op;
    ds_chunk view = *in;
    view.ncols = o->nout; /* the leading columns only */
    return ds__batch_append_chunk(o->rows, &view);
}

static int output_punct(ds_op *op, ds_opctx *ex) {
    output_op *o = (output_op *)op;
    int rc = DS_OK;
    ex->metrics.emissions++;
    ex->metrics.output_rows += o->rows->rows;
    if (ex->deliver)
        rc = ex->deliver(ex->deliver_user, &ex->emit, o->rows, ex->eval.errmsg,
                         sizeof ex->eval.errmsg);
    ds__batch_clear(o->rows);
    return rc;
}

static void output_close(ds_op *op) {
    output_op *o = (output_op *)op;
    ds__batch_free(o->rows);
    ds__op_fini(op);
    ds_free(o);
}

static void output_explain(const ds_op *op, ds_strbuf *sb) {
    const output_op *o = (const output_op *)op;
    for (int k = 0; k < o->nout; k++)
        ds__strbuf_printf(sb, "%s%s", k ? ", " : "",
                          op->names ? op->names[k] : "?");
}

static const ds_op_vtable output_vt = {"output",
                                       output_open,
                                       output_push,
                                       output_punct,
                                       ds__op_default_advance,
                                       ds__op_default_flush,
                                       output_close,
                                       output_explain,
                                       NULL};

ds_op *ds__op_output_new(int nout, int ncols, const int *types) {
    output_op *o = ds_malloc(sizeof *o);
    if (!o)
        return NULL;
    memset(o, 0, sizeof *o);
    o->nout = nout;
    if (ds__op_init(&o->base, &output_vt, ncols, types)) {
        ds_free(o);
        return NULL;
    }
    return &o->base;
}
