/*
** agg.c - the group hash table and aggregate states of agg.h.
**
** Groups are numbered 0..ngroups-1 in order of arrival. Keys and states are
** stored column by column in arrays indexed by group number, so that each
** aggregate is updated by one tight loop over a chunk. The index is open
** addressing over group numbers, with each group's hash kept beside it.
** COUNT(DISTINCT x) keeps a set of (group, value) pairs per aggregate.
*/
#include "agg.h"

#include <math.h>
#include <stdio.h>

#define NULL_HASH 0x9e3779b97f4a7c15ULL

typedef struct keycol {
    int type;
    void *data;    /* owned: int64_t, double, ds_str (text in t->text) or
                      uint8_t per group */
    uint8_t *null; /* owned: 1 when the key is NULL */
} keycol;

typedef struct dentry { /* one (group, value) of a distinct set */
    uint64_t hash;
    int32_t gid; /* -1: empty slot */
    int32_t pad;
    ds_value v; /* text in the table's arena */
} dentry;

typedef struct dset {
    dentry *slots; /* owned */
    uint64_t mask;
    int64_t count;
} dset;

typedef struct aggstate {
    int64_t *cnt;  /* rows counted / non-NULL values seen */
    int64_t *isum; /* SUM(BIGINT); MIN/MAX of BIGINT, TIMESTAMP, BOOLEAN */
    double *dsum;  /* SUM(DOUBLE), AVG; MIN/MAX of DOUBLE */
    ds_str *str;   /* MIN/MAX of TEXT: each owned (ds_malloc) */
    dset set;      /* COUNT(DISTINCT) */
} aggstate;

struct ds_aggtab {
    const ds_aggdef *def; /* borrowed */
    int64_t ngroups, cap;
    uint64_t *hashes; /* owned, per group */
    keycol *keys;     /* owned, nkeys */
    aggstate *st;     /* owned, naggs */
    int32_t *slots;   /* owned index: group numbers, -1 empty */
    uint64_t mask;
    ds_arena text; /* key text, distinct text */
};

/* ------------------------------------------------------------- the def */

void ds__aggdef_fini(ds_aggdef *def) {
    for (int k = 0; k < def->nkeys; k++)
        ds__expr_free(def->keys[k]);
    ds_free(def->keys);
    ds_free(def->key_types);
    for (int a = 0; a < def->naggs; a++)
        ds__expr_free(def->aggs[a].arg);
    ds_free(def->aggs);
    memset(def, 0, sizeof *def);
}

int ds__aggdef_prepare(ds_aggdef *def) {
    for (int k = 0; k < def->nkeys; k++) {
        int rc = ds__expr_prepare(def->keys[k]);
        if (rc)
            return rc;
    }
    for (int a = 0; a < def->naggs; a++) {
        if (def->aggs[a].arg) {
            int rc = ds__expr_prepare(def->aggs[a].arg);
            if (rc)
                return rc;
        }
    }
    return DS_OK;
}

int ds__aggdef_out_type(const ds_aggdef *def, int col) {
    if (col < def->nkeys)
        return def->key_types[col];
    return def->aggs[col - def->nkeys].result_type;
}

/* ----------------------------------------------------------- the table */

ds_aggtab *ds__aggtab_new(const ds_aggdef *def) {
    ds_aggtab *t = ds_malloc(sizeof *t);
    if (!t)
        return NULL;
    memset(t, 0, sizeof *t);
    t->def = def;
    ds__arena_init(&t->text, 16 * 1024);
    t->keys = ds_malloc(sizeof(keycol) * (size_t)(def->nkeys + 1));
    t->st = ds_malloc(sizeof(aggstate) * (size_t)(def->naggs + 1));
    if (!t->keys || !t->st) {
        ds__aggtab_free(t);
        return NULL;
    }
    memset(t->keys, 0, sizeof(keycol) * (size_t)(def->nkeys + 1));
    memset(t->st, 0, sizeof(aggstate) * (size_t)(def->naggs + 1));
    for (int k = 0; k < def->nkeys; k++)
        t->keys[k].type = def->key_types[k];
    return t;
}

static void free_minmax_text(ds_aggtab *t) {
    for (int a = 0; a < t->def->naggs; a++) {
        aggstate *s = &t->st[a];
        if (!s->str)
            continue;
        for (int64_t g = 0; g < t->ngroups; g++) {
            ds_free((void *)s->str[g].p);
            s->str[g].p = NULL;
        }
    }
}

