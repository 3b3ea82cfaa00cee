/*
** op_count_window.c - WINDOW COUNT (SIZE n [, SLIDE m]): per GROUP BY key,
** every m-th row of the key fires a window over the key's last n rows (the
** first windows hold fewer), like Flink's countWindow(n, m). Each batch's
** fired windows form one emission (count windows have no time bounds). At
** end of input a key with rows since its last firing fires once more, over
** those rows and the whole slides before them that fit in n.
**
** Per key the rows are folded into panes of gcd(n, m) rows kept in a DABA
** Lite queue (daba.h), so memory follows panes and keys, not rows; a
** counted set per pane and per window serves COUNT(DISTINCT).
*/
#include <stddef.h>

#include "agg_state.h"
#include "daba.h"
#include "vset.h"
#include "window.h"

#define MAX_TEXT 16

typedef struct ckey {
    int64_t count;      /* rows of the key so far */
    char *cur;          /* owned: the pane being filled */
    char **cur_text;    /* owned copies cur's text views use [ntext] */
    ds_daba daba;       /* full panes, oldest first */
    char **ring_text;   /* owned: [ring][ntext] texts of panes in daba */
    ds_vset *cur_dist;  /* [ndist] */
    ds_vset *ring_dist; /* [ring][ndist] */
    ds_vset *win_dist;  /* [ndist]: the panes in daba together */
} ckey;

typedef struct cnt_op {
    ds_op base;
    ds_winspec w;
    ds_aggdef def;    /* owned */
    ds_aggdef keydef; /* def's keys, no aggregates */
    ds_aggtab *keys;  /* owned dictionary: group = key */
    ckey *per;        /* owned */
    int64_t per_cap;
    int64_t g, panes; /* rows per pane, panes per window */
    int ring;         /* panes + 1 */
    ds_slotlayout lay;
    int ntext, text_off[MAX_TEXT];
    int ndist, dist[DS_AGG_MAX_AGGS];
    ds_agginput *ai; /* owned */
    ds_chunk *out;   /* owned: fired windows of this batch */
    char *tmp;       /* owned: one slot */
} cnt_op;

/* --------------------------------------------------------------- keys */

static int key_init(cnt_op *o, ckey *k) {
    memset(k, 0, sizeof *k);
    size_t sz = (size_t)(o->lay.size ? o->lay.size : 8);
    k->cur = ds_malloc(sz);
    size_t nt = (size_t)(o->ntext ? o->ntext : 1);
    k->cur_text = ds_malloc(sizeof(char *) * nt);
    k->ring_text =
        ds_malloc(sizeof(char *) * (o->ntext ? (size_t)o->ring : 1) * nt);
    if (!k->cur || !k->cur_text || !k->ring_text)
        return DS_NOMEM;
    memset(k->cur_text, 0, sizeof(char *) * nt);
    memset(k->ring_text, 0,
           sizeof(char *) * (o->ntext ? (size_t)o->ring : 1) * nt);
    ds__slot_clear(&o->lay, k->cur);
    ds__daba_init(&k->daba);
    ds__daba_bound(&k->daba, (uint32_t)o->ring + 1);
    if (o->ndist) {
        int n = o->ndist * (o->ring + 2);
        ds_vset *sets = ds_malloc(sizeof(ds_vset) * (size_t)n);
        if (!sets)
            return DS_NOMEM;
        for (int i = 0; i < n; i++)
            ds__vset_init(&sets[i],
                          o->def.aggs[o->dist[i % o->ndist]].arg_type);
        k->cur_dist = sets;
        k->win_dist = sets + o->ndist;
        k->ring_dist = sets + 2 * o->ndist;
    }
    return DS_OK;
}

static void key_fini(cnt_op *o, ckey *k) {
    if (k->cur_text)
        for (int t = 0; t < o->ntext; t++)
            ds_free(k->cur_text[t]);
    if (k->ring_text && o->ntext)
        for (int t = 0; t < o->ring * o->ntext; t++)
            ds_free(k->ring_text[t]);
    if (k->cur_dist)
        for (int i = 0; i < o->ndist * (o->ring + 2); i++)
            ds__vset_fini(&k->cur_dist[i]);
    ds_free(k->cur_dist);
    ds_free(k->cur_text);
    ds_free(k->ring_text);
    ds_free(k->cur);
    ds__daba_fini(&k->daba);
}

