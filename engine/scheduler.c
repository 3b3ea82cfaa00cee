/*
** scheduler.c - the micro-batch clock. One batch: every source gives the
** rows of this interval, every live query runs its pipeline over its input
** stream's batch (streams fed by a query run after that query), time
** advances, and queries whose input has finished flush their windows and
** end. The real clock runs a batch every interval of wall time on the
** scheduler thread; the virtual clock runs them back to back; ds_step runs
** one on the caller's thread. Also ds_start, ds_stop and
** ds_await_termination.
*/
#include "engine.h"

#include <errno.h>
#include <time.h>

static int64_t now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t mono_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int ds__sched_all_ended(ds_engine *e) {
    for (int k = 0; k < e->nqueries; k++)
        if (!e->queries[k]->ended)
            return 0;
    return 1;
}

/* The time before the first batch, set once. */
static void init_time(ds_engine *e, int virtual_clock) {
    if (e->time_set)
        return;
    if (virtual_clock) {
        e->time = 0;
    } else {
        int64_t t = now_us();
        e->time = t - t % e->batch_interval_us;
    }
    e->origin = e->time;
    e->time_set = 1;
}

/* Takes this batch's rows from every source. */
static int gather(ds_engine *e, int virtual_clock) {
    ds_take how = {virtual_clock, e->rows_per_batch};
    int64_t rows = 0;
    for (int k = 0; k < e->nstreams; k++) {
        ds_stream *s = e->streams[k];
        ds__batch_clear(s->batch);
        if (!s->source || s->finished)
            continue;
        int rc = s->source->vt->x_take(s->source, &how, s->batch);
        if (rc)
            return rc;
        rows += s->batch->rows;
        s->rows_total += s->batch->rows;
        if (s->source->vt->x_finished(s->source))
            s->finished = 1; /* this is its last batch */
    }
    e->last_input_rows = rows;
    e->total_input_rows += rows;
    return DS_OK;
}

/* Runs q over this batch; ends it when it fails, was asked to stop, or its
   input has finished. Returns 1 if it failed. */
static int run_query(ds_engine *e, struct ds_query *q, int64_t batch_time) {
    if (!q->input) {
        ds__query_end(q, 0, DS_ERROR, "its input stream was dropped");
        return 1;
    }
    int64_t t0 = mono_us();
    int rc = DS_OK;
    if (!q->opened) {
        q->ex.origin = e->origin;
        rc = ds__pipeline_open(&q->plan->pipeline, &q->ex);
        q->opened = 1;
    }
    q->ex.batch = e->batch_no;
    q->ex.batch_time = batch_time;
    q->ex.last = q->input->finished ||
                 (e->cfg.max_batches > 0 && e->batch_no >= e->cfg.max_batches);
    if (!rc)
        rc =
            ds__pipeline_run_batch(&q->plan->pipeline, &q->ex, q->input->batch);
    q->last_ms_x1000 = mono_us() - t0;
    if (rc) {
        const char *msg = q->ex.eval.errmsg[0] ? q->ex.eval.errmsg
                          : rc == DS_NOMEM     ? "out of memory"
                                               : "query failed";
        ds__query_end(q, 0, rc, msg);
        ds__engine_error(e, DS_ERROR, -1, "query %d: %s", q->id, msg);
        return 1;
    }
    if (q->stop_requested)
        ds__query_end(q, 0, DS_OK, "stopped by its callback");
    else if (q->input->finished)
        ds__query_end(q, 1, DS_OK, "input finished");
    if (q->ended && q->status != DS_OK) {
        ds__engine_error(e, DS_ERROR, -1, "query %d: %s", q->id, q->errmsg);
        return 1;
    }
    return 0;
}