void ds__aggtab_free(ds_aggtab *t) {
    if (!t)
        return;
    if (t->st)
        free_minmax_text(t);
    for (int k = 0; t->keys && k < t->def->nkeys; k++) {
        ds_free(t->keys[k].data);
        ds_free(t->keys[k].null);
    }
    for (int a = 0; t->st && a < t->def->naggs; a++) {
        aggstate *s = &t->st[a];
        ds_free(s->cnt);
        ds_free(s->isum);
        ds_free(s->dsum);
        ds_free(s->str);
        ds_free(s->set.slots);
    }
    ds_free(t->keys);
    ds_free(t->st);
    ds_free(t->hashes);
    ds_free(t->slots);
    ds__arena_fini(&t->text);
    ds_free(t);
}

void ds__aggtab_clear(ds_aggtab *t) {
    free_minmax_text(t);
    t->ngroups = 0;
    if (t->slots)
        memset(t->slots, 0xff, sizeof(int32_t) * (t->mask + 1));
    for (int a = 0; a < t->def->naggs; a++) {
        dset *ds = &t->st[a].set;
        if (ds->slots) {
            for (uint64_t i = 0; i <= ds->mask; i++)
                ds->slots[i].gid = -1;
            ds->count = 0;
        }
    }
    ds__arena_reset(&t->text);
}

int64_t ds__aggtab_groups(const ds_aggtab *t) { return t->ngroups; }

size_t ds__aggtab_bytes(const ds_aggtab *t) {
    size_t per_group = sizeof(uint64_t);
    for (int k = 0; k < t->def->nkeys; k++)
        per_group += ds__type_width(t->keys[k].type) + 1;
    size_t n = (size_t)t->cap * per_group;
    for (int a = 0; a < t->def->naggs; a++) {
        const aggstate *s = &t->st[a];
        n += (size_t)t->cap * ((s->cnt ? 8 : 0) + (s->isum ? 8 : 0) +
                               (s->dsum ? 8 : 0) +
                               (s->str ? sizeof(ds_str) : 0));
        if (s->set.slots)
            n += (s->set.mask + 1) * sizeof(dentry);
        if (s->str)
            for (int64_t g = 0; g < t->ngroups; g++)
                n += s->str[g].n;
    }
    if (t->slots)
        n += (t->mask + 1) * sizeof(int32_t);
    return n + ds__arena_bytes(&t->text);
}

static int grow_array(void **p, size_t width, int64_t cap) {
    void *np = ds_realloc(*p, width * (size_t)cap);
    if (!np)
        return DS_NOMEM;
    *p = np;
    return DS_OK;
}

/* Makes room for at least `need` groups in every per-group array. */
static int reserve_groups(ds_aggtab *t, int64_t need) {
    if (need <= t->cap)
        return DS_OK;
    int64_t cap = t->cap ? t->cap : 64;
    while (cap < need)
        cap *= 2;
    if (grow_array((void **)&t->hashes, sizeof(uint64_t), cap))
        return DS_NOMEM;
    for (int k = 0; k < t->def->nkeys; k++) {
        keycol *kc = &t->keys[k];
        if (grow_array(&kc->data, ds__type_width(kc->type), cap) ||
            grow_array((void **)&kc->null, 1, cap))
            return DS_NOMEM;
    }
    for (int a = 0; a < t->def->naggs; a++) {
        const ds_aggspec *sp = &t->def->aggs[a];
        aggstate *s = &t->st[a];
        if (grow_array((void **)&s->cnt, sizeof(int64_t), cap))
            return DS_NOMEM;
        int want_i = 0, want_d = 0, want_s = 0;
        if (sp->fn == DS_AGG_SUM || sp->fn == DS_AGG_AVG ||
            sp->fn == DS_AGG_MIN || sp->fn == DS_AGG_MAX) {
            if (sp->fn == DS_AGG_AVG || sp->arg_type == DS_DOUBLE)
                want_d = 1;
            else if (sp->arg_type == DS_TEXT)
                want_s = 1;
            else
                want_i = 1;
        }
        if (want_i && grow_array((void **)&s->isum, sizeof(int64_t), cap))
            return DS_NOMEM;
        if (want_d && grow_array((void **)&s->dsum, sizeof(double), cap))
            return DS_NOMEM;
        if (want_s && grow_array((void **)&s->str, sizeof(ds_str), cap))
            return DS_NOMEM;
    }
    t->cap = cap;
    return DS_OK;
}

