/*
** oracle.h - the SQLite differential oracle of dstream: the shared types of
** its parts. A case (case.c reads it from a .case file, or gen.c builds one)
** declares streams, input batches and continuous queries; dstream.c runs it
** through the public API with the virtual clock and records every emission;
** sqlite.c runs each query over the same rows in SQLite (rewrite.c turns the
** dstream SQL into SQLite SQL); compare.c checks each emission against
** SQLite's rows; run.c ties the parts together and reports; main.c is the
** command line. The case format is documented in docs/oracle.md.
*/
#ifndef DS_ORACLE_H
#define DS_ORACLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dstream.h"

/* ---------------------------------------------------------------- values */

/* A value as the comparison sees it: dstream's BIGINT, BOOLEAN and
   TIMESTAMP are OV_INT, DOUBLE is OV_REAL, TEXT is OV_TEXT. */
enum { OV_NULL, OV_INT, OV_REAL, OV_TEXT };

typedef struct ovalue {
    int kind;
    int64_t i;
    double d;
    char *s; /* owned, NUL-terminated; n bytes */
    size_t n;
} ovalue;

/* A result: nrows rows of ncols values, row-major. */
typedef struct orows {
    int ncols;
    int nrows, cap;
    ovalue *v; /* owned */
} orows;

void orows_init(orows *r, int ncols);
void orows_fini(orows *r);
ovalue *orows_add(orows *r); /* a new row of ncols NULLs */
#define OROW(r, k) (&(r)->v[(size_t)(k) * (size_t)(r)->ncols])

/* ----------------------------------------------------------------- cases */

typedef struct ocol {
    char *name;
    int type; /* DS_BIGINT ... DS_TIMESTAMP */
} ocol;

typedef struct ostream {
    char *name;
    int line;
    int derived;      /* CREATE STREAM name AS SELECT */
    int ncols;        /* queue: declared; derived: from DESCRIBE */
    ocol *cols;       /* owned */
    char *sql;        /* derived: the SELECT */
    char *sqlite_sql; /* derived: a SQLite text that replaces the rewrite */
    int late;         /* a LATE INTO stream, created by dstream for ... */
    int late_query;   /* ... this query (index), or -1 */
    int late_stream;  /* ... this windowed derived stream (index), or -1 */
} ostream;

typedef struct ochunk {
    int stream; /* index into ocase.streams */
    char *rows; /* SQL tuples: "(1, 'a'), (NULL, '')" */
} ochunk;

typedef struct obatch {
    int line;
    int n;
    ochunk *chunks; /* owned; at most one per stream */
} obatch;

/* An emission a case expects of a windowed query (expect-windows). */
typedef struct oexpect {
    int64_t batch;
    int has_window;
    int64_t start, end;
} oexpect;

typedef struct oquery {
    int line;
    char *sql;        /* dstream text */
    char *sqlite_sql; /* SQLite text that replaces the automatic rewrite */
    char *error;      /* expected error (substring), or NULL */
    char *known_bug;  /* the mismatch is a known dstream bug */
    int asan_only;    /* known_bug shows only in a sanitizer build */
    int expect_line;  /* expect-windows: the line, or 0 */
    int nexpect;
    oexpect *expect; /* owned: the emissions the model must give */
    int expect_late; /* the late rows it must give, or -1 */
} oquery;

typedef struct ocase {
    char *path;
    char *name;          /* shown in reports */
    int64_t interval_us; /* batch interval (SET batch_interval) */
    int64_t idle_us;     /* SET idle_timeout (default 5 seconds) */
    int check_names;     /* compare column names with SQLite's (default) */
    int nsettings;
    char **settings; /* SET statements, verbatim */
    int nstreams;
    ostream *streams;
    int nbatches;
    obatch *batches;
    int nqueries;
    oquery *queries;
} ocase;

/* Reads the case file at path into c; on error returns non-zero with the
   message (naming the line) in err. */
int ocase_read(ocase *c, const char *path, char *err, size_t errlen);
/* Parses case text (name is used in messages). */
int ocase_parse(ocase *c, const char *name, const char *text, char *err,
                size_t errlen);
void ocase_fini(ocase *c);
/* Writes c in the case format (a reproducer). */
void ocase_write(const ocase *c, FILE *out);
/* The index of the stream called name, or -1. */
int ocase_stream(const ocase *c, const char *name);
/* Maps a type name (BIGINT, INT, DOUBLE, TEXT, ...) to DS_*, or -1. */
int ocase_type(const char *name, size_t len);

/* ------------------------------------------------------------- dstream */

typedef struct oemit {
    int64_t batch, batch_time;
    int has_window;
    int64_t window_start, window_end;
    orows rows;
} oemit;

/* What one query did in dstream. */
typedef struct oqrun {
    int skip;          /* set by the caller: do not run this query */
    int names_wanted;  /* set by the caller: record the column names */
    int planned;       /* ds_query_open succeeded */
    char *errmsg;      /* planning or runtime error, or NULL */
    int runtime;       /* errmsg is a runtime error */
    int64_t end_batch; /* the batch in which the query ended */
    int64_t late_rows; /* its late_rows metric (SHOW METRICS), or -1 */
    int ncols;
    char **names; /* owned */
    int *types;   /* owned */
    int nemits, cap;
    oemit *emits; /* owned */
} oqrun;

