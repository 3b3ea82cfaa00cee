/*
** catalog.c - the streams of an engine: making, registering and freeing
** them, the names of source kinds, and positioned SQL errors shared by the
** statement files.
*/
#include "engine.h"

#include <stdio.h>

const char *ds__source_kind_name(ds_source_kind k) {
    switch (k) {
    case DS_SRC_SOCKET:
        return "SOCKET";
    case DS_SRC_SOCKET_LISTEN:
        return "SOCKET LISTEN";
    case DS_SRC_FILE:
        return "FILE";
    case DS_SRC_QUEUE:
        return "QUEUE";
    case DS_SRC_STDIN:
        return "STDIN";
    default:
        return "DERIVED";
    }
}

void ds__stream_free(ds_stream *s) {
    if (!s)
        return;
    ds__source_free(s->source);
    ds__batch_free(s->batch);
    for (int k = 0; k < s->schema.ncols; k++)
        ds_free(s->schema.cols[k].name);
    ds_free(s->schema.cols);
    ds_free(s->name);
    ds_free(s->definition);
    ds_free(s);
}

/* A stream named name with a copy of the columns; NULL when out of
   memory. */
ds_stream *ds__stream_new(const char *name, int ncols, const char *const *names,
                          const int *types, const char *def, size_t deflen) {
    ds_stream *s = ds_malloc(sizeof *s);
    if (!s)
        return NULL;
    memset(s, 0, sizeof *s);
    s->name = ds__strndup(name, strlen(name));
    s->definition = ds__strndup(def, deflen);
    s->schema.cols = ds_malloc(sizeof(ds_column) * (size_t)(ncols + 1));
    s->batch = ds__batch_new(ncols, types);
    if (!s->name || !s->definition || !s->schema.cols || !s->batch) {
        ds__stream_free(s);
        return NULL;
    }
    for (int k = 0; k < ncols; k++) {
        s->schema.cols[k].type = types[k];
        s->schema.cols[k].name = ds__strndup(names[k], strlen(names[k]));
        s->schema.ncols = k + 1;
        if (!s->schema.cols[k].name) {
            ds__stream_free(s);
            return NULL;
        }
    }
    return s;
}

int ds__engine_add_stream(ds_engine *e, ds_stream *s) {
    ds_stream **ns =
        ds_realloc(e->streams, sizeof(ds_stream *) * (size_t)(e->nstreams + 1));
    if (!ns) {
        ds__stream_free(s);
        return ds__engine_error(e, DS_NOMEM, -1, "out of memory");
    }
    e->streams = ns;
    e->streams[e->nstreams++] = s;
    return DS_OK;
}

/* Records an error at byte offset off of sql, with line and column. */
int ds__engine_sql_errorf(ds_engine *e, const char *sql, int off,
                          const char *fmt, ...) {
    ds_parse_error err;
    err.off = off;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err.msg, sizeof err.msg, fmt, ap);
    va_end(ap);
    return ds__engine_sql_error(e, sql, &err);
}
