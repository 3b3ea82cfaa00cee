/*
** logical.c - the logical pass: turns a SELECT into a tree of logical
** nodes, bottom up: SCAN of the stream, UNNEST, FILTER (WHERE), WINDOW,
** AGGREGATE (GROUP BY and aggregate calls), FILTER (HAVING), PROJECT (the
** select list plus hidden ORDER BY keys), SORT, LIMIT, OUTPUT. Names and
** types are resolved here through the binder (resolve.c).
*/
#include "logical.h"

#include <stdio.h>

ds_lnode *ds__lnode_new(ds_planner *pl, ds_lkind kind, ds_lnode *input) {
    (void)pl;
    ds_lnode *n = ds_malloc(sizeof *n);
    if (!n) {
        ds__lnode_free(input);
        return NULL;
    }
    memset(n, 0, sizeof *n);
    n->kind = kind;
    n->input = input;
    n->limit = -1;
    return n;
}

void ds__lnode_free(ds_lnode *n) {
    while (n) {
        ds_lnode *in = n->input;
        ds__expr_free(n->text);
        ds__expr_free(n->sep);
        ds__expr_free(n->pred);
        ds__aggdef_fini(&n->agg);
        for (int k = 0; k < n->nexprs; k++)
            ds__expr_free(n->exprs[k]);
        ds_free(n->exprs);
        ds_free(n);
        n = in;
    }
}

/* Gives node n the schema of the scope columns. */
static int set_schema(ds_planner *pl, ds_lnode *n, int ncols,
                      const char **names, const int *types) {
    n->ncols = ncols;
    n->names =
        ds__arena_alloc(&pl->plan->arena, sizeof(char *) * (size_t)(ncols + 1));
    n->types =
        ds__arena_alloc(&pl->plan->arena, sizeof(int) * (size_t)(ncols + 1));
    if (!n->names || !n->types)
        return DS_NOMEM;
    for (int k = 0; k < ncols; k++) {
        n->names[k] = names[k];
        n->types[k] = types[k];
    }
    return DS_OK;
}

static int scope_schema(ds_planner *pl, ds_lnode *n, const ds_scope *s) {
    const char **names =
        ds__arena_alloc(&pl->plan->arena, sizeof(char *) * (size_t)(s->n + 1));
    int *types =
        ds__arena_alloc(&pl->plan->arena, sizeof(int) * (size_t)(s->n + 1));
    if (!names || !types)
        return DS_NOMEM;
    for (int k = 0; k < s->n; k++) {
        names[k] = s->cols[k].name;
        types[k] = s->cols[k].type;
    }
    return set_schema(pl, n, s->n, names, types);
}

/* ------------------------------------------------------------ FROM */

