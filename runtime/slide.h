/*
** slide.h - the state of a sliding window: the aggregate of the last P
** panes, per key, kept up to date as panes enter and leave, so that each
** slide costs work proportional to the keys in the panes that move, never
** to the window's length.
**
** Per key it keeps: one accumulator of the invertible aggregates (COUNT,
** SUM and AVG of BIGINT), to which an entering pane's partial is added and
** from which a leaving pane's is subtracted; a DABA Lite queue (daba.h) of
** the pane partials of the other aggregates (MIN, MAX, SUM/AVG of DOUBLE),
** which combines in constant worst-case time; and for COUNT(DISTINCT) a
** count of each value over the panes in the window. A key disappears when
** its last pane leaves.
**
** Panes are owned by the window operator (op_window.c); the slider borrows
** each inserted pane until it is evicted, in the order inserted.
*/
#ifndef DS_SLIDE_H
#define DS_SLIDE_H

#include "daba.h"

/* One pane: the partial aggregate of the rows whose time falls in
   [start, end). */
typedef struct ds_pane {
    int64_t id;      /* pane number: start = origin + id * length */
    ds_aggtab *tab;  /* owned: the pane's rows, per key; NULL once the
                        slider no longer needs it (ds__slide_keeps_tabs) */
    int64_t ngroups; /* groups of tab given to the slider */
    int32_t *kids;   /* owned: the slider's key of each of those groups */
    char *inv;       /* owned: their invertible partials, to subtract when
                        the pane leaves */
    int64_t kids_cap;
    ds_aggtab *late;    /* owned: rows that came after the pane was
                           inserted, while some window holding it was still
                           open (event time); NULL when none */
    int32_t *late_kids; /* owned: key of each group of late */
    int64_t late_seen;  /* groups of late already given to the slider */
    int inserted;
    int slid; /* given to the slider by ds__slide_insert, not yet evicted */
    struct ds_pane *next; /* the next pane by id (the operator's list) */
} ds_pane;

typedef struct ds_slide ds_slide;

/* A new, empty state for aggregation def (borrowed), for windows of
   `panes` panes that slide by whole panes (panes entering before those
   leaving go count too): it sizes the keys' rings (0: unknown). */
ds_slide *ds__slide_new(const ds_aggdef *def, int64_t panes);
void ds__slide_free(ds_slide *s);

/* Adds pane p (its tab) to the window, after every pane inserted so far. */
int ds__slide_insert(ds_slide *s, ds_pane *p, char *errmsg, size_t errlen);
/* Removes the oldest inserted pane, p (which must be it). */
int ds__slide_evict(ds_slide *s, ds_pane *p, char *errmsg, size_t errlen);
/*
** Late rows for an inserted pane p (event time) go into p->late between
** these two calls: _begin takes the late tab's part out of the window's
** state, _end puts the grown tab back in. The DABA part of late rows is
** added at output time (ds__slide_output's panes).
*/
int ds__slide_late_begin(ds_slide *s, ds_pane *p);
int ds__slide_late_end(ds_slide *s, ds_pane *p, char *errmsg, size_t errlen);

/*
** 1 when the slider reads an inserted pane's table until it is evicted:
** for COUNT(DISTINCT), whose sets it subtracts, and for MIN/MAX of TEXT,
** whose slots view the table's text. Otherwise the owner may let the
** table go once the pane is inserted: it keeps only kids and inv.
*/
int ds__slide_keeps_tabs(const ds_slide *s);

/* Bytes the slider keeps in pane p (kids and inv). */
size_t ds__slide_pane_bytes(const ds_slide *s, const ds_pane *p);

/* Number of keys in the window now. */
int64_t ds__slide_keys(const ds_slide *s);
size_t ds__slide_bytes(const ds_slide *s);

/*
** Writes the window's result, one row per key, into chunks of out (keys,
** then aggregates, as ds__aggtab_output), calling emit(user, out) for each
** full or last chunk. panes/npanes: the inserted panes the window holds,
** whose late rows (corrections) are added to the result. A window without
** GROUP BY gives one row even with no key (SQL's aggregate over no rows).
*/
int ds__slide_output(ds_slide *s, ds_pane *const *panes, int npanes,
                     ds_chunk *out, int (*emit)(void *user, ds_chunk *c),
                     void *user, char *errmsg, size_t errlen);

#endif
