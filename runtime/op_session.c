/*
** op_session.c - WINDOW SESSION (GAP d): per GROUP BY key, a session is a
** run of rows whose times are less than the gap apart; its window is
** [first row's time, last row's time + gap). A row that falls within the
** gap of two sessions merges them (out-of-order event time). A session
** closes when the watermark reaches its end and is emitted then (or with
** EMIT CHANGES every batch while open); sessions that close together with
** the same bounds share one emission. A row that would start a session
** already closed is late.
**
** Each session keeps its partial aggregates in one slot (slot.h, text
** copied so it owns it) and a counted set per COUNT(DISTINCT).
*/
#include <stddef.h>
#include <stdlib.h>

#include "agg_state.h"
#include "slot.h"
#include "vset.h"
#include "window.h"

#define MAX_TEXT 16

typedef struct session {
    int64_t start, last;
    char *slot;            /* owned */
    char *owned[MAX_TEXT]; /* owned copies the slot's text views use */
    ds_vset *dist;         /* owned: one per COUNT(DISTINCT), or NULL */
} session;

typedef struct keyses {
    session *s; /* owned, by start */
    int n, cap;
} keyses;

typedef struct ses_op {
    ds_op base;
    ds_winspec w;
    ds_aggdef def;    /* owned */
    ds_aggdef keydef; /* the keys of def, no aggregates (borrowed parts) */
    ds_aggtab *keys;  /* owned: key dictionary; group = key */
    keyses *per;      /* owned: sessions of each key */
    int64_t per_cap;
    int64_t open; /* sessions open */
    ds_slotlayout lay;
    int ntext, text_off[MAX_TEXT];
    int ndist, dist[DS_AGG_MAX_AGGS];
    ds_watermark wm;
    int64_t prev_wm; /* the watermark before this batch */
    ds_agginput *ai; /* owned scratch */
    ds_chunk *out;   /* owned */
    int64_t *tau;    /* owned */
} ses_op;

typedef struct ref { /* a session to emit */
    int64_t key, start, end;
    int idx;
} ref;

/* ------------------------------------------------------------ sessions */

static void session_fini(ses_op *o, session *s) {
    for (int k = 0; k < o->ntext; k++)
        ds_free(s->owned[k]);
    for (int d = 0; s->dist && d < o->ndist; d++)
        ds__vset_fini(&s->dist[d]);
    ds_free(s->dist);
    ds_free(s->slot);
}

static int session_init(ses_op *o, session *s, int64_t tau) {
    memset(s, 0, sizeof *s);
    s->start = s->last = tau;
    s->slot = ds_malloc(o->lay.size ? (size_t)o->lay.size : 1);
    if (!s->slot)
        return DS_NOMEM;
    ds__slot_clear(&o->lay, s->slot);
    if (o->ndist) {
        s->dist = ds_malloc(sizeof(ds_vset) * (size_t)o->ndist);
        if (!s->dist)
            return DS_NOMEM;
        for (int d = 0; d < o->ndist; d++)
            ds__vset_init(&s->dist[d], o->def.aggs[o->dist[d]].arg_type);
    }
    return DS_OK;
}

/* Makes the slot's text views point to copies the session owns. */
static int own_texts(ses_op *o, session *s) {
    for (int k = 0; k < o->ntext; k++) {
        ds_str *v = (ds_str *)(s->slot + o->text_off[k]);
        if (!v->p || v->p == s->owned[k])
            continue;
        char *p = ds__strndup(v->p, v->n);
        if (!p)
            return DS_NOMEM;
        ds_free(s->owned[k]);
        s->owned[k] = p;
        v->p = p;
    }
    return DS_OK;
}

/* Merges b into a (a's bounds grow); b is left empty. */
static int session_merge(ses_op *o, session *a, session *b, char *errmsg,
                         size_t errlen) {
    int rc = ds__slot_combine(&o->lay, a->slot, b->slot, errmsg, errlen);
    if (rc)
        return rc;
    for (int k = 0; k < o->ntext; k++) {
        ds_str *v = (ds_str *)(a->slot + o->text_off[k]);
        if (v->p && v->p == b->owned[k]) { /* a took b's value */
            ds_free(a->owned[k]);
            a->owned[k] = b->owned[k];
            b->owned[k] = NULL;
        }
    }
    for (int d = 0; d < o->ndist && !rc; d++)
        rc = ds__vset_merge(&a->dist[d], &b->dist[d]);
    if (b->start < a->start)
        a->start = b->start;
    if (b->last > a->last)
        a->last = b->last;
    return rc;
}