static int rehash(ds_aggtab *t, uint64_t nslots) {
    int32_t *slots = ds_malloc(sizeof(int32_t) * nslots);
    if (!slots)
        return DS_NOMEM;
    memset(slots, 0xff, sizeof(int32_t) * nslots);
    uint64_t mask = nslots - 1;
    for (int64_t g = 0; g < t->ngroups; g++) {
        uint64_t i = t->hashes[g] & mask;
        while (slots[i] >= 0)
            i = (i + 1) & mask;
        slots[i] = (int32_t)g;
    }
    ds_free(t->slots);
    t->slots = slots;
    t->mask = mask;
    return DS_OK;
}

static inline uint64_t hash_double(double d) {
    if (d == 0)
        d = 0; /* -0.0 and 0.0 are one value */
    uint64_t bits;
    memcpy(&bits, &d, 8);
    return ds__hash_u64(bits);
}

/* The hash of one value of a vector row (NULLs hash alike). */
static inline uint64_t value_hash(int type, const ds_vec *v, int i) {
    if (!ds__vec_valid(v, i))
        return NULL_HASH;
    switch (type) {
    case DS_DOUBLE:
        return hash_double(v->v.f64[i]);
    case DS_TEXT:
        return ds__hash_bytes(v->v.str[i].p, v->v.str[i].n, 7);
    case DS_BOOLEAN:
        return ds__hash_u64(v->v.b[i] + 1);
    default:
        return ds__hash_u64((uint64_t)v->v.i64[i]);
    }
}

static void hash_keys(const ds_aggtab *t, const ds_vec **kv, int n,
                      uint64_t *h) {
    for (int i = 0; i < n; i++)
        h[i] = 0x2545f4914f6cdd1dULL;
    for (int k = 0; k < t->def->nkeys; k++) {
        const ds_vec *v = kv[k];
        int type = t->keys[k].type;
        if (type == DS_TEXT) {
            for (int i = 0; i < n; i++)
                h[i] = (h[i] ^ value_hash(DS_TEXT, v, i)) *
                       0x9fb21c651e98df25ULL;
        } else {
            for (int i = 0; i < n; i++)
                h[i] = (h[i] ^ value_hash(type, v, i)) *
                       0x9fb21c651e98df25ULL;
        }
    }
    for (int i = 0; i < n; i++)
        h[i] ^= h[i] >> 29;
}

/* Does group g have the keys of row i of kv? */
static inline int keys_equal(const ds_aggtab *t, int64_t g, const ds_vec **kv,
                             int i) {
    for (int k = 0; k < t->def->nkeys; k++) {
        const keycol *kc = &t->keys[k];
        const ds_vec *v = kv[k];
        int valid = ds__vec_valid(v, i);
        if (kc->null[g] || !valid) {
            if (kc->null[g] != !valid)
                return 0;
            continue; /* NULL keys group together */
        }
        switch (kc->type) {
        case DS_DOUBLE:
            if (((double *)kc->data)[g] != v->v.f64[i])
                return 0;
            break;
        case DS_TEXT: {
            const ds_str *a = &((ds_str *)kc->data)[g], *b = &v->v.str[i];
            if (a->n != b->n || (a->n && memcmp(a->p, b->p, a->n)))
                return 0;
            break;
        }
        case DS_BOOLEAN:
            if (((uint8_t *)kc->data)[g] != v->v.b[i])
                return 0;
            break;
        default:
            if (((int64_t *)kc->data)[g] != v->v.i64[i])
                return 0;
        }
    }
    return 1;
}

