/*
** src_queue.c - the QUEUE source, like Spark's queueStream: INSERT INTO q
** VALUES and ds_push each append one chunk; a batch takes one chunk
** (one_at_a_time, the default) or every waiting chunk. Pushes come from any
** thread, so the chunk list has its own lock. The queue is finished once it
** is closed and drained.
*/
#include "source.h"

#include <pthread.h>

typedef struct qchunk {
    ds_batch *rows; /* owned */
    struct qchunk *next;
} qchunk;

typedef struct queue_src {
    ds_source base;
    pthread_mutex_t mu;
    qchunk *head, *tail; /* owned */
    int nchunks;
    int one_at_a_time;
    int closed;
} queue_src;

static int q_start(ds_source *s) {
    (void)s;
    return DS_OK;
}

static int q_take(ds_source *s, const ds_take *how, ds_batch *out) {
    (void)how;
    queue_src *q = (queue_src *)s;
    int rc = DS_OK;
    pthread_mutex_lock(&q->mu);
    while (q->head && !rc) {
        qchunk *c = q->head;
        rc = ds__batch_append_batch(out, c->rows);
        if (rc)
            break;
        q->head = c->next;
        if (!q->head)
            q->tail = NULL;
        q->nchunks--;
        ds__batch_free(c->rows);
        ds_free(c);
        if (q->one_at_a_time)
            break;
    }
    pthread_mutex_unlock(&q->mu);
    return rc;
}

static int q_ready(ds_source *s) {
    queue_src *q = (queue_src *)s;
    pthread_mutex_lock(&q->mu);
    int r = q->head != NULL;
    pthread_mutex_unlock(&q->mu);
    return r;
}

static int q_finished(ds_source *s) {
    queue_src *q = (queue_src *)s;
    pthread_mutex_lock(&q->mu);
    int r = q->closed && !q->head;
    pthread_mutex_unlock(&q->mu);
    return r;
}

void ds__src_queue_close(ds_source *s) {
    queue_src *q = (queue_src *)s;
    pthread_mutex_lock(&q->mu);
    q->closed = 1;
    pthread_mutex_unlock(&q->mu);
}

static void q_free(ds_source *s) {
    queue_src *q = (queue_src *)s;
    while (q->head) {
        qchunk *c = q->head;
        q->head = c->next;
        ds__batch_free(c->rows);
        ds_free(c);
    }
    pthread_mutex_destroy(&q->mu);
    ds__source_fini(s);
    ds_free(q);
}

static const ds_source_vtable queue_vt = {
    "queue", q_start, q_take, q_ready, q_finished, ds__src_queue_close, q_free};

int ds__src_is_queue(const ds_source *s) { return s->vt == &queue_vt; }

/* Appends a chunk the caller built (ownership moves to the queue). */
static int enqueue(queue_src *q, ds_batch *rows) {
    qchunk *c = ds_malloc(sizeof *c);
    if (!c) {
        ds__batch_free(rows);
        return DS_NOMEM;
    }
    c->rows = rows;
    c->next = NULL;
    pthread_mutex_lock(&q->mu);
    if (q->closed) {
        pthread_mutex_unlock(&q->mu);
        ds__batch_free(rows);
        ds_free(c);
        return DS_MISUSE;
    }
    if (q->tail)
        q->tail->next = c;
    else
        q->head = c;
    q->tail = c;
    q->nchunks++;
    q->base.metrics.rows += rows->rows;
    pthread_mutex_unlock(&q->mu);
    return DS_OK;
}

int ds__src_queue_push_rows(ds_source *s, const ds_batch *rows) {
    ds_batch *copy = ds__batch_new(rows->ncols, rows->types);
    if (!copy)
        return DS_NOMEM;
    int rc = ds__batch_append_batch(copy, rows);
    if (rc) {
        ds__batch_free(copy);
        return rc;
    }
    return enqueue((queue_src *)s, copy);
}

int ds__src_queue_push_text(ds_source *s, const char *data, size_t len) {
    queue_src *q = (queue_src *)s;
    ds_batch *b = ds__batch_new(s->ncols, s->types);
    if (!b)
        return DS_NOMEM;
    int64_t bad = 0;
    int rc = ds__decode_text(s->decoder, data, len, b, &bad);
    if (rc) {
        ds__batch_free(b);
        return rc;
    }
    pthread_mutex_lock(&q->mu);
    s->metrics.bad_rows += bad;
    pthread_mutex_unlock(&q->mu);
    ds__decoder_reset(s->decoder);
    return enqueue(q, b);
}

ds_source *ds__src_queue_new(int ncols, const char *const *names,
                             const int *types, const ds_decode_opts *opts,
                             int one_at_a_time, char *errmsg, size_t errlen) {
    queue_src *q = ds_malloc(sizeof *q);
    if (!q)
        return NULL;
    memset(q, 0, sizeof *q);
    if (ds__source_init(&q->base, &queue_vt, ncols, names, types, opts, errmsg,
                        errlen)) {
        ds__source_fini(&q->base);
        ds_free(q);
        return NULL;
    }
    pthread_mutex_init(&q->mu, NULL);
    q->one_at_a_time = one_at_a_time;
    return &q->base;
}