int ds__sched_run_batch(ds_engine *e, int virtual_clock) {
    if (ds__sched_all_ended(e))
        return DS_DONE;
    init_time(e, virtual_clock);
    int64_t batch_time = e->time + e->batch_interval_us;
    int64_t t0 = mono_us();
    e->batch_no++;
    int rc = gather(e, virtual_clock);
    if (rc)
        return ds__engine_error(e, rc, -1, "out of memory");
    /* queries in the order of their input's level, then by id: a derived
       stream's rows exist before its readers run */
    int failed = 0, maxlevel = 0;
    for (int k = 0; k < e->nstreams; k++)
        if (e->streams[k]->level > maxlevel)
            maxlevel = e->streams[k]->level;
    for (int level = 0; level <= maxlevel; level++) {
        for (int k = 0; k < e->nqueries; k++) {
            struct ds_query *q = e->queries[k];
            int ql = q->input ? q->input->level : 0;
            if (q->ended || ql != level)
                continue;
            failed |= run_query(e, q, batch_time);
        }
    }
    ds__engine_flush_sinks(e);
    e->time = batch_time;
    e->last_batch_us = mono_us() - t0;
    if (e->cfg.max_batches > 0 && e->batch_no >= e->cfg.max_batches)
        for (int k = 0; k < e->nqueries; k++) /* enough batches: end */
            ds__query_end(e->queries[k], 1, DS_OK, "max_batches reached");
    pthread_cond_broadcast(&e->cv);
    return failed ? DS_ERROR : DS_OK;
}

int ds_step(ds_engine *e) {
    if (!e)
        return DS_MISUSE;
    pthread_mutex_lock(&e->mu);
    int rc;
    if (e->running || ds__engine_in_callback(e))
        rc = ds__engine_error(e, DS_MISUSE, -1,
                              "ds_step cannot run while "
                              "the scheduler runs or from a callback");
    else
        rc = ds__sched_run_batch(e, 1);
    if (ds__sched_all_ended(e))
        e->terminated = 1;
    pthread_mutex_unlock(&e->mu);
    return rc;
}

/* ------------------------------------------------------------ the thread */

static void stop_sources(ds_engine *e) {
    for (int k = 0; k < e->nstreams; k++)
        if (e->streams[k]->source)
            e->streams[k]->source->vt->x_stop(e->streams[k]->source);
}

/* Virtual clock: is there anything for the next batch to do? */
static int input_waiting(ds_engine *e) {
    int live = 0;
    for (int k = 0; k < e->nstreams; k++) {
        ds_stream *s = e->streams[k];
        if (!s->source || s->finished)
            continue;
        if (s->source->vt->x_ready(s->source) ||
            s->source->vt->x_finished(s->source))
            return 1;
        live = 1;
    }
    return !live; /* every source finished: run to end the queries */
}

static struct timespec abs_time(int64_t us) {
    struct timespec ts = {us / 1000000, (long)(us % 1000000) * 1000};
    return ts;
}

static void *scheduler_main(void *arg) {
    ds_engine *e = arg;
    pthread_mutex_lock(&e->mu);
    int virtual_clock = e->clock == DS_CLOCK_VIRTUAL;
    if (!virtual_clock && e->time_set) {
        /* a restart after a pause: resume at the next interval of the
           grid instead of running every missed interval back to back */
        int64_t now = now_us(), bi = e->batch_interval_us;
        if (now - e->time > bi)
            e->time = e->origin + (now - e->origin) / bi * bi;
    }
    init_time(e, virtual_clock);
    int sources_stopped = 0;
    int64_t next = e->time + e->batch_interval_us;
    while (!e->stop_now && !ds__sched_all_ended(e)) {
        if (e->stop_graceful && !sources_stopped) {
            stop_sources(e);
            sources_stopped = 1;
        }
        if (virtual_clock) {
            if (!input_waiting(e)) {
                struct timespec ts = abs_time(now_us() + 20000);
                pthread_cond_timedwait(&e->cv, &e->mu, &ts);
                continue;
            }
        } else {
            int64_t now = now_us();
            if (now < next) {
                struct timespec ts = abs_time(next);
                pthread_cond_timedwait(&e->cv, &e->mu, &ts);
                continue;
            }
            e->last_delay_us = now - next;
        }
        ds__sched_run_batch(e, virtual_clock);
        next = e->time + e->batch_interval_us;
    }
    e->terminated = 1;
    e->running = 0;
    pthread_cond_broadcast(&e->cv);
    pthread_mutex_unlock(&e->mu);
    return NULL;
}

