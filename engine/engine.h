/*
** engine.h - the engine behind include/dstream.h: the catalog of streams,
** the continuous queries, the settings, and the scheduler that runs one
** micro-batch after another.
**
** Files: api.c (handles, errors, statement dispatch), catalog.c (streams),
** create_source.c (CREATE STREAM ... FROM a source), ddl.c (CREATE, DROP,
** INSERT, SET, SHOW, DESCRIBE, EXPLAIN, STOP), query.c (continuous queries
** and where their emissions go), scheduler.c (batches, clocks, start, stop,
** await), result.c (ds_result). The engine is the only part that sees SQL
** text, plans, operators and sources together.
**
** Locking: one recursive mutex (mu) guards everything; the scheduler holds
** it while it runs a batch, so callbacks run under it. cv signals progress
** (a batch done, a query ended, a chunk pushed, a stop requested).
*/
#ifndef DS_ENGINE_H
#define DS_ENGINE_H

#include <pthread.h>

#include "../planner/plan.h"
#include "../sinks/sink.h"
#include "../sources/source.h"

typedef struct ds_stream {
    char *name;                /* owned */
    ds_schema schema;          /* owned names */
    ds_source_kind kind;       /* DS_SRC_NONE: derived (AS SELECT) */
    char *definition;          /* owned: the CREATE statement's text */
    ds_source *source;         /* owned; NULL for a derived stream */
    struct ds_query *producer; /* borrowed: the query feeding a derived
                                  stream */
    ds_batch *batch;           /* owned: this batch's rows */
    int finished;              /* the last batch with rows has been run */
    int level;                 /* 0: from a source; producer's level + 1 */
    int64_t rows_total;
} ds_stream;

/* A sink of the catalog: CREATE SINK name TO ... */
typedef struct ds_sinkent {
    char *name;       /* owned */
    char *definition; /* owned: the CREATE statement */
    ds_sink_kind kind;
    char *target;            /* owned: path, or NULL for STDOUT */
    ds_sink *sink;           /* owned */
    struct ds_query *writer; /* borrowed: the query writing to it, if any */
} ds_sinkent;

typedef enum ds_target {
    DS_TARGET_CALLBACK,
    DS_TARGET_STREAM,
    DS_TARGET_SINK,
} ds_target;

struct ds_query {
    ds_engine *e;
    int id;
    char *sql;     /* owned */
    ds_plan *plan; /* owned */
    ds_opctx ex;
    ds_stream *input; /* borrowed */
    ds_target target;
    ds_result_fn cb;
    void *user;
    ds_stream *out_stream;  /* derived stream fed (target STREAM) */
    ds_stream *late_stream; /* LATE INTO stream fed with late rows */
    ds_sinkent *sink;       /* the sink written (target SINK) */
    int opened;             /* pipeline opened */
    int ended;
    int status; /* DS_OK or the error that ended it */
    char errmsg[256];
    int stop_requested;    /* the callback asked to end it */
    int closing;           /* ds_query_close in progress */
    int handle_open;       /* owned by a ds_query_open caller */
    int64_t last_ms_x1000; /* processing time of the last batch, us */
};

#define DS_MAX_SETTINGS 16

struct ds_engine {
    ds_config cfg;
    pthread_mutex_t mu; /* recursive */
    pthread_cond_t cv;
    ds_stream **streams; /* owned */
    int nstreams;
    ds_sinkent **sinks; /* owned */
    int nsinks;
    struct ds_query **queries; /* owned, in id order */
    int nqueries;
    int next_query_id;
    /* settings */
    int64_t batch_interval_us;
    int64_t rows_per_batch;
    int clock;
    int64_t idle_timeout_us; /* event time: advance an idle watermark */
    char *checkpoint_dir;    /* owned; NULL when not set */
    /* run state */
    int64_t batch_no; /* batches run so far */
    int64_t time;     /* end of the last batch, us */
    int64_t origin;   /* the time before the first batch */
    int time_set;     /* time holds the start time */
    int running;      /* the scheduler thread runs */
    pthread_t thread;
    int joinable;                /* the thread was started and not yet joined */
    int stop_graceful, stop_now; /* requests */
    int terminated;  /* the scheduler ended (stop or every query ended) */
    int in_callback; /* depth of result callbacks being run */
    pthread_t callback_thread;
    /* last error */
    char errmsg[512];
    int erroff;
    /* metrics of the last batch */
    int64_t last_batch_us, last_delay_us, last_input_rows;
    int64_t total_input_rows;
};