static int plan_from(ds_planner *pl, const ds_ast_select *sel, ds_scope *scope,
                     ds_lnode **out) {
    ds_arena *ar = &pl->plan->arena;
    if (!sel->from || sel->from->n == 0)
        return ds__plan_error(pl, sel->off,
                              "a continuous query needs FROM "
                              "a stream");
    const ds_ast_from *f0 = &sel->from->v[0];
    if (f0->kind != DS_FROM_STREAM)
        return ds__plan_error(pl, f0->off,
                              "the first FROM item must be a "
                              "stream");
    int nunnest = 0;
    for (int k = 1; k < sel->from->n; k++) {
        const ds_ast_from *f = &sel->from->v[k];
        if (f->kind == DS_FROM_STREAM)
            return ds__plan_error(pl, f->off, "not supported yet: joins");
        if (f->on)
            return ds__plan_error(pl, f->on->off,
                                  "not supported yet: JOIN "
                                  "... ON with UNNEST");
        if (++nunnest > 1)
            return ds__plan_error(pl, f->off,
                                  "not supported yet: more than "
                                  "one UNNEST");
    }
    const char *canonical = NULL;
    const ds_schema *sch =
        pl->env->find_stream(pl->env->user, f0->name.s, &canonical);
    if (!sch)
        return ds__plan_error(pl, f0->name.off, "no such stream: %s",
                              f0->name.s);
    pl->plan->stream = ds__plan_strdup(pl, canonical);
    int extra = nunnest;
    scope->cols = ds__arena_alloc(ar, sizeof(ds_scope_col) *
                                          (size_t)(sch->ncols + extra + 1));
    if (!scope->cols || !pl->plan->stream)
        return DS_NOMEM;
    const char *qual = f0->alias.s ? f0->alias.s : canonical;
    scope->n = sch->ncols;
    for (int k = 0; k < sch->ncols; k++) {
        scope->cols[k].qual = qual;
        scope->cols[k].name = sch->cols[k].name;
        scope->cols[k].type = sch->cols[k].type;
    }
    ds_lnode *scan = ds__lnode_new(pl, DS_L_SCAN, NULL);
    if (!scan)
        return DS_NOMEM;
    scan->stream = pl->plan->stream;
    *out = scan;
    int rc = scope_schema(pl, scan, scope);
    if (rc)
        return rc;
    if (!nunnest)
        return DS_OK;

    const ds_ast_from *u = &sel->from->v[1];
    const ds_ast_expr *arg = u->expr;
    if (arg->kind != DS_AE_CALL || !ds__name_eq(arg->name.s, "split") ||
        !arg->args || arg->args->n != 2)
        return ds__plan_error(pl, arg->off,
                              "not supported yet: UNNEST of "
                              "anything but split(text, separator)");
    if (u->columns && u->columns->n != 1)
        return ds__plan_error(pl, u->off,
                              "UNNEST(split(...)) gives one "
                              "column, but %d names were given",
                              u->columns->n);
    ds_binder b = {.pl = pl, .scope = scope, .clause = "UNNEST"};
    ds_expr *text = ds__coerce(ds__bind(&b, arg->args->v[0]), DS_TEXT);
    ds_expr *sep =
        text ? ds__coerce(ds__bind(&b, arg->args->v[1]), DS_TEXT) : NULL;
    if (!text || !sep) {
        ds__expr_free(text);
        return pl->failed ? DS_ERROR : DS_NOMEM;
    }
    ds_lnode *un = ds__lnode_new(pl, DS_L_UNNEST, scan);
    if (!un) {
        ds__expr_free(text);
        ds__expr_free(sep);
        *out = NULL;
        return DS_NOMEM;
    }
    *out = un;
    un->text = text;
    un->sep = sep;
    un->ncarry = scope->n;
    un->carry = ds__arena_alloc(ar, sizeof(int) * (size_t)(scope->n + 1));
    if (!un->carry)
        return DS_NOMEM;
    for (int k = 0; k < scope->n; k++)
        un->carry[k] = k;
    ds_scope_col *c = &scope->cols[scope->n++];
    c->qual = u->alias.s;
    c->name =
        ds__plan_strdup(pl, u->columns ? u->columns->v[0].s
                                       : (u->alias.s ? u->alias.s : "unnest"));
    c->type = DS_TEXT;
    if (!c->name)
        return DS_NOMEM;
    return scope_schema(pl, un, scope);
}

/* ---------------------------------------------------------- WINDOW */