/* Appends a group with the keys of row i of kv; returns its number or -1. */
static int64_t add_group(ds_aggtab *t, uint64_t h, const ds_vec **kv, int i) {
    int64_t g = t->ngroups;
    if (reserve_groups(t, g + 1))
        return -1;
    if ((uint64_t)(g + 1) * 2 > (t->slots ? t->mask + 1 : 0)) {
        if (rehash(t, t->slots ? (t->mask + 1) * 2 : 128))
            return -1;
    }
    for (int k = 0; k < t->def->nkeys; k++) {
        keycol *kc = &t->keys[k];
        const ds_vec *v = kv[k];
        int valid = ds__vec_valid(v, i);
        kc->null[g] = (uint8_t)!valid;
        switch (kc->type) {
        case DS_DOUBLE:
            ((double *)kc->data)[g] = valid ? v->v.f64[i] : 0;
            break;
        case DS_TEXT: {
            ds_str s = {"", 0};
            if (valid && v->v.str[i].n) {
                char *p = ds__arena_alloc(&t->text, v->v.str[i].n);
                if (!p)
                    return -1;
                memcpy(p, v->v.str[i].p, v->v.str[i].n);
                s.p = p;
                s.n = v->v.str[i].n;
            }
            ((ds_str *)kc->data)[g] = s;
            break;
        }
        case DS_BOOLEAN:
            ((uint8_t *)kc->data)[g] = valid ? v->v.b[i] : 0;
            break;
        default:
            ((int64_t *)kc->data)[g] = valid ? v->v.i64[i] : 0;
        }
    }
    t->hashes[g] = h;
    for (int a = 0; a < t->def->naggs; a++) {
        aggstate *s = &t->st[a];
        s->cnt[g] = 0;
        if (s->isum)
            s->isum[g] = 0;
        if (s->dsum)
            s->dsum[g] = 0;
        if (s->str)
            s->str[g] = (ds_str){NULL, 0};
    }
    uint64_t slot = h & t->mask;
    while (t->slots[slot] >= 0)
        slot = (slot + 1) & t->mask;
    t->slots[slot] = (int32_t)g;
    t->ngroups = g + 1;
    return g;
}

int ds__aggtab_ensure_global(ds_aggtab *t) {
    if (t->ngroups > 0)
        return DS_OK;
    return add_group(t, 0, NULL, 0) < 0 ? DS_NOMEM : DS_OK;
}

/* Finds or adds the group of each row. */
static int find_groups(ds_aggtab *t, const ds_vec **kv, int n,
                       const uint64_t *h, int32_t *gid) {
    if (t->def->nkeys == 0) {
        if (ds__aggtab_ensure_global(t))
            return DS_NOMEM;
        memset(gid, 0, sizeof(int32_t) * (size_t)n);
        return DS_OK;
    }
    for (int i = 0; i < n; i++) {
        int64_t g = -1;
        if (t->slots) {
            uint64_t slot = h[i] & t->mask;
            for (;;) {
                int32_t c = t->slots[slot];
                if (c < 0)
                    break;
                if (t->hashes[c] == h[i] && keys_equal(t, c, kv, i)) {
                    g = c;
                    break;
                }
                slot = (slot + 1) & t->mask;
            }
        }
        if (g < 0) {
            g = add_group(t, h[i], kv, i);
            if (g < 0)
                return DS_NOMEM;
        }
        gid[i] = (int32_t)g;
    }
    return DS_OK;
}

/* ---------------------------------------------------------- distinct sets */

static int values_equal(int type, const ds_value *a, const ds_value *b) {
    switch (type) {
    case DS_DOUBLE:
        return a->u.d == b->u.d;
    case DS_TEXT:
        return a->u.s.n == b->u.s.n &&
               (a->u.s.n == 0 || !memcmp(a->u.s.p, b->u.s.p, a->u.s.n));
    default:
        return a->u.i == b->u.i;
    }
}

/* Inserts (gid, v); *added says whether it was new. Text is copied. */
static int dset_insert(ds_aggtab *t, dset *ds, int type, int32_t gid,
                       uint64_t vh, const ds_value *v, int *added) {
    *added = 0;
    if ((uint64_t)(ds->count + 1) * 2 > (ds->slots ? ds->mask + 1 : 0)) {
        uint64_t n = ds->slots ? (ds->mask + 1) * 2 : 256;
        dentry *slots = ds_malloc(sizeof(dentry) * n);
        if (!slots)
            return DS_NOMEM;
        for (uint64_t i = 0; i < n; i++)
            slots[i].gid = -1;
        for (uint64_t i = 0; ds->slots && i <= ds->mask; i++) {
            if (ds->slots[i].gid < 0)
                continue;
            uint64_t j = ds->slots[i].hash & (n - 1);
            while (slots[j].gid >= 0)
                j = (j + 1) & (n - 1);
            slots[j] = ds->slots[i];
        }
        ds_free(ds->slots);
        ds->slots = slots;
        ds->mask = n - 1;
    }
    uint64_t h = vh ^ ds__hash_u64((uint64_t)gid + 1);
    uint64_t j = h & ds->mask;
    for (;;) {
        dentry *e = &ds->slots[j];
        if (e->gid < 0)
            break;
        if (e->hash == h && e->gid == gid && values_equal(type, &e->v, v))
            return DS_OK;
        j = (j + 1) & ds->mask;
    }
    dentry *e = &ds->slots[j];
    e->hash = h;
    e->gid = gid;
    e->v = *v;
    if (type == DS_TEXT && v->u.s.n) {
        char *p = ds__arena_alloc(&t->text, v->u.s.n);
        if (!p)
            return DS_NOMEM;
        memcpy(p, v->u.s.p, v->u.s.n);
        e->v.u.s.p = p;
    }
    ds->count++;
    *added = 1;
    return DS_OK;
}

