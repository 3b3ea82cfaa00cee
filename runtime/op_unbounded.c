/*
** op_unbounded.c - WINDOW UNBOUNDED: the aggregate of every row since the
** query started, per key (Spark's updateStateByKey), emitted at the end of
** every batch: all keys, or with EMIT CHANGES only the keys that got rows
** in that batch. Each emission's window is [origin, end of batch).
*/
#include <stddef.h>

#include "window.h"

typedef struct unb_op {
    ds_op base;
    ds_winspec w;
    ds_aggdef def;   /* owned */
    ds_aggtab *tab;  /* owned: everything so far */
    ds_agginput *ai; /* owned scratch */
    ds_chunk *out;   /* owned */
    int64_t *list;   /* owned: groups to emit */
} unb_op;

static int unb_open(ds_op *op, ds_opctx *ex) {
    (void)ex;
    unb_op *o = (unb_op *)op;
    int rc = ds__aggop_prepare(op, &o->def, &o->ai, &o->out);
    if (rc)
        return rc;
    o->tab = ds__aggtab_new(&o->def);
    o->list = ds_malloc(sizeof(int64_t) * DS_CHUNK_ROWS);
    if (!o->tab || !o->list)
        return DS_NOMEM;
    return o->w.emit_changes ? ds__aggtab_track(o->tab) : DS_OK;
}

static int unb_push(ds_op *op, ds_opctx *ex, const ds_chunk *in) {
    unb_op *o = (unb_op *)op;
    return ds__aggtab_update(o->tab, &ex->eval, in, o->ai);
}

static int flush_list(unb_op *o, ds_opctx *ex, int n) {
    if (!n)
        return DS_OK;
    int rc = ds__aggtab_output_groups(o->tab, o->list, n, o->out);
    return rc ? rc : ds__op_push_next(&o->base, ex, o->out);
}

static int unb_advance(ds_op *op, ds_opctx *ex, int64_t time) {
    unb_op *o = (unb_op *)op;
    if (o->def.nkeys == 0 && ds__aggtab_ensure_global(o->tab))
        return DS_NOMEM;
    ex->emit.has_window = 1;
    ex->emit.window_start = ex->origin;
    ex->emit.window_end = time;
    ex->eval.window_start = ex->origin;
    ex->eval.window_end = time;
    int64_t groups = ds__aggtab_groups(o->tab);
    int rc = DS_OK, n = 0;
    for (int64_t g = 0; g < groups && !rc; g++) {
        if (o->w.emit_changes && !ds__aggtab_touched(o->tab, g))
            continue;
        o->list[n++] = g;
        if (n == DS_CHUNK_ROWS) {
            rc = flush_list(o, ex, n);
            n = 0;
        }
    }
    if (!rc)
        rc = flush_list(o, ex, n);
    ds__aggtab_untouch(o->tab);
    if (!rc)
        rc = ds__op_default_punct(op, ex);
    return rc ? rc : ds__op_default_advance(op, ex, time);
}

static void unb_close(ds_op *op) {
    unb_op *o = (unb_op *)op;
    ds__aggtab_free(o->tab);
    ds_free(o->list);
    ds__aggop_release(op, &o->def, o->ai, o->out);
}

static void unb_explain(const ds_op *op, ds_strbuf *sb) {
    const unb_op *o = (const unb_op *)op;
    ds__aggop_explain(&o->w, &o->def, sb);
}

static void unb_metrics(const ds_op *op, ds_op_metrics *m) {
    const unb_op *o = (const unb_op *)op;
    if (!o->tab)
        return;
    m->state_rows += ds__aggtab_groups(o->tab);
    m->state_bytes += (int64_t)ds__aggtab_bytes(o->tab);
}

static const ds_op_vtable unb_vt = {"window_unbounded", unb_open,
                                    unb_push,           ds__op_default_punct,
                                    unb_advance,        ds__op_default_flush,
                                    unb_close,          unb_explain,
                                    unb_metrics};

ds_op *ds__op_unbounded_new(const ds_winspec *spec, ds_aggdef *def) {
    unb_op *o = ds__aggop_alloc(sizeof *o, &unb_vt, offsetof(unb_op, def), def);
    if (!o)
        return NULL;
    o->w = *spec;
    return &o->base;
}
