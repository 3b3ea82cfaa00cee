/*
** wmodel.h - the window model of the oracle. From the contract in
** docs/windows.md alone, never from dstream: which input rows each window
** of a windowed query holds, which windows are emitted in which batch and
** in what order, and which rows are late (wmodel.c). Then the checking of
** a windowed query's emissions against the model, one SQLite query per
** expected emission over exactly that window's rows (wcheck.c), and the
** streams whose rows come from a window: windowed derived streams and LATE
** INTO streams. docs/oracle.md ("Windows") describes both.
*/
#ifndef DS_ORACLE_WMODEL_H
#define DS_ORACLE_WMODEL_H

#include "oracle.h"

/* A row of a window's input (after FROM, UNNEST and WHERE), in arrival
   order: by batch, then stream row, then UNNEST piece. */
typedef struct wrow {
    int64_t seq;   /* the stream's row (its rowid in SQLite) */
    int64_t piece; /* the UNNEST piece, 1 without UNNEST */
    int64_t batch;
    int has_tau; /* 0: a NULL event time */
    int64_t tau; /* event time, or the end of the batch - 1 us */
    int key;     /* the row's GROUP BY key, numbered from 0 */
} wrow;

/* The rows of one window (or of a COUNT window fired): rows
   pool[off .. off + n) of the model. */
typedef struct wunit {
    int off, n;
} wunit;

/* Where an emission stands in its batch: windows closed by the
   watermark (in order of end), then partial results (EMIT CHANGES), then
   at end of input the windows flushed (in order of end). */
enum { WP_CLOSE, WP_PARTIAL, WP_FLUSH };

/* An emission the contract expects. Its rows are SQLite's result over
   each unit's rows, concatenated (no unit: no rows). */
typedef struct wemit {
    int64_t batch;
    int phase;
    int has_window;
    int64_t start, end;
    int unit, nunits; /* the model's units [unit, unit + nunits) */
    int got;          /* the dstream emission it matched, or -1 */
} wemit;

typedef struct wmodel {
    /* given */
    owin w;             /* borrowed strings */
    int64_t interval;   /* batch interval */
    int64_t idle;       /* idle_timeout; 0: none */
    int64_t last_batch; /* the batch at which input ends (flush) */
    int nrows;
    wrow *rows; /* owned; arrival order */
    /* computed by wmodel_run */
    int64_t *wm; /* owned: watermark after batch k (k = 0 ..
                    last_batch), INT64_MIN when there is none */
    int nemits, ecap;
    wemit *emits; /* owned: by batch, phase, end, start */
    int nunits, ucap;
    wunit *units; /* owned */
    int npool, pcap;
    int *pool; /* owned: row indices */
    int nlate, lcap;
    int *late;       /* owned: rows late on arrival, in order */
    int64_t windows; /* windows that held rows or were emitted */
} wmodel;

/* Computes the emissions and late rows of m's window over m->rows. */
void wmodel_run(wmodel *m);
void wmodel_fini(wmodel *m);
/* "TUMBLING 2s ON ts WATERMARK 1s" etc., for reports. */
void wmodel_describe(const owin *w, obuf *b);

/* ------------------------------------------------------------- checking */

/* A windowed query or derived stream: its parts, its input and its
   model, and the SQLite text run over each emission's rows. */
typedef struct wq {
    oparts parts;
    int stream; /* the input stream's index in the case */
    wmodel m;
    char *sqlite; /* SQLite text: no WHERE (the rows are the window's), no
                     LIMIT, UNNEST picking the window's pieces */
    int cap;      /* scratch for selecting rows: */
    int64_t *seqs, *pairs;
} wq;

/* Reads sql's window and computes its input rows (from db) and model.
   override: a SQLite text given by the case (with WHERE; it runs over
   the window's rows), or NULL. */
int wq_build(wq *w, const ocase *c, osql *db, const char *sql,
             const char *override, char *err, size_t errlen);
void wq_fini(wq *w);
/* Makes db hold unit u's rows (stream table and UNNEST pieces). */
int wq_select(wq *w, osql *db, const wunit *u, char *err, size_t errlen);
/* Makes db hold the late rows of batch b; returns how many. */
int wq_select_late(wq *w, osql *db, int64_t b, char *err, size_t errlen);

/* ------------------------------------------------------------- run.c */

/* What the runner knows about one query. */
typedef struct qstate {
    const oquery *q;
    oqrun run;
    char *sqlite;   /* the SQLite text without LIMIT */
    char *sqlite_a; /* ambiguous ORDER BY + LIMIT: ties broken ascending */
    char *sqlite_b; /* ... and descending */
    oorder order;
    int nkeys; /* output columns of the ORDER BY terms; -1: not all are */
    int *keys;
    int64_t limit, offset;
    int failed;   /* failures found */
    int kind;     /* OF_* of the first failure */
    int reported; /* failures printed */
    int emissions;
    char *names_differ; /* a column name that differs from SQLite's */
    wq *win;            /* owned: a windowed query's model, or NULL */
} qstate;

/* Counts a failure of the query and reports it (the first one only). */
void orun_fail(const oopts *o, const ocase *c, qstate *s, const char *why,
               int kind);
/* Reports an emission that differs: context (or, when NULL, the batch's
   input) says what rows SQLite was given. */
void orun_report(const oopts *o, const ocase *c, qstate *s, int kind,
                 const oemit *m, const orows *want, const char *why,
                 const char *context);
/* Runs the query in SQLite over the rows the tables hold now and compares
   emission m with the result; returns non-zero (reported) if it differs. */
int orun_compare(const oopts *o, const ocase *c, qstate *s, osql *db,
                 const oemit *m, const char *context);

/* ----------------------------------------------------------- wcheck.c */

/* Checks every emission of a windowed query: the set (each window the
   model expects, in its batch, in order, once; no other) and each one's
   rows against SQLite over that window's rows. */
void wcheck_query(const oopts *o, const ocase *c, qstate *s, osql *db,
                  ostats *st);
/* Fills the derived streams of c (and the LATE INTO streams of windowed
   ones), in order, from what their SELECTs give in SQLite. */
int wmat_derived(const ocase *c, osql *db, char *err, size_t errlen);
/* Fills the LATE INTO stream of the windowed query or stream w. */
int wmat_late(const ocase *c, osql *db, wq *w, char *err, size_t errlen);

#endif