/* ------------------------------------------------------------- updating */

static int overflow(char *errmsg, size_t errlen, const ds_aggspec *sp) {
    snprintf(errmsg, errlen, "integer overflow in '%s'",
             sp->label ? sp->label : "SUM");
    return DS_ERROR;
}

static int set_text(ds_str *dst, ds_str src) {
    char *p = ds_malloc(src.n ? src.n : 1);
    if (!p)
        return DS_NOMEM;
    memcpy(p, src.p, src.n);
    ds_free((void *)dst->p);
    dst->p = p;
    dst->n = src.n;
    return DS_OK;
}

static int update_one(ds_aggtab *t, int a, ds_eval_ctx *ctx,
                      const ds_chunk *in, const int32_t *gid) {
    const ds_aggspec *sp = &t->def->aggs[a];
    aggstate *s = &t->st[a];
    int n = in->n;
    if (sp->fn == DS_AGG_COUNT_STAR) {
        for (int i = 0; i < n; i++)
            s->cnt[gid[i]]++;
        return DS_OK;
    }
    const ds_vec *v;
    int rc = ds__expr_eval(sp->arg, ctx, in, &v);
    if (rc)
        return rc;
    int type = sp->arg_type;
    switch (sp->fn) {
    case DS_AGG_COUNT:
        for (int i = 0; i < n; i++)
            s->cnt[gid[i]] += ds__vec_valid(v, i);
        return DS_OK;
    case DS_AGG_COUNT_DISTINCT:
        for (int i = 0; i < n; i++) {
            if (!ds__vec_valid(v, i))
                continue;
            ds_value x = ds__vec_get(v, i);
            if (type == DS_DOUBLE && x.u.d == 0)
                x.u.d = 0;
            int added;
            if (dset_insert(t, &s->set, type, gid[i], value_hash(type, v, i),
                            &x, &added))
                return DS_NOMEM;
            s->cnt[gid[i]] += added;
        }
        return DS_OK;
    case DS_AGG_SUM:
    case DS_AGG_AVG:
        if (type == DS_DOUBLE || sp->fn == DS_AGG_AVG) {
            for (int i = 0; i < n; i++) {
                if (!ds__vec_valid(v, i))
                    continue;
                double x = type == DS_DOUBLE ? v->v.f64[i]
                                             : (double)v->v.i64[i];
                s->dsum[gid[i]] += x;
                s->cnt[gid[i]]++;
            }
        } else {
            for (int i = 0; i < n; i++) {
                if (!ds__vec_valid(v, i))
                    continue;
                int32_t g = gid[i];
                if (__builtin_add_overflow(s->isum[g], v->v.i64[i],
                                           &s->isum[g]))
                    return overflow(ctx->errmsg, sizeof ctx->errmsg, sp);
                s->cnt[g]++;
            }
        }
        return DS_OK;
    case DS_AGG_MIN:
    case DS_AGG_MAX: {
        int sign = sp->fn == DS_AGG_MIN ? -1 : 1;
        for (int i = 0; i < n; i++) {
            if (!ds__vec_valid(v, i))
                continue;
            int32_t g = gid[i];
            int first = s->cnt[g]++ == 0;
            switch (type) {
            case DS_DOUBLE: {
                double x = v->v.f64[i];
                if (first || (sign < 0 ? x < s->dsum[g] : x > s->dsum[g]))
                    s->dsum[g] = x;
                break;
            }
            case DS_TEXT: {
                ds_str x = v->v.str[i];
                if (first || ds__str_cmp(x, s->str[g]) * sign > 0)
                    if (set_text(&s->str[g], x))
                        return DS_NOMEM;
                break;
            }
            case DS_BOOLEAN: {
                int64_t x = v->v.b[i];
                if (first || (sign < 0 ? x < s->isum[g] : x > s->isum[g]))
                    s->isum[g] = x;
                break;
            }
            default: {
                int64_t x = v->v.i64[i];
                if (first || (sign < 0 ? x < s->isum[g] : x > s->isum[g]))
                    s->isum[g] = x;
            }
            }
        }
        return DS_OK;
    }
    default:
        return DS_OK;
    }
}

