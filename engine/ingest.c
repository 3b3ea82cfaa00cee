/*
** ingest.c - input through the C API: ds_push appends a chunk of text to
** a QUEUE stream, ds_queue_close closes queues.
*/
#include "engine.h"

/* The queue named name, or NULL with an error recorded on e. */
static ds_source *find_queue(ds_engine *e, const char *name, int *rc) {
    ds_stream *s = ds__engine_find_stream(e, name);
    if (!s) {
        *rc = ds__engine_error(e, DS_NOTFOUND, -1, "no such stream: %s", name);
        return NULL;
    }
    if (!s->source || !ds__src_is_queue(s->source)) {
        *rc = ds__engine_error(e, DS_MISUSE, -1, "stream %s is not a QUEUE",
                               name);
        return NULL;
    }
    return s->source;
}

int ds_push(ds_engine *e, const char *stream, const char *data, size_t len) {
    if (!e || !stream || (!data && len))
        return DS_MISUSE;
    pthread_mutex_lock(&e->mu);
    int rc = DS_OK;
    ds_source *q = find_queue(e, stream, &rc);
    if (q && !q->decoder)
        rc = ds__engine_error(e, DS_MISUSE, -1,
                              "stream %s has typed columns "
                              "and no FORMAT for text; declare FORMAT CSV or "
                              "JSON, or use INSERT INTO ... VALUES",
                              stream);
    else if (q) {
        rc = ds__src_queue_push_text(q, data ? data : "", len);
        if (rc == DS_MISUSE)
            ds__engine_error(e, rc, -1, "queue %s is closed", stream);
        else if (rc)
            ds__engine_error(e, rc, -1, "out of memory");
        pthread_cond_broadcast(&e->cv);
    }
    pthread_mutex_unlock(&e->mu);
    return rc;
}

int ds_queue_close(ds_engine *e, const char *stream) {
    if (!e)
        return DS_MISUSE;
    pthread_mutex_lock(&e->mu);
    int rc = DS_OK;
    if (stream) {
        ds_source *q = find_queue(e, stream, &rc);
        if (q)
            ds__src_queue_close(q);
    } else {
        for (int k = 0; k < e->nstreams; k++) {
            ds_source *s = e->streams[k]->source;
            if (s && ds__src_is_queue(s))
                ds__src_queue_close(s);
        }
    }
    pthread_cond_broadcast(&e->cv);
    pthread_mutex_unlock(&e->mu);
    return rc;
}
