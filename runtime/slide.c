/*
** slide.c - the sliding-window state of slide.h: a table of the keys in
** the window, each with its invertible accumulator, its DABA Lite queue and
** its distinct counts, plus a table counting each distinct value per key.
*/
#include "slide.h"

#include <stdio.h>

#include "agg_state.h"

/* How many keys ahead the loops over keys' queues ask for their slots. */
#define PREFETCH 8

typedef struct wkey {
    uint64_t hash;
    int32_t refs;  /* pane groups (and late groups) that hold the key */
    int32_t next;  /* free list; -1 */
    int32_t col;   /* the key's column of rows, or -1: its own queue */
    ds_value *key; /* owned block: nkeys values, then the accumulator
                      slot, then the distinct counts; text owned apart */
    ds_daba daba;
} wkey;

typedef struct dcount { /* how often a value occurs for (key, aggregate) */
    uint64_t hash;      /* 0: empty */
    int32_t kid;
    int32_t agg;
    int64_t count;
    ds_value v; /* text owned (ds_malloc) */
} dcount;

struct ds_slide {
    const ds_aggdef *def;
    ds_slotlayout inv, comb;
    int ndist;
    int dist[DS_AGG_MAX_AGGS]; /* aggregate index of each COUNT(DISTINCT) */
    size_t inv_off, dist_off, block;
    wkey *keys; /* owned; kid indexes it */
    int32_t nkeys, cap, free_head;
    int64_t live;
    int32_t *index; /* owned: open addressing of kids, -1 empty */
    uint64_t mask;
    dcount *dc; /* owned: open addressing */
    uint64_t dc_mask;
    int64_t dc_n;
    char *out; /* owned: per-kid output slots while emitting */
    int32_t out_cap;
    uint32_t most; /* the longest a key's queue is expected to get, + 1 */
    /* The keys present in (nearly) every pane share one queue of rows,
       a column each (see "rows" below); the others have their own. */
    ds_daba rows;
    int32_t *free_cols; /* owned: columns given back, a stack */
    int32_t nfree_cols;
    int64_t dense_keys;    /* keys with a column */
    int64_t dense_present; /* (pane, key) pairs of the rows' panes whose
                              key has a column and is in the pane */
};

ds_slide *ds__slide_new(const ds_aggdef *def, int64_t panes) {
    ds_slide *s = ds_malloc(sizeof *s);
    if (!s)
        return NULL;
    memset(s, 0, sizeof *s);
    s->def = def;
    /* a key's queue holds at most the window's panes (with those that
       enter before the ones leaving go); its ring needs one more */
    s->most = panes > 0 && panes < (1 << 30) ? (uint32_t)panes + 1 : 0;
    ds__slot_layout(&s->inv, def, DS_SLOT_INVERTIBLE);
    ds__slot_layout(&s->comb, def, DS_SLOT_COMBINE);
    for (int a = 0; a < def->naggs; a++)
        if (def->aggs[a].fn == DS_AGG_COUNT_DISTINCT)
            s->dist[s->ndist++] = a;
    s->inv_off = sizeof(ds_value) * (size_t)def->nkeys;
    s->dist_off = s->inv_off + (size_t)s->inv.size;
    s->block = s->dist_off + sizeof(int64_t) * (size_t)s->ndist;
    s->free_head = -1;
    return s;
}

static void free_key(ds_slide *s, wkey *k) {
    for (int i = 0; k->key && i < s->def->nkeys; i++)
        if (k->key[i].type == DS_TEXT)
            ds_free((void *)k->key[i].u.s.p);
    ds_free(k->key);
    k->key = NULL;
    ds__daba_fini(&k->daba);
}

void ds__slide_free(ds_slide *s) {
    if (!s)
        return;
    for (int32_t i = 0; i < s->nkeys; i++)
        free_key(s, &s->keys[i]);
    for (uint64_t i = 0; s->dc && i <= s->dc_mask; i++)
        if (s->dc[i].hash && s->dc[i].v.type == DS_TEXT)
            ds_free((void *)s->dc[i].v.u.s.p);
    ds_free(s->dc);
    ds_free(s->keys);
    ds_free(s->index);
    ds_free(s->out);
    ds__daba_fini(&s->rows);
    ds_free(s->free_cols);
    ds_free(s);
}