/* Runs the case in dstream: q[k] receives query k's outcome (zeroed by
   the caller). Fills the derived streams' columns. Returns non-zero with a
   message in err when the case itself cannot run (bad data, bad stream). */
int odstream_run(ocase *c, oqrun *q, char *err, size_t errlen);
void oqrun_fini(oqrun *q);

/* --------------------------------------------------------- SQL rewrite */

/* The parts of a query's ORDER BY and LIMIT that the comparison needs. */
typedef struct oorder {
    int has_order;
    int nkeys;
    char **keys; /* owned: each ORDER BY term without ASC/DESC/NULLS */
    char **dirs; /* owned: each term's ASC/DESC/NULLS text (maybe "") */
    int has_limit;
    char *limit;  /* owned: LIMIT expression text */
    char *offset; /* owned: OFFSET expression text, or NULL */
    char *bare;   /* owned: the query without LIMIT/OFFSET */
} oorder;

/* ----------------------------------------------------------- tokens */

enum { T_WORD, T_QWORD, T_STR, T_NUM, T_OP, T_LP, T_RP, T_COMMA, T_DOT };

typedef struct tok {
    int kind;
    size_t at, len; /* in the text */
    int depth;      /* parenthesis depth before the token */
} tok;

typedef struct toks {
    const char *text;
    int n, cap;
    tok *v; /* owned: free(t.v) */
} toks;

void otok_split(const char *s, toks *t);
int otok_word(const toks *t, int k, const char *w); /* token k is word w */
int otok_is(const toks *t, int k, int kind);
int otok_after(const toks *t, int k);         /* after the group opened at k */
char *otok_text(const toks *t, int a, int b); /* tokens [a, b) */
char *otok_str(const toks *t, int k);         /* a string token's value */
int otok_window_end(const toks *t, int k);    /* after WINDOW ... at k */

/* ------------------------------------------------- the parts of a query */

enum { OW_NONE, OW_TUMBLING, OW_SLIDING, OW_SESSION, OW_COUNT, OW_UNBOUNDED };

/* A WINDOW clause. */
typedef struct owin {
    int kind;
    int64_t size;    /* microseconds; rows for COUNT; the gap for SESSION */
    int64_t slide;   /* microseconds or rows; = size when not given */
    char *on;        /* owned: the event-time column; NULL: processing time */
    int64_t delay;   /* WATERMARK, microseconds */
    char *late_into; /* owned, or NULL */
    int emit_changes;
} owin;

/* What the window model needs of a SELECT. */
typedef struct oparts {
    owin w;
    char *stream;  /* owned: the stream in FROM */
    char *alias;   /* owned: its alias in the query, or its name */
    char *unnest;  /* owned: the UNNEST column, or NULL */
    char *from;    /* owned: the FROM clause's text */
    char *where;   /* owned: the WHERE condition, or NULL */
    char *nowhere; /* owned: the query without its WHERE clause */
    int nkeys;
    char **keys; /* owned: GROUP BY terms (positions and aliases resolved) */
} oparts;

/* Reads the window clause and the parts of sql; c gives the streams'
   columns (a GROUP BY name that is a column is not an alias). Without a
   window, p->w.kind is OW_NONE. Returns non-zero with a message. */
int orw_parts(const char *sql, const ocase *c, oparts *p, char *err,
              size_t errlen);
void oparts_fini(oparts *p);

int orw_order(const char *sql, oorder *o);
void oorder_fini(oorder *o);
/* The SQLite text of a dstream SELECT (malloc'd); NULL with a message in
   err if some construct has no automatic rewrite. */
char *orw_sqlite(const char *sql, char *err, size_t errlen);
/* Rewrite modes for UNNEST: ORW_PICK keeps only the pieces that
   oracle_pick() selects (a window's rows); ORW_IDS adds the columns
   oracle_rid (the stream row) and oracle_piece (the piece number). */
enum { ORW_PLAIN, ORW_PICK, ORW_IDS };
char *orw_sqlite_mode(const char *sql, int mode, char *err, size_t errlen);
/* Non-zero if the query has a WINDOW clause. */
int orw_has_window(const char *sql);
/* Parses an ISO-8601 timestamp into microseconds; returns non-zero on
   success. */
int orw_parse_ts(const char *s, int64_t *us);

/* ---------------------------------------------------------------- SQLite */

typedef struct osql osql;

/* Opens an in-memory SQLite holding c's streams: a table s__all of every
   row of every batch and a table s of the rows under check, per stream.
   Queue streams are loaded; derived and late streams start empty and are
   filled by run.c (osql_append*), in the order of the streams. */
int osql_open(osql **ps, const ocase *c, char *err, size_t errlen);
/* Makes each stream's table hold exactly batch k's rows and batch_time
   k * interval. */