int ds__aggtab_update(ds_aggtab *t, ds_eval_ctx *ctx, const ds_chunk *in) {
    if (in->n == 0)
        return DS_OK;
    const ds_vec *kv[64];
    static _Thread_local uint64_t h[DS_CHUNK_ROWS];
    static _Thread_local int32_t gid[DS_CHUNK_ROWS];
    if (t->def->nkeys > 64) {
        snprintf(ctx->errmsg, sizeof ctx->errmsg, "too many GROUP BY keys");
        return DS_ERROR;
    }
    for (int k = 0; k < t->def->nkeys; k++) {
        int rc = ds__expr_eval(t->def->keys[k], ctx, in, &kv[k]);
        if (rc)
            return rc;
    }
    hash_keys(t, kv, in->n, h);
    int rc = find_groups(t, kv, in->n, h, gid);
    if (rc)
        return rc;
    for (int a = 0; a < t->def->naggs; a++) {
        rc = update_one(t, a, ctx, in, gid);
        if (rc)
            return rc;
    }
    return DS_OK;
}

/* -------------------------------------------------------------- merging */

/* A one-row vector set that views group g of src's keys, for probing. */
static int64_t find_or_add_like(ds_aggtab *dst, const ds_aggtab *src,
                                int64_t g) {
    int nk = src->def->nkeys;
    ds_vec *kv = NULL;
    const ds_vec *kvp[64];
    ds_vec local[8];
    if (nk > 8) {
        kv = ds_malloc(sizeof(ds_vec) * (size_t)nk);
        if (!kv)
            return -1;
    }
    ds_vec *vs = kv ? kv : local;
    int64_t ival[64];
    double dval[64];
    ds_str sval[64];
    uint8_t bval[64];
    for (int k = 0; k < nk; k++) {
        const keycol *kc = &src->keys[k];
        ds_vec *v = &vs[k];
        v->type = kc->type;
        v->valid[0] = kc->null[g] ? 0 : 1;
        switch (kc->type) {
        case DS_DOUBLE:
            dval[k] = ((double *)kc->data)[g];
            v->v.f64 = &dval[k];
            break;
        case DS_TEXT:
            sval[k] = ((ds_str *)kc->data)[g];
            v->v.str = &sval[k];
            break;
        case DS_BOOLEAN:
            bval[k] = ((uint8_t *)kc->data)[g];
            v->v.b = &bval[k];
            break;
        default:
            ival[k] = ((int64_t *)kc->data)[g];
            v->v.i64 = &ival[k];
        }
        kvp[k] = v;
    }
    uint64_t h = src->hashes[g];
    int64_t found = -1;
    if (nk == 0) {
        found = ds__aggtab_ensure_global(dst) ? -1 : 0;
    } else {
        if (dst->slots) {
            uint64_t slot = h & dst->mask;
            for (;;) {
                int32_t c = dst->slots[slot];
                if (c < 0)
                    break;
                if (dst->hashes[c] == h && keys_equal(dst, c, kvp, 0)) {
                    found = c;
                    break;
                }
                slot = (slot + 1) & dst->mask;
            }
        }
        if (found < 0)
            found = add_group(dst, h, kvp, 0);
    }
    ds_free(kv);
    return found;
}

