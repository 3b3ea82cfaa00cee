/*
** chunk.c - vectors, chunks and batches (chunk.h).
*/
#include "chunk.h"

size_t ds__type_width(int type) {
    switch (type) {
    case DS_DOUBLE:
        return sizeof(double);
    case DS_TEXT:
        return sizeof(ds_str);
    case DS_BOOLEAN:
        return 1;
    default:
        return sizeof(int64_t);
    }
}

int ds__vec_init(ds_vec *v, int type) {
    v->type = type;
    memset(v->valid, 0, sizeof v->valid);
    v->v.raw = ds_malloc(ds__type_width(type) * DS_CHUNK_ROWS);
    return v->v.raw ? DS_OK : DS_NOMEM;
}

void ds__vec_fini(ds_vec *v) {
    ds_free(v->v.raw);
    v->v.raw = NULL;
}

ds_value ds__vec_get(const ds_vec *v, int i) {
    ds_value x;
    if (!ds__vec_valid(v, i)) {
        x.type = DS_NULL;
        x.u.i = 0;
        return x;
    }
    x.type = v->type;
    switch (v->type) {
    case DS_DOUBLE:
        x.u.d = v->v.f64[i];
        break;
    case DS_TEXT:
        x.u.s = v->v.str[i];
        break;
    case DS_BOOLEAN:
        x.u.i = v->v.b[i];
        break;
    default:
        x.u.i = v->v.i64[i];
    }
    return x;
}

void ds__vec_put(ds_vec *v, int i, const ds_value *x) {
    if (x->type == DS_NULL) {
        ds__vec_set_null(v, i);
        return;
    }
    ds__vec_set_valid(v, i);
    switch (v->type) {
    case DS_DOUBLE:
        v->v.f64[i] = x->u.d;
        break;
    case DS_TEXT:
        v->v.str[i] = x->u.s;
        break;
    case DS_BOOLEAN:
        v->v.b[i] = (uint8_t)(x->u.i != 0);
        break;
    default:
        v->v.i64[i] = x->u.i;
    }
}

ds_chunk *ds__chunk_new(int ncols, const int *types) {
    ds_chunk *c = ds_malloc(sizeof *c);
    if (!c)
        return NULL;
    c->ncols = ncols;
    c->n = 0;
    c->next = NULL;
    c->cols = ds_malloc(sizeof(ds_vec) * (size_t)(ncols ? ncols : 1));
    if (!c->cols) {
        ds_free(c);
        return NULL;
    }
    for (int k = 0; k < ncols; k++)
        c->cols[k].v.raw = NULL;
    for (int k = 0; k < ncols; k++) {
        if (ds__vec_init(&c->cols[k], types[k]) != DS_OK) {
            ds__chunk_free(c);
            return NULL;
        }
    }
    return c;
}

void ds__chunk_free(ds_chunk *c) {
    if (!c)
        return;
    for (int k = 0; k < c->ncols; k++)
        ds__vec_fini(&c->cols[k]);
    ds_free(c->cols);
    ds_free(c);
}

int ds__chunk_append_rows(ds_chunk *dst, const ds_chunk *src, int from,
                          int count, ds_arena *arena) {
    int at = dst->n;
    for (int k = 0; k < src->ncols; k++) {
        const ds_vec *s = &src->cols[k];
        ds_vec *d = &dst->cols[k];
        size_t w = ds__type_width(s->type);
        memcpy((char *)d->v.raw + (size_t)at * w,
               (const char *)s->v.raw + (size_t)from * w, (size_t)count * w);
        for (int i = 0; i < count; i++)
            ds__vec_put_valid(d, at + i, ds__vec_valid(s, from + i));
        if (s->type == DS_TEXT && arena) {
            for (int i = 0; i < count; i++) {
                ds_str *x = &d->v.str[at + i];
                if (!ds__vec_valid(d, at + i) || x->n == 0)
                    continue;
                char *p = ds__arena_alloc(arena, x->n);
                if (!p)
                    return DS_NOMEM;
                memcpy(p, x->p, x->n);
                x->p = p;
            }
        }
    }
    dst->n += count;
    return DS_OK;
}

int ds__chunk_append_row(ds_chunk *dst, const ds_chunk *src, int row,
                         ds_arena *arena) {
    return ds__chunk_append_rows(dst, src, row, 1, arena);
}

ds_batch *ds__batch_new(int ncols, const int *types) {
    ds_batch *b = ds_malloc(sizeof *b);
    if (!b)
        return NULL;
    memset(b, 0, sizeof *b);
    b->ncols = ncols;
    b->types = ds_malloc(sizeof(int) * (size_t)(ncols ? ncols : 1));
    if (!b->types) {
        ds_free(b);
        return NULL;
    }
    memcpy(b->types, types, sizeof(int) * (size_t)ncols);
    ds__arena_init(&b->arena, 64 * 1024);
    return b;
}

void ds__batch_clear(ds_batch *b) {
    ds_chunk *c = b->head;
    while (c) {
        ds_chunk *next = c->next;
        if (b->nspare < 64) {
            c->next = b->spare;
            b->spare = c;
            b->nspare++;
        } else {
            ds__chunk_free(c);
        }
        c = next;
    }
    b->head = b->tail = NULL;
    b->rows = 0;
    b->bad_rows = 0;
    ds__arena_reset(&b->arena);
}

void ds__batch_free(ds_batch *b) {
    if (!b)
        return;
    ds__batch_clear(b);
    while (b->spare) {
        ds_chunk *c = b->spare;
        b->spare = c->next;
        ds__chunk_free(c);
    }
    ds__arena_fini(&b->arena);
    ds_free(b->types);
    ds_free(b);
}

ds_chunk *ds__batch_tail(ds_batch *b) {
    if (b->tail && b->tail->n < DS_CHUNK_ROWS)
        return b->tail;
    ds_chunk *c = b->spare;
    if (c) {
        b->spare = c->next;
        b->nspare--;
        c->n = 0;
        c->next = NULL;
        /* writers may leave a NULL's bit as they found it: clear them */
        for (int k = 0; k < c->ncols; k++)
            memset(c->cols[k].valid, 0, sizeof c->cols[k].valid);
    } else {
        c = ds__chunk_new(b->ncols, b->types);
        if (!c)
            return NULL;
    }
    if (b->tail)
        b->tail->next = c;
    else
        b->head = c;
    b->tail = c;
    return c;
}

int ds__batch_append_chunk(ds_batch *b, const ds_chunk *c) {
    int done = 0;
    while (done < c->n) {
        ds_chunk *t = ds__batch_tail(b);
        if (!t)
            return DS_NOMEM;
        int room = DS_CHUNK_ROWS - t->n, take = c->n - done;
        if (take > room)
            take = room;
        int rc = ds__chunk_append_rows(t, c, done, take, &b->arena);
        if (rc)
            return rc;
        done += take;
        b->rows += take;
    }
    return DS_OK;
}

int ds__batch_append_batch(ds_batch *dst, const ds_batch *src) {
    for (const ds_chunk *c = src->head; c; c = c->next) {
        int rc = ds__batch_append_chunk(dst, c);
        if (rc)
            return rc;
    }
    dst->bad_rows += src->bad_rows;
    return DS_OK;
}
