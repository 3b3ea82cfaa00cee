/*
** op_aggregate.c - the per-batch hash aggregate (countByValue, GROUP BY
** without a window): groups the batch's rows, and when the batch ends
** emits one row per group (keys, then aggregates), ends the emission and
** forgets the groups. Without GROUP BY it emits one row even for a batch
** with no rows, as SQL does.
*/
#include "op.h"

#include <stddef.h>
#include <stdio.h>

typedef struct agg_op {
    ds_op base;
    ds_aggdef def;   /* owned */
    ds_aggtab *tab;  /* owned */
    ds_agginput *in; /* owned scratch */
    ds_chunk *out;   /* owned */
} agg_op;

static int agg_open(ds_op *op, ds_opctx *ex) {
    (void)ex;
    agg_op *a = (agg_op *)op;
    int rc = ds__aggop_prepare(op, &a->def, &a->in, &a->out);
    if (rc)
        return rc;
    a->tab = ds__aggtab_new(&a->def);
    return a->tab ? DS_OK : DS_NOMEM;
}

static int agg_push(ds_op *op, ds_opctx *ex, const ds_chunk *in) {
    agg_op *a = (agg_op *)op;
    return ds__aggtab_update(a->tab, &ex->eval, in, a->in);
}

static int agg_advance(ds_op *op, ds_opctx *ex, int64_t time) {
    agg_op *a = (agg_op *)op;
    ex->emit.has_window = 0;
    int rc = ds__aggop_push_tab(op, ex, a->tab, a->out);
    if (!rc)
        rc = ds__op_default_punct(op, ex);
    ds__aggtab_clear(a->tab);
    return rc ? rc : ds__op_default_advance(op, ex, time);
}

static void agg_close(ds_op *op) {
    agg_op *a = (agg_op *)op;
    ds__aggtab_free(a->tab);
    ds__aggop_release(op, &a->def, a->in, a->out);
}

static const char *aggfn_name(ds_aggfn fn) {
    switch (fn) {
    case DS_AGG_COUNT_STAR:
        return "count(*)";
    case DS_AGG_COUNT:
        return "count";
    case DS_AGG_COUNT_DISTINCT:
        return "count_distinct";
    case DS_AGG_SUM:
        return "sum";
    case DS_AGG_AVG:
        return "avg";
    case DS_AGG_MIN:
        return "min";
    default:
        return "max";
    }
}

/* "keys=[#0] aggs=[count(*), sum(#1)]": shared with the window operators */
void ds__aggdef_explain(const ds_aggdef *def, ds_strbuf *sb) {
    ds__strbuf_puts(sb, "keys=[");
    for (int k = 0; k < def->nkeys; k++) {
        if (k)
            ds__strbuf_puts(sb, ", ");
        ds__expr_explain(def->keys[k], NULL, sb);
    }
    ds__strbuf_puts(sb, "] aggs=[");
    for (int k = 0; k < def->naggs; k++) {
        const ds_aggspec *sp = &def->aggs[k];
        if (k)
            ds__strbuf_puts(sb, ", ");
        ds__strbuf_puts(sb, aggfn_name(sp->fn));
        if (sp->arg) {
            ds__strbuf_putc(sb, '(');
            ds__expr_explain(sp->arg, NULL, sb);
            ds__strbuf_putc(sb, ')');
        }
    }
    ds__strbuf_putc(sb, ']');
}

static void agg_explain(const ds_op *op, ds_strbuf *sb) {
    ds__aggdef_explain(&((const agg_op *)op)->def, sb);
}

static void agg_metrics(const ds_op *op, ds_op_metrics *m) {
    const agg_op *a = (const agg_op *)op;
    if (!a->tab)
        return;
    m->state_rows += ds__aggtab_groups(a->tab);
    m->state_bytes += (int64_t)ds__aggtab_bytes(a->tab);
}

static const ds_op_vtable agg_vt = {"aggregate_per_batch",
                                    agg_open,
                                    agg_push,
                                    ds__op_default_punct,
                                    agg_advance,
                                    ds__op_default_flush,
                                    agg_close,
                                    agg_explain,
                                    agg_metrics};

ds_op *ds__op_aggregate_new(ds_aggdef *def) {
    agg_op *a = ds__aggop_alloc(sizeof *a, &agg_vt, offsetof(agg_op, def), def);
    return a ? &a->base : NULL;
}