static int plan_window(ds_planner *pl, const ds_ast_select *sel,
                       const ds_scope *scope) {
    ds_plan_window *w = &pl->plan->window;
    const ds_ast_window *aw = sel->window;
    w->emit = sel->emit;
    if (!aw) {
        if (sel->emit == DS_EMIT_CHANGES)
            return ds__plan_error(pl, sel->emit_off,
                                  "EMIT CHANGES needs a "
                                  "WINDOW clause");
        return DS_OK;
    }
    w->kind = aw->kind;
    w->size = aw->size;
    w->slide = aw->slide ? aw->slide : aw->size;
    w->watermark = aw->watermark > 0 ? aw->watermark : 0;
    w->event_time = aw->on.s != NULL;
    w->time_col = -1;
    if (aw->kind == DS_WIN_COUNT) {
        if (aw->size <= 0 || w->slide <= 0)
            return ds__plan_error(pl, aw->size_off,
                                  "COUNT window SIZE and "
                                  "SLIDE must be positive row counts");
        if (w->slide > w->size)
            return ds__plan_error(pl, aw->slide_off,
                                  "window SLIDE must not "
                                  "be larger than SIZE");
        if (sel->emit == DS_EMIT_CHANGES)
            return ds__plan_error(pl, sel->emit_off,
                                  "EMIT CHANGES does not "
                                  "apply to COUNT windows");
    }
    if (aw->on.s) {
        int found = -1;
        for (int k = 0; k < scope->n; k++)
            if (ds__name_eq(scope->cols[k].name, aw->on.s))
                found = k;
        if (found < 0)
            return ds__plan_error(pl, aw->on.off, "no such column: %s",
                                  aw->on.s);
        if (scope->cols[found].type != DS_TIMESTAMP)
            return ds__plan_error(pl, aw->on.off,
                                  "the event-time column %s "
                                  "must be a TIMESTAMP, not %s",
                                  aw->on.s,
                                  ds_type_name(scope->cols[found].type));
        if (aw->kind == DS_WIN_COUNT || aw->kind == DS_WIN_UNBOUNDED)
            return ds__plan_error(pl, aw->on.off,
                                  "ON applies to TUMBLING, "
                                  "SLIDING and SESSION windows only");
        w->time_col = found;
    } else if (aw->watermark >= 0 || aw->late_into.s) {
        return ds__plan_error(
            pl, aw->watermark >= 0 ? aw->watermark_off : aw->late_into.off,
            "WATERMARK and LATE INTO need an event-time "
            "column (ON col)");
    }
    if (aw->late_into.s) {
        w->late_into = ds__plan_strdup(pl, aw->late_into.s);
        ds_schema *ls = &pl->plan->late;
        ls->ncols = scope->n;
        ls->cols = ds__arena_alloc(&pl->plan->arena,
                                   sizeof(ds_column) * (size_t)(scope->n + 1));
        if (!w->late_into || !ls->cols)
            return DS_NOMEM;
        for (int k = 0; k < scope->n; k++) {
            ls->cols[k].name = (char *)scope->cols[k].name;
            ls->cols[k].type = scope->cols[k].type;
        }
    }
    int64_t bi = pl->env->batch_interval_us;
    if (!aw->on.s && bi > 0 &&
        (aw->kind == DS_WIN_TUMBLING || aw->kind == DS_WIN_SLIDING ||
         aw->kind == DS_WIN_SESSION)) {
        const char *what = aw->kind == DS_WIN_SESSION ? "GAP" : "SIZE";
        if (aw->size % bi)
            return ds__plan_error(pl, aw->size_off,
                                  "window %s must be a "
                                  "multiple of the batch interval (%lld ms) "
                                  "in processing time",
                                  what, (long long)(bi / 1000));
        if (aw->kind == DS_WIN_SLIDING && aw->slide % bi)
            return ds__plan_error(pl, aw->slide_off,
                                  "window SLIDE must be a "
                                  "multiple of the batch interval (%lld ms) "
                                  "in processing time",
                                  (long long)(bi / 1000));
    }
    if (aw->kind == DS_WIN_SLIDING && aw->slide > aw->size)
        return ds__plan_error(pl, aw->slide_off,
                              "window SLIDE must not be "
                              "larger than SIZE");
    return DS_OK;
}

/* ------------------------------------------------------- select list */

typedef struct item {
    const ds_ast_expr *ast; /* NULL for a star-expanded column */
    int col;                /* star-expanded: the scope column */
    const char *name;
} item;