static int reserve(cnt_op *o, int64_t n) {
    if (n <= o->per_cap)
        return DS_OK;
    int64_t cap = o->per_cap ? o->per_cap * 2 : 64;
    while (cap < n)
        cap *= 2;
    ckey *p = ds_realloc(o->per, sizeof(ckey) * (size_t)cap);
    if (!p)
        return DS_NOMEM;
    o->per = p;
    for (int64_t i = o->per_cap; i < cap; i++) {
        int rc = key_init(o, &p[i]);
        if (rc) {
            o->per_cap = i + 1;
            return rc;
        }
    }
    o->per_cap = cap;
    return DS_OK;
}

/* Makes cur's text views point to copies the key owns. */
static int own_texts(cnt_op *o, ckey *k) {
    for (int t = 0; t < o->ntext; t++) {
        ds_str *v = (ds_str *)(k->cur + o->text_off[t]);
        if (!v->p || v->p == k->cur_text[t])
            continue;
        char *p = ds__strndup(v->p, v->n);
        if (!p)
            return DS_NOMEM;
        ds_free(k->cur_text[t]);
        k->cur_text[t] = p;
        v->p = p;
    }
    return DS_OK;
}

/* The oldest pane leaves the key's window. */
static int evict(cnt_op *o, ckey *k, char *errmsg, size_t errlen) {
    int pos = (int)(ds__daba_first(&k->daba) % (uint64_t)o->ring);
    int rc = ds__daba_evict(&k->daba, &o->lay, errmsg, errlen);
    for (int t = 0; t < o->ntext; t++) {
        ds_free(k->ring_text[pos * o->ntext + t]);
        k->ring_text[pos * o->ntext + t] = NULL;
    }
    for (int d = 0; d < o->ndist && !rc; d++) {
        ds_vset *ps = &k->ring_dist[pos * o->ndist + d];
        for (uint64_t i = 0; ps->slots && i <= ps->mask && !rc; i++)
            if (ps->slots[i].hash)
                rc = ds__vset_add(&k->win_dist[d], &ps->slots[i].v,
                                  -ps->slots[i].count);
        ds__vset_fini(ps);
        ds__vset_init(ps, o->def.aggs[o->dist[d]].arg_type);
    }
    return rc;
}

/* The pane being filled is full: it joins the key's window. */
static int close_pane(cnt_op *o, ckey *k, char *errmsg, size_t errlen) {
    int rc = DS_OK;
    if ((int64_t)ds__daba_size(&k->daba) == o->panes)
        rc = evict(o, k, errmsg, errlen);
    int pos = (int)(ds__daba_end(&k->daba) % (uint64_t)o->ring);
    if (!rc)
        rc = ds__daba_insert(&k->daba, &o->lay, k->cur, errmsg, errlen);
    if (rc)
        return rc;
    for (int t = 0; t < o->ntext; t++) { /* the pane's texts move along */
        k->ring_text[pos * o->ntext + t] = k->cur_text[t];
        k->cur_text[t] = NULL;
    }
    for (int d = 0; d < o->ndist && !rc; d++) {
        rc = ds__vset_merge(&k->win_dist[d], &k->cur_dist[d]);
        ds_vset tmp = k->ring_dist[pos * o->ndist + d];
        k->ring_dist[pos * o->ndist + d] = k->cur_dist[d];
        k->cur_dist[d] = tmp; /* an empty set */
    }
    ds__slot_clear(&o->lay, k->cur);
    return rc;
}

/* ------------------------------------------------------------- firing */

