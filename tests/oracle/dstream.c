/*
** dstream.c - the dstream side of the oracle (oracle.h): runs a case
** through the public C API only, as an embedding program would. An engine
** with the virtual clock; the streams, settings and queries of the case;
** then, per batch, one INSERT per chunk and one ds_step; then the queues are
** closed and the engine stepped until every query has ended. Every
** emission of every query is copied into an oemit.
*/
#include "oracle.h"

#include <stdlib.h>
#include <string.h>

/* Copies one emission. */
static int on_emit(void *user, const ds_result *r) {
    oqrun *q = user;
    int nc = ds_result_column_count(r);
    if (!q->names) {
        q->ncols = nc;
        q->names = oalloc(sizeof(char *) * (size_t)(nc ? nc : 1));
        q->types = oalloc(sizeof(int) * (size_t)(nc ? nc : 1));
        for (int k = 0; k < nc; k++) {
            q->names[k] =
                ostrdup(q->names_wanted ? ds_result_column_name(r, k) : "");
            q->types[k] = ds_result_column_type(r, k);
        }
    }
    if (q->nemits == q->cap) {
        q->cap = q->cap ? q->cap * 2 : 8;
        q->emits = orealloc(q->emits, sizeof(oemit) * (size_t)q->cap);
    }
    oemit *m = &q->emits[q->nemits++];
    memset(m, 0, sizeof *m);
    m->batch = ds_result_batch(r);
    m->batch_time = ds_result_batch_time(r);
    m->has_window = ds_result_has_window(r);
    if (m->has_window) {
        m->window_start = ds_result_window_start(r);
        m->window_end = ds_result_window_end(r);
    }
    orows_init(&m->rows, nc);
    int64_t nr = ds_result_row_count(r);
    for (int64_t i = 0; i < nr; i++) {
        ovalue *row = orows_add(&m->rows);
        for (int k = 0; k < nc; k++) {
            ovalue *v = &row[k];
            if (ds_result_is_null(r, i, k))
                continue;
            switch (ds_result_column_type(r, k)) {
            case DS_DOUBLE:
                v->kind = OV_REAL;
                v->d = ds_result_double(r, i, k);
                break;
            case DS_TEXT: {
                size_t n;
                const char *t = ds_result_text(r, i, k, &n);
                v->kind = OV_TEXT;
                v->s = ostrndup(t ? t : "", t ? n : 0);
                v->n = t ? n : 0;
                break;
            }
            case DS_NULL:
                break;
            default:
                v->kind = OV_INT;
                v->i = ds_result_int64(r, i, k);
            }
        }
    }
    return 0;
}

/* Where statement results go: DESCRIBE rows to a stream's columns, SHOW
   METRICS rows to the queries' late_rows. */
typedef struct receiver {
    ostream *describing; /* first: setup() passes &describing */
    int nqueries;
    oqrun *q;
    ds_query **h;
} receiver;

static void on_metrics(receiver *rx, const ds_result *r) {
    int id = -1, late = -1, nc = ds_result_column_count(r);
    for (int k = 0; k < nc; k++) {
        const char *n = ds_result_column_name(r, k);
        if (strcmp(n, "query") == 0)
            id = k;
        else if (strcmp(n, "late_rows") == 0)
            late = k;
    }
    if (id < 0 || late < 0)
        return;
    for (int64_t i = 0; i < ds_result_row_count(r); i++) {
        int qid = (int)ds_result_int64(r, i, id);
        for (int k = 0; k < rx->nqueries; k++)
            if (rx->h[k] && ds_query_id(rx->h[k]) == qid)
                rx->q[k].late_rows = ds_result_int64(r, i, late);
    }
}