int64_t ds__slide_keys(const ds_slide *s) { return s->live; }

size_t ds__slide_bytes(const ds_slide *s) {
    size_t n = (size_t)s->cap * sizeof(wkey) + (s->mask + 1) * 4 +
               (s->dc ? (s->dc_mask + 1) * sizeof(dcount) : 0);
    for (int32_t i = 0; i < s->nkeys; i++)
        if (s->keys[i].key)
            n += s->block + ds__daba_bytes(&s->keys[i].daba, &s->comb);
    if (s->rows.ring) /* the columns in use */
        n += ((size_t)s->rows.cap + 2) * s->rows.live * (size_t)s->comb.size +
             s->rows.width * sizeof(int32_t);
    return n;
}

/* -------------------------------------------------------------- keys */

static int key_equal(const ds_slide *s, const wkey *k, const ds_aggtab *t,
                     int64_t g) {
    for (int i = 0; i < s->def->nkeys; i++) {
        const ds_keycol *kc = &t->keys[i];
        const ds_value *v = &k->key[i];
        if (kc->null[g] || v->type == DS_NULL) {
            if (!kc->null[g] || v->type != DS_NULL)
                return 0;
            continue;
        }
        switch (kc->type) {
        case DS_DOUBLE:
            if (((double *)kc->data)[g] != v->u.d)
                return 0;
            break;
        case DS_TEXT: {
            ds_str a = ((ds_str *)kc->data)[g];
            if (a.n != v->u.s.n || (a.n && memcmp(a.p, v->u.s.p, a.n)))
                return 0;
            break;
        }
        case DS_BOOLEAN:
            if (((uint8_t *)kc->data)[g] != v->u.i)
                return 0;
            break;
        default:
            if (((int64_t *)kc->data)[g] != v->u.i)
                return 0;
        }
    }
    return 1;
}

static int reindex(ds_slide *s, uint64_t n) {
    int32_t *idx = ds_malloc(sizeof(int32_t) * n);
    if (!idx)
        return DS_NOMEM;
    memset(idx, 0xff, sizeof(int32_t) * n);
    for (int32_t i = 0; i < s->nkeys; i++) {
        if (!s->keys[i].key)
            continue;
        uint64_t j = s->keys[i].hash & (n - 1);
        while (idx[j] >= 0)
            j = (j + 1) & (n - 1);
        idx[j] = i;
    }
    ds_free(s->index);
    s->index = idx;
    s->mask = n - 1;
    return DS_OK;
}

/* ------------------------------------------------------------ rows */

/*
** A window whose keys are in nearly every pane (readings of a fixed set of
** sensors) would otherwise keep one queue per key, far apart in memory, and
** touch a few cache lines and pages of each at every slide. Instead such
** keys get a column of one shared queue whose elements are rows (one slot
** per column): a key missing from a pane has the identity there, and each
** step runs over contiguous rows. A new key gets a column while the
** columns so far are mostly filled (at least half of the (pane, key)
** pairs of the rows are present) and columns are left; otherwise, and for
** keys that come and go, its own queue, so that memory follows the
** (pane, key) pairs.
*/
#define ROW_MEMORY ((size_t)1 << 30) /* the rows' address space, at most */

/* Sets the rows up at the first pane, with room for twice its keys. */
static int rows_setup(ds_slide *s, int64_t first_keys) {
    if (s->rows.ring || !s->comb.nfields || !s->most)
        return DS_OK;
    uint64_t w = 64;
    while (w < (uint64_t)first_keys * 2 && w < (1u << 20))
        w *= 2;
    size_t row = (size_t)s->comb.size * ((size_t)s->most + 2);
    while (w > 16 && w * row > ROW_MEMORY)
        w /= 2;
    if (w * row > ROW_MEMORY)
        return DS_OK;
    s->free_cols = ds_malloc(sizeof(int32_t) * w);
    if (!s->free_cols)
        return DS_NOMEM;
    s->nfree_cols = 0;
    return ds__daba_rows(&s->rows, &s->comb, (uint32_t)w, s->most);
}