/* Appends key g's window (slot s, distinct counts) to the output. */
static int fire(cnt_op *o, ds_opctx *ex, int64_t g, const char *s,
                const int64_t *dcounts) {
    ds_chunk *out = o->out;
    int r = out->n;
    int64_t one = g;
    for (int c = 0; c < o->def.nkeys; c++) {
        const ds_keycol *kc = &o->keys->keys[c];
        ds_value v = {DS_NULL, {0}};
        if (!kc->null[one]) {
            v.type = kc->type;
            switch (kc->type) {
            case DS_DOUBLE:
                v.u.d = ((double *)kc->data)[one];
                break;
            case DS_TEXT:
                v.u.s = ((ds_str *)kc->data)[one];
                break;
            case DS_BOOLEAN:
                v.u.i = ((uint8_t *)kc->data)[one];
                break;
            default:
                v.u.i = ((int64_t *)kc->data)[one];
            }
        }
        ds__vec_put(&out->cols[c], r, &v);
    }
    ds__slot_output(&o->lay, s, out, o->def.nkeys, r);
    /* the pane texts may leave before the emission ends: copy them */
    for (int a = 0; a < o->def.naggs; a++) {
        ds_vec *v = &out->cols[o->def.nkeys + a];
        if (v->type == DS_TEXT && ds__vec_valid(v, r) && v->v.str[r].n) {
            char *p =
                ds__arena_strndup(&ex->arena, v->v.str[r].p, v->v.str[r].n);
            if (!p)
                return DS_NOMEM;
            v->v.str[r].p = p;
        }
    }
    for (int d = 0; d < o->ndist; d++) {
        ds_vec *v = &out->cols[o->def.nkeys + o->dist[d]];
        v->v.i64[r] = dcounts[d];
        ds__vec_set_valid(v, r);
    }
    if (++out->n < DS_CHUNK_ROWS)
        return DS_OK;
    int rc = ds__op_push_next(&o->base, ex, out);
    out->n = 0;
    return rc;
}

static int fire_key(cnt_op *o, ds_opctx *ex, int64_t g, ckey *k) {
    int rc = ds__daba_query(&k->daba, &o->lay, o->tmp, ex->eval.errmsg,
                            sizeof ex->eval.errmsg);
    int64_t dc[DS_AGG_MAX_AGGS];
    for (int d = 0; d < o->ndist; d++)
        dc[d] = k->win_dist[d].n;
    return rc ? rc : fire(o, ex, g, o->tmp, dc);
}

static int cnt_push(ds_op *op, ds_opctx *ex, const ds_chunk *in) {
    cnt_op *o = (cnt_op *)op;
    int rc = ds__agg_eval(&o->def, &ex->eval, in, o->ai);
    char *em = ex->eval.errmsg;
    size_t el = sizeof ex->eval.errmsg;
    for (int i = 0; i < in->n && !rc; i++) {
        int64_t g = ds__aggtab_group(o->keys, o->ai->hash[i], o->ai->keys, i);
        if (g < 0 || reserve(o, g + 1))
            return DS_NOMEM;
        ckey *k = &o->per[g];
        rc = ds__slot_add_row(&o->lay, k->cur, o->ai, i, em, el);
        if (!rc)
            rc = own_texts(o, k);
        for (int d = 0; d < o->ndist && !rc; d++) {
            const ds_vec *v = o->ai->args[o->dist[d]];
            if (ds__vec_valid(v, i)) {
                ds_value x = ds__vec_get(v, i);
                rc = ds__vset_add(&k->cur_dist[d], &x, 1);
            }
        }
        k->count++;
        if (!rc && k->count % o->g == 0)
            rc = close_pane(o, k, em, el);
        if (!rc && k->count % o->w.slide == 0)
            rc = fire_key(o, ex, g, k);
    }
    return rc;
}

/* Ends the batch's emission with the windows it fired. */
static int emit_fired(cnt_op *o, ds_opctx *ex) {
    int rc = DS_OK;
    ex->emit.has_window = 0;
    if (o->out->n)
        rc = ds__op_push_next(&o->base, ex, o->out);
    o->out->n = 0;
    return rc ? rc : ds__op_default_punct(&o->base, ex);
}

static int cnt_advance(ds_op *op, ds_opctx *ex, int64_t time) {
    cnt_op *o = (cnt_op *)op;
    /* the last batch's emission also holds the end-of-input firings */
    int rc = ex->last ? DS_OK : emit_fired(o, ex);
    return rc ? rc : ds__op_default_advance(op, ex, time);
}

