/*
** api.c - the engine handle and the statement entry points of dstream.h:
** ds_open, ds_close, ds_exec, ds_query_open, errors, and the statement
** splitting helpers the shell uses. Statements are parsed here and handed
** to ddl.c or query.c.
*/
#include "engine.h"

#include <stdio.h>
#include <time.h>

void ds_config_init(ds_config *cfg) {
    memset(cfg, 0, sizeof *cfg);
    cfg->batch_interval_us = 1000000;
    cfg->clock = DS_CLOCK_REAL;
    cfg->start_time_us = -1;
    cfg->rows_per_batch = 100000;
}

int ds__engine_error(ds_engine *e, int rc, int off, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->errmsg, sizeof e->errmsg, fmt, ap);
    va_end(ap);
    e->erroff = off;
    return rc;
}

int ds__engine_sql_error(ds_engine *e, const char *sql,
                         const ds_parse_error *err) {
    if (err->off < 0)
        return ds__engine_error(e, DS_ERROR, -1, "%s", err->msg);
    int line, col;
    ds__parse_line_col(sql, err->off, &line, &col);
    return ds__engine_error(e, DS_ERROR, err->off, "line %d, column %d: %s",
                            line, col, err->msg);
}

int ds__engine_in_callback(ds_engine *e) {
    return e->in_callback && pthread_equal(e->callback_thread, pthread_self());
}

ds_stream *ds__engine_find_stream(ds_engine *e, const char *name) {
    for (int k = 0; k < e->nstreams; k++)
        if (ds__name_eq(e->streams[k]->name, name))
            return e->streams[k];
    return NULL;
}

int ds_open(ds_engine **pe, const ds_config *cfg) {
    ds_engine *e = ds_malloc(sizeof *e);
    *pe = e;
    if (!e)
        return DS_NOMEM;
    memset(e, 0, sizeof *e);
    if (cfg)
        e->cfg = *cfg;
    else
        ds_config_init(&e->cfg);
    pthread_mutexattr_t at;
    pthread_mutexattr_init(&at);
    pthread_mutexattr_settype(&at, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&e->mu, &at);
    pthread_mutexattr_destroy(&at);
    pthread_cond_init(&e->cv, NULL);
    e->next_query_id = 1;
    e->batch_interval_us = e->cfg.batch_interval_us;
    e->rows_per_batch = e->cfg.rows_per_batch;
    e->clock = e->cfg.clock;
    e->idle_timeout_us = 5000000;
    if (e->cfg.start_time_us >= 0) {
        e->time = e->origin = e->cfg.start_time_us;
        e->time_set = 1;
    }
    strcpy(e->errmsg, "not an error");
    e->erroff = -1;
    if (e->batch_interval_us <= 0 || e->rows_per_batch <= 0 ||
        (e->clock != DS_CLOCK_REAL && e->clock != DS_CLOCK_VIRTUAL))
        return ds__engine_error(e, DS_MISUSE, -1,
                                "invalid configuration: "
                                "batch_interval_us and rows_per_batch must "
                                "be positive, clock REAL or VIRTUAL");
    return DS_OK;
}

int ds_close(ds_engine *e) {
    if (!e)
        return DS_OK;
    if (ds__engine_in_callback(e))
        return DS_MISUSE;
    ds_stop(e, 0);
    for (int k = 0; k < e->nqueries; k++)
        ds__query_free(e->queries[k]);
    ds_free(e->queries);
    for (int k = 0; k < e->nstreams; k++)
        ds__stream_free(e->streams[k]);
    ds_free(e->streams);
    for (int k = 0; k < e->nsinks; k++)
        ds__sinkent_free(e->sinks[k]);
    ds_free(e->sinks);
    ds_free(e->checkpoint_dir);
    pthread_cond_destroy(&e->cv);
    pthread_mutex_destroy(&e->mu);
    ds_free(e);
    return DS_OK;
}

const char *ds_errmsg(ds_engine *e) {
    if (!e)
        return "out of memory";
    return e->errmsg;
}

int ds_error_offset(ds_engine *e) { return e ? e->erroff : -1; }