static int expand_items(ds_planner *pl, const ds_ast_select *sel,
                        const ds_scope *scope, item **out, int *nout) {
    int cap = sel->items->n + scope->n, n = 0;
    item *items =
        ds__arena_alloc(&pl->plan->arena, sizeof(item) * (size_t)(cap + 1));
    if (!items)
        return DS_NOMEM;
    for (int k = 0; k < sel->items->n; k++) {
        const ds_ast_item *it = &sel->items->v[k];
        if (it->expr->kind == DS_AE_STAR) {
            const char *q = it->expr->qualifier.s;
            int any = 0;
            for (int c = 0; c < scope->n; c++) {
                if (q && (!scope->cols[c].qual ||
                          !ds__name_eq(scope->cols[c].qual, q)))
                    continue;
                items[n++] = (item){NULL, c, scope->cols[c].name};
                any = 1;
            }
            if (!any)
                return ds__plan_error(pl, it->expr->off, "no such table: %s",
                                      q ? q : "?");
            continue;
        }
        const char *name = it->alias.s;
        if (!name && it->expr->kind == DS_AE_COLUMN) {
            /* a column is named as declared (SQLite): a for A */
            const ds_ast_expr *e = it->expr;
            name = e->name.s;
            for (int c = 0; c < scope->n; c++)
                if (ds__name_eq(scope->cols[c].name, e->name.s) &&
                    (!e->qualifier.s ||
                     (scope->cols[c].qual &&
                      ds__name_eq(scope->cols[c].qual, e->qualifier.s)))) {
                    name = scope->cols[c].name;
                    break;
                }
        }
        if (!name)
            name = ds__plan_text(pl, it->expr->off, it->expr->len);
        /* names outlive the syntax tree: keep them in the plan */
        name = ds__plan_strdup(pl, name);
        if (!name)
            return DS_NOMEM;
        items[n++] = (item){it->expr, -1, name};
    }
    *out = items;
    *nout = n;
    return DS_OK;
}

static ds_expr *bind_item(ds_binder *b, const item *it) {
    if (it->ast)
        return ds__bind(b, it->ast);
    if (b->post) /* a star in an aggregate query */
        return NULL;
    return ds__expr_col(it->col, b->scope->cols[it->col].type);
}

/* Counts in e the names of time values (batch_time, window_start,
   window_end, when no input column has that name) and the other columns. */
static void count_refs(const ds_ast_expr *e, const ds_scope *scope, int *times,
                       int *cols) {
    if (!e)
        return;
    if (e->kind == DS_AE_COLUMN) {
        int col = 0;
        for (int c = 0; c < scope->n && !col; c++)
            col = ds__name_eq(scope->cols[c].name, e->name.s);
        if (!col && !e->qualifier.s &&
            (ds__name_eq(e->name.s, "batch_time") ||
             ds__name_eq(e->name.s, "window_start") ||
             ds__name_eq(e->name.s, "window_end")))
            ++*times;
        else
            ++*cols;
        return;
    }
    count_refs(e->a, scope, times, cols);
    count_refs(e->b, scope, times, cols);
    count_refs(e->c, scope, times, cols);
    for (int k = 0; e->args && k < e->args->n; k++)
        count_refs(e->args->v[k], scope, times, cols);
}

/* GROUP BY 2 and GROUP BY alias refer to select items. */
static const ds_ast_expr *group_term(ds_planner *pl, const ds_ast_expr *g,
                                     const item *items, int nitems,
                                     const ds_scope *scope) {
    if (g->kind == DS_AE_INT) {
        if (g->ival < 1 || g->ival > nitems) {
            ds__plan_error(pl, g->off,
                           "GROUP BY term out of range - should "
                           "be between 1 and %d",
                           nitems);
            return NULL;
        }
        const item *it = &items[g->ival - 1];
        if (!it->ast) {
            ds__plan_error(pl, g->off, "GROUP BY position refers to *");
            return NULL;
        }
        if (ds__has_aggregate(it->ast)) {
            ds__plan_error(pl, g->off,
                           "GROUP BY term %lld refers to an "
                           "aggregate",
                           (long long)g->ival);
            return NULL;
        }
        return it->ast;
    }
    if (g->kind == DS_AE_COLUMN && !g->qualifier.s) {
        for (int c = 0; c < scope->n; c++)
            if (ds__name_eq(scope->cols[c].name, g->name.s))
                return g;
        for (int k = 0; k < nitems; k++)
            if (items[k].ast && ds__name_eq(items[k].name, g->name.s) &&
                !ds__has_aggregate(items[k].ast))
                return items[k].ast;
    }
    return g;
}