static int cnt_flush(ds_op *op, ds_opctx *ex) {
    cnt_op *o = (cnt_op *)op;
    int64_t n = ds__aggtab_groups(o->keys);
    int rc = DS_OK, any = ex->last; /* the last batch's emission is open */
    char *em = ex->eval.errmsg;
    size_t el = sizeof ex->eval.errmsg;
    for (int64_t g = 0; g < n && !rc; g++) {
        ckey *k = &o->per[g];
        int64_t r = k->count % o->w.slide; /* rows since the last firing */
        if (r == 0)
            continue;
        /* those rows and the whole slides before them that fit in SIZE:
           a multiple of the pane size more than the partial pane, as
           r and the partial pane agree modulo g, which divides SLIDE */
        int64_t want = r + (o->w.size - r) / o->w.slide * o->w.slide;
        int64_t partial = k->count % o->g;
        while (!rc && ds__daba_size(&k->daba) &&
               (int64_t)ds__daba_size(&k->daba) * o->g + partial > want)
            rc = evict(o, k, em, el);
        if (!rc)
            rc = ds__daba_query(&k->daba, &o->lay, o->tmp, em, el);
        if (!rc)
            rc = ds__slot_combine(&o->lay, o->tmp, k->cur, em, el);
        int64_t dc[DS_AGG_MAX_AGGS];
        for (int d = 0; d < o->ndist && !rc; d++) {
            rc = ds__vset_merge(&k->win_dist[d], &k->cur_dist[d]);
            dc[d] = k->win_dist[d].n;
        }
        if (!rc)
            rc = fire(o, ex, g, o->tmp, dc);
        any = 1;
    }
    if (!rc && any)
        rc = emit_fired(o, ex);
    return rc ? rc : ds__op_default_flush(op, ex);
}

static int cnt_open(ds_op *op, ds_opctx *ex) {
    (void)ex;
    cnt_op *o = (cnt_op *)op;
    int rc = ds__aggop_prepare(op, &o->def, &o->ai, &o->out);
    if (rc)
        return rc;
    o->keys = ds__aggtab_new(&o->keydef);
    o->tmp = ds_malloc(o->lay.size ? (size_t)o->lay.size : 8);
    return o->keys && o->tmp ? DS_OK : DS_NOMEM;
}

static void cnt_close(ds_op *op) {
    cnt_op *o = (cnt_op *)op;
    for (int64_t g = 0; g < o->per_cap; g++)
        key_fini(o, &o->per[g]);
    ds_free(o->per);
    ds__aggtab_free(o->keys);
    ds_free(o->tmp);
    ds__aggop_release(op, &o->def, o->ai, o->out);
}

static void cnt_explain(const ds_op *op, ds_strbuf *sb) {
    const cnt_op *o = (const cnt_op *)op;
    ds__aggop_explain(&o->w, &o->def, sb);
}

static void cnt_metrics(const ds_op *op, ds_op_metrics *m) {
    const cnt_op *o = (const cnt_op *)op;
    if (!o->keys)
        return;
    int64_t n = ds__aggtab_groups(o->keys);
    m->state_rows += n;
    int64_t bytes = (int64_t)ds__aggtab_bytes(o->keys);
    for (int64_t g = 0; g < n; g++) {
        const ckey *k = &o->per[g];
        bytes += (int64_t)sizeof *k + o->lay.size +
                 (int64_t)ds__daba_bytes(&k->daba, &o->lay);
        for (int d = 0; d < o->ndist * (o->ring + 2); d++)
            bytes += (int64_t)ds__vset_bytes(&k->cur_dist[d]);
    }
    m->state_bytes += bytes;
}

static const ds_op_vtable cnt_vt = {
    "window_count", cnt_open,  cnt_push,    ds__op_default_punct, cnt_advance,
    cnt_flush,      cnt_close, cnt_explain, cnt_metrics};

ds_op *ds__op_count_window_new(const ds_winspec *spec, ds_aggdef *def) {
    cnt_op *o = ds__aggop_alloc(sizeof *o, &cnt_vt, offsetof(cnt_op, def), def);
    if (!o)
        return NULL;
    o->w = *spec;
    if (o->w.slide <= 0)
        o->w.slide = o->w.size;
    o->keydef.nkeys = o->def.nkeys;
    o->keydef.keys = o->def.keys;
    o->keydef.key_types = o->def.key_types;
    int64_t a = o->w.size, b = o->w.slide;
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    o->g = a;
    o->panes = o->w.size / o->g;
    o->ring = (int)o->panes + 1;
    ds__slot_layout(&o->lay, &o->def, DS_SLOT_INVERTIBLE | DS_SLOT_COMBINE);
    o->ntext = ds__slot_text_offsets(&o->lay, o->text_off, MAX_TEXT);
    for (int k = 0; k < o->def.naggs; k++)
        if (o->def.aggs[k].fn == DS_AGG_COUNT_DISTINCT)
            o->dist[o->ndist++] = k;
    return &o->base;
}
