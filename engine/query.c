/*
** query.c - continuous queries: planning one, delivering its emissions (to
** a callback, into a derived stream, or to a sink), ending it, and the
** query handle functions of dstream.h.
*/
#include "engine.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>

/* Where the output operator hands each finished emission. */
static int deliver(void *user, const ds_emit *emit, const ds_batch *rows,
                   char *errmsg, size_t errlen) {
    struct ds_query *q = user;
    ds_engine *e = q->e;
    switch (q->target) {
    case DS_TARGET_CALLBACK:
        if (q->cb && !q->stop_requested) {
            int was = e->in_callback;
            pthread_t who = e->callback_thread;
            e->in_callback = was + 1;
            e->callback_thread = pthread_self();
            int r = ds__result_deliver(q->cb, q->user, q->id, emit,
                                       &q->plan->out, rows);
            e->in_callback = was;
            e->callback_thread = who;
            if (r)
                q->stop_requested = 1;
        }
        return DS_OK;
    case DS_TARGET_STREAM:
        if (!q->out_stream)
            return DS_OK;
        q->out_stream->rows_total += rows->rows;
        if (ds__batch_append_batch(q->out_stream->batch, rows)) {
            snprintf(errmsg, errlen, "out of memory");
            return DS_NOMEM;
        }
        return DS_OK;
    case DS_TARGET_SINK:
        if (!q->sink)
            return DS_OK;
        return q->sink->sink->vt->x_write(q->sink->sink, rows, errmsg, errlen);
    }
    return DS_OK;
}

/* LATE INTO: the stream the query's late rows go to, created with the
   window's input columns when it does not exist. */
static int late_stream(ds_engine *e, const char *sql, const ds_ast_select *sel,
                       struct ds_query *q) {
    const ds_schema *ls = &q->plan->late;
    const char *name = q->plan->window.late_into;
    int off = sel->window->late_into.off;
    ds_stream *s = ds__engine_find_stream(e, name);
    if (s) {
        int same = s->schema.ncols == ls->ncols;
        for (int k = 0; same && k < ls->ncols; k++)
            same = s->schema.cols[k].type == ls->cols[k].type;
        if (!same)
            return ds__engine_sql_errorf(e, sql, off,
                                         "LATE INTO %s: the "
                                         "stream's columns differ from the "
                                         "window's input",
                                         name);
        if (s->source || (s->producer && !s->producer->ended))
            return ds__engine_sql_errorf(e, sql, off,
                                         "LATE INTO %s: the "
                                         "stream is already fed by %s",
                                         name,
                                         s->source ? "a source" : "a query");
    } else {
        const char **names =
            ds_malloc(sizeof(char *) * (size_t)(ls->ncols + 1));
        int *types = ds_malloc(sizeof(int) * (size_t)(ls->ncols + 1));
        if (names && types) {
            for (int k = 0; k < ls->ncols; k++) {
                names[k] = ls->cols[k].name;
                types[k] = ls->cols[k].type;
            }
            char def[256];
            snprintf(def, sizeof def, "LATE INTO %s (query %d)", name, q->id);
            s = ds__stream_new(name, ls->ncols, names, types, def, strlen(def));
        }
        ds_free(names);
        ds_free(types);
        if (!s || ds__engine_add_stream(e, s))
            return ds__engine_error(e, DS_NOMEM, -1, "out of memory");
        s->kind = DS_SRC_NONE;
    }
    s->producer = q;
    s->finished = 0;
    s->level = q->input->level + 1;
    q->late_stream = s;
    q->ex.late = s->batch;
    return DS_OK;
}

int ds__query_create(ds_engine *e, const char *sql, const ds_ast_stmt *st,
                     const ds_ast_select *sel, ds_target target,
                     ds_result_fn cb, void *user, ds_stream *out_stream,
                     struct ds_query **pq) {
    *pq = NULL;
    ds_plan_env env;
    ds__engine_plan_env(e, &env);
    ds_plan *plan = NULL;
    ds_parse_error err;
    int rc = ds__plan_select(&env, sql, sel, &plan, &err);
    if (rc == DS_NOMEM)
        return ds__engine_error(e, rc, -1, "out of memory");
    if (rc)
        return ds__engine_sql_error(e, sql, &err);
    struct ds_query *q = ds_malloc(sizeof *q);
    struct ds_query **nq =
        ds_realloc(e->queries, sizeof(*nq) * (size_t)(e->nqueries + 1));
    if (nq)
        e->queries = nq;
    if (!q || !nq) {
        ds_free(q);
        ds__plan_free(plan);
        return ds__engine_error(e, DS_NOMEM, -1, "out of memory");
    }
    memset(q, 0, sizeof *q);
    q->e = e;
    q->sql = ds__strndup(sql + st->off, (size_t)st->len);
    if (!q->sql) {
        ds_free(q);
        ds__plan_free(plan);
        return ds__engine_error(e, DS_NOMEM, -1, "out of memory");
    }
    q->id = e->next_query_id++;
    q->plan = plan;
    q->input = ds__engine_find_stream(e, plan->stream);
    q->target = target;
    q->cb = cb;
    q->user = user;
    q->out_stream = out_stream;
    ds__exec_init(&q->ex);
    q->ex.deliver = deliver;
    q->ex.deliver_user = q;
    if (plan->window.late_into) {
        int rc2 = late_stream(e, sql, sel, q);
        if (rc2) {
            ds__query_free(q);
            return rc2;
        }
    }
    e->queries[e->nqueries++] = q;
    e->terminated = 0;
    *pq = q;
    return DS_OK;
}