static int reserve_keys(ses_op *o, int64_t n) {
    if (n <= o->per_cap)
        return DS_OK;
    int64_t cap = o->per_cap ? o->per_cap * 2 : 64;
    while (cap < n)
        cap *= 2;
    keyses *p = ds_realloc(o->per, sizeof(keyses) * (size_t)cap);
    if (!p)
        return DS_NOMEM;
    memset(p + o->per_cap, 0, sizeof(keyses) * (size_t)(cap - o->per_cap));
    o->per = p;
    o->per_cap = cap;
    return DS_OK;
}

/* Adds row i (time tau) of the evaluated input to key g's sessions. */
static int add_row(ses_op *o, ds_opctx *ex, const ds_chunk *in, int64_t g,
                   int i, int64_t tau) {
    keyses *ks = &o->per[g];
    int64_t gap = o->w.size;
    int first = -1;
    for (int k = 0; k < ks->n; k++) {
        session *s = &ks->s[k];
        if (s->start - gap < tau && tau < s->last + gap) {
            if (first < 0) {
                first = k;
                continue;
            }
            /* the row bridges two sessions: merge s into the first */
            int rc = session_merge(o, &ks->s[first], s, ex->eval.errmsg,
                                   sizeof ex->eval.errmsg);
            session_fini(o, s);
            memmove(s, s + 1, sizeof(session) * (size_t)(ks->n - k - 1));
            ks->n--;
            o->open--;
            k--;
            if (rc)
                return rc;
        }
    }
    if (first < 0) {
        if (o->w.time_col >= 0 && o->prev_wm != INT64_MIN &&
            tau + gap <= o->prev_wm) {
            uint16_t one = (uint16_t)i;
            return ds__window_late(ex, in, &one, 1);
        }
        if (ks->n == ks->cap) {
            int cap = ks->cap ? ks->cap * 2 : 2;
            session *ns = ds_realloc(ks->s, sizeof(session) * (size_t)cap);
            if (!ns)
                return DS_NOMEM;
            ks->s = ns;
            ks->cap = cap;
        }
        int at = ks->n;
        while (at > 0 && ks->s[at - 1].start > tau)
            at--;
        memmove(&ks->s[at + 1], &ks->s[at],
                sizeof(session) * (size_t)(ks->n - at));
        int rc = session_init(o, &ks->s[at], tau);
        ks->n++;
        o->open++;
        if (rc)
            return rc;
        first = at;
    }
    session *s = &ks->s[first];
    if (tau < s->start)
        s->start = tau;
    if (tau > s->last)
        s->last = tau;
    ds__watermark_see(&o->wm, tau);
    int rc = ds__slot_add_row(&o->lay, s->slot, o->ai, i, ex->eval.errmsg,
                              sizeof ex->eval.errmsg);
    if (!rc)
        rc = own_texts(o, s);
    for (int d = 0; d < o->ndist && !rc; d++) {
        const ds_vec *v = o->ai->args[o->dist[d]];
        if (ds__vec_valid(v, i)) {
            ds_value x = ds__vec_get(v, i);
            rc = ds__vset_add(&s->dist[d], &x, 1);
        }
    }
    return rc;
}

static int ses_push(ds_op *op, ds_opctx *ex, const ds_chunk *in) {
    ses_op *o = (ses_op *)op;
    int rc = ds__agg_eval(&o->def, &ex->eval, in, o->ai);
    if (rc)
        return rc;
    ds__window_times(&o->w, ex, in, o->tau);
    ds__watermark_input(&o->wm, in->n);
    for (int i = 0; i < in->n && !rc; i++) {
        if (o->tau[i] == INT64_MIN) {
            uint16_t one = (uint16_t)i;
            rc = ds__window_late(ex, in, &one, 1);
            continue;
        }
        int64_t g = ds__aggtab_group(o->keys, o->ai->hash[i], o->ai->keys, i);
        if (g < 0 || reserve_keys(o, g + 1))
            return DS_NOMEM;
        rc = add_row(o, ex, in, g, i, o->tau[i]);
    }
    return rc;
}

/* ------------------------------------------------------------ emitting */

static int cmp_ref(const void *a, const void *b) {
    const ref *x = a, *y = b;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->key < y->key ? -1 : x->key > y->key;
}

/* Emits the sessions of refs (sorted), one emission per distinct
   bounds. */