/* Parses sql in arena into statements; reports errors on e. */
static int parse(ds_engine *e, const char *sql, ds_arena *arena,
                 ds_ast_stmts **out) {
    ds_parse_error err;
    int rc = ds__parse(sql, arena, out, &err);
    if (rc == DS_NOMEM)
        return ds__engine_error(e, DS_NOMEM, -1, "out of memory");
    if (rc)
        return ds__engine_sql_error(e, sql, &err);
    return DS_OK;
}

/* Takes the engine lock for an API call that runs SQL; fails (lock held)
   inside a result callback. */
static int enter_sql(ds_engine *e, const char *fn) {
    pthread_mutex_lock(&e->mu);
    if (ds__engine_in_callback(e))
        return ds__engine_error(
            e, DS_MISUSE, -1, "%s cannot be called from a result callback", fn);
    return DS_OK;
}

/* Ends such a call: clears the error on success, drops the lock. */
static int leave_sql(ds_engine *e, int rc) {
    if (!rc) {
        strcpy(e->errmsg, "not an error");
        e->erroff = -1;
    }
    pthread_mutex_unlock(&e->mu);
    return rc;
}

int ds_exec(ds_engine *e, const char *sql) {
    if (!e || !sql)
        return DS_MISUSE;
    int rc = enter_sql(e, "ds_exec");
    if (rc)
        return leave_sql(e, rc);
    ds_arena arena;
    ds__arena_init(&arena, 16 * 1024);
    ds_ast_stmts *stmts = NULL;
    rc = parse(e, sql, &arena, &stmts);
    for (int k = 0; !rc && k < stmts->n; k++)
        rc = ds__engine_run_stmt(e, sql, stmts->v[k]);
    ds__arena_fini(&arena);
    return leave_sql(e, rc);
}

int ds_query_open(ds_engine *e, const char *sql, ds_result_fn cb, void *user,
                  ds_query **pq) {
    if (!e || !sql || !pq)
        return DS_MISUSE;
    *pq = NULL;
    int rc = enter_sql(e, "ds_query_open");
    if (rc)
        return leave_sql(e, rc);
    ds_arena arena;
    ds__arena_init(&arena, 16 * 1024);
    ds_ast_stmts *stmts = NULL;
    rc = parse(e, sql, &arena, &stmts);
    if (!rc && stmts->n != 1)
        rc = ds__engine_error(e, DS_MISUSE, -1,
                              "ds_query_open takes exactly "
                              "one statement, got %d",
                              stmts->n);
    if (!rc) {
        const ds_ast_stmt *st = stmts->v[0];
        if (st->kind == DS_STMT_SELECT) {
            rc = ds__query_create(e, sql, st, st->select, DS_TARGET_CALLBACK,
                                  cb, user, NULL, pq);
        } else if (st->kind == DS_STMT_INSERT_SELECT) {
            rc = ds__engine_run_stmt(e, sql, st);
            if (!rc && e->nqueries)
                *pq = e->queries[e->nqueries - 1];
        } else {
            rc = ds__engine_error(e, DS_MISUSE, st->off,
                                  "ds_query_open "
                                  "takes a SELECT; use ds_exec for other "
                                  "statements");
        }
        if (*pq)
            (*pq)->handle_open = 1;
    }
    ds__arena_fini(&arena);
    return leave_sql(e, rc);
}

int ds_complete(const char *sql) {
    if (!sql)
        return 0;
    int complete = 0, last = 0;
    size_t at = 0, n;
    while ((n = ds__parse_statement_length(sql + at, &complete)) > 0) {
        at += n;
        last = complete;
        if (!complete)
            return 0;
    }
    return last;
}

size_t ds_statement_length(const char *sql) {
    int complete;
    return sql ? ds__parse_statement_length(sql, &complete) : 0;
}

int ds_statement_is_query(const char *sql, size_t len) {
    char *copy = ds__strndup(sql, len);
    if (!copy)
        return 0;
    ds_arena arena;
    ds__arena_init(&arena, 4096);
    ds_ast_stmts *stmts = NULL;
    ds_parse_error err;
    int r = 0;
    if (ds__parse(copy, &arena, &stmts, &err) == DS_OK && stmts->n == 1)
        r = stmts->v[0]->kind == DS_STMT_SELECT ||
            stmts->v[0]->kind == DS_STMT_INSERT_SELECT;
    ds__arena_fini(&arena);
    ds_free(copy);
    return r;
}
