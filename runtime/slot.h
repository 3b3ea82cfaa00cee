/*
** slot.h - the partial state of a set of aggregates for ONE group, packed
** in a small fixed-size record (a slot), so that window structures can keep
** many of them (a key's panes in a sliding window, a session, a count
** window) and combine them in constant time.
**
** A slot layout covers a subset of an aggregation's aggregates: the
** sliding-window state keeps the invertible ones (COUNT, SUM and AVG of
** BIGINT) in one accumulator that it adds to and subtracts from, and the
** others (MIN, MAX, SUM and AVG of DOUBLE) in a DABA Lite structure that
** only combines (daba.h). COUNT(DISTINCT) is never in a slot: it needs a
** set (slide.c and the session and count windows keep those).
**
** Text values (MIN/MAX of TEXT) in a slot are views; who owns the bytes is
** the user's business (pane arenas for sliding windows, copies for
** sessions).
*/
#ifndef DS_SLOT_H
#define DS_SLOT_H

#include "agg.h"

/* Where one aggregate's state lives in a slot. */
typedef struct ds_slotfield {
    int agg;    /* index into def->aggs */
    int kind;   /* SLOT_* of slot.c */
    int offset; /* bytes from the start of the slot */
} ds_slotfield;

typedef struct ds_slotlayout {
    const ds_aggdef *def; /* borrowed */
    int nfields;
    ds_slotfield fields[DS_AGG_MAX_AGGS];
    int size; /* bytes per slot, a multiple of 8 */
} ds_slotlayout;

/* Copies a slot: a few words, cheaper inline than a call to memcpy. */
static inline void ds__slot_copy(const ds_slotlayout *l, void *dst,
                                 const void *src) {
    uint64_t *d = dst;
    const uint64_t *s = src;
    for (int i = 0; i < l->size / 8; i++)
        d[i] = s[i];
}

/* Which aggregates a layout takes. */
#define DS_SLOT_INVERTIBLE 1 /* COUNT(*), COUNT, SUM/AVG of BIGINT */
#define DS_SLOT_COMBINE 2    /* MIN, MAX, SUM/AVG of DOUBLE */

/* 1 if aggregate a of def is invertible (can be subtracted exactly). */
int ds__slot_invertible(const ds_aggdef *def, int a);

/* Builds the layout of the aggregates of def that `which` selects. */
void ds__slot_layout(ds_slotlayout *l, const ds_aggdef *def, int which);

/* Sets a slot to the identity (no rows). */
void ds__slot_clear(const ds_slotlayout *l, void *slot);
/* The partial states of group g of table t (built with the same def). Text
   views point into t. */
void ds__slot_from_group(const ds_slotlayout *l, void *slot, const ds_aggtab *t,
                         int64_t g);
/* dst = dst (+) src. Returns DS_OK or DS_ERROR (SUM overflow, errmsg). */
int ds__slot_combine(const ds_slotlayout *l, void *dst, const void *src,
                     char *errmsg, size_t errlen);
/* dst = a (+) b into a third slot (dst may alias neither). */
int ds__slot_combine3(const ds_slotlayout *l, void *dst, const void *a,
                      const void *b, char *errmsg, size_t errlen);
/* dst = dst - src, for an invertible layout only. */
void ds__slot_subtract(const ds_slotlayout *l, void *dst, const void *src);
/* Adds one row (row i of the evaluated input) to a slot; text views point
   into the input (the caller copies when it must). */
int ds__slot_add_row(const ds_slotlayout *l, void *slot, const ds_agginput *ai,
                     int i, char *errmsg, size_t errlen);
/* Writes each field's final value at row `row` of out, in the aggregate's
   output column (col0 + agg index). */
void ds__slot_output(const ds_slotlayout *l, const void *slot, ds_chunk *out,
                     int col0, int row);
/* The byte offsets of the slot's text values (ds_str, MIN/MAX of TEXT);
   returns how many (at most max). */
int ds__slot_text_offsets(const ds_slotlayout *l, int *offsets, int max);

/* Calls fn on each text view of the slot (MIN/MAX of TEXT that hold a
   value), so that the caller can copy or free the bytes. */
int ds__slot_each_text(const ds_slotlayout *l, void *slot,
                       int (*fn)(void *user, ds_str *s), void *user);

#endif
