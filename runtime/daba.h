/*
** daba.h - DABA Lite (Tangwongsan, Hirzel and Schneider's De-Amortized
** Banker's Aggregator, "lite" variant): a FIFO of partial aggregates (slots)
** that answers "the combination of everything in the queue" with a
** constant number of combines per insert, evict and query, in the worst
** case, not only on average: no flip spike. Used per key by the
** sliding-window state (slide.c) for the aggregates that cannot be
** subtracted (MIN, MAX, floating-point SUM).
**
** The queue lives in a ring of slots; positions are absolute counters.
*/
#ifndef DS_DABA_H
#define DS_DABA_H

#include "slot.h"

typedef struct ds_daba {
    char *ring;          /* owned: cap slots */
    uint32_t cap;        /* a power of two, or 0 */
    uint64_t head, tail; /* [head, tail) are in the queue */
    uint64_t l, r, a, b; /* DABA Lite's pointers: head <= l <= r <= a <= b
                            <= tail */
    char *mid, *back;    /* owned: the two running sums (one slot each) */
    uint32_t spread;     /* when to grow, among queues that fill together */
} ds_daba;

/* An empty queue; nothing is allocated until the first insert. */
void ds__daba_init(ds_daba *d);
/*
** Many queues that fill in step (a window's keys get a slot each slide)
** would all double their rings in the same batch: a slow batch. A queue
** with a spread grows once it is more than half full, at a point set by
** seed (a hash of its key), so that the copies spread over many batches.
*/
static inline void ds__daba_spread(ds_daba *d, uint64_t seed) {
    d->spread = (uint32_t)(seed >> 32) | 1;
}
void ds__daba_fini(ds_daba *d);
static inline uint64_t ds__daba_size(const ds_daba *d) {
    return d->tail - d->head;
}
/* Appends slot v (copied). DS_OK, DS_NOMEM or DS_ERROR (errmsg). */
int ds__daba_insert(ds_daba *d, const ds_slotlayout *lay, const void *v,
                    char *errmsg, size_t errlen);
/* Removes the oldest slot. */
int ds__daba_evict(ds_daba *d, const ds_slotlayout *lay, char *errmsg,
                   size_t errlen);
/* out = the combination of every slot in the queue (identity if empty). */
int ds__daba_query(const ds_daba *d, const ds_slotlayout *lay, void *out,
                   char *errmsg, size_t errlen);
/*
** Asks the cache for the slots the next insert or evict (and a query) will
** touch, so that a loop over many queues, each far from the others in
** memory, can overlap their cache misses: call it a few queues ahead.
*/
static inline void ds__daba_prefetch(const ds_daba *d,
                                     const ds_slotlayout *lay) {
    if (!d->ring)
        return;
    uint64_t m = d->cap - 1;
    __builtin_prefetch(d->mid, 1);
    __builtin_prefetch(d->ring + (d->tail & m) * lay->size, 1);
    __builtin_prefetch(d->ring + ((d->a - 1) & m) * lay->size, 1);
    __builtin_prefetch(d->ring + (d->l & m) * lay->size, 1);
    __builtin_prefetch(d->ring + (d->head & m) * lay->size, 0);
}
/* Bytes held. */
size_t ds__daba_bytes(const ds_daba *d, const ds_slotlayout *lay);

#endif
