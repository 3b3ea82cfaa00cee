/*
** plan.h - the planner: from a SELECT's syntax tree to a query's physical
** DAG of DStream operators.
**
** The planner is a chain of passes, each run only while the previous one
** succeeded (planner.c):
**   resolve  names and types against the stream catalog (resolve.c, with
**            the function table of functions.c)
**   logical  a tree of logical nodes: scan, unnest, filter, window,
**            aggregate, project, sort, limit, output (logical.c)
**   rewrite  DISTINCT as GROUP BY, constant folding, dropping the columns
**            an UNNEST need not carry (rewrite.c)
**   physical one operator per logical node, in a pipeline (physical.c)
**   validate window sizes against the batch interval, what is not
**            supported yet (inside the passes where the facts are known)
** EXPLAIN prints the logical tree and the operator DAG (explain.c).
**
** The planner does no I/O and never runs anything; it sees the catalog only
** through ds_plan_env. Errors carry the byte offset of the SQL at fault.
*/
#ifndef DS_PLAN_H
#define DS_PLAN_H

#include "../parser/ast.h"
#include "../runtime/op.h"

typedef struct ds_column {
    char *name; /* owned by whoever owns the schema */
    int type;
} ds_column;

typedef struct ds_schema {
    int ncols;
    ds_column *cols;
} ds_schema;

/* What the planner may ask of the engine's catalog. */
typedef struct ds_plan_env {
    /* The schema of the stream named name (case-insensitive), or NULL.
     *canonical receives the name as the catalog spells it. */
    const ds_schema *(*find_stream)(void *user, const char *name,
                                    const char **canonical);
    void *user;
    int64_t batch_interval_us;
    int64_t idle_timeout_us; /* event time: idle input advances the
                                watermark after this (0: never) */
} ds_plan_env;

/* Window facts the engine needs (and EXPLAIN prints). */
typedef struct ds_plan_window {
    ds_window_kind kind;
    int64_t size, slide; /* microseconds, or rows for COUNT */
    int event_time;      /* ON col given */
    int time_col;        /* its column in the window's input, or -1 */
    int64_t watermark;   /* delay; 0 when not given */
    ds_emit_mode emit;
    const char *late_into; /* LATE INTO stream (arena), or NULL */
} ds_plan_window;

typedef struct ds_plan {
    ds_arena arena;     /* names, labels, explain text */
    const char *stream; /* the input stream, canonical name (arena) */
    ds_schema out;      /* visible output columns (arena) */
    ds_plan_window window;
    ds_schema late;       /* LATE INTO: the late rows' columns (arena) */
    ds_pipeline pipeline; /* owned operators */
    char *logical;        /* EXPLAIN text of the logical plan (arena) */
} ds_plan;

/*
** Plans a SELECT. sql is the text the tree was parsed from (for labels and
** output names). On success *out is a new plan (free with ds__plan_free);
** on error returns DS_ERROR with err filled, or DS_NOMEM.
*/
int ds__plan_select(const ds_plan_env *env, const char *sql,
                    const ds_ast_select *sel, ds_plan **out,
                    ds_parse_error *err);
void ds__plan_free(ds_plan *p);

/*
** The EXPLAIN text of a plan: the logical tree, then the DAG of operators.
** Deterministic. Owned by the caller (ds_free).
*/
char *ds__plan_explain(const ds_plan *p);

/*
** Evaluates the rows of INSERT INTO ... VALUES into a new batch of the
** target schema (values converted as CAST would; a value that cannot be
** converted is a positioned error). *out owns its text.
*/
int ds__plan_values(const char *sql, const ds_ast_stmt *stmt,
                    const ds_schema *target, ds_batch **out,
                    ds_parse_error *err);

/* Checks CREATE STREAM/TABLE columns: at least one, no duplicate names. */
int ds__plan_check_columns(const ds_ast_coldefs *cols, ds_parse_error *err);

/* Case-insensitive comparison of identifiers (ASCII). */
int ds__name_eq(const char *a, const char *b);

#endif