/* A column for a new key, or -1 (its own queue). */
static int32_t take_col(ds_slide *s) {
    if (!s->rows.ring)
        return -1;
    if (s->rows.n && s->dense_keys &&
        s->dense_present * 2 < (int64_t)s->rows.n * s->dense_keys)
        return -1; /* the columns are mostly identity: keys come and go */
    int32_t c;
    if (s->nfree_cols)
        c = s->free_cols[--s->nfree_cols];
    else if (s->rows.live < s->rows.width)
        c = (int32_t)s->rows.live++;
    else
        return -1;
    s->dense_keys++;
    return c;
}

/* The key of group g of t, added when absent; -1 when out of memory. */
static int32_t key_of(ds_slide *s, const ds_aggtab *t, int64_t g) {
    uint64_t h = t->hashes[g];
    if (s->index) {
        for (uint64_t j = h & s->mask;; j = (j + 1) & s->mask) {
            int32_t c = s->index[j];
            if (c < 0)
                break;
            if (s->keys[c].hash == h && key_equal(s, &s->keys[c], t, g))
                return c;
        }
    }
    if ((uint64_t)(s->live + 1) * 2 > (s->index ? s->mask + 1 : 0) &&
        reindex(s, s->index ? (s->mask + 1) * 2 : 64))
        return -1;
    int32_t kid;
    if (s->free_head >= 0) {
        kid = s->free_head;
        s->free_head = s->keys[kid].next;
    } else {
        if (s->nkeys == s->cap) {
            int32_t cap = s->cap ? s->cap * 2 : 64;
            wkey *nk = ds_realloc(s->keys, sizeof(wkey) * (size_t)cap);
            if (!nk)
                return -1;
            s->keys = nk;
            s->cap = cap;
        }
        kid = s->nkeys++;
    }
    wkey *k = &s->keys[kid];
    memset(k, 0, sizeof *k);
    k->next = -1;
    k->col = -1;
    k->hash = h;
    k->key = ds_malloc(s->block ? s->block : 1);
    if (!k->key)
        goto fail;
    memset(k->key, 0, s->block);
    for (int i = 0; i < s->def->nkeys; i++) {
        const ds_keycol *kc = &t->keys[i];
        ds_value *v = &k->key[i];
        if (kc->null[g]) {
            v->type = DS_NULL;
            continue;
        }
        v->type = kc->type;
        switch (kc->type) {
        case DS_DOUBLE:
            v->u.d = ((double *)kc->data)[g];
            break;
        case DS_TEXT: {
            ds_str a = ((ds_str *)kc->data)[g];
            char *p = ds__strndup(a.p, a.n);
            if (!p)
                goto fail;
            v->u.s.p = p;
            v->u.s.n = a.n;
            break;
        }
        case DS_BOOLEAN:
            v->u.i = ((uint8_t *)kc->data)[g];
            break;
        default:
            v->u.i = ((int64_t *)kc->data)[g];
        }
    }
    ds__daba_init(&k->daba);
    k->col = take_col(s);
    ds__daba_spread(&k->daba, h);
    ds__daba_bound(&k->daba, s->most);
    uint64_t j = h & s->mask;
    while (s->index[j] >= 0)
        j = (j + 1) & s->mask;
    s->index[j] = kid;
    s->live++;
    return kid;
fail:
    free_key(s, k);
    k->next = s->free_head;
    s->free_head = kid;
    return -1;
}

