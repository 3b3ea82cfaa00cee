/*
** physical.c - the physical pass: one DStream operator per logical node,
** chained into the query's pipeline in data-flow order. A query without a
** window and without aggregates gets the per-batch emitter before its
** projection, so that it emits once per batch. Expressions move from the
** logical nodes into the operators.
*/
#include "logical.h"

#include "../runtime/window.h"

static int add(ds_plan *plan, ds_op *op, const ds_lnode *n) {
    if (!op)
        return DS_NOMEM;
    op->names = n->names;
    return ds__pipeline_add(&plan->pipeline, op);
}

/* The operator of an aggregate: per batch, or the window's. */
static ds_op *aggregate_op(const ds_plan_window *w, const ds_winspec *spec,
                           ds_aggdef *def) {
    switch (w->kind) {
    case DS_WIN_TUMBLING:
    case DS_WIN_SLIDING:
        return ds__op_window_new(spec, def);
    case DS_WIN_SESSION:
        return ds__op_session_new(spec, def);
    case DS_WIN_COUNT:
        return ds__op_count_window_new(spec, def);
    case DS_WIN_UNBOUNDED:
        return ds__op_unbounded_new(spec, def);
    default:
        return ds__op_aggregate_new(def);
    }
}

int ds__plan_physical(ds_planner *pl, ds_lnode *root) {
    const ds_plan_window *w = &pl->plan->window;
    static const ds_wkind kinds[] = {[DS_WIN_TUMBLING] = DS_WK_TUMBLING,
                                     [DS_WIN_SLIDING] = DS_WK_SLIDING,
                                     [DS_WIN_SESSION] = DS_WK_SESSION,
                                     [DS_WIN_COUNT] = DS_WK_COUNT,
                                     [DS_WIN_UNBOUNDED] = DS_WK_UNBOUNDED};
    ds_winspec spec = {kinds[w->kind],
                       w->size,
                       w->slide ? w->slide : w->size,
                       w->time_col,
                       w->watermark,
                       w->event_time ? pl->env->idle_timeout_us : 0,
                       w->emit == DS_EMIT_CHANGES};
    ds_lnode *chain[64];
    int n = 0;
    for (ds_lnode *x = root; x && n < 64; x = x->input)
        chain[n++] = x;
    ds_plan *plan = pl->plan;
    int emitter = 0; /* an operator that decides emissions was placed */
    int rc = DS_OK;
    for (int k = n - 1; k >= 0 && !rc; k--) {
        ds_lnode *x = chain[k];
        ds_lnode *in = x->input;
        switch (x->kind) {
        case DS_L_SCAN:
            rc = add(plan, ds__op_scan_new(x->stream, x->ncols, x->types), x);
            break;
        case DS_L_UNNEST:
            rc = add(plan,
                     ds__op_unnest_new(x->text, x->sep, x->ncarry, x->carry,
                                       in->types),
                     x);
            x->text = x->sep = NULL;
            break;
        case DS_L_FILTER:
            rc = add(plan, ds__op_filter_new(x->pred, x->ncols, x->types), x);
            x->pred = NULL;
            break;
        case DS_L_WINDOW:
            rc =
                add(plan, ds__op_window_rows_new(&spec, x->ncols, x->types), x);
            emitter = 1;
            break;
        case DS_L_AGGREGATE:
            rc = add(plan, aggregate_op(&plan->window, &spec, &x->agg), x);
            emitter = 1;
            break;
        case DS_L_PROJECT:
            if (!emitter) {
                rc = add(plan, ds__op_emit_batch_new(in->ncols, in->types), in);
                emitter = 1;
                if (rc)
                    break;
            }
            rc = add(plan, ds__op_project_new(x->nexprs, x->exprs), x);
            x->exprs = NULL;
            x->nexprs = 0;
            break;
        case DS_L_SORT:
            rc = add(plan,
                     ds__op_sort_new(x->nkeys, x->sort_cols, x->sort_desc,
                                     x->sort_nulls_first, x->ncols, x->types),
                     x);
            break;
        case DS_L_LIMIT:
            rc = add(plan,
                     ds__op_limit_new(x->limit, x->offset, x->ncols, x->types),
                     x);
            break;
        case DS_L_OUTPUT:
            rc = add(plan, ds__op_output_new(x->nout, x->ncols, x->types), x);
            break;
        }
    }
    return rc;
}
