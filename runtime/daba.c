/*
** daba.c - DABA Lite over slots (daba.h).
**
** The queue [head, tail) is split at b into a front [head, b) and a back
** [b, tail). back holds the combination of the back. Each front slot at
** position i is, once processed, the combination of [i, b): so the front
** slot at head is the combination of the whole front, and a query is
** front(head) (+) back. When the front runs out (l == b), the back becomes
** the new front ("flip") and is processed a step at a time on later
** inserts and evicts: a walks left from the end turning values into
** suffix combinations of [a, old tail), and l walks right adding mid (the
** combination of the middle part [r, a)), so that no single operation does
** more than a constant number of combines.
*/
#include "daba.h"

#define SLOT(d, lay, pos) ((d)->ring + ((pos) & ((d)->cap - 1)) * (lay)->size)

void ds__daba_init(ds_daba *d) { memset(d, 0, sizeof *d); }

void ds__daba_fini(ds_daba *d) {
    ds_free(d->ring);
    ds_free(d->mid);
    memset(d, 0, sizeof *d);
}

size_t ds__daba_bytes(const ds_daba *d, const ds_slotlayout *lay) {
    return ((size_t)d->cap + 2) * (size_t)lay->size;
}

static int grow(ds_daba *d, const ds_slotlayout *lay) {
    uint32_t cap = d->cap ? d->cap * 2 : 4;
    char *ring = ds_malloc((size_t)cap * (size_t)lay->size);
    if (!ring)
        return DS_NOMEM;
    if (!d->mid) {
        d->mid = ds_malloc(2 * (size_t)lay->size);
        if (!d->mid) {
            ds_free(ring);
            return DS_NOMEM;
        }
        d->back = d->mid + lay->size;
        ds__slot_clear(lay, d->mid);
        ds__slot_clear(lay, d->back);
    }
    ds__mem_prefault(ring, (size_t)cap * (size_t)lay->size);
    /* the queue is at most two runs of the old ring; each is one run of
       the new one (positions are absolute, and cap doubles) */
    uint64_t p = d->head;
    while (p < d->tail) {
        uint64_t run = d->cap - (p & (d->cap - 1));
        if (run > d->tail - p)
            run = d->tail - p;
        uint64_t room = cap - (p & (cap - 1));
        if (run > room)
            run = room;
        memcpy(ring + (p & (cap - 1)) * lay->size, SLOT(d, lay, p),
               (size_t)run * (size_t)lay->size);
        p += run;
    }
    ds_free(d->ring);
    d->ring = ring;
    d->cap = cap;
    return DS_OK;
}

/* One step of the incremental flip (DABA Lite's "step"). */
static int step(ds_daba *d, const ds_slotlayout *lay, char *errmsg,
                size_t errlen) {
    if (d->l == d->b) { /* flip: the back becomes the front */
        d->l = d->head;
        d->r = d->b;
        d->a = d->tail;
        d->b = d->tail;
        ds__slot_copy(lay, d->mid, d->back);
        ds__slot_clear(lay, d->back);
    }
    if (d->head == d->b) { /* nothing in front */
        ds__slot_clear(lay, d->back);
        ds__slot_clear(lay, d->mid);
        return DS_OK;
    }
    int rc = DS_OK;
    if (d->a != d->r) {
        /* a moves left: slot(a-1) = slot(a-1) (+) slot(a) (if a < b) */
        char *prev = d->a == d->b ? NULL : SLOT(d, lay, d->a);
        d->a--;
        if (prev)
            rc =
                ds__slot_combine(lay, SLOT(d, lay, d->a), prev, errmsg, errlen);
        if (rc)
            return rc;
    }
    if (d->l != d->r) { /* l moves right by itself, adding mid */
        rc = ds__slot_combine(lay, SLOT(d, lay, d->l), d->mid, errmsg, errlen);
        d->l++;
    } else { /* l, r and a move together */
        d->l++;
        d->r++;
        d->a++;
        if (d->a == d->b)
            ds__slot_clear(lay, d->mid);
        else
            ds__slot_copy(lay, d->mid, SLOT(d, lay, d->a));
    }
    return rc;
}

int ds__daba_insert(ds_daba *d, const ds_slotlayout *lay, const void *v,
                    char *errmsg, size_t errlen) {
    uint64_t limit = d->cap;
    if (d->spread && d->cap >= 16) /* grow between half full and full */
        limit = d->cap / 2 + d->spread % (d->cap / 2);
    if (ds__daba_size(d) + 1 > limit && grow(d, lay))
        return DS_NOMEM;
    int rc = ds__slot_combine(lay, d->back, v, errmsg, errlen);
    if (rc)
        return rc;
    ds__slot_copy(lay, SLOT(d, lay, d->tail), v);
    d->tail++;
    return step(d, lay, errmsg, errlen);
}

int ds__daba_evict(ds_daba *d, const ds_slotlayout *lay, char *errmsg,
                   size_t errlen) {
    if (d->head == d->tail)
        return DS_OK;
    d->head++;
    return step(d, lay, errmsg, errlen);
}

int ds__daba_query(const ds_daba *d, const ds_slotlayout *lay, void *out,
                   char *errmsg, size_t errlen) {
    if (d->head == d->tail) {
        ds__slot_clear(lay, out);
        return DS_OK;
    }
    if (d->head == d->b) { /* front empty */
        ds__slot_copy(lay, out, d->back);
        return DS_OK;
    }
    return ds__slot_combine3(lay, out, SLOT(d, lay, d->head), d->back, errmsg,
                             errlen);
}
