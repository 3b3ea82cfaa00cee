/*
** daba.h - DABA Lite (Tangwongsan, Hirzel and Schneider's De-Amortized
** Banker's Aggregator, "lite" variant): a FIFO of partial aggregates (slots)
** that answers "the combination of everything in the queue" with a
** constant number of combines per insert, evict and query, in the worst
** case, not only on average: no flip spike. Used per key by the
** sliding-window state (slide.c) for the aggregates that cannot be
** subtracted (MIN, MAX, floating-point SUM).
**
** The queue lives in a ring of slots, whose length need not be a power of
** two: a window of 600 panes takes 600 slots, not 1024.
*/
#ifndef DS_DABA_H
#define DS_DABA_H

#include "slot.h"

typedef struct ds_daba {
    char *ring;          /* owned: cap slots, then the two running sums mid and
                            back (one slot each) */
    uint32_t cap;        /* slots in the ring (> size), or 0 */
    uint32_t n;          /* slots in the queue */
    uint32_t head, tail; /* ring indexes: the queue runs from head to tail */
    uint32_t l, r, a, b; /* DABA Lite's pointers, ring indexes in the order
                            head <= l <= r <= a <= b <= tail along the queue */
    uint32_t spread;     /* when to grow, among queues that fill together */
    uint32_t most;       /* the ring grows to no more than this at once */
    uint32_t width;      /* slots per element (a row), 0 meaning 1 */
    uint32_t live;       /* slots of each row in use (<= width) */
    uint32_t fresh;      /* rows of the ring ever used (mapped in) */
    uint64_t first;      /* slots evicted so far: the oldest's number */
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
/* The ring length the queue needs at most (a window's panes, plus one):
   the ring grows to that instead of past it (0: no bound). A longer queue
   still fits: the ring grows again. */
static inline void ds__daba_bound(ds_daba *d, uint32_t most) { d->most = most; }
void ds__daba_fini(ds_daba *d);
static inline uint64_t ds__daba_size(const ds_daba *d) { return d->n; }
/* The number of the oldest slot in the queue (counting every slot ever
   inserted from 0), and one past the newest's. */
static inline uint64_t ds__daba_first(const ds_daba *d) { return d->first; }
static inline uint64_t ds__daba_end(const ds_daba *d) {
    return d->first + d->n;
}
/*
** Rows: a queue whose elements are rows of `width` slots, combined slot
** by slot, so that many queues that always move together (the keys of a
** window present in every pane) are one queue whose every step runs over
** contiguous memory. Only the first `live` slots of a row are combined;
** the others stay the identity (the ring is allocated zeroed), so live
** may grow. ds__daba_rows sets a new queue up (DS_OK or DS_NOMEM) with a
** ring of `most` rows; ds__daba_row_next returns the row to fill for the
** next insert (cleared), and ds__daba_row_insert appends it.
*/
int ds__daba_rows(ds_daba *d, const ds_slotlayout *lay, uint32_t width,
                  uint32_t most);
char *ds__daba_row_next(ds_daba *d, const ds_slotlayout *lay);
int ds__daba_row_insert(ds_daba *d, const ds_slotlayout *lay, char *errmsg,
                        size_t errlen);
/* Slot col of the combination of every row (identity if empty); for a
   queue of slots, col 0 is ds__daba_query. */
int ds__daba_row_query(const ds_daba *d, const ds_slotlayout *lay, int col,
                       void *out, char *errmsg, size_t errlen);

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
static inline void ds__daba_prefetch_slot(const ds_daba *d,
                                          const ds_slotlayout *lay, uint32_t i,
                                          size_t n) {
    const char *p = d->ring + (size_t)i * (size_t)lay->size;
    __builtin_prefetch(p, 1);
    __builtin_prefetch(p + n - 1, 1); /* a slot may straddle two lines */
}
static inline void ds__daba_prefetch(const ds_daba *d,
                                     const ds_slotlayout *lay) {
    if (!d->ring)
        return;
    size_t z = (size_t)lay->size;
    ds__daba_prefetch_slot(d, lay, d->cap, 2 * z); /* mid, back */
    ds__daba_prefetch_slot(d, lay, d->tail, z);
    ds__daba_prefetch_slot(d, lay, d->a ? d->a - 1 : d->cap - 1, 2 * z);
    ds__daba_prefetch_slot(d, lay, d->l, z);
    ds__daba_prefetch_slot(d, lay, d->head, z);
}
/* Bytes held. */
size_t ds__daba_bytes(const ds_daba *d, const ds_slotlayout *lay);

#endif
