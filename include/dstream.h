/*
** dstream.h - the public interface of libdstream, a continuous query engine.
**
** A program opens an engine, declares streams and continuous queries in SQL,
** starts the engine, and receives one result per emission through a
** callback, forever or until every source is finished:
**
**     ds_engine *e;
**     ds_config cfg;
**     ds_config_init(&cfg);
**     cfg.clock = DS_CLOCK_VIRTUAL;
**     if (ds_open(&e, &cfg) != DS_OK) ...   // e is set even on error
**     ds_exec(e, "CREATE STREAM q (line TEXT) FROM QUEUE;");
**     ds_query_open(e, "SELECT line FROM q;", on_result, NULL, &query);
**     ds_push(e, "q", "hello\nworld\n", 12);
**     ds_step(e);                           // or ds_start +
*ds_await_termination
**     ds_close(e);
**
** Conventions, in the manner of SQLite:
** - Every function that can fail returns an int: DS_OK (0) on success, a small
**   positive error code on failure, or a progress code (from 100) that is not
**   an error. The engine keeps the message of the last error: ds_errmsg(e).
** - Strings passed in are borrowed for the duration of the call. Strings and
**   results handed out are owned by the engine and valid until the point each
**   function's comment names; copy what you keep.
** - Thread safety: an engine may be used from several threads; calls are
**   serialized by an engine lock. Result callbacks run on the engine's
**   scheduler thread (or on the thread that called ds_step) with that lock
**   held; from a callback you may call ds_push, ds_queue_close, ds_stop and
**   the ds_result_* accessors, but not ds_exec, ds_query_open,
**   ds_query_close or ds_close (they return DS_MISUSE there).
*/
#ifndef DSTREAM_H
#define DSTREAM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DS_VERSION "0.1.0"

/* Result codes. */
#define DS_OK 0        /* success */
#define DS_ERROR 1     /* SQL error or runtime error; see ds_errmsg() */
#define DS_NOMEM 2     /* an allocation failed */
#define DS_MISUSE 3    /* the API was called wrongly (NULL handle, bad state) */
#define DS_NOTFOUND 4  /* no stream, query or sink of that name or id */
#define DS_IOERR 5     /* a file, socket or sink could not be used */
#define DS_FULL 6      /* a bounded buffer is full; try again later */
#define DS_TIMEOUT 100 /* progress: the wait ended before the engine did */
#define DS_DONE 101    /* progress: every query has ended; nothing to do */

/* Column types. */
#define DS_NULL 0
#define DS_BIGINT 1
#define DS_DOUBLE 2
#define DS_TEXT 3
#define DS_BOOLEAN 4
#define DS_TIMESTAMP 5 /* int64 microseconds since the Unix epoch, UTC */

/* Clocks (design: "Time, clocks and end of input"). */
#define DS_CLOCK_REAL 0    /* a batch every interval of wall time */
#define DS_CLOCK_VIRTUAL 1 /* batches back to back, one interval each */

typedef struct ds_engine ds_engine;
typedef struct ds_query ds_query;
typedef struct ds_result ds_result;

/*
** The receiver of results. Called once per emission of a continuous query
** (query id > 0) and once per result of a statement that returns rows
** (SHOW, DESCRIBE, EXPLAIN; query id 0). The result is valid only until the
** callback returns. A non-zero return value ends the query that produced it.
*/
typedef int (*ds_result_fn)(void *user, const ds_result *r);

/* Log levels of ds_log_fn. */
#define DS_LOG_WARN 1 /* a source cannot connect, a row was rejected, ... */
#define DS_LOG_INFO 2 /* a source (re)connected, a file was picked up */

/*
** The receiver of log lines: problems the engine works around (a refused
** connection it will retry, a bad input row) and notable events. May be
** called from any of the engine's threads, without the engine lock; msg
** is valid during the call.
*/
typedef void (*ds_log_fn)(void *user, int level, const char *msg);

/*
** Engine configuration. Initialize with ds_config_init() and then change
** the fields you need; later versions may add fields at the end.
*/
typedef struct ds_config {
    int64_t batch_interval_us; /* default 1 second */
    int clock;                 /* DS_CLOCK_REAL (default) or _VIRTUAL */
    int64_t start_time_us;     /* time before the first batch; default: now
                                  (real clock) or 0 (virtual clock) */
    int64_t rows_per_batch;    /* virtual clock: rows a file, stdin or
                                  socket source gives per batch (100000) */
    ds_result_fn on_result;    /* receives results of SELECT statements run
                                  by ds_exec and of SHOW/DESCRIBE/EXPLAIN;
                                  NULL discards them */
    void *on_result_user;      /* passed to on_result */
    ds_log_fn on_log;          /* NULL: log lines are dropped */
    void *on_log_user;
    int64_t max_batches; /* > 0: after this many batches every query
                            flushes its windows and ends (ds_start) */
} ds_config;

