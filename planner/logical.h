/*
** logical.h - what the planner's passes share: the planning state, the
** binder that resolves SQL expressions into typed ds_expr trees (resolve.c,
** functions.c), and the logical plan (logical.c, rewrite.c, physical.c,
** explain.c). Only planner/ includes it; the rest of the library sees
** plan.h.
*/
#ifndef DS_LOGICAL_H
#define DS_LOGICAL_H

#include "plan.h"

/* ------------------------------------------------------- planning state */

typedef struct ds_planner {
    const ds_plan_env *env;
    const char *sql;
    ds_plan *plan; /* the plan being built; its arena */
    ds_parse_error *err;
    int failed;
} ds_planner;

/* Records the first error at off (byte offset into sql); returns DS_ERROR. */
int ds__plan_error(ds_planner *pl, int off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The SQL text of e, in the plan's arena. */
const char *ds__plan_text(ds_planner *pl, int off, int len);
char *ds__plan_strdup(ds_planner *pl, const char *s);

/* --------------------------------------------------------------- binder */

/* A column that names in an expression can refer to. */
typedef struct ds_scope_col {
    const char *qual; /* stream alias or name, UNNEST alias; may be NULL */
    const char *name;
    int type;
} ds_scope_col;

typedef struct ds_scope {
    int n;
    ds_scope_col *cols; /* arena */
} ds_scope;

typedef struct ds_binder {
    ds_planner *pl;
    const ds_scope *scope; /* the input columns */
    const char *clause;    /* "WHERE", "GROUP BY", ... for messages */
    int quiet;             /* failures return NULL without an error */
    int in_agg;            /* inside an aggregate's argument */
    int has_window;        /* window_start/window_end may be used */
    /* aggregate queries, after the aggregate: expressions are rewritten
       over the aggregate's output (keys, then aggregates) */
    int post;
    ds_aggdef *agg; /* keys already set; aggregates are added */
    int agg_cap;
    /* HAVING and ORDER BY: select-list aliases, for names that are not
       input columns (as SQLite) */
    int naliases;
    const char **alias_names;
    const ds_ast_expr **alias_exprs;
    int in_alias; /* binding an alias's expression: no more aliases */
} ds_binder;

/* Resolves e; NULL on error (recorded unless quiet). */
ds_expr *ds__bind(ds_binder *b, const ds_ast_expr *e);
/* Resolves e and converts it to BOOLEAN or fails with "<clause> needs a
   BOOLEAN condition". */
ds_expr *ds__bind_condition(ds_binder *b, const ds_ast_expr *e);
/* Structural equality of two resolved trees. */
int ds__expr_equal(const ds_expr *a, const ds_expr *b);
/* A copy of a resolved tree (unprepared). */
ds_expr *ds__expr_copy(const ds_expr *x);
/* Converts x to type (inserting a CAST when needed); consumes x. */
ds_expr *ds__coerce(ds_expr *x, int type);
/* 1 if the call named name with nargs args is an aggregate. */
int ds__is_aggregate_call(const ds_ast_expr *e);
/* 1 if e contains an aggregate call (not looking inside subqueries). */
int ds__has_aggregate(const ds_ast_expr *e);

/* --------------------------------------------------------------- functions */

typedef enum ds_fnkind {
    DS_FK_SCALAR,
    DS_FK_AGGREGATE,
    DS_FK_UNNEST_ONLY, /* split() */
    DS_FK_LATER,       /* known, not supported yet */
} ds_fnkind;

typedef struct ds_fninfo {
    const char *name;
    ds_fnkind kind;
    int fn; /* ds_fn or ds_aggfn */
    int min_args, max_args;
} ds_fninfo;

const ds_fninfo *ds__fn_lookup(const char *name);
/* Builds the typed call of a scalar function from resolved args (consumed);
   NULL with an error recorded at off. */
ds_expr *ds__fn_build(ds_binder *b, const ds_fninfo *fi, int off, int nargs,
                      ds_expr **args);

/* --------------------------------------------------------- logical plan */

typedef enum ds_lkind {
    DS_L_SCAN,
    DS_L_UNNEST,
    DS_L_FILTER,
    DS_L_WINDOW,
    DS_L_AGGREGATE,
    DS_L_PROJECT,
    DS_L_SORT,
    DS_L_LIMIT,
    DS_L_OUTPUT,
} ds_lkind;

typedef struct ds_lnode ds_lnode;

struct ds_lnode {
    ds_lkind kind;
    ds_lnode *input;    /* owned */
    int ncols;          /* output columns */
    const char **names; /* arena */
    int *types;         /* arena */
    const char *label;  /* arena: e.g. "HAVING" for a filter after an
                           aggregate */
    /* SCAN */
    const char *stream;
    /* UNNEST: text and separator; carried input columns */
    ds_expr *text, *sep;
    int ncarry;
    int *carry; /* arena */
    /* FILTER */
    ds_expr *pred;
    /* WINDOW: see plan->window */
    /* AGGREGATE */
    ds_aggdef agg;
    /* PROJECT */
    int nexprs;
    ds_expr **exprs; /* ds_malloc'ed array */
    /* SORT */
    int nkeys;
    int *sort_cols, *sort_desc, *sort_nulls_first; /* arena */
    /* LIMIT */
    int64_t limit, offset;
    /* OUTPUT: the first nout columns are visible */
    int nout;
};

ds_lnode *ds__lnode_new(ds_planner *pl, ds_lkind kind, ds_lnode *input);
void ds__lnode_free(ds_lnode *n);

/* The passes. */
int ds__plan_logical(ds_planner *pl, const ds_ast_select *sel, ds_lnode **out);
int ds__plan_rewrite(ds_planner *pl, ds_lnode *root);
int ds__plan_physical(ds_planner *pl, ds_lnode *root);
/* The logical tree as indented text, into sb. */
void ds__plan_explain_logical(const ds_plan *plan, const ds_lnode *root,
                              ds_strbuf *sb);

#endif
