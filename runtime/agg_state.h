/*
** agg_state.h - the layout of a ds_aggtab, shared by agg.c, agg_merge.c
** and the sliding-window state (slide.c), which reads and combines the
** per-group states of pane tables. Only those files include it.
*/
#ifndef DS_AGG_STATE_H
#define DS_AGG_STATE_H

#include "agg.h"

typedef struct ds_keycol {
    int type;
    void *data;    /* owned: int64_t, double, ds_str (text in t->text) or
                      uint8_t per group */
    uint8_t *null; /* owned: 1 when the key is NULL */
} ds_keycol;

typedef struct ds_dentry { /* one (group, value) of a distinct set */
    uint64_t hash;
    int32_t gid;  /* -1: empty slot */
    int32_t mult; /* rows that had the value */
    ds_value v;   /* text in the table's arena */
} ds_dentry;

typedef struct ds_dset {
    ds_dentry *slots; /* owned */
    uint64_t mask;
    int64_t count;
} ds_dset;

/* The state of one aggregate for every group, column by column. */
typedef struct ds_aggstate {
    int64_t *cnt;  /* rows counted / non-NULL values seen */
    int64_t *isum; /* SUM(BIGINT); MIN/MAX of BIGINT, TIMESTAMP, BOOLEAN */
    double *dsum;  /* SUM(DOUBLE), AVG; MIN/MAX of DOUBLE */
    ds_str *str;   /* MIN/MAX of TEXT: each owned (ds_malloc) */
    ds_dset set;   /* COUNT(DISTINCT) */
} ds_aggstate;

struct ds_aggtab {
    const ds_aggdef *def; /* borrowed */
    int64_t ngroups, cap;
    uint64_t *hashes; /* owned, per group */
    ds_keycol *keys;  /* owned, nkeys */
    ds_aggstate *st;  /* owned, naggs */
    int32_t *slots;   /* owned index: group numbers, -1 empty */
    uint8_t *touched; /* owned when tracking: groups added to since the
                         last ds__aggtab_untouch */
    uint64_t mask;
    ds_arena text; /* key text, distinct text */
};

#define DS_NULL_HASH 0x9e3779b97f4a7c15ULL

static inline uint64_t ds__hash_double(double d) {
    if (d == 0)
        d = 0; /* -0.0 and 0.0 are one value */
    uint64_t bits;
    memcpy(&bits, &d, 8);
    return ds__hash_u64(bits);
}

/* The hash of one value of a vector row (NULLs hash alike). */
static inline uint64_t ds__value_hash(int type, const ds_vec *v, int i) {
    if (!ds__vec_valid(v, i))
        return DS_NULL_HASH;
    switch (type) {
    case DS_DOUBLE:
        return ds__hash_double(v->v.f64[i]);
    case DS_TEXT:
        return ds__hash_bytes(v->v.str[i].p, v->v.str[i].n, 7);
    case DS_BOOLEAN:
        return ds__hash_u64(v->v.b[i] + 1);
    default:
        return ds__hash_u64((uint64_t)v->v.i64[i]);
    }
}

/* Combining the hashes of the keys of a row, one key at a time. */
#define DS_KEYHASH_SEED 0x2545f4914f6cdd1dULL
static inline uint64_t ds__keyhash_step(uint64_t h, uint64_t vh) {
    return (h ^ vh) * 0x9fb21c651e98df25ULL;
}
static inline uint64_t ds__keyhash_end(uint64_t h) { return h ^ (h >> 29); }

/* Finds the group whose keys are row i of kv (hash h), adding it when
   absent. Returns the group, or -1 when out of memory. */
int64_t ds__aggtab_group(ds_aggtab *t, uint64_t h, const ds_vec *const *kv,
                         int i);
/* Inserts (gid, v) mult times into a distinct set; *added says whether
   it was new. vh is the value's hash (ds__value_hash). */
int ds__dset_insert(ds_aggtab *t, ds_dset *ds, int type, int32_t gid,
                    uint64_t vh, const ds_value *v, int32_t mult, int *added);
/* Makes an owned copy of src in *dst, freeing what *dst held. */
int ds__agg_set_text(ds_str *dst, ds_str src);
/* The error of a SUM that overflows. */
int ds__agg_overflow(char *errmsg, size_t errlen, const ds_aggspec *sp);
/* One-row vectors viewing group g's keys, for probing another table. */
void ds__aggtab_key_view(const ds_aggtab *t, int64_t g, ds_vec *vs,
                         const ds_vec **kvp, int64_t *ival, double *dval,
                         ds_str *sval, uint8_t *bval);

#endif