int ds__aggtab_merge(ds_aggtab *dst, const ds_aggtab *src, char *errmsg,
                     size_t errlen) {
    if (src->ngroups == 0)
        return DS_OK;
    int32_t *map = ds_malloc(sizeof(int32_t) * (size_t)src->ngroups);
    if (!map)
        return DS_NOMEM;
    int rc = DS_OK;
    for (int64_t g = 0; g < src->ngroups; g++) {
        int64_t d = find_or_add_like(dst, src, g);
        if (d < 0) {
            rc = DS_NOMEM;
            goto done;
        }
        map[g] = (int32_t)d;
    }
    for (int a = 0; a < src->def->naggs; a++) {
        const ds_aggspec *sp = &src->def->aggs[a];
        const aggstate *s = &src->st[a];
        aggstate *d = &dst->st[a];
        int type = sp->arg_type;
        if (sp->fn == DS_AGG_COUNT_DISTINCT) {
            for (uint64_t i = 0; s->set.slots && i <= s->set.mask; i++) {
                const dentry *e = &s->set.slots[i];
                if (e->gid < 0)
                    continue;
                uint64_t vh = e->hash ^ ds__hash_u64((uint64_t)e->gid + 1);
                int added;
                rc = dset_insert(dst, &d->set, type, map[e->gid], vh, &e->v,
                                 &added);
                if (rc)
                    goto done;
                d->cnt[map[e->gid]] += added;
            }
            continue;
        }
        for (int64_t g = 0; g < src->ngroups; g++) {
            int32_t m = map[g];
            if (sp->fn == DS_AGG_COUNT_STAR || sp->fn == DS_AGG_COUNT) {
                d->cnt[m] += s->cnt[g];
            } else if (sp->fn == DS_AGG_SUM || sp->fn == DS_AGG_AVG) {
                if (s->cnt[g] == 0)
                    continue;
                if (d->dsum) {
                    d->dsum[m] += s->dsum[g];
                } else if (__builtin_add_overflow(d->isum[m], s->isum[g],
                                                  &d->isum[m])) {
                    rc = overflow(errmsg, errlen, sp);
                    goto done;
                }
                d->cnt[m] += s->cnt[g];
            } else if (s->cnt[g]) { /* MIN, MAX */
                int sign = sp->fn == DS_AGG_MIN ? -1 : 1;
                int first = d->cnt[m] == 0;
                d->cnt[m] += s->cnt[g];
                if (type == DS_DOUBLE) {
                    if (first || (sign < 0 ? s->dsum[g] < d->dsum[m]
                                           : s->dsum[g] > d->dsum[m]))
                        d->dsum[m] = s->dsum[g];
                } else if (type == DS_TEXT) {
                    if (first || ds__str_cmp(s->str[g], d->str[m]) * sign > 0)
                        if ((rc = set_text(&d->str[m], s->str[g])))
                            goto done;
                } else if (first || (sign < 0 ? s->isum[g] < d->isum[m]
                                              : s->isum[g] > d->isum[m])) {
                    d->isum[m] = s->isum[g];
                }
            }
        }
    }
done:
    ds_free(map);
    return rc;
}

/* ------------------------------------------------------------- output */

int ds__aggtab_output(const ds_aggtab *t, int64_t from, int count,
                      ds_chunk *out) {
    int nk = t->def->nkeys;
    for (int k = 0; k < nk; k++) {
        const keycol *kc = &t->keys[k];
        ds_vec *v = &out->cols[k];
        size_t w = ds__type_width(kc->type);
        memcpy(v->v.raw, (const char *)kc->data + (size_t)from * w,
               w * (size_t)count);
        for (int i = 0; i < count; i++)
            ds__vec_put_valid(v, i, !kc->null[from + i]);
    }
    for (int a = 0; a < t->def->naggs; a++) {
        const ds_aggspec *sp = &t->def->aggs[a];
        const aggstate *s = &t->st[a];
        ds_vec *v = &out->cols[nk + a];
        for (int i = 0; i < count; i++) {
            int64_t g = from + i;
            switch (sp->fn) {
            case DS_AGG_COUNT_STAR:
            case DS_AGG_COUNT:
            case DS_AGG_COUNT_DISTINCT:
                v->v.i64[i] = s->cnt[g];
                ds__vec_set_valid(v, i);
                break;
            case DS_AGG_AVG:
                ds__vec_put_valid(v, i, s->cnt[g] > 0);
                if (s->cnt[g])
                    v->v.f64[i] = s->dsum[g] / (double)s->cnt[g];
                break;
            default: /* SUM, MIN, MAX */
                ds__vec_put_valid(v, i, s->cnt[g] > 0);
                if (!s->cnt[g])
                    break;
                if (sp->result_type == DS_DOUBLE)
                    v->v.f64[i] = s->dsum[g];
                else if (sp->result_type == DS_TEXT)
                    v->v.str[i] = s->str[g];
                else if (sp->result_type == DS_BOOLEAN)
                    v->v.b[i] = (uint8_t)s->isum[g];
                else
                    v->v.i64[i] = s->isum[g];
            }
        }
    }
    out->n = count;
    return DS_OK;
}
