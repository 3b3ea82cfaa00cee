/*
** agg.c - aggregation definitions and the group table of agg.h: groups
** are numbered 0..ngroups-1 in order of arrival; keys and states are stored
** column by column in arrays indexed by group (agg_state.h), so that each
** aggregate is updated by one tight loop over a chunk. The index is open
** addressing over group numbers, with each group's hash kept beside it.
** COUNT(DISTINCT x) keeps a set of (group, value) pairs per aggregate.
*/
#include "agg_state.h"

#include <math.h>
#include <stdio.h>

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
    t->keys = ds_malloc(sizeof(ds_keycol) * (size_t)(def->nkeys + 1));
    t->st = ds_malloc(sizeof(ds_aggstate) * (size_t)(def->naggs + 1));
    if (!t->keys || !t->st) {
        ds__aggtab_free(t);
        return NULL;
    }
    memset(t->keys, 0, sizeof(ds_keycol) * (size_t)(def->nkeys + 1));
    memset(t->st, 0, sizeof(ds_aggstate) * (size_t)(def->naggs + 1));
    for (int k = 0; k < def->nkeys; k++)
        t->keys[k].type = def->key_types[k];
    return t;
}

static void free_minmax_text(ds_aggtab *t) {
    for (int a = 0; a < t->def->naggs; a++) {
        ds_aggstate *s = &t->st[a];
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
        ds_aggstate *s = &t->st[a];
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
    ds_free(t->touched);
    ds__arena_fini(&t->text);
    ds_free(t);
}

void ds__aggtab_clear(ds_aggtab *t) {
    free_minmax_text(t);
    t->ngroups = 0;
    if (t->slots)
        memset(t->slots, 0xff, sizeof(int32_t) * (t->mask + 1));
    for (int a = 0; a < t->def->naggs; a++) {
        ds_dset *ds = &t->st[a].set;
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
        const ds_aggstate *s = &t->st[a];
        n += (size_t)t->cap *
             ((s->cnt ? 8 : 0) + (s->isum ? 8 : 0) + (s->dsum ? 8 : 0) +
              (s->str ? sizeof(ds_str) : 0));
        if (s->set.slots)
            n += (s->set.mask + 1) * sizeof(ds_dentry);
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
        ds_keycol *kc = &t->keys[k];
        if (grow_array(&kc->data, ds__type_width(kc->type), cap) ||
            grow_array((void **)&kc->null, 1, cap))
            return DS_NOMEM;
    }
    for (int a = 0; a < t->def->naggs; a++) {
        const ds_aggspec *sp = &t->def->aggs[a];
        ds_aggstate *s = &t->st[a];
        if (grow_array((void **)&s->cnt, sizeof(int64_t), cap))
            return DS_NOMEM;
        int want_i = 0, want_d = 0, want_s = 0;
        if (sp->fn == DS_AGG_SUM || sp->fn == DS_AGG_AVG ||
            sp->fn == DS_AGG_MIN || sp->fn == DS_AGG_MAX) {
            if (sp->arg_type == DS_DOUBLE)
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
    if (t->touched) {
        uint8_t *nt = ds_realloc(t->touched, (size_t)cap);
        if (!nt)
            return DS_NOMEM;
        memset(nt + t->cap, 0, (size_t)(cap - t->cap));
        t->touched = nt;
    }
    t->cap = cap;
    return DS_OK;
}

int ds__aggtab_track(ds_aggtab *t) {
    if (t->touched)
        return DS_OK;
    t->touched = ds_malloc(t->cap ? (size_t)t->cap : 1);
    if (!t->touched)
        return DS_NOMEM;
    memset(t->touched, 0, t->cap ? (size_t)t->cap : 1);
    return DS_OK;
}

int ds__aggtab_touched(const ds_aggtab *t, int64_t g) {
    return t->touched && t->touched[g];
}

void ds__aggtab_untouch(ds_aggtab *t) {
    if (t->touched)
        memset(t->touched, 0, (size_t)t->cap);
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

/* Does group g have the keys of row i of kv? */
static inline int keys_equal(const ds_aggtab *t, int64_t g,
                             const ds_vec *const *kv, int i) {
    for (int k = 0; k < t->def->nkeys; k++) {
        const ds_keycol *kc = &t->keys[k];
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
static int64_t add_group(ds_aggtab *t, uint64_t h, const ds_vec *const *kv,
                         int i) {
    int64_t g = t->ngroups;
    if (reserve_groups(t, g + 1))
        return -1;
    if ((uint64_t)(g + 1) * 2 > (t->slots ? t->mask + 1 : 0)) {
        if (rehash(t, t->slots ? (t->mask + 1) * 2 : 128))
            return -1;
    }
    for (int k = 0; k < t->def->nkeys; k++) {
        ds_keycol *kc = &t->keys[k];
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
        ds_aggstate *s = &t->st[a];
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

int ds__aggtab_ensure_global_if_keyless(ds_aggtab *t) {
    return t->def->nkeys == 0 ? ds__aggtab_ensure_global(t) : DS_OK;
}

int ds__aggtab_ensure_global(ds_aggtab *t) {
    if (t->ngroups > 0)
        return DS_OK;
    return add_group(t, 0, NULL, 0) < 0 ? DS_NOMEM : DS_OK;
}

int64_t ds__aggtab_group(ds_aggtab *t, uint64_t h, const ds_vec *const *kv,
                         int i) {
    if (t->def->nkeys == 0)
        return ds__aggtab_ensure_global(t) ? -1 : 0;
    if (t->slots) {
        uint64_t slot = h & t->mask;
        for (;;) {
            int32_t c = t->slots[slot];
            if (c < 0)
                break;
            if (t->hashes[c] == h && keys_equal(t, c, kv, i))
                return c;
            slot = (slot + 1) & t->mask;
        }
    }
    return add_group(t, h, kv, i);
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

/* Inserts (gid, v) mult times; *added says whether it was new. Text is
   copied. */
int ds__dset_insert(ds_aggtab *t, ds_dset *ds, int type, int32_t gid,
                    uint64_t vh, const ds_value *v, int32_t mult, int *added) {
    *added = 0;
    if ((uint64_t)(ds->count + 1) * 2 > (ds->slots ? ds->mask + 1 : 0)) {
        uint64_t n = ds->slots ? (ds->mask + 1) * 2 : 256;
        ds_dentry *slots = ds_malloc(sizeof(ds_dentry) * n);
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
        ds_dentry *e = &ds->slots[j];
        if (e->gid < 0)
            break;
        if (e->hash == h && e->gid == gid && values_equal(type, &e->v, v)) {
            e->mult += mult;
            return DS_OK;
        }
        j = (j + 1) & ds->mask;
    }
    ds_dentry *e = &ds->slots[j];
    e->hash = h;
    e->gid = gid;
    e->mult = mult;
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

int ds__agg_overflow(char *errmsg, size_t errlen, const ds_aggspec *sp) {
    snprintf(errmsg, errlen, "integer overflow in '%s'",
             sp->label ? sp->label : "SUM");
    return DS_ERROR;
}

int ds__agg_set_text(ds_str *dst, ds_str src) {
    char *p = ds_malloc(src.n ? src.n : 1);
    if (!p)
        return DS_NOMEM;
    memcpy(p, src.p, src.n);
    ds_free((void *)dst->p);
    dst->p = p;
    dst->n = src.n;
    return DS_OK;
}

/* ------------------------------------------------------------- updating */

int ds__agg_eval(const ds_aggdef *def, ds_eval_ctx *ctx, const ds_chunk *in,
                 ds_agginput *ai) {
    if (def->nkeys > DS_AGG_MAX_KEYS || def->naggs > DS_AGG_MAX_AGGS) {
        snprintf(ctx->errmsg, sizeof ctx->errmsg,
                 "too many GROUP BY keys or aggregates");
        return DS_ERROR;
    }
    ai->n = in->n;
    for (int k = 0; k < def->nkeys; k++) {
        int rc = ds__expr_eval(def->keys[k], ctx, in, &ai->keys[k]);
        if (rc)
            return rc;
    }
    for (int a = 0; a < def->naggs; a++) {
        ai->args[a] = NULL;
        if (def->aggs[a].arg) {
            int rc = ds__expr_eval(def->aggs[a].arg, ctx, in, &ai->args[a]);
            if (rc)
                return rc;
        }
    }
    int n = in->n;
    uint64_t *h = ai->hash;
    for (int i = 0; i < n; i++)
        h[i] = DS_KEYHASH_SEED;
    for (int k = 0; k < def->nkeys; k++) {
        const ds_vec *v = ai->keys[k];
        int type = def->key_types[k];
        for (int i = 0; i < n; i++)
            h[i] = ds__keyhash_step(h[i], ds__value_hash(type, v, i));
    }
    for (int i = 0; i < n; i++)
        h[i] = ds__keyhash_end(h[i]);
    return DS_OK;
}

/* Row j of a selection: sel[j], or j itself. */
#define ROW(j) (sel ? (int)sel[j] : (j))

static int update_one(ds_aggtab *t, int a, const ds_agginput *ai,
                      const uint16_t *sel, int nsel, const int32_t *gid,
                      char *errmsg, size_t errlen) {
    const ds_aggspec *sp = &t->def->aggs[a];
    ds_aggstate *s = &t->st[a];
    if (sp->fn == DS_AGG_COUNT_STAR) {
        for (int j = 0; j < nsel; j++)
            s->cnt[gid[j]]++;
        return DS_OK;
    }
    const ds_vec *v = ai->args[a];
    int type = sp->arg_type;
    switch (sp->fn) {
    case DS_AGG_COUNT:
        for (int j = 0; j < nsel; j++)
            s->cnt[gid[j]] += ds__vec_valid(v, ROW(j));
        return DS_OK;
    case DS_AGG_COUNT_DISTINCT:
        for (int j = 0; j < nsel; j++) {
            int i = ROW(j);
            if (!ds__vec_valid(v, i))
                continue;
            ds_value x = ds__vec_get(v, i);
            if (type == DS_DOUBLE && x.u.d == 0)
                x.u.d = 0;
            int added;
            if (ds__dset_insert(t, &s->set, type, gid[j],
                                ds__value_hash(type, v, i), &x, 1, &added))
                return DS_NOMEM;
            s->cnt[gid[j]] += added;
        }
        return DS_OK;
    case DS_AGG_SUM:
    case DS_AGG_AVG:
        if (type == DS_DOUBLE) {
            for (int j = 0; j < nsel; j++) {
                int i = ROW(j);
                if (!ds__vec_valid(v, i))
                    continue;
                s->dsum[gid[j]] += v->v.f64[i];
                s->cnt[gid[j]]++;
            }
        } else {
            /* BIGINT: an exact integer sum (AVG divides it at the end) */
            for (int j = 0; j < nsel; j++) {
                int i = ROW(j);
                if (!ds__vec_valid(v, i))
                    continue;
                int32_t g = gid[j];
                if (__builtin_add_overflow(s->isum[g], v->v.i64[i],
                                           &s->isum[g]))
                    return ds__agg_overflow(errmsg, errlen, sp);
                s->cnt[g]++;
            }
        }
        return DS_OK;
    case DS_AGG_MIN:
    case DS_AGG_MAX: {
        int sign = sp->fn == DS_AGG_MIN ? -1 : 1;
        for (int j = 0; j < nsel; j++) {
            int i = ROW(j);
            if (!ds__vec_valid(v, i))
                continue;
            int32_t g = gid[j];
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
                    if (ds__agg_set_text(&s->str[g], x))
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

int ds__aggtab_add(ds_aggtab *t, const ds_agginput *ai, const uint16_t *sel,
                   int nsel, char *errmsg, size_t errlen) {
    if (!sel)
        nsel = ai->n;
    if (nsel == 0)
        return DS_OK;
    static _Thread_local int32_t gid[DS_CHUNK_ROWS];
    if (t->def->nkeys == 0) {
        if (ds__aggtab_ensure_global(t))
            return DS_NOMEM;
        memset(gid, 0, sizeof(int32_t) * (size_t)nsel);
    } else {
        for (int j = 0; j < nsel; j++) {
            int i = ROW(j);
            int64_t g = ds__aggtab_group(t, ai->hash[i], ai->keys, i);
            if (g < 0)
                return DS_NOMEM;
            gid[j] = (int32_t)g;
        }
    }
    if (t->touched)
        for (int j = 0; j < nsel; j++)
            t->touched[gid[j]] = 1;
    for (int a = 0; a < t->def->naggs; a++) {
        int rc = update_one(t, a, ai, sel, nsel, gid, errmsg, errlen);
        if (rc)
            return rc;
    }
    return DS_OK;
}

int ds__aggtab_update(ds_aggtab *t, ds_eval_ctx *ctx, const ds_chunk *in,
                      ds_agginput *ai) {
    if (in->n == 0)
        return DS_OK;
    int rc = ds__agg_eval(t->def, ctx, in, ai);
    if (rc)
        return rc;
    return ds__aggtab_add(t, ai, NULL, 0, ctx->errmsg, sizeof ctx->errmsg);
}