/* Removes key kid from the index (backward-shift deletion) and frees it. */
static void drop_key(ds_slide *s, int32_t kid) {
    uint64_t j = s->keys[kid].hash & s->mask;
    while (s->index[j] != kid)
        j = (j + 1) & s->mask;
    s->index[j] = -1;
    for (uint64_t k = (j + 1) & s->mask; s->index[k] >= 0;
         k = (k + 1) & s->mask) {
        int32_t c = s->index[k];
        uint64_t home = s->keys[c].hash & s->mask;
        /* move c back into the hole when its home is not in (j, k] */
        if (((k - home) & s->mask) >= ((k - j) & s->mask)) {
            s->index[j] = c;
            s->index[k] = -1;
            j = k;
        }
    }
    if (s->keys[kid].col >= 0) { /* its column is the identity again */
        s->free_cols[s->nfree_cols++] = s->keys[kid].col;
        s->dense_keys--;
    }
    free_key(s, &s->keys[kid]);
    s->keys[kid].next = s->free_head;
    s->free_head = kid;
    s->live--;
}

static inline char *inv_slot(const ds_slide *s, wkey *k) {
    return (char *)k->key + s->inv_off;
}
static inline int64_t *dist_counts(const ds_slide *s, wkey *k) {
    return (int64_t *)((char *)k->key + s->dist_off);
}

/* ------------------------------------------------------ distinct counts */

static int dc_values_equal(int type, const ds_value *a, const ds_value *b) {
    if (type == DS_TEXT)
        return a->u.s.n == b->u.s.n &&
               (a->u.s.n == 0 || !memcmp(a->u.s.p, b->u.s.p, a->u.s.n));
    if (type == DS_DOUBLE)
        return a->u.d == b->u.d;
    return a->u.i == b->u.i;
}

static int dc_grow(ds_slide *s) {
    uint64_t n = s->dc ? (s->dc_mask + 1) * 2 : 256;
    dcount *t = ds_malloc(sizeof(dcount) * n);
    if (!t)
        return DS_NOMEM;
    memset(t, 0, sizeof(dcount) * n);
    for (uint64_t i = 0; s->dc && i <= s->dc_mask; i++) {
        if (!s->dc[i].hash)
            continue;
        uint64_t j = s->dc[i].hash & (n - 1);
        while (t[j].hash)
            j = (j + 1) & (n - 1);
        t[j] = s->dc[i];
    }
    ds_free(s->dc);
    s->dc = t;
    s->dc_mask = n - 1;
    return DS_OK;
}

/* Adds delta occurrences of v for (kid, distinct aggregate d). */
static int dc_add(ds_slide *s, int32_t kid, int d, const ds_value *v,
                  uint64_t vh, int64_t delta) {
    int type = s->def->aggs[s->dist[d]].arg_type;
    uint64_t h = (vh ^ ds__hash_u64(((uint64_t)kid << 8) + (uint64_t)d)) | 1;
    if (delta > 0 &&
        (uint64_t)(s->dc_n + 1) * 2 > (s->dc ? s->dc_mask + 1 : 0) &&
        dc_grow(s))
        return DS_NOMEM;
    if (!s->dc)
        return DS_OK;
    uint64_t j = h & s->dc_mask;
    for (;; j = (j + 1) & s->dc_mask) {
        dcount *e = &s->dc[j];
        if (!e->hash)
            break;
        if (e->hash == h && e->kid == kid && e->agg == d &&
            dc_values_equal(type, &e->v, v)) {
            e->count += delta;
            if (e->count > 0)
                return DS_OK;
            /* the value left the window: delete (backward shift) */
            dist_counts(s, &s->keys[kid])[d]--;
            if (e->v.type == DS_TEXT)
                ds_free((void *)e->v.u.s.p);
            e->hash = 0;
            s->dc_n--;
            uint64_t hole = j;
            for (uint64_t k = (j + 1) & s->dc_mask; s->dc[k].hash;
                 k = (k + 1) & s->dc_mask) {
                uint64_t home = s->dc[k].hash & s->dc_mask;
                if (((k - home) & s->dc_mask) >= ((k - hole) & s->dc_mask)) {
                    s->dc[hole] = s->dc[k];
                    s->dc[k].hash = 0;
                    hole = k;
                }
            }
            return DS_OK;
        }
    }
    if (delta <= 0)
        return DS_OK; /* cannot happen: removing a value never added */
    dcount *e = &s->dc[j];
    e->hash = h;
    e->kid = kid;
    e->agg = d;
    e->count = delta;
    e->v = *v;
    if (type == DS_TEXT) {
        char *p = ds__strndup(v->u.s.p, v->u.s.n);
        if (!p) {
            e->hash = 0;
            return DS_NOMEM;
        }
        e->v.u.s.p = p;
    }
    s->dc_n++;
    dist_counts(s, &s->keys[kid])[d]++;
    return DS_OK;
}

