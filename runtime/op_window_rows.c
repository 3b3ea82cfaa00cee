/*
** op_window_rows.c - TUMBLING and SLIDING windows without aggregates:
** every row of a window is emitted when the window closes (window.h has
** the time model and the driver). Rows are kept in panes (copied, text
** included) until no window still to come holds them; a row whose windows
** have all closed is late.
*/
#include <stdlib.h>

#include "window.h"

typedef struct rpane {
    int64_t id;
    ds_batch *rows; /* owned */
    struct rpane *next;
} rpane;

typedef struct rows_op {
    ds_op base;
    ds_wdriver d;
    rpane *panes;  /* owned, by id */
    int64_t *tau;  /* owned: per row of a chunk */
    uint16_t *one; /* owned scratch for single late rows */
} rows_op;

static void rpane_free(rpane *p) {
    if (!p)
        return;
    ds__batch_free(p->rows);
    ds_free(p);
}

static rpane *rpane_get(rows_op *o, int64_t id) {
    rpane **pp = &o->panes;
    while (*pp && (*pp)->id < id)
        pp = &(*pp)->next;
    if (*pp && (*pp)->id == id)
        return *pp;
    rpane *p = ds_malloc(sizeof *p);
    if (!p)
        return NULL;
    p->id = id;
    p->rows = ds__batch_new(o->base.ncols, o->base.types);
    if (!p->rows) {
        ds_free(p);
        return NULL;
    }
    p->next = *pp;
    *pp = p;
    return p;
}

static int rows_push(ds_op *op, ds_opctx *ex, const ds_chunk *in) {
    rows_op *o = (rows_op *)op;
    ds__window_times(&o->d.w, ex, in, o->tau);
    ds__watermark_input(&o->d.wm, in->n);
    int64_t org = ds__wdriver_origin(&o->d, ex);
    int rc = DS_OK;
    rpane *last = NULL;
    for (int i = 0; i < in->n && !rc; i++) {
        int64_t t = o->tau[i];
        if (t == INT64_MIN || ds__wdriver_late(&o->d, org, t)) {
            o->one[0] = (uint16_t)i;
            rc = ds__window_late(ex, in, o->one, 1);
            continue;
        }
        ds__watermark_see(&o->d.wm, t);
        int64_t id = ds__wdriver_pane(&o->d, org, t);
        rpane *p = last && last->id == id ? last : rpane_get(o, id);
        if (!p)
            return DS_NOMEM;
        last = p;
        ds_chunk *c = ds__batch_tail(p->rows);
        if (!c)
            return DS_NOMEM;
        rc = ds__chunk_append_row(c, in, i, &p->rows->arena);
        p->rows->rows++;
    }
    return rc;
}

static int64_t first_pane(void *op) {
    rows_op *o = op;
    return o->panes ? o->panes->id : INT64_MIN;
}

static int64_t last_pane(void *op) {
    rows_op *o = op;
    rpane *p = o->panes;
    if (!p)
        return INT64_MIN;
    while (p->next)
        p = p->next;
    return p->id;
}

static int drop_before(void *op, int64_t id) {
    rows_op *o = op;
    while (o->panes && o->panes->id < id) {
        rpane *p = o->panes;
        o->panes = p->next;
        rpane_free(p);
    }
    return DS_OK;
}

/* Emits window j: it closed (final), or its rows so far (EMIT CHANGES,
   only when it holds some). */
static int emit_window(void *op, ds_opctx *ex, int64_t j, int final) {
    rows_op *o = op;
    int64_t lo = j * o->d.S - o->d.P, hi = j * o->d.S - 1;
    int rc = DS_OK, any = 0;
    for (rpane *p = o->panes; p && p->id <= hi && !rc; p = p->next) {
        if (p->id < lo)
            continue;
        for (const ds_chunk *c = p->rows->head; c && !rc; c = c->next) {
            any |= c->n > 0;
            rc = ds__op_push_next(&o->base, ex, c);
        }
    }
    if (rc || (!final && !any))
        return rc;
    return ds__op_default_punct(&o->base, ex);
}

static int rows_advance(ds_op *op, ds_opctx *ex, int64_t time) {
    int rc = ds__wdriver_advance(&((rows_op *)op)->d, ex, time);
    return rc ? rc : ds__op_default_advance(op, ex, time);
}

static int rows_flush(ds_op *op, ds_opctx *ex) {
    int rc = ds__wdriver_flush(&((rows_op *)op)->d, ex);
    return rc ? rc : ds__op_default_flush(op, ex);
}

static int rows_open(ds_op *op, ds_opctx *ex) {
    (void)ex;
    rows_op *o = (rows_op *)op;
    o->tau = ds_malloc(sizeof(int64_t) * DS_CHUNK_ROWS);
    o->one = ds_malloc(sizeof(uint16_t));
    return o->tau && o->one ? DS_OK : DS_NOMEM;
}

static void rows_close(ds_op *op) {
    rows_op *o = (rows_op *)op;
    drop_before(o, INT64_MAX);
    ds_free(o->tau);
    ds_free(o->one);
    ds__op_fini(op);
    ds_free(o);
}

static void rows_explain(const ds_op *op, ds_strbuf *sb) {
    ds__winspec_explain(&((const rows_op *)op)->d.w, sb);
}

static void rows_metrics(const ds_op *op, ds_op_metrics *m) {
    for (const rpane *p = ((const rows_op *)op)->panes; p; p = p->next) {
        m->state_rows += p->rows->rows;
        m->state_bytes +=
            (int64_t)ds__arena_bytes(&p->rows->arena) +
            (p->rows->rows / DS_CHUNK_ROWS + 1) * (int64_t)(DS_CHUNK_ROWS * 16);
    }
}

static const ds_op_vtable rows_vt = {
    "window_rows", rows_open,  rows_push,    ds__op_default_punct, rows_advance,
    rows_flush,    rows_close, rows_explain, rows_metrics};

ds_op *ds__op_window_rows_new(const ds_winspec *spec, int ncols,
                              const int *types) {
    rows_op *o = ds_malloc(sizeof *o);
    if (!o)
        return NULL;
    memset(o, 0, sizeof *o);
    ds__wdriver_init(&o->d, spec, o);
    o->d.x_first = first_pane;
    o->d.x_last = last_pane;
    o->d.x_drop_before = drop_before;
    o->d.x_emit = emit_window;
    if (ds__op_init(&o->base, &rows_vt, ncols, types)) {
        ds_free(o);
        return NULL;
    }
    return &o->base;
}