/* ORDER BY: the project column each term sorts on, adding hidden ones. */
static int plan_order(ds_planner *pl, const ds_ast_select *sel, ds_binder *b,
                      const item *items, int nitems, ds_lnode *proj,
                      ds_lnode *sort) {
    ds_arena *ar = &pl->plan->arena;
    int n = sel->order_by->n;
    sort->nkeys = n;
    sort->sort_cols = ds__arena_alloc(ar, sizeof(int) * (size_t)n);
    sort->sort_desc = ds__arena_alloc(ar, sizeof(int) * (size_t)n);
    sort->sort_nulls_first = ds__arena_alloc(ar, sizeof(int) * (size_t)n);
    if (!sort->sort_cols || !sort->sort_desc || !sort->sort_nulls_first)
        return DS_NOMEM;
    for (int k = 0; k < n; k++) {
        const ds_ast_order *o = &sel->order_by->v[k];
        const ds_ast_expr *e = o->expr;
        int col = -1;
        sort->sort_desc[k] = o->desc;
        sort->sort_nulls_first[k] = o->nulls == 0 ? -1 : o->nulls == 1;
        if (e->kind == DS_AE_INT) {
            if (e->ival < 1 || e->ival > nitems)
                return ds__plan_error(pl, e->off,
                                      "ORDER BY term out of range "
                                      "- should be between 1 and %d",
                                      nitems);
            col = (int)e->ival - 1;
        } else if (e->kind == DS_AE_COLUMN && !e->qualifier.s) {
            for (int i = 0; i < nitems && col < 0; i++)
                if (ds__name_eq(items[i].name, e->name.s))
                    col = i;
        }
        if (col < 0) {
            ds_expr *x = ds__bind(b, e);
            if (!x)
                return pl->failed ? DS_ERROR : DS_NOMEM;
            if (x->type == DS_NULL)
                x = ds__coerce(x, DS_BIGINT);
            for (int i = 0; i < proj->nexprs && col < 0; i++)
                if (ds__expr_equal(x, proj->exprs[i]))
                    col = i;
            if (col >= 0) {
                ds__expr_free(x);
            } else {
                ds_expr **ne =
                    ds_realloc(proj->exprs,
                               sizeof(ds_expr *) * (size_t)(proj->nexprs + 1));
                if (!ne) {
                    ds__expr_free(x);
                    return DS_NOMEM;
                }
                proj->exprs = ne;
                col = proj->nexprs;
                proj->exprs[proj->nexprs++] = x;
            }
        }
        sort->sort_cols[k] = col;
    }
    return DS_OK;
}

static int const_int(ds_planner *pl, const ds_ast_expr *e, const char *what,
                     int64_t *out) {
    ds_scope empty = {0, NULL};
    ds_binder b = {.pl = pl, .scope = &empty, .clause = what};
    ds_expr *x = ds__bind(&b, e);
    if (!x)
        return pl->failed ? DS_ERROR : DS_NOMEM;
    ds_value v;
    char msg[256];
    int rc = DS_OK;
    if (x->type != DS_BIGINT && x->type != DS_NULL) {
        rc = ds__plan_error(pl, e->off, "%s needs an integer", what);
    } else if (ds__expr_eval_const(x, &pl->plan->arena, &v, msg, sizeof msg)) {
        rc = ds__plan_error(pl, e->off, "%s", msg);
    } else {
        *out = v.type == DS_NULL ? -1 : v.u.i;
    }
    ds__expr_free(x);
    return rc;
}