int ds_start(ds_engine *e) {
    if (!e)
        return DS_MISUSE;
    pthread_mutex_lock(&e->mu);
    int rc = DS_OK;
    if (e->running || e->joinable) {
        rc = ds__engine_error(e, DS_MISUSE, -1, "the engine already runs");
        goto done;
    }
    for (int k = 0; k < e->nstreams && !rc; k++)
        if (e->streams[k]->source)
            rc = e->streams[k]->source->vt->x_start(e->streams[k]->source);
    if (rc) {
        ds__engine_error(e, rc, -1, "a source could not start");
        goto done;
    }
    e->stop_now = e->stop_graceful = 0;
    e->terminated = 0;
    e->running = 1;
    if (pthread_create(&e->thread, NULL, scheduler_main, e)) {
        e->running = 0;
        rc = ds__engine_error(e, DS_ERROR, -1,
                              "cannot start the scheduler "
                              "thread");
        goto done;
    }
    e->joinable = 1;
done:
    pthread_mutex_unlock(&e->mu);
    return rc;
}

int ds_stop(ds_engine *e, int graceful) {
    if (!e)
        return DS_MISUSE;
    pthread_mutex_lock(&e->mu);
    if (graceful)
        e->stop_graceful = 1;
    else
        e->stop_now = 1;
    pthread_cond_broadcast(&e->cv);
    if (ds__engine_in_callback(e) || !e->joinable) {
        if (!e->joinable && !graceful)
            e->terminated = 1;
        if (!e->joinable && graceful)
            stop_sources(e);
        pthread_mutex_unlock(&e->mu);
        return DS_OK;
    }
    e->joinable = 0;
    pthread_t t = e->thread;
    pthread_mutex_unlock(&e->mu);
    pthread_join(t, NULL);
    return DS_OK;
}

int ds_await_termination(ds_engine *e, int64_t timeout_ms) {
    if (!e)
        return DS_MISUSE;
    pthread_mutex_lock(&e->mu);
    struct timespec ts =
        abs_time(now_us() + (timeout_ms > 0 ? timeout_ms : 0) * 1000);
    int rc = DS_OK;
    while (!(e->terminated || (!e->running && ds__sched_all_ended(e)))) {
        if (timeout_ms == 0) {
            rc = DS_TIMEOUT;
            break;
        }
        if (timeout_ms < 0) {
            pthread_cond_wait(&e->cv, &e->mu);
        } else if (pthread_cond_timedwait(&e->cv, &e->mu, &ts) == ETIMEDOUT) {
            rc = e->terminated ? DS_OK : DS_TIMEOUT;
            break;
        }
    }
    pthread_mutex_unlock(&e->mu);
    return rc;
}

int ds_stats_get(ds_engine *e, ds_stats *st) {
    if (!e || !st)
        return DS_MISUSE;
    pthread_mutex_lock(&e->mu);
    memset(st, 0, sizeof *st);
    st->batches = e->batch_no;
    st->input_rows = e->total_input_rows;
    st->last_input_rows = e->last_input_rows;
    st->last_batch_us = e->last_batch_us;
    st->last_delay_us = e->last_delay_us;
    st->batch_time = e->time;
    for (int k = 0; k < e->nqueries; k++) {
        if (e->queries[k]->ended)
            st->queries_ended++;
        else
            st->queries_running++;
    }
    st->running = e->running;
    pthread_mutex_unlock(&e->mu);
    return DS_OK;
}
