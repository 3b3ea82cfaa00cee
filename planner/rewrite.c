/*
** rewrite.c - the rewrite pass over the logical tree: folds constant
** subexpressions into literals, and makes an UNNEST carry only the input
** columns that later nodes use (word count needs no copy of the line).
*/
#include "logical.h"

/* Replaces every constant subtree of *px by its value. */
static int fold(ds_planner *pl, ds_expr **px) {
    ds_expr *x = *px;
    if (!x)
        return DS_OK;
    if (x->kind == DS_X_CONST)
        return DS_OK;
    if (x->nargs && ds__expr_is_constant(x)) {
        ds_value v;
        char msg[256];
        if (ds__expr_eval_const(x, &pl->plan->arena, &v, msg, sizeof msg) ==
            DS_OK) {
            ds_expr *c = ds__expr_const(&v, x->type);
            if (!c)
                return DS_NOMEM;
            c->label = x->label;
            ds__expr_free(x);
            *px = c;
            return DS_OK;
        }
        /* an error (overflow): leave it for run time, where SQL raises it
           only if a row evaluates it */
    }
    for (int k = 0; k < x->nargs; k++) {
        int rc = fold(pl, &x->args[k]);
        if (rc)
            return rc;
    }
    return DS_OK;
}

static int fold_node(ds_planner *pl, ds_lnode *n) {
    int rc = fold(pl, &n->pred);
    if (!rc)
        rc = fold(pl, &n->text);
    if (!rc)
        rc = fold(pl, &n->sep);
    for (int k = 0; !rc && k < n->nexprs; k++)
        rc = fold(pl, &n->exprs[k]);
    for (int k = 0; !rc && k < n->agg.nkeys; k++)
        rc = fold(pl, &n->agg.keys[k]);
    for (int k = 0; !rc && k < n->agg.naggs; k++)
        rc = fold(pl, &n->agg.aggs[k].arg);
    return rc;
}

/* --------------------------------------------------------- UNNEST carry */

static void mark_used(const ds_expr *x, char *used) {
    if (!x)
        return;
    if (x->kind == DS_X_COL)
        used[x->col] = 1;
    for (int k = 0; k < x->nargs; k++)
        mark_used(x->args[k], used);
}

static void remap(ds_expr *x, const int *map) {
    if (!x)
        return;
    if (x->kind == DS_X_COL)
        x->col = map[x->col];
    for (int k = 0; k < x->nargs; k++)
        remap(x->args[k], map);
}

/* The expressions of n that read its input's columns. */
static void each_expr(ds_lnode *n, void (*fn)(ds_expr *, const void *),
                      const void *arg) {
    fn(n->pred, arg);
    for (int k = 0; k < n->nexprs; k++)
        fn(n->exprs[k], arg);
    for (int k = 0; k < n->agg.nkeys; k++)
        fn(n->agg.keys[k], arg);
    for (int k = 0; k < n->agg.naggs; k++)
        fn(n->agg.aggs[k].arg, arg);
}

static void mark_fn(ds_expr *x, const void *used) {
    mark_used(x, (char *)used);
}
static void remap_fn(ds_expr *x, const void *map) { remap(x, map); }

static int prune_unnest(ds_planner *pl, ds_lnode *root) {
    /* the chain from the root down, to find the unnest and its users */
    ds_lnode *chain[64];
    int n = 0;
    for (ds_lnode *x = root; x && n < 64; x = x->input)
        chain[n++] = x;
    int u = -1;
    for (int k = 0; k < n; k++)
        if (chain[k]->kind == DS_L_UNNEST)
            u = k;
    if (u < 0)
        return DS_OK;
    ds_lnode *un = chain[u];
    /* users: from just above the unnest up to the first node that makes
       new columns (aggregate, project) */
    int top = u - 1;
    while (top > 0 && chain[top]->kind == DS_L_FILTER)
        top--;
    if (top < 0 || (chain[top]->kind != DS_L_AGGREGATE &&
                    chain[top]->kind != DS_L_PROJECT))
        return DS_OK;
    int width = un->ncols;
    char *used = ds__arena_alloc(&pl->plan->arena, (size_t)width);
    int *map = ds__arena_alloc(&pl->plan->arena, sizeof(int) * (size_t)width);
    if (!used || !map)
        return DS_NOMEM;
    memset(used, 0, (size_t)width);
    for (int k = top; k < u; k++)
        each_expr(chain[k], mark_fn, used);
    int nc = 0;
    for (int c = 0; c < un->ncarry; c++) {
        if (used[c]) {
            un->carry[nc] = un->carry[c];
            map[c] = nc++;
        }
    }
    map[width - 1] = nc;
    if (nc == un->ncarry)
        return DS_OK;
    for (int k = top; k < u; k++)
        each_expr(chain[k], remap_fn, map);
    /* the new schema of the unnest and the filters above it */
    const char **names =
        ds__arena_alloc(&pl->plan->arena, sizeof(char *) * (size_t)(nc + 1));
    int *types =
        ds__arena_alloc(&pl->plan->arena, sizeof(int) * (size_t)(nc + 1));
    if (!names || !types)
        return DS_NOMEM;
    for (int c = 0; c < width; c++) {
        if (c == width - 1 || used[c]) {
            names[map[c]] = un->names[c];
            types[map[c]] = un->types[c];
        }
    }
    un->ncarry = nc;
    for (int k = top + 1; k <= u; k++) {
        chain[k]->ncols = nc + 1;
        chain[k]->names = names;
        chain[k]->types = types;
    }
    return DS_OK;
}

int ds__plan_rewrite(ds_planner *pl, ds_lnode *root) {
    for (ds_lnode *n = root; n; n = n->input) {
        int rc = fold_node(pl, n);
        if (rc)
            return rc;
    }
    /* a window reads its time column and hands late rows on whole */
    if (pl->plan->window.kind != DS_WIN_NONE)
        return DS_OK;
    return prune_unnest(pl, root);
}
