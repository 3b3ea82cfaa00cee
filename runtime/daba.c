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
**
** Positions are ring indexes, compared only for equality: the ring is
** always longer than the queue, so the head-to-tail stretch that holds
** the pointers never wraps onto itself.
*/
#include "daba.h"

#include <assert.h>

#define ROWSZ(d, lay) ((size_t)(lay)->size * ((d)->width ? (d)->width : 1))
#define SLOT(d, lay, i) ((d)->ring + (size_t)(i)*ROWSZ(d, lay))
#define MID(d, lay) SLOT(d, lay, (d)->cap)
#define BACK(d, lay) SLOT(d, lay, (d)->cap + 1)

static inline uint32_t next(const ds_daba *d, uint32_t i) {
    return i + 1 == d->cap ? 0 : i + 1;
}
static inline uint32_t prev(const ds_daba *d, uint32_t i) {
    return i ? i - 1 : d->cap - 1;
}

/* The slot operations over the live slots of a row. */
static inline int comb(const ds_daba *d, const ds_slotlayout *lay, char *dst,
                       const char *src, char *errmsg, size_t errlen) {
    if (!d->width)
        return ds__slot_combine(lay, dst, src, errmsg, errlen);
    size_t z = (size_t)lay->size;
    for (uint32_t i = 0; i < d->live; i++, dst += z, src += z) {
        int rc = ds__slot_combine(lay, dst, src, errmsg, errlen);
        if (rc)
            return rc;
    }
    return DS_OK;
}
static inline void copy(const ds_daba *d, const ds_slotlayout *lay, char *dst,
                        const char *src) {
    if (!d->width)
        ds__slot_copy(lay, dst, src);
    else
        memcpy(dst, src, (size_t)d->live * (size_t)lay->size);
}
static inline void clear(const ds_daba *d, const ds_slotlayout *lay,
                         char *dst) {
    if (!d->width)
        ds__slot_clear(lay, dst);
    else
        memset(dst, 0, (size_t)d->live * (size_t)lay->size);
}

void ds__daba_init(ds_daba *d) { memset(d, 0, sizeof *d); }

void ds__daba_fini(ds_daba *d) {
    ds_free(d->ring);
    memset(d, 0, sizeof *d);
}

size_t ds__daba_bytes(const ds_daba *d, const ds_slotlayout *lay) {
    return d->ring ? ((size_t)d->cap + 2) * ROWSZ(d, lay) : 0;
}

/* The queue's distance from head to index i (0..n). */
static inline uint32_t offset(const ds_daba *d, uint32_t i) {
    return i >= d->head ? i - d->head : i + d->cap - d->head;
}

/* The next ring length: double, or `most` when that is enough. */
static uint32_t next_cap(const ds_daba *d) {
    uint32_t cap = d->cap ? d->cap * 2 : 4;
    if (d->most > d->cap && cap > d->most && d->most >= d->n + 2)
        cap = d->most;
    return cap;
}

/* A ring of cap elements (> n), the queue copied to its start. */
static int grow(ds_daba *d, const ds_slotlayout *lay, uint32_t cap) {
    size_t z = ROWSZ(d, lay), bytes = ((size_t)cap + 2) * z;
    /* rows: zeroed, their slots past live must be the identity */
    char *ring = d->width ? ds__calloc(bytes) : ds_malloc(bytes);
    if (!ring)
        return DS_NOMEM;
    if (!d->width)
        ds__mem_prefault(ring, bytes);
    if (!d->ring) {
        ds__slot_clear(lay, ring + (size_t)cap * z);
        ds__slot_clear(lay, ring + ((size_t)cap + 1) * z);
    } else {
        /* the queue is at most two runs of the old ring */
        uint32_t run = d->cap - d->head < d->n ? d->cap - d->head : d->n;
        memcpy(ring, SLOT(d, lay, d->head), run * z);
        memcpy(ring + run * z, d->ring, (d->n - run) * z);
        memcpy(ring + (size_t)cap * z, MID(d, lay), 2 * z);
    }
    uint32_t l = offset(d, d->l), r = offset(d, d->r), a = offset(d, d->a),
             b = offset(d, d->b);
    assert(l <= r && r <= a && a <= b && b <= d->n);
    ds_free(d->ring);
    d->ring = ring;
    d->cap = cap;
    d->fresh = d->n;
    d->head = 0;
    d->tail = d->n;
    d->l = l;
    d->r = r;
    d->a = a;
    d->b = b;
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
        copy(d, lay, MID(d, lay), BACK(d, lay));
        clear(d, lay, BACK(d, lay));
    }
    if (d->head == d->b) { /* nothing in front */
        clear(d, lay, BACK(d, lay));
        clear(d, lay, MID(d, lay));
        return DS_OK;
    }
    int rc = DS_OK;
    if (d->a != d->r) {
        /* a moves left: slot(a-1) = slot(a-1) (+) slot(a) (if a < b) */
        char *after = d->a == d->b ? NULL : SLOT(d, lay, d->a);
        d->a = prev(d, d->a);
        if (after)
            rc = comb(d, lay, SLOT(d, lay, d->a), after, errmsg, errlen);
        if (rc)
            return rc;
    }
    if (d->l != d->r) { /* l moves right by itself, adding mid */
        rc = comb(d, lay, SLOT(d, lay, d->l), MID(d, lay), errmsg, errlen);
        d->l = next(d, d->l);
    } else { /* l, r and a move together */
        d->l = next(d, d->l);
        d->r = next(d, d->r);
        d->a = next(d, d->a);
        if (d->a == d->b)
            clear(d, lay, MID(d, lay));
        else
            copy(d, lay, MID(d, lay), SLOT(d, lay, d->a));
    }
    return rc;
}

