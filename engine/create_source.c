/*
** create_source.c - CREATE STREAM ... FROM a source: checks the columns,
** the FORMAT and the WITH options of each source kind, and makes the source
** (sources/) and its stream.
*/
#include "engine.h"

#include <stdio.h>

static int opt_bool(ds_engine *e, const char *sql, const ds_ast_option *o,
                    int *out) {
    const ds_ast_expr *v = o->value;
    if (v->kind == DS_AE_BOOL || v->kind == DS_AE_INT) {
        *out = v->ival != 0;
        return DS_OK;
    }
    if (v->kind == DS_AE_STRING && ds__parse_bool(v->str, strlen(v->str), out))
        return DS_OK;
    ds_parse_error err = {"", v->off};
    snprintf(err.msg, sizeof err.msg, "option %s needs true or false",
             o->key.s);
    return ds__engine_sql_error(e, sql, &err);
}

/* Receivers call this (from their threads) when rows arrive. */
static void wake_scheduler(void *user) {
    ds_engine *e = user;
    pthread_cond_broadcast(&e->cv);
}

int ds__engine_create_source_stream(ds_engine *e, const char *sql,
                                    const ds_ast_stmt *st) {
    ds_parse_error err;
    if (!st->columns || st->columns->n == 0)
        return ds__engine_sql_errorf(e, sql, st->name.off,
                                     "stream %s needs columns", st->name.s);
    if (ds__plan_check_columns(st->columns, &err))
        return ds__engine_sql_error(e, sql, &err);
    if (st->source != DS_SRC_QUEUE)
        return ds__engine_sql_errorf(
            e, sql, st->off, "not supported yet: FROM %s%s",
            ds__source_kind_name(st->source), " sources");
    int n = st->columns->n;
    const char **names = ds_malloc(sizeof(char *) * (size_t)n);
    int *types = ds_malloc(sizeof(int) * (size_t)n);
    if (!names || !types) {
        ds_free(names);
        ds_free(types);
        return ds__engine_error(e, DS_NOMEM, -1, "out of memory");
    }
    for (int k = 0; k < n; k++) {
        names[k] = st->columns->v[k].name.s;
        types[k] = st->columns->v[k].type;
    }
    ds_decode_opts dopts;
    ds__decode_opts_init(&dopts);
    int one_at_a_time = 1, rc = DS_OK;
    for (int k = 0; st->options && k < st->options->n && !rc; k++) {
        const ds_ast_option *o = &st->options->v[k];
        if (ds__name_eq(o->key.s, "one_at_a_time"))
            rc = opt_bool(e, sql, o, &one_at_a_time);
        else
            rc = ds__engine_sql_errorf(
                e, sql, o->key.off, "unknown option '%s' for a %s stream",
                o->key.s, ds__source_kind_name(st->source));
    }
    int has_format = st->format != DS_FMT_DEFAULT;
    if (has_format)
        dopts.format = st->format == DS_FMT_CSV    ? DS_FORMAT_CSV
                       : st->format == DS_FMT_JSON ? DS_FORMAT_JSON
                                                   : DS_FORMAT_TEXT;
    /* a queue of typed columns without a FORMAT takes only typed rows */
    int text_in = has_format || (n == 1 && types[0] == DS_TEXT);
    char msg[256];
    ds_source *src = NULL;
    if (!rc) {
        src = ds__src_queue_new(n, names, types, text_in ? &dopts : NULL,
                                one_at_a_time, msg, sizeof msg);
        if (!src)
            rc = ds__engine_sql_errorf(
                e, sql, has_format ? st->format_off : st->off, "%s", msg);
    }
    ds_stream *s = NULL;
    if (!rc) {
        s = ds__stream_new(st->name.s, n, names, types, sql + st->off,
                           (size_t)st->len);
        if (!s) {
            ds__source_free(src);
            rc = ds__engine_error(e, DS_NOMEM, -1, "out of memory");
        }
    }
    ds_free(names);
    ds_free(types);
    if (rc)
        return rc;
    s->kind = st->source;
    s->source = src;
    src->log = e->cfg.on_log;
    src->log_user = e->cfg.on_log_user;
    src->wake = wake_scheduler;
    src->wake_user = e;
    rc = ds__engine_add_stream(e, s);
    if (!rc && e->running)
        rc = src->vt->x_start(src);
    return rc;
}