void ds__query_end(struct ds_query *q, int flush, int status, const char *msg) {
    if (q->ended)
        return;
    if (flush && q->opened && status == DS_OK) {
        int rc = ds__pipeline_flush(&q->plan->pipeline, &q->ex);
        if (rc) {
            status = rc;
            msg = q->ex.eval.errmsg[0] ? q->ex.eval.errmsg : "out of memory";
        }
    }
    q->ended = 1;
    q->status = status;
    snprintf(q->errmsg, sizeof q->errmsg, "%s", msg ? msg : "");
    if (q->out_stream)
        q->out_stream->finished = 1;
    if (q->late_stream)
        q->late_stream->finished = 1;
    pthread_cond_broadcast(&q->e->cv);
}

int ds__query_columns(const struct ds_query *q, const char ***names,
                      int **types) {
    const ds_schema *out = &q->plan->out;
    *names = ds_malloc(sizeof(char *) * (size_t)(out->ncols + 1));
    *types = ds_malloc(sizeof(int) * (size_t)(out->ncols + 1));
    if (!*names || !*types) {
        ds_free(*names);
        ds_free(*types);
        *names = NULL;
        *types = NULL;
        return DS_NOMEM;
    }
    for (int k = 0; k < out->ncols; k++) {
        (*names)[k] = out->cols[k].name;
        (*types)[k] = out->cols[k].type;
    }
    return DS_OK;
}

void ds__query_free(struct ds_query *q) {
    if (!q)
        return;
    ds__plan_free(q->plan);
    ds__exec_fini(&q->ex);
    ds_free(q->sql);
    ds_free(q);
}

int ds_query_id(const ds_query *q) { return q ? q->id : 0; }

int ds_query_ended(const ds_query *q) {
    if (!q)
        return 1;
    pthread_mutex_lock(&q->e->mu);
    int r = q->ended;
    pthread_mutex_unlock(&q->e->mu);
    return r;
}

int ds_query_status(const ds_query *q) {
    if (!q)
        return DS_MISUSE;
    pthread_mutex_lock(&q->e->mu);
    int r = q->status;
    pthread_mutex_unlock(&q->e->mu);
    return r;
}

const char *ds_query_errmsg(const ds_query *q) {
    return q ? q->errmsg : "no query";
}

/* An absolute deadline timeout_ms from now, for pthread_cond_timedwait. */
static struct timespec deadline(int64_t timeout_ms) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += timeout_ms / 1000;
    ts.tv_nsec += (timeout_ms % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    return ts;
}

int ds_query_await(ds_query *q, int64_t timeout_ms) {
    if (!q)
        return DS_MISUSE;
    ds_engine *e = q->e;
    pthread_mutex_lock(&e->mu);
    if (ds__engine_in_callback(e)) {
        pthread_mutex_unlock(&e->mu);
        return DS_MISUSE;
    }
    struct timespec ts = deadline(timeout_ms < 0 ? 0 : timeout_ms);
    int rc = DS_OK;
    while (!q->ended) {
        if (!e->running) {
            /* nothing will end it but ds_step or ds_start */
            rc = DS_TIMEOUT;
            if (timeout_ms == 0)
                break;
        }
        if (timeout_ms < 0) {
            pthread_cond_wait(&e->cv, &e->mu);
        } else if (pthread_cond_timedwait(&e->cv, &e->mu, &ts) == ETIMEDOUT) {
            rc = q->ended ? DS_OK : DS_TIMEOUT;
            break;
        }
        rc = DS_OK;
    }
    pthread_mutex_unlock(&e->mu);
    return rc;
}

int ds_query_close(ds_query *q) {
    if (!q)
        return DS_OK;
    ds_engine *e = q->e;
    pthread_mutex_lock(&e->mu);
    if (ds__engine_in_callback(e)) {
        pthread_mutex_unlock(&e->mu);
        return DS_MISUSE;
    }
    ds__query_end(q, 0, DS_OK, "closed");
    for (int k = 0; k < e->nqueries; k++) {
        if (e->queries[k] == q) {
            memmove(&e->queries[k], &e->queries[k + 1],
                    sizeof(*e->queries) * (size_t)(e->nqueries - k - 1));
            e->nqueries--;
            break;
        }
    }
    for (int k = 0; k < e->nstreams; k++)
        if (e->streams[k]->producer == q)
            e->streams[k]->producer = NULL;
    if (q->sink && q->sink->writer == q) {
        char msg[512];
        q->sink->sink->vt->x_flush(q->sink->sink, msg, sizeof msg);
        q->sink->writer = NULL;
    }
    ds__query_free(q);
    pthread_cond_broadcast(&e->cv);
    pthread_mutex_unlock(&e->mu);
    return DS_OK;
}

int ds__engine_deliver_rows(ds_engine *e, const ds_schema *schema,
                            const ds_batch *rows) {
    if (!e->cfg.on_result)
        return DS_OK;
    ds_emit emit;
    memset(&emit, 0, sizeof emit);
    emit.batch = e->batch_no;
    emit.batch_time = e->time;
    ds__result_deliver(e->cfg.on_result, e->cfg.on_result_user, 0, &emit,
                       schema, rows);
    return DS_OK;
}