/* Applies the distinct sets of t (groups mapped by kids) with sign. */
static int dc_apply(ds_slide *s, const ds_aggtab *t, const int32_t *kids,
                    int sign) {
    for (int d = 0; d < s->ndist; d++) {
        const ds_dset *set = &t->st[s->dist[d]].set;
        for (uint64_t i = 0; set->slots && i <= set->mask; i++) {
            const ds_dentry *e = &set->slots[i];
            if (e->gid < 0)
                continue;
            uint64_t vh = e->hash ^ ds__hash_u64((uint64_t)e->gid + 1);
            int rc =
                dc_add(s, kids[e->gid], d, &e->v, vh, sign * (int64_t)e->mult);
            if (rc)
                return rc;
        }
    }
    return DS_OK;
}

/* ---------------------------------------------------- panes in and out */

size_t ds__slide_pane_bytes(const ds_slide *s, const ds_pane *p) {
    return (size_t)p->kids_cap * (sizeof(int32_t) + (size_t)s->inv.size);
}

int ds__slide_keeps_tabs(const ds_slide *s) {
    int off[1];
    return s->ndist > 0 || ds__slot_text_offsets(&s->comb, off, 1) > 0;
}

int ds__slide_insert(ds_slide *s, ds_pane *p, char *errmsg, size_t errlen) {
    const ds_aggtab *t = p->tab;
    int64_t n = ds__aggtab_groups(t);
    size_t is = (size_t)s->inv.size, cs = (size_t)s->comb.size;
    if (n > p->kids_cap) {
        int32_t *kids = ds_realloc(p->kids, sizeof(int32_t) * (size_t)n);
        if (kids)
            p->kids = kids;
        char *inv = kids ? ds_realloc(p->inv, (is ? is : 1) * (size_t)n) : NULL;
        if (!inv)
            return DS_NOMEM;
        p->inv = inv;
        p->kids_cap = n;
    }
    char slot[1024];
    if (s->comb.size > (int)sizeof slot || s->inv.size > (int)sizeof slot) {
        snprintf(errmsg, errlen, "too many aggregates in one window");
        return DS_ERROR;
    }
    int rc = rows_setup(s, n);
    if (rc)
        return rc;
    for (int64_t g = 0; g < n; g++) {
        int32_t kid = key_of(s, t, g);
        if (kid < 0)
            return DS_NOMEM;
        p->kids[g] = kid;
        wkey *k = &s->keys[kid];
        k->refs++;
        p->ngroups = g + 1;
        if (s->inv.nfields) {
            char *iv = p->inv + (size_t)g * is;
            ds__slot_from_group(&s->inv, iv, t, g);
            rc = ds__slot_combine(&s->inv, inv_slot(s, k), iv, errmsg, errlen);
            if (rc)
                return rc;
        }
    }
    if (!s->comb.nfields) {
        p->inserted = 1;
        return dc_apply(s, t, p->kids, 1);
    }
    char *row = NULL;
    if (s->rows.ring && !(row = ds__daba_row_next(&s->rows, &s->comb)))
        return DS_NOMEM;
    /* the keys' own queues lie far apart: ask for their slots a few keys
       ahead */
    for (int64_t g = 0; g < n; g++) {
        if (g + PREFETCH < n)
            ds__daba_prefetch(&s->keys[p->kids[g + PREFETCH]].daba, &s->comb);
        wkey *k = &s->keys[p->kids[g]];
        if (k->col >= 0) {
            ds__slot_from_group(&s->comb, row + (size_t)k->col * cs, t, g);
            s->dense_present++;
            continue;
        }
        ds__slot_from_group(&s->comb, slot, t, g);
        rc = ds__daba_insert(&k->daba, &s->comb, slot, errmsg, errlen);
        if (rc)
            return rc;
    }
    if (row) {
        rc = ds__daba_row_insert(&s->rows, &s->comb, errmsg, errlen);
        if (rc)
            return rc;
        p->slid = 1;
    }
    p->inserted = 1;
    return dc_apply(s, t, p->kids, 1);
}