/* Names and types of a project node from its expressions. */
static int project_schema(ds_planner *pl, ds_lnode *proj, const item *items,
                          int nitems) {
    const char **names = ds__arena_alloc(
        &pl->plan->arena, sizeof(char *) * (size_t)(proj->nexprs + 1));
    int *types = ds__arena_alloc(&pl->plan->arena,
                                 sizeof(int) * (size_t)(proj->nexprs + 1));
    if (!names || !types)
        return DS_NOMEM;
    for (int k = 0; k < proj->nexprs; k++) {
        if (proj->exprs[k]->type == DS_NULL)
            proj->exprs[k] = ds__coerce(proj->exprs[k], DS_TEXT);
        names[k] = k < nitems ? items[k].name : "(order by)";
        types[k] = proj->exprs[k]->type;
    }
    return set_schema(pl, proj, proj->nexprs, names, types);
}

int ds__plan_logical(ds_planner *pl, const ds_ast_select *sel, ds_lnode **out) {
    ds_scope scope = {0, NULL};
    ds_lnode *root = NULL;
    item *items = NULL;
    int nitems = 0;
    ds_aggdef def;
    memset(&def, 0, sizeof def);
    int rc = plan_from(pl, sel, &scope, &root);
    if (!rc)
        rc = plan_window(pl, sel, &scope);
    if (!rc && sel->where) {
        ds_binder b = {.pl = pl, .scope = &scope, .clause = "WHERE"};
        ds_expr *pred = ds__bind_condition(&b, sel->where);
        ds_lnode *f = pred ? ds__lnode_new(pl, DS_L_FILTER, root) : NULL;
        if (!f) {
            ds__expr_free(pred);
            if (pred)
                root = NULL;
            rc = pl->failed ? DS_ERROR : DS_NOMEM;
        } else {
            f->pred = pred;
            f->label = "WHERE";
            root = f;
            rc = scope_schema(pl, f, &scope);
        }
    }
    if (!rc)
        rc = expand_items(pl, sel, &scope, &items, &nitems);
    if (rc)
        goto fail;

    int aggregate = sel->group_by || sel->having;
    for (int k = 0; k < nitems && !aggregate; k++)
        aggregate = items[k].ast && ds__has_aggregate(items[k].ast);
    for (int k = 0; sel->order_by && k < sel->order_by->n && !aggregate; k++)
        aggregate = ds__has_aggregate(sel->order_by->v[k].expr);
    if (sel->distinct && aggregate) {
        rc = ds__plan_error(pl, sel->off,
                            "not supported yet: SELECT "
                            "DISTINCT with aggregates or GROUP BY");
        goto fail;
    }

    if (!aggregate && !sel->distinct && pl->plan->window.kind != DS_WIN_NONE) {
        if (pl->plan->window.kind == DS_WIN_SESSION ||
            pl->plan->window.kind == DS_WIN_COUNT) {
            rc = ds__plan_error(pl, sel->window->off,
                                "SESSION and COUNT "
                                "windows need aggregates (they are per "
                                "GROUP BY key)");
            goto fail;
        }
        if (pl->plan->window.kind == DS_WIN_UNBOUNDED) {
            rc = ds__plan_error(pl, sel->window->off,
                                "an UNBOUNDED window needs aggregates "
                                "(without them it would keep every row "
                                "forever)");
            goto fail;
        }
        ds_lnode *wn = ds__lnode_new(pl, DS_L_WINDOW, root);
        root = wn;
        if (!wn) {
            rc = DS_NOMEM;
            goto fail;
        }
        rc = scope_schema(pl, wn, &scope);
        if (rc)
            goto fail;
    }
    ds_binder b = {.pl = pl, .scope = &scope, .clause = "the select list"};
    b.has_window = pl->plan->window.kind != DS_WIN_NONE &&
                   pl->plan->window.kind != DS_WIN_COUNT;
    if (aggregate || sel->distinct) {
        /* the keys, over the input columns */
        int ng = sel->distinct ? nitems : sel->group_by ? sel->group_by->n : 0;
        def.keys = ds_malloc(sizeof(ds_expr *) * (size_t)(ng + 1));
        def.key_types = ds_malloc(sizeof(int) * (size_t)(ng + 1));
        if (!def.keys || !def.key_types) {
            rc = DS_NOMEM;
            goto fail;
        }
        ds_binder kb = {.pl = pl, .scope = &scope, .clause = "GROUP BY"};
        for (int k = 0; k < ng; k++) {
            ds_expr *x;
            int times = 0, cols = 0;
            if (sel->distinct && items[k].ast)
                count_refs(items[k].ast, &scope, &times, &cols);
            if (times && cols) {
                rc = ds__plan_error(pl, items[k].ast->off,
                                    "not supported yet: SELECT DISTINCT of "
                                    "an expression that mixes batch_time, "
                                    "window_start or window_end with "
                                    "columns");
                goto fail;
            }
            if (times)
                continue; /* one value per emission: not a key */
            if (sel->distinct) {
                x = bind_item(&kb, &items[k]);
            } else {
                const ds_ast_expr *g =
                    group_term(pl, sel->group_by->v[k], items, nitems, &scope);
                x = g ? ds__bind(&kb, g) : NULL;
            }
            if (!x) {
                rc = pl->failed ? DS_ERROR : DS_NOMEM;
                goto fail;
            }
            if (x->type == DS_NULL)
                x = ds__coerce(x, DS_BIGINT);
            def.keys[def.nkeys] = x;
            def.key_types[def.nkeys++] = x->type;
        }
        if (sel->distinct && !def.nkeys) {
            /* only time values: one row when there are rows, else none */
            ds_value one = {DS_BIGINT, {.i = 1}};
            ds_expr *x = ds__expr_const(&one, DS_BIGINT);
            if (!x) {
                rc = DS_NOMEM;
                goto fail;
            }
            def.keys[def.nkeys] = x;
            def.key_types[def.nkeys++] = DS_BIGINT;
        }
        b.post = 1;
        b.agg = &def;
    }

    ds_lnode *proj = ds__lnode_new(pl, DS_L_PROJECT, NULL);
    if (!proj) {
        rc = DS_NOMEM;
        goto fail;
    }
    proj->exprs = ds_malloc(sizeof(ds_expr *) * (size_t)(nitems + 1));
    if (!proj->exprs) {
        ds__lnode_free(proj);
        rc = DS_NOMEM;
        goto fail;
    }
    for (int k = 0; k < nitems; k++) {
        ds_expr *x;
        if (!items[k].ast && b.post) {
            ds__lnode_free(proj);
            rc = ds__plan_error(pl, sel->off,
                                "* cannot be used with GROUP "
                                "BY or aggregates");
            goto fail;
        }
        x = bind_item(&b, &items[k]);
        if (!x) {
            ds__lnode_free(proj);
            rc = pl->failed ? DS_ERROR : DS_NOMEM;
            goto fail;
        }
        proj->exprs[proj->nexprs++] = x;
    }
    /* HAVING and ORDER BY may name select-list aliases */
    int na = sel->items->n;
    b.alias_names =
        ds__arena_alloc(&pl->plan->arena, sizeof(char *) * (size_t)(na + 1));
    b.alias_exprs = ds__arena_alloc(&pl->plan->arena,
                                    sizeof(ds_ast_expr *) * (size_t)(na + 1));
    if (!b.alias_names || !b.alias_exprs) {
        ds__lnode_free(proj);
        rc = DS_NOMEM;
        goto fail;
    }
    for (int k = 0; k < na; k++)
        if (sel->items->v[k].alias.s) {
            b.alias_names[b.naliases] = sel->items->v[k].alias.s;
            b.alias_exprs[b.naliases++] = sel->items->v[k].expr;
        }
    ds_expr *having = NULL;
    if (sel->having) {
        b.clause = "HAVING";
        having = ds__bind_condition(&b, sel->having);
        if (!having) {
            ds__lnode_free(proj);
            rc = pl->failed ? DS_ERROR : DS_NOMEM;
            goto fail;
        }
    }
    ds_lnode *sort = NULL;
    if (sel->order_by) {
        b.clause = "ORDER BY";
        sort = ds__lnode_new(pl, DS_L_SORT, NULL);
        rc = sort ? plan_order(pl, sel, &b, items, nitems, proj, sort)
                  : DS_NOMEM;
        if (rc) {
            ds__lnode_free(sort);
            ds__lnode_free(proj);
            ds__expr_free(having);
            goto fail;
        }
    }

    /* assemble: [aggregate [having]] project [sort] [limit] output */
    if (b.post) {
        ds_lnode *agg = ds__lnode_new(pl, DS_L_AGGREGATE, root);
        root = agg;
        if (!agg)
            rc = DS_NOMEM;
        if (!rc) {
            agg->agg = def;
            memset(&def, 0, sizeof def);
            agg->label = sel->distinct ? "DISTINCT" : NULL;
            int n = agg->agg.nkeys + agg->agg.naggs;
            const char **names = ds__arena_alloc(
                &pl->plan->arena, sizeof(char *) * (size_t)(n + 1));
            int *types = ds__arena_alloc(&pl->plan->arena,
                                         sizeof(int) * (size_t)(n + 1));
            if (!names || !types) {
                rc = DS_NOMEM;
            } else {
                for (int k = 0; k < n; k++) {
                    types[k] = ds__aggdef_out_type(&agg->agg, k);
                    names[k] =
                        k < agg->agg.nkeys
                            ? (agg->agg.keys[k]->label ? agg->agg.keys[k]->label
                                                       : "key")
                            : agg->agg.aggs[k - agg->agg.nkeys].label;
                }
                rc = set_schema(pl, agg, n, names, types);
            }
        }
        if (!rc && having) {
            ds_lnode *f = ds__lnode_new(pl, DS_L_FILTER, root);
            root = f;
            if (!f) {
                rc = DS_NOMEM;
            } else {
                f->pred = having;
                having = NULL;
                f->label = "HAVING";
                rc = set_schema(pl, f, agg->ncols, agg->names, agg->types);
            }
        }
    }
    ds__expr_free(having);
    proj->input = root;
    root = proj;
    if (!rc)
        rc = project_schema(pl, proj, items, nitems);
    if (sort) {
        sort->input = root;
        root = sort;
        if (!rc)
            rc = set_schema(pl, sort, proj->ncols, proj->names, proj->types);
    }
    if (!rc && sel->limit) {
        ds_lnode *lim = ds__lnode_new(pl, DS_L_LIMIT, root);
        root = lim;
        if (!lim)
            rc = DS_NOMEM;
        if (!rc)
            rc = const_int(pl, sel->limit, "LIMIT", &lim->limit);
        if (!rc && sel->offset)
            rc = const_int(pl, sel->offset, "OFFSET", &lim->offset);
        if (!rc)
            rc = set_schema(pl, lim, proj->ncols, proj->names, proj->types);
    }
    if (!rc) {
        ds_lnode *o = ds__lnode_new(pl, DS_L_OUTPUT, root);
        root = o;
        if (!o)
            rc = DS_NOMEM;
        if (!rc) {
            o->nout = nitems;
            rc = set_schema(pl, o, proj->ncols, proj->names, proj->types);
        }
    }
    if (rc)
        goto fail;
    *out = root;
    return DS_OK;
fail:
    ds__aggdef_fini(&def);
    ds__lnode_free(root);
    *out = NULL;
    return rc ? rc : DS_ERROR;
}
