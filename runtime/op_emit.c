/*
** op_emit.c - the per-batch emitter of queries without a window and
** without aggregates: rows pass straight through, and at the end of each
** batch it closes the batch's emission (DStream's default: one result per
** batch, even an empty one).
*/
#include "op.h"

static int emit_advance(ds_op *op, ds_opctx *ex, int64_t time) {
    ex->emit.has_window = 0;
    int rc = ds__op_default_punct(op, ex);
    return rc ? rc : ds__op_default_advance(op, ex, time);
}

static int emit_push(ds_op *op, ds_opctx *ex, const ds_chunk *in) {
    return ds__op_push_next(op, ex, in);
}

static void emit_close(ds_op *op) {
    ds__op_fini(op);
    ds_free(op);
}

static const ds_op_vtable emit_vt = {
    "emit_per_batch",     ds__op_default_open,    emit_push,
    ds__op_default_punct, emit_advance,           ds__op_default_flush,
    emit_close,           ds__op_default_explain, NULL};

ds_op *ds__op_emit_batch_new(int ncols, const int *types) {
    ds_op *op = ds_malloc(sizeof *op);
    if (!op)
        return NULL;
    if (ds__op_init(op, &emit_vt, ncols, types)) {
        ds_free(op);
        return NULL;
    }
    return op;
}