/* Drops one reference of kid; the key leaves with its last. */
static void unref(ds_slide *s, int32_t kid) {
    if (--s->keys[kid].refs == 0)
        drop_key(s, kid);
}

int ds__slide_evict(ds_slide *s, ds_pane *p, char *errmsg, size_t errlen) {
    int64_t n = p->ngroups;
    size_t is = (size_t)s->inv.size;
    char slot[1024];
    int rc = dc_apply(s, p->tab, p->kids, -1); /* the tab is kept if so */
    if (!rc && p->late)
        rc = dc_apply(s, p->late, p->late_kids, -1);
    if (rc)
        return rc;
    for (int64_t g = 0; g < n; g++) {
        wkey *k = &s->keys[p->kids[g]];
        if (s->inv.nfields)
            ds__slot_subtract(&s->inv, inv_slot(s, k), p->inv + (size_t)g * is);
        if (k->col >= 0) {
            s->dense_present--;
        } else if (s->comb.nfields) {
            if (g + PREFETCH < n)
                ds__daba_prefetch(&s->keys[p->kids[g + PREFETCH]].daba,
                                  &s->comb);
            rc = ds__daba_evict(&k->daba, &s->comb, errmsg, errlen);
            if (rc)
                return rc;
        }
    }
    if (p->slid) {
        rc = ds__daba_evict(&s->rows, &s->comb, errmsg, errlen);
        if (rc)
            return rc;
        p->slid = 0;
    }
    /* late rows: their invertible part was added to the accumulators */
    int64_t nl = p->late ? ds__aggtab_groups(p->late) : 0;
    for (int64_t g = 0; g < nl && g < p->late_seen; g++) {
        if (s->inv.nfields) {
            ds__slot_from_group(&s->inv, slot, p->late, g);
            ds__slot_subtract(&s->inv, inv_slot(s, &s->keys[p->late_kids[g]]),
                              slot);
        }
    }
    for (int64_t g = 0; g < n; g++)
        unref(s, p->kids[g]);
    for (int64_t g = 0; g < nl && g < p->late_seen; g++)
        unref(s, p->late_kids[g]);
    p->ngroups = 0;
    return DS_OK;
}

/* Adds (sign 1) or takes back (-1) the late rows of p in the key
   accumulators and distinct counts. */
static int late_apply(ds_slide *s, ds_pane *p, int sign) {
    char slot[1024];
    for (int64_t g = 0; g < p->late_seen; g++) {
        if (!s->inv.nfields)
            break;
        ds__slot_from_group(&s->inv, slot, p->late, g);
        char *acc = inv_slot(s, &s->keys[p->late_kids[g]]);
        if (sign > 0) {
            /* cannot overflow: the same sum fit before it was taken back */
            char msg[8];
            ds__slot_combine(&s->inv, acc, slot, msg, sizeof msg);
        } else {
            ds__slot_subtract(&s->inv, acc, slot);
        }
    }
    return dc_apply(s, p->late, p->late_kids, sign);
}

int ds__slide_late_begin(ds_slide *s, ds_pane *p) {
    return p->late && p->late_seen ? late_apply(s, p, -1) : DS_OK;
}

