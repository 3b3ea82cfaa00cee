/*
** vset.h - a multiset of values of one type: each distinct value with the
** number of times it was added. COUNT(DISTINCT x) of a session or of a
** count window is the number of distinct values in it. Text is copied.
*/
#ifndef DS_VSET_H
#define DS_VSET_H

#include "chunk.h"

typedef struct ds_vset_entry {
    uint64_t hash; /* 0: empty */
    int64_t count;
    ds_value v; /* text owned */
} ds_vset_entry;

typedef struct ds_vset {
    int type;
    ds_vset_entry *slots; /* owned */
    uint64_t mask;
    int64_t n; /* distinct values */
} ds_vset;

void ds__vset_init(ds_vset *s, int type);
void ds__vset_fini(ds_vset *s);
/* Adds delta (may be negative) to the count of v (not NULL); a value
   whose count reaches 0 leaves. DS_OK or DS_NOMEM. */
int ds__vset_add(ds_vset *s, const ds_value *v, int64_t delta);
/* Adds every value of src to dst with its count. */
int ds__vset_merge(ds_vset *dst, const ds_vset *src);
size_t ds__vset_bytes(const ds_vset *s);

#endif
