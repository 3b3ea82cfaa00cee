/*
** sinks.c - the sinks of an engine: CREATE SINK (options checked, the
** file or database opened there so that a bad path is an error naming it),
** INSERT INTO sink SELECT ... (a query whose emissions go to the sink), DROP
** SINK, and flushing the written sinks at the end of every batch.
*/
#include "engine.h"

#include <stdio.h>

ds_sinkent *ds__engine_find_sink(ds_engine *e, const char *name) {
    for (int k = 0; k < e->nsinks; k++)
        if (ds__name_eq(e->sinks[k]->name, name))
            return e->sinks[k];
    return NULL;
}

void ds__sinkent_free(ds_sinkent *s) {
    if (!s)
        return;
    ds__sink_free(s->sink);
    ds_free(s->name);
    ds_free(s->definition);
    ds_free(s->target);
    ds_free(s);
}

static int opt_bool(const ds_ast_option *o, int *out) {
    const ds_ast_expr *v = o->value;
    if (v->kind == DS_AE_BOOL || v->kind == DS_AE_INT) {
        *out = v->ival != 0;
        return 1;
    }
    return v->kind == DS_AE_STRING &&
           ds__parse_bool(v->str, strlen(v->str), out);
}

int ds__engine_create_sink(ds_engine *e, const char *sql,
                           const ds_ast_stmt *st) {
    if (ds__engine_find_sink(e, st->name.s) ||
        ds__engine_find_stream(e, st->name.s)) {
        if (st->if_not_exists && ds__engine_find_sink(e, st->name.s))
            return DS_OK;
        return ds__engine_sql_errorf(e, sql, st->name.off, "%s already exists",
                                     st->name.s);
    }
    ds_sink_args a = {st->sink == DS_SINK_STDOUT ? NULL : st->target.s,
                      st->table.s, DS_SINKFMT_CSV, 1, 0};
    if (st->format == DS_FMT_JSON)
        a.format = DS_SINKFMT_JSON;
    else if (st->format == DS_FMT_TEXT)
        a.format = DS_SINKFMT_TEXT;
    for (int k = 0; st->options && k < st->options->n; k++) {
        const ds_ast_option *o = &st->options->v[k];
        int *dst = ds__name_eq(o->key.s, "header")   ? &a.header
                   : ds__name_eq(o->key.s, "append") ? &a.append
                                                     : NULL;
        if (!dst || st->sink == DS_SINK_SQLITE ||
            (dst == &a.append && st->sink == DS_SINK_STDOUT))
            return ds__engine_sql_errorf(e, sql, o->key.off,
                                         "unknown option '%s' for this sink "
                                         "(a file sink knows header and "
                                         "append)",
                                         o->key.s);
        if (!opt_bool(o, dst))
            return ds__engine_sql_errorf(e, sql, o->value->off,
                                         "option %s needs true or false",
                                         o->key.s);
    }
    char msg[512];
    ds_sink *sink = st->sink == DS_SINK_SQLITE
                        ? ds__sink_sqlite_new(&a, msg, sizeof msg)
                        : ds__sink_file_new(&a, msg, sizeof msg);
    if (!sink)
        return ds__engine_sql_errorf(e, sql, st->target_off, "%s", msg);
    ds_sinkent *s = ds_malloc(sizeof *s);
    ds_sinkent **ns =
        ds_realloc(e->sinks, sizeof(*ns) * (size_t)(e->nsinks + 1));
    if (ns)
        e->sinks = ns;
    if (!s || !ns) {
        ds_free(s);
        ds__sink_free(sink);
        return ds__engine_error(e, DS_NOMEM, -1, "out of memory");
    }
    memset(s, 0, sizeof *s);
    s->sink = sink;
    s->kind = st->sink;
    s->name = ds__strndup(st->name.s, strlen(st->name.s));
    s->definition = ds__strndup(sql + st->off, (size_t)st->len);
    s->target = a.path ? ds__strndup(a.path, strlen(a.path)) : NULL;
    if (!s->name || !s->definition || (a.path && !s->target)) {
        ds__sinkent_free(s);
        return ds__engine_error(e, DS_NOMEM, -1, "out of memory");
    }
    e->sinks[e->nsinks++] = s;
    return DS_OK;
}

int ds__engine_drop_sink(ds_engine *e, const char *sql, const ds_ast_stmt *st) {
    ds_sinkent *s = ds__engine_find_sink(e, st->name.s);
    if (!s) {
        if (st->if_exists)
            return DS_OK;
        return ds__engine_sql_errorf(e, sql, st->name.off, "no such sink: %s",
                                     st->name.s);
    }
    if (s->writer && !s->writer->ended)
        return ds__engine_sql_errorf(e, sql, st->name.off,
                                     "sink %s is written by query %d; stop "
                                     "it first",
                                     s->name, s->writer->id);
    for (int k = 0; k < e->nqueries; k++)
        if (e->queries[k]->sink == s)
            e->queries[k]->sink = NULL;
    for (int k = 0; k < e->nsinks; k++) {
        if (e->sinks[k] == s) {
            memmove(&e->sinks[k], &e->sinks[k + 1],
                    sizeof(*e->sinks) * (size_t)(e->nsinks - k - 1));
            e->nsinks--;
            break;
        }
    }
    ds__sinkent_free(s);
    return DS_OK;
}

int ds__engine_insert_select(ds_engine *e, const char *sql,
                             const ds_ast_stmt *st) {
    ds_sinkent *s = ds__engine_find_sink(e, st->name.s);
    if (!s) {
        if (ds__engine_find_stream(e, st->name.s))
            return ds__engine_sql_errorf(e, sql, st->name.off,
                                         "INSERT INTO ... SELECT writes to a "
                                         "sink, and %s is a stream; use "
                                         "CREATE STREAM ... AS SELECT",
                                         st->name.s);
        return ds__engine_sql_errorf(e, sql, st->name.off, "no such sink: %s",
                                     st->name.s);
    }
    if (s->writer && !s->writer->ended)
        return ds__engine_sql_errorf(e, sql, st->name.off,
                                     "sink %s is already written by query %d",
                                     s->name, s->writer->id);
    struct ds_query *q;
    int rc = ds__query_create(e, sql, st, st->select, DS_TARGET_SINK, NULL,
                              NULL, NULL, &q);
    if (rc)
        return rc;
    const char **names;
    int *types;
    char msg[512] = "out of memory";
    rc = ds__query_columns(q, &names, &types);
    if (!rc) {
        ds_sink_columns cols = {q->plan->out.ncols, names, types};
        rc = s->sink->vt->x_begin(s->sink, &cols, msg, sizeof msg);
    }
    ds_free(names);
    ds_free(types);
    if (rc) {
        ds__query_end(q, 0, rc, msg);
        return ds__engine_sql_errorf(e, sql, st->name.off, "%s", msg);
    }
    q->sink = s;
    s->writer = q;
    return DS_OK;
}

void ds__engine_flush_sinks(ds_engine *e) {
    for (int k = 0; k < e->nsinks; k++) {
        ds_sinkent *s = e->sinks[k];
        if (!s->writer)
            continue;
        char msg[512];
        int rc = s->sink->vt->x_flush(s->sink, msg, sizeof msg);
        if (rc && !s->writer->ended) {
            ds__query_end(s->writer, 0, rc, msg);
            ds__engine_error(e, DS_ERROR, -1, "query %d: %s", s->writer->id,
                             msg);
        }
        if (s->writer->ended)
            s->writer = NULL;
    }
}
