/*
** vset.c - counted value sets (vset.h): open addressing with linear
** probing and backward-shift deletion.
*/
#include "vset.h"

void ds__vset_init(ds_vset *s, int type) {
    memset(s, 0, sizeof *s);
    s->type = type;
}

void ds__vset_fini(ds_vset *s) {
    for (uint64_t i = 0; s->slots && i <= s->mask; i++)
        if (s->slots[i].hash && s->type == DS_TEXT)
            ds_free((void *)s->slots[i].v.u.s.p);
    ds_free(s->slots);
    s->slots = NULL;
    s->n = 0;
    s->mask = 0;
}

size_t ds__vset_bytes(const ds_vset *s) {
    return s->slots ? (s->mask + 1) * sizeof(ds_vset_entry) : 0;
}

static uint64_t hash_value(int type, const ds_value *v) {
    uint64_t h;
    if (type == DS_TEXT) {
        h = ds__hash_bytes(v->u.s.p, v->u.s.n, 11);
    } else if (type == DS_DOUBLE) {
        double d = v->u.d == 0 ? 0 : v->u.d;
        uint64_t bits;
        memcpy(&bits, &d, 8);
        h = ds__hash_u64(bits);
    } else {
        h = ds__hash_u64((uint64_t)v->u.i);
    }
    return h | 1;
}

static int equal(int type, const ds_value *a, const ds_value *b) {
    if (type == DS_TEXT)
        return a->u.s.n == b->u.s.n &&
               (!a->u.s.n || !memcmp(a->u.s.p, b->u.s.p, a->u.s.n));
    if (type == DS_DOUBLE)
        return a->u.d == b->u.d;
    return a->u.i == b->u.i;
}

static int grow(ds_vset *s) {
    uint64_t n = s->slots ? (s->mask + 1) * 2 : 16;
    ds_vset_entry *t = ds_malloc(sizeof *t * n);
    if (!t)
        return DS_NOMEM;
    memset(t, 0, sizeof *t * n);
    for (uint64_t i = 0; s->slots && i <= s->mask; i++) {
        if (!s->slots[i].hash)
            continue;
        uint64_t j = s->slots[i].hash & (n - 1);
        while (t[j].hash)
            j = (j + 1) & (n - 1);
        t[j] = s->slots[i];
    }
    ds_free(s->slots);
    s->slots = t;
    s->mask = n - 1;
    return DS_OK;
}

int ds__vset_add(ds_vset *s, const ds_value *v, int64_t delta) {
    if (delta == 0)
        return DS_OK;
    if ((uint64_t)(s->n + 1) * 2 > (s->slots ? s->mask + 1 : 0) && grow(s))
        return DS_NOMEM;
    uint64_t h = hash_value(s->type, v);
    uint64_t j = h & s->mask;
    for (; s->slots[j].hash; j = (j + 1) & s->mask) {
        ds_vset_entry *e = &s->slots[j];
        if (e->hash != h || !equal(s->type, &e->v, v))
            continue;
        e->count += delta;
        if (e->count > 0)
            return DS_OK;
        if (s->type == DS_TEXT)
            ds_free((void *)e->v.u.s.p);
        e->hash = 0;
        s->n--;
        uint64_t hole = j;
        for (uint64_t k = (j + 1) & s->mask; s->slots[k].hash;
             k = (k + 1) & s->mask) {
            uint64_t home = s->slots[k].hash & s->mask;
            if (((k - home) & s->mask) >= ((k - hole) & s->mask)) {
                s->slots[hole] = s->slots[k];
                s->slots[k].hash = 0;
                hole = k;
            }
        }
        return DS_OK;
    }
    if (delta < 0)
        return DS_OK;
    ds_vset_entry *e = &s->slots[j];
    e->v = *v;
    if (s->type == DS_TEXT) {
        char *p = ds__strndup(v->u.s.p, v->u.s.n);
        if (!p)
            return DS_NOMEM;
        e->v.u.s.p = p;
    }
    e->hash = h;
    e->count = delta;
    s->n++;
    return DS_OK;
}

int ds__vset_merge(ds_vset *dst, const ds_vset *src) {
    for (uint64_t i = 0; src->slots && i <= src->mask; i++) {
        if (!src->slots[i].hash)
            continue;
        int rc = ds__vset_add(dst, &src->slots[i].v, src->slots[i].count);
        if (rc)
            return rc;
    }
    return DS_OK;
}