/* Appends the element written at the tail. */
static int append(ds_daba *d, const ds_slotlayout *lay, char *errmsg,
                  size_t errlen) {
    int rc = comb(d, lay, BACK(d, lay), SLOT(d, lay, d->tail), errmsg, errlen);
    if (rc)
        return rc;
    d->tail = next(d, d->tail);
    d->n++;
    return step(d, lay, errmsg, errlen);
}

int ds__daba_insert(ds_daba *d, const ds_slotlayout *lay, const void *v,
                    char *errmsg, size_t errlen) {
    /* after the insert the ring must still be longer than the queue */
    uint32_t limit = d->cap;
    if (d->spread && d->cap >= 16 && d->cap != d->most)
        limit = d->cap / 2 + d->spread % (d->cap / 2);
    if (d->n + 2 > limit && grow(d, lay, next_cap(d)))
        return DS_NOMEM;
    ds__slot_copy(lay, SLOT(d, lay, d->tail), v);
    return append(d, lay, errmsg, errlen);
}

int ds__daba_evict(ds_daba *d, const ds_slotlayout *lay, char *errmsg,
                   size_t errlen) {
    if (!d->n)
        return DS_OK;
    d->head = next(d, d->head);
    d->n--;
    d->first++;
    return step(d, lay, errmsg, errlen);
}

int ds__daba_query(const ds_daba *d, const ds_slotlayout *lay, void *out,
                   char *errmsg, size_t errlen) {
    return ds__daba_row_query(d, lay, 0, out, errmsg, errlen);
}

/* ------------------------------------------------------------------ rows */

int ds__daba_rows(ds_daba *d, const ds_slotlayout *lay, uint32_t width,
                  uint32_t most) {
    ds__daba_init(d);
    d->width = width ? width : 1;
    d->most = most;
    int rc = grow(d, lay, most > 4 ? most : 4);
    if (rc)
        ds__daba_fini(d);
    return rc;
}

char *ds__daba_row_next(ds_daba *d, const ds_slotlayout *lay) {
    if (d->n + 2 > d->cap && grow(d, lay, next_cap(d)))
        return NULL;
    char *row = SLOT(d, lay, d->tail);
    size_t n = (size_t)d->live * (size_t)lay->size;
    if (d->tail >= d->fresh) { /* first use: map the row in at once */
        ds__mem_prefault(row, n);
        d->fresh = d->tail + 1;
    }
    memset(row, 0, n);
    return row;
}

int ds__daba_row_insert(ds_daba *d, const ds_slotlayout *lay, char *errmsg,
                        size_t errlen) {
    return append(d, lay, errmsg, errlen);
}

int ds__daba_row_query(const ds_daba *d, const ds_slotlayout *lay, int col,
                       void *out, char *errmsg, size_t errlen) {
    size_t at = (size_t)col * (size_t)lay->size;
    if (!d->n) {
        ds__slot_clear(lay, out);
        return DS_OK;
    }
    if (d->head == d->b) {
        ds__slot_copy(lay, out, BACK(d, lay) + at);
        return DS_OK;
    }
    return ds__slot_combine3(lay, out, SLOT(d, lay, d->head) + at,
                             BACK(d, lay) + at, errmsg, errlen);
}