int ds__slide_late_end(ds_slide *s, ds_pane *p, char *errmsg, size_t errlen) {
    ds_aggtab *t = p->late;
    int64_t n = ds__aggtab_groups(t);
    if (n > p->late_seen) {
        int32_t *kids = ds_realloc(p->late_kids, sizeof(int32_t) * (size_t)n);
        if (!kids)
            return DS_NOMEM;
        p->late_kids = kids;
        for (int64_t g = p->late_seen; g < n; g++) {
            int32_t kid = key_of(s, t, g);
            if (kid < 0)
                return DS_NOMEM;
            kids[g] = kid;
            s->keys[kid].refs++;
        }
        p->late_seen = n;
    }
    /* an overflow here is the late rows' own: report it */
    char slot[1024];
    for (int64_t g = 0; g < n && s->inv.nfields; g++) {
        ds__slot_from_group(&s->inv, slot, t, g);
        int rc =
            ds__slot_combine(&s->inv, inv_slot(s, &s->keys[p->late_kids[g]]),
                             slot, errmsg, errlen);
        if (rc)
            return rc;
    }
    return dc_apply(s, t, p->late_kids, 1);
}

/* ------------------------------------------------------------- output */

int ds__slide_output(ds_slide *s, ds_pane *const *panes, int npanes,
                     ds_chunk *out, int (*emit)(void *user, ds_chunk *c),
                     void *user, char *errmsg, size_t errlen) {
    const ds_aggdef *def = s->def;
    int cs = s->comb.size;
    if (s->nkeys > s->out_cap || !s->out) {
        int32_t cap = s->nkeys > 16 ? s->nkeys : 16;
        char *o = ds_realloc(s->out, (size_t)cap * (size_t)(cs ? cs : 1));
        if (!o)
            return DS_NOMEM;
        s->out = o;
        s->out_cap = cap;
    }
    int rc = DS_OK;
    if (cs) {
        for (int32_t i = 0; i < s->nkeys && !rc; i++) {
            if (i + PREFETCH < s->nkeys)
                ds__daba_prefetch(&s->keys[i + PREFETCH].daba, &s->comb);
            wkey *k = &s->keys[i];
            char *o = s->out + (size_t)i * (size_t)cs;
            if (k->key && k->col >= 0)
                rc = ds__daba_row_query(&s->rows, &s->comb, k->col, o, errmsg,
                                        errlen);
            else if (k->key)
                rc = ds__daba_query(&k->daba, &s->comb, o, errmsg, errlen);
        }
        /* late rows of the window's panes */
        char slot[1024];
        for (int pi = 0; pi < npanes && !rc; pi++) {
            const ds_pane *p = panes[pi];
            for (int64_t g = 0; p->late && g < p->late_seen && !rc; g++) {
                ds__slot_from_group(&s->comb, slot, p->late, g);
                rc = ds__slot_combine(&s->comb,
                                      s->out + (size_t)p->late_kids[g] * cs,
                                      slot, errmsg, errlen);
            }
        }
    }
    if (rc)
        return rc;
    out->n = 0;
    int global = def->nkeys == 0;
    char empty[1024];
    int64_t rows = 0;
    for (int32_t i = 0; i < s->nkeys || (global && rows == 0); i++) {
        wkey *k = i < s->nkeys ? &s->keys[i] : NULL;
        if (k && !k->key)
            continue;
        int r = out->n;
        for (int c = 0; k && c < def->nkeys; c++)
            ds__vec_put(&out->cols[c], r, &k->key[c]);
        if (!k) { /* no rows at all: the identity */
            memset(empty, 0, sizeof empty);
            ds__slot_output(&s->inv, empty, out, def->nkeys, r);
            ds__slot_output(&s->comb, empty, out, def->nkeys, r);
        } else {
            ds__slot_output(&s->inv, inv_slot(s, k), out, def->nkeys, r);
            if (cs)
                ds__slot_output(&s->comb, s->out + (size_t)i * (size_t)cs, out,
                                def->nkeys, r);
        }
        for (int d = 0; d < s->ndist; d++) {
            ds_vec *v = &out->cols[def->nkeys + s->dist[d]];
            v->v.i64[r] = k ? dist_counts(s, k)[d] : 0;
            ds__vec_set_valid(v, r);
        }
        rows++;
        if (++out->n == DS_CHUNK_ROWS) {
            rc = emit(user, out);
            out->n = 0;
            if (rc)
                return rc;
        }
        if (!k)
            break;
    }
    if (out->n)
        rc = emit(user, out);
    out->n = 0;
    return rc;
}