/* Receives DESCRIBE rows: column name, type name. */
static int on_describe(void *user, const ds_result *r) {
    ostream *s = *(ostream **)user;
    if (!s && ((receiver *)user)->q) {
        on_metrics(user, r);
        return 0;
    }
    if (!s || ds_result_column_count(r) < 2)
        return 0;
    int64_t nr = ds_result_row_count(r);
    s->cols = oalloc(sizeof(ocol) * (size_t)(nr ? nr : 1));
    for (int64_t i = 0; i < nr; i++) {
        const char *name = ds_result_text(r, i, 0, NULL);
        const char *type = ds_result_text(r, i, 1, NULL);
        s->cols[i].name = ostrdup(name ? name : "?");
        s->cols[i].type = type ? ocase_type(type, strlen(type)) : -1;
    }
    s->ncols = (int)nr;
    return 0;
}

void oqrun_fini(oqrun *q) {
    for (int k = 0; k < q->ncols; k++)
        free(q->names[k]);
    free(q->names);
    free(q->types);
    for (int k = 0; k < q->nemits; k++)
        orows_fini(&q->emits[k].rows);
    free(q->emits);
    free(q->errmsg);
    memset(q, 0, sizeof *q);
}

static int exec(ds_engine *e, const char *sql, char *err, size_t errlen) {
    if (ds_exec(e, sql) == DS_OK)
        return 0;
    snprintf(err, errlen, "dstream: %s\n  in: %s", ds_errmsg(e), sql);
    return 1;
}

/* After a query or derived stream with LATE INTO: the late stream that
   dstream created, as a stream of the case (columns from DESCRIBE). */
static int add_late(ds_engine *e, ocase *c, const char *sql, int query,
                    int stream, ostream **describing, char *err,
                    size_t errlen) {
    oparts p;
    char perr[256];
    if (orw_parts(sql, c, &p, perr, sizeof perr))
        return 0;
    if (!p.w.late_into || ocase_stream(c, p.w.late_into) >= 0) {
        oparts_fini(&p);
        return 0;
    }
    c->streams =
        orealloc(c->streams, sizeof(ostream) * (size_t)(c->nstreams + 1));
    ostream *st = &c->streams[c->nstreams++];
    memset(st, 0, sizeof *st);
    st->name = ostrdup(p.w.late_into);
    st->late = 1;
    st->late_query = query;
    st->late_stream = stream;
    oparts_fini(&p);
    char d[300];
    snprintf(d, sizeof d, "DESCRIBE %s;", st->name);
    *describing = st;
    int rc = exec(e, d, err, errlen);
    *describing = NULL;
    return rc;
}

static int setup(ds_engine *e, ocase *c, ostream **describing, char *err,
                 size_t errlen) {
    for (int k = 0; k < c->nsettings; k++)
        if (exec(e, c->settings[k], err, errlen))
            return 1;
    for (int k = 0; k < c->nstreams; k++) {
        ostream *st = &c->streams[k];
        if (st->late)
            continue; /* made by a LATE INTO just before */
        obuf b = {0};
        if (st->derived) {
            obuf_printf(&b, "CREATE STREAM %s AS %s;", st->name, st->sql);
        } else {
            obuf_printf(&b, "CREATE STREAM %s (", st->name);
            for (int j = 0; j < st->ncols; j++)
                obuf_printf(&b, "%s%s %s", j ? ", " : "", st->cols[j].name,
                            ds_type_name(st->cols[j].type));
            obuf_puts(&b, ") FROM QUEUE;");
        }
        char *sql = obuf_take(&b);
        int rc = exec(e, sql, err, errlen);
        free(sql);
        if (rc)
            return 1;
        if (st->derived) {
            for (int j = 0; j < st->ncols; j++)
                free(st->cols[j].name);
            free(st->cols);
            st->cols = NULL;
            st->ncols = 0;
            char d[300];
            snprintf(d, sizeof d, "DESCRIBE %s;", st->name);
            *describing = st;
            rc = exec(e, d, err, errlen);
            *describing = NULL;
            if (rc || add_late(e, c, st->sql, -1, k, describing, err, errlen))
                return 1;
        }
    }
    return 0;
}

