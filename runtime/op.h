/*
** op.h - DStream operators: the nodes of a query's physical DAG.
**
** An operator receives chunks from the one before it (x_push), and passes
** what it makes to the one after it (op->next). Time drives the rest: after
** the last chunk of a batch the driver calls x_advance with the batch's end
** time; operators that decide emissions (the per-batch emitter, the
** aggregate, the windows) then push the emission's rows followed by
** x_punct, which marks the end of one emission (the ds_emit in the exec
** context says which batch and window it is). Operators after the emitter
** (HAVING filter, projection, sort, limit, output) work per emission. At end
** of input x_flush makes every operator emit what it still holds.
**
** Chunks passed to x_push are borrowed for the duration of the call;
** an operator that keeps rows copies them. One file per operator kind:
** op_scan.c, op_filter.c, op_project.c, op_unnest.c, op_emit.c (per-batch
** emitter), op_aggregate.c, op_sort.c, op_limit.c, op_output.c; op.c holds
** the shared defaults and the pipeline.
*/
#ifndef DS_OP_H
#define DS_OP_H

#include "agg.h"
#include "expr.h"

/* Which emission the rows being pushed belong to. */
typedef struct ds_emit {
    int64_t batch;      /* 1-based batch number */
    int64_t batch_time; /* end of the batch, microseconds */
    int has_window;
    int64_t window_start, window_end;
} ds_emit;

/* Counters of one query, read by SHOW METRICS and the shell. */
typedef struct ds_op_metrics {
    int64_t input_rows;  /* rows the scan saw, all batches */
    int64_t output_rows; /* rows delivered */
    int64_t emissions;
    int64_t late_rows;
    int64_t state_rows; /* groups or rows held between batches, now */
    int64_t state_bytes;
} ds_op_metrics;

/* Receives each finished emission: the rows (borrowed until the call
   returns) of ncols columns. Returns DS_OK or an error that ends the
   query (with errmsg filled). */
typedef int (*ds_deliver_fn)(void *user, const ds_emit *emit,
                             const ds_batch *rows, char *errmsg, size_t errlen);

/* The execution context of one query, shared by its operators. */
typedef struct ds_opctx {
    ds_eval_ctx eval;   /* time values, text arena, error text */
    ds_arena arena;     /* per-batch text; reset after every batch */
    ds_emit emit;       /* the emission being produced */
    int64_t batch;      /* number of the batch being run */
    int64_t batch_time; /* its end time */
    int64_t origin;     /* the time before the engine's first batch */
    int last;           /* the input ends with this batch: x_flush follows */
    ds_deliver_fn deliver;
    void *deliver_user;
    ds_batch *late; /* borrowed: receives late rows of windows (LATE
                       INTO); NULL: late rows are only counted */
    ds_op_metrics metrics;
} ds_opctx;

typedef struct ds_op ds_op;

typedef struct ds_op_vtable {
    const char *name; /* for EXPLAIN: "scan", "filter", ... */
    int (*x_open)(ds_op *op, ds_opctx *ex);
    int (*x_push)(ds_op *op, ds_opctx *ex, const ds_chunk *in);
    int (*x_punct)(ds_op *op, ds_opctx *ex);
    int (*x_advance)(ds_op *op, ds_opctx *ex, int64_t time);
    int (*x_flush)(ds_op *op, ds_opctx *ex);
    void (*x_close)(ds_op *op); /* frees the operator itself */
    void (*x_explain)(const ds_op *op, ds_strbuf *sb);    /* arguments only */
    void (*x_metrics)(const ds_op *op, ds_op_metrics *m); /* may be NULL */
} ds_op_vtable;

struct ds_op {
    const ds_op_vtable *vt;
    ds_op *next;              /* borrowed: the pipeline owns every operator */
    int ncols;                /* output columns */
    int *types;               /* owned: output column types */
    const char *const *names; /* borrowed from the plan: output names */
};

/* --- shared defaults (op.c) --- */

/* Initializes the common part; types are copied. DS_OK or DS_NOMEM. */
int ds__op_init(ds_op *op, const ds_op_vtable *vt, int ncols, const int *types);
void ds__op_fini(ds_op *op);
int ds__op_push_next(ds_op *op, ds_opctx *ex, const ds_chunk *c);
int ds__op_default_open(ds_op *op, ds_opctx *ex);
int ds__op_default_punct(ds_op *op, ds_opctx *ex);
int ds__op_default_advance(ds_op *op, ds_opctx *ex, int64_t time);
int ds__op_default_flush(ds_op *op, ds_opctx *ex);
void ds__op_default_explain(const ds_op *op, ds_strbuf *sb);