static int emit_refs(ses_op *o, ds_opctx *ex, ref *refs, int64_t n) {
    static _Thread_local int64_t groups[DS_CHUNK_ROWS];
    int rc = DS_OK;
    for (int64_t i = 0; i < n && !rc;) {
        int64_t j = i;
        while (j < n && refs[j].start == refs[i].start &&
               refs[j].end == refs[i].end)
            j++;
        ex->emit.has_window = 1;
        ex->emit.window_start = ex->eval.window_start = refs[i].start;
        ex->emit.window_end = ex->eval.window_end = refs[i].end;
        for (int64_t from = i; from < j && !rc; from += DS_CHUNK_ROWS) {
            int count =
                j - from < DS_CHUNK_ROWS ? (int)(j - from) : DS_CHUNK_ROWS;
            for (int r = 0; r < count; r++)
                groups[r] = refs[from + r].key;
            ds__aggtab_output_groups(o->keys, groups, count, o->out);
            for (int r = 0; r < count; r++) {
                const session *s =
                    &o->per[refs[from + r].key].s[refs[from + r].idx];
                ds__slot_output(&o->lay, s->slot, o->out, o->def.nkeys, r);
                for (int d = 0; d < o->ndist; d++) {
                    ds_vec *v = &o->out->cols[o->def.nkeys + o->dist[d]];
                    v->v.i64[r] = s->dist[d].n;
                    ds__vec_set_valid(v, r);
                }
            }
            rc = ds__op_push_next(&o->base, ex, o->out);
        }
        if (!rc)
            rc = ds__op_default_punct(&o->base, ex);
        i = j;
    }
    return rc;
}

/* Emits the sessions ending at or before limit (all: INT64_MAX) and
   forgets them; with all_open, emits every open session and keeps it. */
static int emit_sessions(ses_op *o, ds_opctx *ex, int64_t limit, int keep) {
    int64_t nkeys = ds__aggtab_groups(o->keys), n = 0;
    ref *refs = ds_malloc(sizeof(ref) * (size_t)(o->open + 1));
    if (!refs)
        return DS_NOMEM;
    int64_t gap = o->w.size;
    for (int64_t g = 0; g < nkeys && g < o->per_cap; g++)
        for (int k = 0; k < o->per[g].n; k++) {
            const session *s = &o->per[g].s[k];
            if (keep || limit == INT64_MAX || s->last + gap <= limit)
                refs[n++] = (ref){g, s->start, s->last + gap, k};
        }
    qsort(refs, (size_t)n, sizeof(ref), cmp_ref);
    int rc = emit_refs(o, ex, refs, n);
    ds_free(refs);
    if (rc || keep)
        return rc;
    for (int64_t g = 0; g < nkeys && g < o->per_cap; g++) {
        keyses *ks = &o->per[g];
        int w = 0;
        for (int k = 0; k < ks->n; k++) {
            if (limit == INT64_MAX || ks->s[k].last + gap <= limit) {
                session_fini(o, &ks->s[k]);
                o->open--;
            } else {
                ks->s[w++] = ks->s[k];
            }
        }
        ks->n = w;
    }
    return DS_OK;
}

/* Rebuilds the key dictionary when most of its keys have no session. */
static int compact_keys(ses_op *o) {
    int64_t n = ds__aggtab_groups(o->keys), live = 0;
    for (int64_t g = 0; g < n; g++)
        live += o->per[g].n > 0;
    if (n < 1024 || live * 2 > n)
        return DS_OK;
    ds_aggtab *t = ds__aggtab_new(&o->keydef);
    keyses *per = ds_malloc(sizeof(keyses) * (size_t)(live + 1));
    if (!t || !per) {
        ds__aggtab_free(t);
        ds_free(per);
        return DS_NOMEM;
    }
    memset(per, 0, sizeof(keyses) * (size_t)(live + 1));
    ds_vec vs[DS_AGG_MAX_KEYS];
    const ds_vec *kv[DS_AGG_MAX_KEYS];
    int64_t iv[DS_AGG_MAX_KEYS];
    double dv[DS_AGG_MAX_KEYS];
    ds_str sv[DS_AGG_MAX_KEYS];
    uint8_t bv[DS_AGG_MAX_KEYS];
    for (int64_t g = 0; g < n; g++) {
        if (!o->per[g].n) {
            ds_free(o->per[g].s);
            continue;
        }
        ds__aggtab_key_view(o->keys, g, vs, kv, iv, dv, sv, bv);
        int64_t ng = ds__aggtab_group(t, o->keys->hashes[g], kv, 0);
        if (ng < 0) {
            ds__aggtab_free(t);
            ds_free(per);
            return DS_NOMEM;
        }
        per[ng] = o->per[g];
    }
    ds__aggtab_free(o->keys);
    ds_free(o->per);
    o->keys = t;
    o->per = per;
    o->per_cap = live + 1;
    return DS_OK;
}