/* Fills *cfg with the defaults. */
void ds_config_init(ds_config *cfg);

/*
** Opens an engine. *pe is always set (to NULL only when even the handle
** could not be allocated), so that ds_errmsg() can tell why opening failed;
** close it with ds_close() in every case. cfg may be NULL for defaults and
** is copied.
*/
int ds_open(ds_engine **pe, const ds_config *cfg);

/*
** Stops the engine at once if it runs (as ds_stop(e, 0)), closes every
** query, source and sink, and frees everything. Takes NULL.
*/
int ds_close(ds_engine *e);

/*
** Runs every statement in the text sql (each ending with ';', the last ';'
** optional). CREATE, DROP, INSERT, SET and STOP act on the engine; SHOW,
** DESCRIBE and EXPLAIN deliver their rows to config.on_result; a SELECT
** starts a continuous query whose emissions go to config.on_result, and
** INSERT INTO sink SELECT ... a query whose rows go to the sink.
** Statements run in order and the first error stops the rest; the statements
** before it stay in effect. On DS_ERROR, ds_errmsg() says what and
** ds_error_offset() where (a byte offset into sql).
*/
int ds_exec(ds_engine *e, const char *sql);

/*
** Opens one continuous query: sql holds exactly one SELECT (or INSERT INTO
** ... SELECT). Each emission is passed to cb (which may be NULL). *pq
** receives the handle, owned by the engine until ds_query_close() or
** ds_close(). The query runs once the engine runs (ds_start or ds_step);
** a query opened while the engine runs starts with the next batch.
*/
int ds_query_open(ds_engine *e, const char *sql, ds_result_fn cb, void *user,
                  ds_query **pq);

/* The query's id: 1 for the first query of the engine, then 2, ... */
int ds_query_id(const ds_query *q);

/* Non-zero once the query has ended (its sources finished and its windows
   were flushed, or it was stopped, or it failed). */
int ds_query_ended(const ds_query *q);

/* DS_OK if the query ended normally, else the error that ended it; the
   message is in ds_query_errmsg(). */
int ds_query_status(const ds_query *q);
const char *ds_query_errmsg(const ds_query *q);

/*
** Waits until the query has ended, or timeout_ms (negative: forever).
** Returns DS_OK, or DS_TIMEOUT. Must not be called from a callback.
*/
int ds_query_await(ds_query *q, int64_t timeout_ms);

/* Ends the query (without flushing its windows) and frees it. Takes NULL. */
int ds_query_close(ds_query *q);

/*
** Appends one chunk of input to the QUEUE stream named stream: len bytes of
** text, decoded by the stream's FORMAT (TEXT: one row per line). Rows that
** cannot be decoded are counted as bad rows. A chunk is what one batch takes
** from the queue when one_at_a_time is true (the default). Returns
** DS_NOTFOUND if there is no such stream, DS_MISUSE if it is not a QUEUE or
** is closed, DS_ERROR if the data has a decoding error that rejects the
** whole chunk.
*/
int ds_push(ds_engine *e, const char *stream, const char *data, size_t len);

/*
** Closes the QUEUE stream named stream (NULL: every queue): nothing more can
** be pushed, and once its chunks are drained the stream is finished.
*/
int ds_queue_close(ds_engine *e, const char *stream);

/*
** Starts the scheduler on its own thread: a batch every batch interval
** (real clock) or back to back (virtual clock). Returns DS_MISUSE if the
** engine already runs.
*/
int ds_start(ds_engine *e);

/*
** Runs one batch on the calling thread with the virtual clock, whatever
** config.clock says: each source gives its next chunk, every query runs,
** time advances one interval. Returns DS_OK, DS_DONE when every query has
** ended (nothing was run), DS_ERROR if a query failed (the query ends; see
** ds_errmsg), or DS_MISUSE while the scheduler thread runs.
*/
int ds_step(ds_engine *e);

/*
** Waits until every query has ended, or the engine was stopped, or
** timeout_ms passed (negative: forever). Returns DS_OK when the engine has
** terminated, DS_TIMEOUT otherwise.
*/
int ds_await_termination(ds_engine *e, int64_t timeout_ms);