int osql_batch(osql *s, int64_t k, char *err, size_t errlen);
/* Makes stream k's table hold exactly batch b's rows (every piece). */
int osql_select_batch(osql *s, int k, int64_t b, char *err, size_t errlen);
/* Makes stream k's table hold exactly the rows seqs[0..n) (ascending)
   and oracle_pick() select the (seq, piece) pairs pairs[0..2*npairs);
   npairs < 0: every piece. */
int osql_select(osql *s, int k, const int64_t *seqs, int n,
                const int64_t *pairs, int npairs, char *err, size_t errlen);
/* The values of batch_time, window_start and window_end. */
void osql_times(osql *s, int64_t batch_time, int64_t start, int64_t end);
/* Appends rows to stream k as batch b's. */
int osql_append(osql *s, int k, int64_t b, const orows *rows, char *err,
                size_t errlen);
/* Appends the rows of the SQLite query sql to stream k as batch b's. */
int osql_append_sql(osql *s, int k, int64_t b, const char *sql, char *err,
                    size_t errlen);
int osql_exec(osql *s, const char *sql, char *err, size_t errlen);
/* Orders the rows in by their columns keys[0..nkeys) (0-based), each
   with its ASC/DESC/NULLS text dirs[k], as SQLite orders. */
int osql_sort(osql *s, const orows *in, const int *keys, char **dirs, int nkeys,
              orows *out, char *err, size_t errlen);
/* Runs sql; out receives its rows (out is initialized here; numbers also
   carry SQLite's text form in s). */
int osql_query(osql *s, const char *sql, orows *out, char *err, size_t errlen);
/* The names of the result columns of sql (malloc'd, *n of them). */
int osql_columns(osql *s, const char *sql, char ***names, int *n, char *err,
                 size_t errlen);
/* Evaluates a constant integer expression. */
int osql_int(osql *s, const char *expr, int64_t *out, char *err, size_t errlen);
void osql_close(osql *s);

/* ------------------------------------------------------------ comparison */

/* Does dstream value a (of column type type) equal SQLite value b? */
int ocmp_equal(const ovalue *a, int type, const ovalue *b);
/* A total order on values (NULL < numbers < text), for sorting. */
int ocmp_order(const ovalue *a, const ovalue *b);
/* Compares an emission (got) with SQLite's rows: as multisets, or, with
   ORDER BY/LIMIT, by the rule in docs/oracle.md. keys: output columns of
   the ORDER BY terms (nkeys < 0: not all terms are output columns). Returns
   0 if equal, else non-zero with the reason in why. */
int ocmp_check(const orows *got, const int *types, const orows *want,
               int has_order, int nkeys, const int *keys, int64_t offset,
               int64_t limit, char *why, size_t whylen);
void ocmp_print_rows(FILE *out, const orows *r, const int *types,
                     const char *indent, int max);
void ocmp_print_value(FILE *out, const ovalue *v, int type);

/* ------------------------------------------------------------------ run */

typedef struct ostats {
    int cases, queries, emissions, rows;
    int errors_expected; /* expected planning/runtime errors seen */
    int known_bugs;      /* known-bug queries that still fail */
    int skipped;         /* queries not checked (none now) */
    int windows;         /* emissions of windowed queries checked */
    int late;            /* late rows (by the model) */
    int failures;
    int kind; /* the kind of the last failure: OF_* */
} ostats;

enum {
    OF_NONE,
    OF_MISMATCH, /* an emission's rows */
    OF_PLAN,
    OF_RUNTIME,
    OF_CASE,
    OF_SHAPE,  /* the emissions of a per-batch query */
    OF_WINDOWS /* the set of emissions of a windowed query */
};

typedef struct oopts {
    int quiet;    /* print nothing (the minimizer) */
    FILE *out;    /* reports */
    int max_rows; /* rows printed per side in a report */
} oopts;

/* Runs one case; returns the number of failed queries (a known bug that
   no longer fails counts as a failure). */
int orun_case(ocase *c, const oopts *o, ostats *st);

/* ------------------------------------------------------------- generator */

typedef struct ogen_opts {
    uint64_t seed;
    long cases;      /* at most this many cases */
    double budget_s; /* and at most this many seconds */
    long only;       /* >= 0: run only this case number */
    int verbose;
    const char *save; /* directory for failing reproducers, or NULL */
} ogen_opts;

int ogen_main(const ogen_opts *g, ostats *st);

/* ---------------------------------------------------------------- utils */

char *ostrdup(const char *s);
char *ostrndup(const char *s, size_t n);
void *oalloc(size_t n); /* zeroed; aborts when out of memory */
void *orealloc(void *p, size_t n);
/* qsort that accepts an empty (NULL) array. */
void osort(void *base, size_t n, size_t size,
           int (*cmp)(const void *, const void *));

/* A growable string. */
typedef struct obuf {
    char *s;
    size_t n, cap;
} obuf;
void obuf_add(obuf *b, const char *s, size_t n);
void obuf_puts(obuf *b, const char *s);
/* A duration or a time from the epoch, short: 1s, 250ms, -2s, 3us. */
void obuf_duration(obuf *b, int64_t us);
void obuf_printf(obuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *obuf_take(obuf *b); /* the string (malloc'd, never NULL); b is reset */

#endif
