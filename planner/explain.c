/*
** explain.c - EXPLAIN: the logical tree (root first, indented) and the
** DAG of DStream operators. The text is deterministic, so golden tests
** can pin it.
*/
#include "logical.h"

static const char *kind_name(ds_lkind k) {
    static const char *names[] = {"Scan",   "Unnest",    "Filter",
                                  "Window", "Aggregate", "Project",
                                  "Sort",   "Limit",     "Output"};
    return names[k];
}

static void exprs(ds_strbuf *sb, int n, ds_expr *const *xs,
                  const char *const *names, const char *const *aliases) {
    ds__strbuf_putc(sb, '[');
    for (int k = 0; k < n; k++) {
        if (k)
            ds__strbuf_puts(sb, ", ");
        ds__expr_explain(xs[k], names, sb);
        if (aliases)
            ds__strbuf_printf(sb, " AS %s", aliases[k]);
    }
    ds__strbuf_putc(sb, ']');
}

/* "TUMBLING size=5s on=ts watermark=3s" */
static void window(const ds_plan *plan, const char *const *in, ds_strbuf *sb) {
    const ds_plan_window *w = &plan->window;
    static const char *names[] = {"per batch", "TUMBLING", "SLIDING",
                                  "SESSION",   "COUNT",    "UNBOUNDED"};
    ds__strbuf_puts(sb, names[w->kind]);
    if (w->kind == DS_WIN_COUNT) {
        ds__strbuf_printf(sb, " size=%lld slide=%lld", (long long)w->size,
                          (long long)w->slide);
    } else if (w->kind == DS_WIN_TUMBLING || w->kind == DS_WIN_SLIDING ||
               w->kind == DS_WIN_SESSION) {
        ds__strbuf_puts(sb, w->kind == DS_WIN_SESSION ? " gap=" : " size=");
        ds__strbuf_duration(sb, w->size);
        if (w->kind == DS_WIN_SLIDING) {
            ds__strbuf_puts(sb, " slide=");
            ds__strbuf_duration(sb, w->slide);
        }
    }
    if (w->kind == DS_WIN_NONE)
        return;
    if (w->time_col >= 0) {
        ds__strbuf_printf(sb, " on=%s watermark=", in[w->time_col]);
        ds__strbuf_duration(sb, w->watermark);
    } else {
        ds__strbuf_puts(sb, " processing-time");
    }
    if (w->late_into)
        ds__strbuf_printf(sb, " late-into=%s", w->late_into);
    if (w->emit == DS_EMIT_CHANGES)
        ds__strbuf_puts(sb, " emit=changes");
}

static void node(const ds_plan *plan, const ds_lnode *n, ds_strbuf *sb) {
    const char *const *in = n->input ? n->input->names : NULL;
    ds__strbuf_puts(sb, kind_name(n->kind));
    switch (n->kind) {
    case DS_L_SCAN:
        ds__strbuf_printf(sb, " %s [", n->stream);
        for (int k = 0; k < n->ncols; k++)
            ds__strbuf_printf(sb, "%s%s %s", k ? ", " : "", n->names[k],
                              ds_type_name(n->types[k]));
        ds__strbuf_putc(sb, ']');
        break;
    case DS_L_UNNEST:
        ds__strbuf_puts(sb, " split(");
        ds__expr_explain(n->text, in, sb);
        ds__strbuf_puts(sb, ", ");
        ds__expr_explain(n->sep, in, sb);
        ds__strbuf_printf(sb, ") AS %s carry [", n->names[n->ncols - 1]);
        for (int k = 0; k < n->ncarry; k++)
            ds__strbuf_printf(sb, "%s%s", k ? ", " : "", in[n->carry[k]]);
        ds__strbuf_putc(sb, ']');
        break;
    case DS_L_FILTER:
        if (n->label)
            ds__strbuf_printf(sb, " (%s)", n->label);
        ds__strbuf_putc(sb, ' ');
        ds__expr_explain(n->pred, in, sb);
        break;
    case DS_L_WINDOW:
        ds__strbuf_putc(sb, ' ');
        window(plan, in, sb);
        break;
    case DS_L_AGGREGATE: {
        const ds_aggdef *d = &n->agg;
        ds__strbuf_putc(sb, ' ');
        window(plan, in, sb);
        if (n->label)
            ds__strbuf_printf(sb, " (%s)", n->label);
        ds__strbuf_puts(sb, " keys=");
        exprs(sb, d->nkeys, d->keys, in, NULL);
        ds__strbuf_puts(sb, " aggs=[");
        for (int k = 0; k < d->naggs; k++)
            ds__strbuf_printf(sb, "%s%s", k ? ", " : "", d->aggs[k].label);
        ds__strbuf_putc(sb, ']');
        break;
    }
    case DS_L_PROJECT:
        ds__strbuf_putc(sb, ' ');
        exprs(sb, n->nexprs, n->exprs, in, n->names);
        break;
    case DS_L_SORT:
        ds__strbuf_puts(sb, " [");
        for (int k = 0; k < n->nkeys; k++)
            ds__strbuf_printf(sb, "%s%s%s", k ? ", " : "", in[n->sort_cols[k]],
                              n->sort_desc[k] ? " DESC" : "");
        ds__strbuf_putc(sb, ']');
        break;
    case DS_L_LIMIT:
        if (n->limit >= 0)
            ds__strbuf_printf(sb, " %lld", (long long)n->limit);
        else
            ds__strbuf_puts(sb, " all");
        if (n->offset)
            ds__strbuf_printf(sb, " offset %lld", (long long)n->offset);
        break;
    case DS_L_OUTPUT:
        ds__strbuf_puts(sb, " [");
        for (int k = 0; k < n->nout; k++)
            ds__strbuf_printf(sb, "%s%s %s", k ? ", " : "", n->names[k],
                              ds_type_name(n->types[k]));
        ds__strbuf_putc(sb, ']');
        break;
    }
}

void ds__plan_explain_logical(const ds_plan *plan, const ds_lnode *root,
                              ds_strbuf *sb) {
    int depth = 0;
    for (const ds_lnode *n = root; n; n = n->input, depth++) {
        for (int k = 0; k < depth + 1; k++)
            ds__strbuf_puts(sb, "  ");
        node(plan, n, sb);
        ds__strbuf_putc(sb, '\n');
    }
}

char *ds__plan_explain(const ds_plan *p) {
    ds_strbuf sb;
    ds__strbuf_init(&sb);
    ds__strbuf_puts(&sb, "Logical plan:\n");
    ds__strbuf_puts(&sb, p->logical ? p->logical : "");
    ds__strbuf_puts(&sb, "DStream operators (data flows down):\n");
    ds__pipeline_explain(&p->pipeline, &sb);
    if (sb.oom) {
        ds__strbuf_fini(&sb);
        return NULL;
    }
    return ds__strbuf_take(&sb);
}