/*
** Stops the engine. graceful: receivers stop taking input, what was
** received is processed in further batches, every open window is flushed,
** sinks are closed, then the scheduler ends (this call waits for that).
** Not graceful: the scheduler ends after the current batch. Callable from a
** callback or a signal-watching thread; from a callback it only requests
** the stop and returns.
*/
int ds_stop(ds_engine *e, int graceful);

/* Counters of the engine, for status lines and monitoring. */
typedef struct ds_stats {
    int64_t batches;         /* batches run */
    int64_t input_rows;      /* rows taken from sources, all batches */
    int64_t last_input_rows; /* rows of the last batch */
    int64_t last_batch_us;   /* processing time of the last batch */
    int64_t last_delay_us;   /* scheduling delay of the last batch (real
                                clock: how late it started) */
    int64_t batch_time;      /* end of the last batch, microseconds */
    int queries_running;
    int queries_ended;
    int running; /* the scheduler thread runs */
} ds_stats;

/* Fills *st; DS_MISUSE for a NULL engine. */
int ds_stats_get(ds_engine *e, ds_stats *st);

/* The message of the last error on e ("not an error" after success); owned
   by the engine, valid until the next call on e. */
const char *ds_errmsg(ds_engine *e);

/* Byte offset into the SQL text of the last error, or -1. */
int ds_error_offset(ds_engine *e);

/* Non-zero if sql ends with a complete statement (a ';' outside strings,
   comments and parentheses), as sqlite3_complete. */
int ds_complete(const char *sql);

/*
** The length in bytes of the first statement in sql, up to and including
** its ';' (or the whole text if there is none); 0 if sql holds only
** blanks and comments. Lets a program run a file statement by statement.
*/
size_t ds_statement_length(const char *sql);

/* Non-zero if the statement at sql (as measured by ds_statement_length)
   starts a continuous query (SELECT, or INSERT INTO ... SELECT). */
int ds_statement_is_query(const char *sql, size_t len);

/* --- Results: valid only inside the callback that received them --- */

int ds_result_query_id(const ds_result *r);       /* 0: a statement's result */
int64_t ds_result_batch(const ds_result *r);      /* 1 for the first batch */
int64_t ds_result_batch_time(const ds_result *r); /* end of the batch, us */
int ds_result_has_window(const ds_result *r);
int64_t ds_result_window_start(const ds_result *r);
int64_t ds_result_window_end(const ds_result *r);
int ds_result_column_count(const ds_result *r);
const char *ds_result_column_name(const ds_result *r, int col);
int ds_result_column_type(const ds_result *r, int col);
int64_t ds_result_row_count(const ds_result *r);
int ds_result_is_null(const ds_result *r, int64_t row, int col);
/* BIGINT, TIMESTAMP and BOOLEAN values; DOUBLE truncated; 0 for NULL. */
int64_t ds_result_int64(const ds_result *r, int64_t row, int col);
/* DOUBLE values, and numbers converted; 0.0 for NULL. */
double ds_result_double(const ds_result *r, int64_t row, int col);
/*
** The value as text: TEXT as stored, numbers and timestamps formatted as
** dstream prints them. NULL for a NULL value. *len (if not NULL) receives
** the length. The pointer stays valid until the callback returns.
*/
const char *ds_result_text(const ds_result *r, int64_t row, int col,
                           size_t *len);

/* --- Helpers --- */

/* The type's SQL name ("BIGINT", ...). */
const char *ds_type_name(int type);

/* Formats a TIMESTAMP as "YYYY-MM-DD HH:MM:SS[.ffffff]" (UTC) into buf,
   which must hold 32 bytes; returns buf. */
char *ds_format_timestamp(int64_t us, char *buf);

/* Formats a DOUBLE as dstream prints it (SQLite's 15 significant digits:
   "23.4", "1.0e+20", "Inf", "NaN") into buf, which must hold 40 bytes;
   returns the length. Thread-safe; what ds_result_text gives for a DOUBLE,
   without the copy. */
int ds_format_double(double d, char *buf);

/* Memory used by the engine is allocated through these; ds_free takes
   NULL. Text handed out by the library that the caller must free says so. */
void *ds_malloc(size_t n);
void *ds_realloc(void *p, size_t n);
void ds_free(void *p);

#ifdef __cplusplus
}
#endif
#endif /* DSTREAM_H */