static int ses_advance(ds_op *op, ds_opctx *ex, int64_t time) {
    ses_op *o = (ses_op *)op;
    int64_t W = ds__watermark_advance(&o->wm, &o->w, time);
    int rc = DS_OK;
    if (W != INT64_MIN)
        rc = emit_sessions(o, ex, W, 0);
    if (!rc && o->w.emit_changes)
        rc = emit_sessions(o, ex, INT64_MAX, 1);
    if (!rc)
        rc = compact_keys(o);
    o->prev_wm = W;
    return rc ? rc : ds__op_default_advance(op, ex, time);
}

static int ses_flush(ds_op *op, ds_opctx *ex) {
    int rc = emit_sessions((ses_op *)op, ex, INT64_MAX, 0);
    return rc ? rc : ds__op_default_flush(op, ex);
}

static int ses_open(ds_op *op, ds_opctx *ex) {
    (void)ex;
    ses_op *o = (ses_op *)op;
    int rc = ds__aggop_prepare(op, &o->def, &o->ai, &o->out);
    if (rc)
        return rc;
    o->keys = ds__aggtab_new(&o->keydef);
    o->tau = ds_malloc(sizeof(int64_t) * DS_CHUNK_ROWS);
    return o->keys && o->tau ? DS_OK : DS_NOMEM;
}

static void ses_close(ds_op *op) {
    ses_op *o = (ses_op *)op;
    int64_t n = o->keys ? ds__aggtab_groups(o->keys) : 0;
    for (int64_t g = 0; g < o->per_cap; g++) {
        for (int k = 0; g < n && k < o->per[g].n; k++)
            session_fini(o, &o->per[g].s[k]);
        ds_free(o->per[g].s);
    }
    ds_free(o->per);
    ds__aggtab_free(o->keys);
    ds_free(o->tau);
    ds__aggop_release(op, &o->def, o->ai, o->out);
}

static void ses_explain(const ds_op *op, ds_strbuf *sb) {
    const ses_op *o = (const ses_op *)op;
    ds__aggop_explain(&o->w, &o->def, sb);
}

static void ses_metrics(const ds_op *op, ds_op_metrics *m) {
    const ses_op *o = (const ses_op *)op;
    if (!o->keys)
        return;
    m->state_rows += o->open;
    int64_t bytes = (int64_t)ds__aggtab_bytes(o->keys) +
                    o->per_cap * (int64_t)sizeof(keyses);
    int64_t n = ds__aggtab_groups(o->keys);
    for (int64_t g = 0; g < n && g < o->per_cap; g++)
        for (int k = 0; k < o->per[g].n; k++) {
            const session *s = &o->per[g].s[k];
            bytes += (int64_t)sizeof *s + o->lay.size;
            for (int d = 0; d < o->ndist; d++)
                bytes += (int64_t)ds__vset_bytes(&s->dist[d]);
        }
    m->state_bytes += bytes;
}

static const ds_op_vtable ses_vt = {
    "window_session", ses_open,  ses_push,    ds__op_default_punct, ses_advance,
    ses_flush,        ses_close, ses_explain, ses_metrics};

ds_op *ds__op_session_new(const ds_winspec *spec, ds_aggdef *def) {
    ses_op *o = ds__aggop_alloc(sizeof *o, &ses_vt, offsetof(ses_op, def), def);
    if (!o)
        return NULL;
    o->w = *spec;
    o->keydef.nkeys = o->def.nkeys;
    o->keydef.keys = o->def.keys;
    o->keydef.key_types = o->def.key_types;
    ds__slot_layout(&o->lay, &o->def, DS_SLOT_INVERTIBLE | DS_SLOT_COMBINE);
    o->ntext = ds__slot_text_offsets(&o->lay, o->text_off, MAX_TEXT);
    for (int a = 0; a < o->def.naggs; a++)
        if (o->def.aggs[a].fn == DS_AGG_COUNT_DISTINCT)
            o->dist[o->ndist++] = a;
    ds__watermark_init(&o->wm);
    o->prev_wm = INT64_MIN;
    return &o->base;
}
