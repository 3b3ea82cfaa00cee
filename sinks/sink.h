/*
** sink.h - where results leave the engine: one interface, one file per
** kind (sink_file.c for files and standard output in CSV, JSON or TEXT,
** sink_sqlite.c for a table of an SQLite database).
**
** A sink is created by CREATE SINK (which opens its file or database, so
** that a path that cannot be written is an error there), written by the
** query of INSERT INTO sink SELECT ... one emission at a time, flushed at
** the end of every batch and closed when the engine closes or the sink is
** dropped. Sinks never see a plan: they get column names and types, and
** the rows of each emission as a batch.
*/
#ifndef DS_SINK_H
#define DS_SINK_H

#include "../runtime/chunk.h"

typedef enum ds_sink_format {
    DS_SINKFMT_CSV = 1,
    DS_SINKFMT_JSON,
    DS_SINKFMT_TEXT, /* one column, one line per row */
} ds_sink_format;

/* What CREATE SINK said. */
typedef struct ds_sink_args {
    const char *path;  /* file, database; NULL for standard output */
    const char *table; /* SQLite table */
    ds_sink_format format;
    int header; /* CSV: a first line of column names (default 1) */
    int append; /* files: add to an existing file (default 0) */
} ds_sink_args;

/* The columns of the rows a query writes. */
typedef struct ds_sink_columns {
    int ncols;
    const char *const *names;
    const int *types;
} ds_sink_columns;

typedef struct ds_sink ds_sink;

typedef struct ds_sink_vtable {
    const char *name; /* "file", "stdout", "sqlite" */
    /* A query starts writing rows of these columns. */
    int (*x_begin)(ds_sink *s, const ds_sink_columns *cols, char *errmsg,
                   size_t errlen);
    /* The rows of one emission. */
    int (*x_write)(ds_sink *s, const ds_batch *rows, char *errmsg,
                   size_t errlen);
    /* End of a batch: make what was written durable/visible. */
    int (*x_flush)(ds_sink *s, char *errmsg, size_t errlen);
    void (*x_free)(ds_sink *s);
} ds_sink_vtable;

struct ds_sink {
    const ds_sink_vtable *vt;
    int64_t rows; /* rows written */
};

/* Constructors: NULL with the reason in errmsg (a file that cannot be
   created, a database that cannot be opened). */
ds_sink *ds__sink_file_new(const ds_sink_args *a, char *errmsg, size_t errlen);
ds_sink *ds__sink_sqlite_new(const ds_sink_args *a, char *errmsg,
                             size_t errlen);
void ds__sink_free(ds_sink *s); /* takes NULL */

#endif