/* A chunk whose vectors are borrowed (shallow copies); free with
   ds__view_free, never ds__chunk_free. */
ds_chunk *ds__view_new(int ncols);
void ds__view_free(ds_chunk *c);

/* --- operator constructors; each returns NULL on allocation failure ---
** Expressions and definitions passed in become owned by the operator. */

/* Passes the stream's chunks on; counts input rows. */
ds_op *ds__op_scan_new(const char *stream, int ncols, const int *types);
/* Keeps the rows where pred is TRUE. */
ds_op *ds__op_filter_new(ds_expr *pred, int ncols, const int *types);
/* Computes nexprs expressions into as many output columns. */
ds_op *ds__op_project_new(int nexprs, ds_expr **exprs);
/*
** UNNEST(split(text, sep)): for each input row, one output row per piece.
** Output columns: the input columns listed in carry (ncarry of them), then
** the piece (TEXT). text and sep are owned.
*/
ds_op *ds__op_unnest_new(ds_expr *text, ds_expr *sep, int ncarry,
                         const int *carry, const int *in_types);
/* The per-batch emitter: passes rows on and ends an emission per batch. */
ds_op *ds__op_emit_batch_new(int ncols, const int *types);
/* Per-batch hash aggregate: one emission per batch with a row per group
   (one row over no rows when def has no keys). def is owned. */
ds_op *ds__op_aggregate_new(ds_aggdef *def);
/* Per-emission sort on key columns (desc[k] != 0: descending; nulls_first[k]
   as SQLite: NULLs first ascending, last descending unless told). */
ds_op *ds__op_sort_new(int nkeys, const int *cols, const int *desc,
                       const int *nulls_first, int ncols, const int *types);
/* Per-emission LIMIT and OFFSET (limit < 0: none). */
ds_op *ds__op_limit_new(int64_t limit, int64_t offset, int ncols,
                        const int *types);
/* Collects each emission's first nout columns and hands them to
   ex->deliver at the end of the emission. */
ds_op *ds__op_output_new(int nout, int ncols, const int *types);

/* --- what the aggregating operators share (op.c) --- */

/*
** The start of an aggregating operator's constructor: allocates size
** zeroed bytes for the operator (whose first member is its ds_op), moves
** *def into the operator's own definition at def_offset (offsetof), and
** initializes the ds_op with the output types: the keys, then one per
** aggregate. Returns the operator, or NULL (def is then freed).
*/
void *ds__aggop_alloc(size_t size, const ds_op_vtable *vt, size_t def_offset,
                      ds_aggdef *def);
/* x_open's common part: prepares def's expressions, allocates the scratch
   input (*ai) and an output chunk (*out). DS_OK or DS_NOMEM. */
int ds__aggop_prepare(ds_op *op, ds_aggdef *def, ds_agginput **ai,
                      ds_chunk **out);
/* Pushes every group of t downstream through out (without GROUP BY, the
   one group there is even over no rows: SQL's aggregate of nothing). */
int ds__aggop_push_tab(ds_op *op, ds_opctx *ex, ds_aggtab *t, ds_chunk *out);
/* x_close's common part: frees def, ai, out and the operator itself. */
void ds__aggop_release(ds_op *op, ds_aggdef *def, ds_agginput *ai,
                       ds_chunk *out);

/* --- a query's chain of operators (op.c) --- */

typedef struct ds_pipeline {
    int nops;
    ds_op **ops; /* owned, in data-flow order; ops[0] receives input */
} ds_pipeline;

void ds__pipeline_init(ds_pipeline *p);
/* Appends op (owned from now on, also on failure) and links it. */
int ds__pipeline_add(ds_pipeline *p, ds_op *op);
void ds__pipeline_fini(ds_pipeline *p);
int ds__pipeline_open(ds_pipeline *p, ds_opctx *ex);
/* Runs one batch: pushes every chunk of in (NULL: no rows), then advances
   time to ex->batch_time. */
int ds__pipeline_run_batch(ds_pipeline *p, ds_opctx *ex, const ds_batch *in);
/* End of input: emits everything still held. */
int ds__pipeline_flush(ds_pipeline *p, ds_opctx *ex);
/* Collects metrics of every operator into ex->metrics (state counters). */
void ds__pipeline_metrics(const ds_pipeline *p, ds_opctx *ex);
/* One line per operator, "name(args)" joined by " -> ". */
void ds__pipeline_explain(const ds_pipeline *p, ds_strbuf *sb);

/* Exec context lifetime. */
void ds__exec_init(ds_opctx *ex);
void ds__exec_fini(ds_opctx *ex);

#endif
