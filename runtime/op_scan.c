/*
** op_scan.c - the first operator of every query: takes the chunks of the
** input stream's batch, counts them, and passes them on unchanged.
*/
#include "op.h"

typedef struct scan_op {
    ds_op base;
    char *stream; /* owned */
} scan_op;

static int scan_push(ds_op *op, ds_opctx *ex, const ds_chunk *in) {
    ex->metrics.input_rows += in->n;
    return ds__op_push_next(op, ex, in);
}

static void scan_close(ds_op *op) {
    scan_op *s = (scan_op *)op;
    ds_free(s->stream);
    ds__op_fini(op);
    ds_free(s);
}

static void scan_explain(const ds_op *op, ds_strbuf *sb) {
    ds__strbuf_puts(sb, ((const scan_op *)op)->stream);
}

static const ds_op_vtable scan_vt = {"scan",
                                     ds__op_default_open,
                                     scan_push,
                                     ds__op_default_punct,
                                     ds__op_default_advance,
                                     ds__op_default_flush,
                                     scan_close,
                                     scan_explain,
                                     NULL};

ds_op *ds__op_scan_new(const char *stream, int ncols, const int *types) {
    scan_op *s = ds_malloc(sizeof *s);
    if (!s)
        return NULL;
    memset(s, 0, sizeof *s);
    s->stream = ds__strndup(stream, strlen(stream));
    if (!s->stream || ds__op_init(&s->base, &scan_vt, ncols, types)) {
        ds_free(s->stream);
        ds_free(s);
        return NULL;
    }
    return &s->base;
}