/* Notes the batch in which each query ended. */
static void ended(const ocase *c, oqrun *q, ds_query **h, int64_t batch) {
    for (int k = 0; k < c->nqueries; k++)
        if (h[k] && !q[k].end_batch && ds_query_ended(h[k]))
            q[k].end_batch = batch;
}

int odstream_run(ocase *c, oqrun *q, char *err, size_t errlen) {
    receiver rx = {NULL, 0, NULL, NULL};
    ostream **describing = &rx.describing; /* DESCRIBE rows go there */
    ds_config cfg;
    ds_config_init(&cfg);
    cfg.clock = DS_CLOCK_VIRTUAL;
    cfg.batch_interval_us = c->interval_us;
    cfg.on_result = on_describe;
    cfg.on_result_user = &rx;
    ds_engine *e = NULL;
    int rc = 0;
    ds_query **h = oalloc(sizeof(ds_query *) * (size_t)(c->nqueries + 1));
    if (ds_open(&e, &cfg) != DS_OK) {
        snprintf(err, errlen, "ds_open: %s", e ? ds_errmsg(e) : "no memory");
        rc = 1;
        goto done;
    }
    if ((rc = setup(e, c, describing, err, errlen)) != 0)
        goto done;
    for (int k = 0; k < c->nqueries; k++) {
        if (q[k].skip)
            continue;
        if (ds_query_open(e, c->queries[k].sql, on_emit, &q[k], &h[k]) !=
            DS_OK) {
            q[k].errmsg = ostrdup(ds_errmsg(e));
            h[k] = NULL;
        } else {
            q[k].planned = 1;
            if (add_late(e, c, c->queries[k].sql, k, -1, describing, err,
                         errlen)) {
                rc = 1;
                goto done;
            }
        }
    }
    for (int b = 0; b < c->nbatches; b++) {
        const obatch *bt = &c->batches[b];
        for (int j = 0; j < bt->n; j++) {
            if (!bt->chunks[j].rows)
                continue;
            obuf ib = {0};
            obuf_printf(&ib, "INSERT INTO %s VALUES %s;",
                        c->streams[bt->chunks[j].stream].name,
                        bt->chunks[j].rows);
            char *sql = obuf_take(&ib);
            rc = exec(e, sql, err, errlen);
            free(sql);
            if (rc)
                goto done;
        }
        int s = ds_step(e);
        if (s != DS_OK && s != DS_ERROR && s != DS_DONE) {
            snprintf(err, errlen, "ds_step: %d %s", s, ds_errmsg(e));
            rc = 1;
            goto done;
        }
        ended(c, q, h, b + 1);
    }
    if (ds_queue_close(e, NULL) != DS_OK) {
        snprintf(err, errlen, "ds_queue_close: %s", ds_errmsg(e));
        rc = 1;
        goto done;
    }
    int s = DS_OK, extra = 0;
    while ((s = ds_step(e)) != DS_DONE && extra < 100) {
        if (s != DS_OK && s != DS_ERROR) {
            snprintf(err, errlen, "ds_step: %d %s", s, ds_errmsg(e));
            rc = 1;
            goto done;
        }
        extra++;
        ended(c, q, h, c->nbatches + extra);
    }
    if (s != DS_DONE) {
        snprintf(err, errlen,
                 "the queries did not end 100 batches after "
                 "their queues were closed");
        rc = 1;
        goto done;
    }
    /* the late rows each query counted */
    rx.nqueries = c->nqueries;
    rx.q = q;
    rx.h = h;
    for (int k = 0; k < c->nqueries; k++)
        q[k].late_rows = -1;
    if (exec(e, "SHOW METRICS;", err, errlen)) {
        rc = 1;
        goto done;
    }
    rx.q = NULL;
    for (int k = 0; k < c->nqueries; k++) {
        if (!h[k])
            continue;
        if (ds_query_status(h[k]) != DS_OK) {
            const char *m = ds_query_errmsg(h[k]);
            q[k].errmsg = ostrdup(m ? m : "(no message)");
            q[k].runtime = 1;
        }
    }
done:
    if (e)
        ds_close(e);
    free(h);
    return rc;
}