/* --- api.c --- */
/* Records an error on e; returns rc. */
int ds__engine_error(ds_engine *e, int rc, int off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Records a parse or plan error at err->off of sql with line and column. */
int ds__engine_sql_error(ds_engine *e, const char *sql,
                         const ds_parse_error *err);
/* 1 when called from a result callback on the scheduler's thread. */
int ds__engine_in_callback(ds_engine *e);
ds_stream *ds__engine_find_stream(ds_engine *e, const char *name);

/* --- catalog.c --- */
/* A new stream with copies of the columns and definition; NULL when out of
   memory. */
ds_stream *ds__stream_new(const char *name, int ncols, const char *const *names,
                          const int *types, const char *def, size_t deflen);
void ds__stream_free(ds_stream *s);
/* Adds s to the catalog (consumed, also on failure). */
int ds__engine_add_stream(ds_engine *e, ds_stream *s);
const char *ds__source_kind_name(ds_source_kind k);
/* Records an error at byte offset off of sql, with line and column. */
int ds__engine_sql_errorf(ds_engine *e, const char *sql, int off,
                          const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* --- create_source.c --- */
int ds__engine_create_source_stream(ds_engine *e, const char *sql,
                                    const ds_ast_stmt *st);

/* --- sinks.c --- */
int ds__engine_create_sink(ds_engine *e, const char *sql,
                           const ds_ast_stmt *st);
int ds__engine_drop_sink(ds_engine *e, const char *sql, const ds_ast_stmt *st);
/* INSERT INTO sink SELECT ...: a query whose rows go to the sink. */
int ds__engine_insert_select(ds_engine *e, const char *sql,
                             const ds_ast_stmt *st);
ds_sinkent *ds__engine_find_sink(ds_engine *e, const char *name);
void ds__sinkent_free(ds_sinkent *s);
/* End of a batch: flushes every sink written in it; a sink that fails
   ends its query with the error. */
void ds__engine_flush_sinks(ds_engine *e);

/* --- ddl.c --- */
/* The planner's view of the catalog. */
void ds__engine_plan_env(ds_engine *e, ds_plan_env *env);
int ds__engine_run_stmt(ds_engine *e, const char *sql, const ds_ast_stmt *st);

/* --- query.c --- */
/* Plans sel and registers a query reading from its stream; emissions go to
   target. *pq gets the query. */
int ds__query_create(ds_engine *e, const char *sql, const ds_ast_stmt *st,
                     const ds_ast_select *sel, ds_target target,
                     ds_result_fn cb, void *user, ds_stream *out_stream,
                     struct ds_query **pq);
/* Ends q: flushes its windows when flush, marks its derived stream
   finished, wakes waiters. */
void ds__query_end(struct ds_query *q, int flush, int status, const char *msg);
void ds__query_free(struct ds_query *q);
/* q's output columns as two arrays (ds_malloc'd, the names borrowed from
   the plan): DS_OK or DS_NOMEM (then both NULL). */
int ds__query_columns(const struct ds_query *q, const char ***names,
                      int **types);
/* Delivers statement rows (SHOW, EXPLAIN, ...) to config.on_result. */
int ds__engine_deliver_rows(ds_engine *e, const ds_schema *schema,
                            const ds_batch *rows);

/* --- scheduler.c --- */
/* Runs one batch; the engine lock is held. Returns DS_OK, DS_DONE when no
   query is left, or DS_ERROR when a query failed in it. */
int ds__sched_run_batch(ds_engine *e, int virtual_clock);
/* 1 when every query has ended. */
int ds__sched_all_ended(ds_engine *e);

/* --- result.c --- */
/* Calls cb with a result over rows; returns what cb returned. */
int ds__result_deliver(ds_result_fn cb, void *user, int query_id,
                       const ds_emit *emit, const ds_schema *schema,
                       const ds_batch *rows);

#endif
