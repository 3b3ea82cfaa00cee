/*
** op_window.c - TUMBLING and SLIDING windows with aggregates, in
** processing time or event time (window.h has the time model).
**
** Rows go into panes (partial aggregates of gcd(size, slide) of time).
** When the watermark passes a window's end the window is emitted: a
** tumbling window is its one pane; a sliding window's panes enter and
** leave the sliding state (slide.c) in order, so that a slide costs work
** in proportion to the keys of the panes that move, not to the window's
** length. Rows for a pane already in the sliding state whose windows are
** not all closed (out-of-order event time) are kept as the pane's late
** rows and added to the windows still to come; rows whose windows have
** all closed are late. EMIT CHANGES also emits every open window's partial
** result each batch, by combining its panes.
*/
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "slide.h"
#include "window.h"

typedef struct win_op {
    ds_op base;
    ds_wdriver d;      /* the window schedule */
    ds_aggdef def;     /* owned */
    ds_pane *panes;    /* owned, by id: inserted ones, then pending */
    ds_pane *pool;     /* owned: emptied panes kept for reuse */
    ds_pane *newest;   /* borrowed: the pane with the largest id */
    ds_pane *frontier; /* borrowed: the last pane given to the sliding
                          state (every pane before it was too); NULL: none
                          is in the list */
    int nlate;         /* panes in the list that hold late rows */
    int npool;
    ds_aggtab *spare[4]; /* owned: emptied tables of inserted panes */
    int nspare;
    int drop_tabs;         /* inserted panes give their table back (the slider
                              does not need it, nor EMIT CHANGES) */
    ds_slide *slide;       /* owned; NULL for tumbling windows */
    ds_opctx *ex;          /* borrowed while running */
    int64_t inserted_upto; /* last pane given to the sliding state, or
                              emitted (tumbling) */
    ds_agginput *ai;       /* owned scratch */
    ds_chunk *out;         /* owned */
    int64_t *tau, *pane;   /* owned: per row of a chunk */
    uint16_t *order;       /* owned: rows sorted by pane */
    char *errmsg;          /* borrowed: the exec context's */
    size_t errlen;
} win_op;

/* --------------------------------------------------------------- panes */

static void pane_free(ds_pane *p) {
    if (!p)
        return;
    ds__aggtab_free(p->tab);
    ds__aggtab_free(p->late);
    ds_free(p->kids);
    ds_free(p->inv);
    ds_free(p->late_kids);
    ds_free(p);
}

/* Lets the table of inserted pane p go: a pane of a long window would
   otherwise hold its rows' whole state until it leaves, when the slider
   keeps all it needs (kids, inv). Up to 4 are kept for new panes. */
static void pane_drop_tab(win_op *o, ds_pane *p) {
    if (!p->tab)
        return;
    if (o->nspare < 4) {
        ds__aggtab_clear(p->tab);
        o->spare[o->nspare++] = p->tab;
    } else {
        ds__aggtab_free(p->tab);
    }
    p->tab = NULL;
}

/* A pane leaves the window: kept for reuse (its table emptied, its
   arrays kept), so that sliding does not go back to malloc every batch. */
static void pane_done(win_op *o, ds_pane *p) {
    if (p->late)
        o->nlate--;
    if (o->npool >= 16) {
        pane_free(p);
        return;
    }
    if (p->tab)
        ds__aggtab_clear(p->tab);
    ds__aggtab_free(p->late);
    ds_free(p->late_kids);
    p->ngroups = 0;
    p->late = NULL;
    p->late_kids = NULL;
    p->late_seen = 0;
    p->inserted = 0;
    p->next = o->pool;
    o->pool = p;
    o->npool++;
}

/* The pane with this id, created (in id order) when absent; panes arrive
   mostly in order, so the search starts from the newest when it can. */
static ds_pane *pane_get(win_op *o, int64_t id) {
    ds_pane **pp = &o->panes;
    if (o->newest && o->newest->id == id)
        return o->newest;
    if (o->newest && o->newest->id < id)
        pp = &o->newest->next;
    else if (o->frontier && o->frontier->id < id)
        pp = &o->frontier->next;
    while (*pp && (*pp)->id < id)
        pp = &(*pp)->next;
    if (*pp && (*pp)->id == id)
        return *pp;
    ds_pane *p = o->pool;
    if (p) {
        o->pool = p->next;
        o->npool--;
    } else {
        p = ds_malloc(sizeof *p);
        if (!p)
            return NULL;
        memset(p, 0, sizeof *p);
    }
    if (!p->tab) {
        p->tab = o->nspare ? o->spare[--o->nspare] : ds__aggtab_new(&o->def);
        if (!p->tab) {
            pane_free(p);
            return NULL;
        }
    }
    p->id = id;
    p->next = *pp;
    *pp = p;
    if (!o->newest || id > o->newest->id)
        o->newest = p;
    return p;
}

/* --------------------------------------------------------------- input */

static _Thread_local const int64_t *sort_keys;
static int by_pane(const void *a, const void *b) {
    int64_t x = sort_keys[*(const uint16_t *)a];
    int64_t y = sort_keys[*(const uint16_t *)b];
    if (x != y)
        return x < y ? -1 : 1;
    return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* Row j of a selection that may be NULL (every row). */
#define ROW(j) (sel ? sel[j] : (uint16_t)(j))

/* The rows sel[0..n) (NULL: all n) fall in pane id: add them where they
   belong. */
static int add_rows(win_op *o, ds_opctx *ex, const ds_chunk *in, int64_t id,
                    const uint16_t *sel, int n) {
    static _Thread_local uint16_t keep[DS_CHUNK_ROWS], late[DS_CHUNK_ROWS];
    if (id == INT64_MIN) { /* no event time: late */
        for (int j = 0; j < n; j++)
            late[j] = ROW(j);
        return ds__window_late(ex, in, late, n);
    }
    int64_t org = ds__wdriver_origin(&o->d, ex);
    if (ds__wdriver_late(&o->d, org, o->tau[ROW(0)])) {
        /* every window of the pane has closed (a pane's rows share their
           windows), perhaps empty and so never given this pane: late */
        for (int j = 0; j < n; j++)
            late[j] = ROW(j);
        return ds__window_late(ex, in, late, n);
    }
    if (o->inserted_upto == INT64_MIN || id > o->inserted_upto) {
        ds_pane *p = pane_get(o, id);
        if (!p)
            return DS_NOMEM;
        return ds__aggtab_add(p->tab, o->ai, sel, n, o->errmsg, o->errlen);
    }
    /* the pane was already emitted or given to the sliding state: rows
       whose windows have all closed are late; the others are added to the
       pane for the windows still open */
    int nk = 0, nl = 0;
    for (int j = 0; j < n; j++) {
        uint16_t r = ROW(j);
        if (!o->slide || ds__wdriver_late(&o->d, org, o->tau[r]))
            late[nl++] = r;
        else
            keep[nk++] = r;
    }
    int rc = nl ? ds__window_late(ex, in, late, nl) : DS_OK;
    if (rc || !nk)
        return rc;
    ds_pane *p = pane_get(o, id);
    if (!p)
        return DS_NOMEM;
    p->inserted = 1; /* an empty pane windows passed joins empty */
    if (!p->late) {
        if (!(p->late = ds__aggtab_new(&o->def)))
            return DS_NOMEM;
        o->nlate++;
    }
    rc = ds__slide_late_begin(o->slide, p);
    if (!rc)
        rc = ds__aggtab_add(p->late, o->ai, keep, nk, o->errmsg, o->errlen);
    if (!rc)
        rc = ds__slide_late_end(o->slide, p, o->errmsg, o->errlen);
    return rc;
}

static int win_push(ds_op *op, ds_opctx *ex, const ds_chunk *in) {
    win_op *o = (win_op *)op;
    int rc = ds__agg_eval(&o->def, &ex->eval, in, o->ai);
    if (rc)
        return rc;
    ds__window_times(&o->d.w, ex, in, o->tau);
    ds__watermark_input(&o->d.wm, in->n);
    int64_t org = ds__wdriver_origin(&o->d, ex);
    int same = 1;
    for (int i = 0; i < in->n; i++) {
        int64_t t = o->tau[i];
        if (t == INT64_MIN) {
            o->pane[i] = INT64_MIN;
        } else {
            o->pane[i] = ds__wdriver_pane(&o->d, org, t);
            ds__watermark_see(&o->d.wm, t);
        }
        same &= o->pane[i] == o->pane[0];
    }
    if (same)
        return add_rows(o, ex, in, o->pane[0], NULL, in->n);
    for (int i = 0; i < in->n; i++)
        o->order[i] = (uint16_t)i;
    sort_keys = o->pane;
    qsort(o->order, (size_t)in->n, sizeof(uint16_t), by_pane);
    for (int i = 0; i < in->n && !rc;) {
        int j = i;
        int64_t id = o->pane[o->order[i]];
        while (j < in->n && o->pane[o->order[j]] == id)
            j++;
        rc = add_rows(o, ex, in, id, o->order + i, j - i);
        i = j;
    }
    return rc;
}

/* ------------------------------------------------------------ emitting */

static int push_out(void *user, ds_chunk *c) {
    win_op *o = user;
    return ds__op_push_next(&o->base, o->ex, c);
}

static int64_t first_pane(void *op) {
    win_op *o = op;
    return o->panes ? o->panes->id : INT64_MIN;
}

static int64_t last_pane(void *op) {
    win_op *o = op;
    ds_pane *p = o->panes;
    if (!p)
        return INT64_MIN;
    while (p->next)
        p = p->next;
    return p->id;
}

/* Removes the panes below id from the front (evicting them from the
   sliding state when they were given to it). */
static int drop_panes_before(void *op, int64_t id) {
    win_op *o = op;
    while (o->panes && o->panes->id < id) {
        ds_pane *p = o->panes;
        if (p->inserted && o->slide) {
            int rc = ds__slide_evict(o->slide, p, o->errmsg, o->errlen);
            if (rc)
                return rc;
        }
        o->panes = p->next;
        if (o->newest == p)
            o->newest = NULL;
        if (o->frontier == p)
            o->frontier = NULL;
        pane_done(o, p);
    }
    return DS_OK;
}

/* EMIT CHANGES: window j so far, its panes combined. */
static int emit_partial(win_op *o, ds_opctx *ex, int64_t lo, int64_t hi) {
    ds_aggtab *t = ds__aggtab_new(&o->def);
    if (!t)
        return DS_NOMEM;
    int rc = DS_OK, any = 0;
    for (ds_pane *p = o->panes; p && p->id <= hi && !rc; p = p->next) {
        if (p->id < lo)
            continue;
        any = 1;
        rc = ds__aggtab_merge(t, p->tab, o->errmsg, o->errlen);
        if (!rc && p->late)
            rc = ds__aggtab_merge(t, p->late, o->errmsg, o->errlen);
    }
    if (!rc && any) {
        rc = ds__aggop_push_tab(&o->base, ex, t, o->out);
        if (!rc)
            rc = ds__op_default_punct(&o->base, ex);
    }
    ds__aggtab_free(t);
    return rc;
}

/* Emits window j: it closed (final), or its partial result. */
static int emit_window(void *op, ds_opctx *ex, int64_t j, int final) {
    win_op *o = op;
    int64_t lo = j * o->d.S - o->d.P, hi = j * o->d.S - 1;
    if (!final)
        return emit_partial(o, ex, lo, hi);
    int rc = DS_OK;
    if (!o->slide) { /* tumbling: the window is pane hi */
        rc = drop_panes_before(o, hi);
        ds_pane *p = o->panes && o->panes->id == hi ? o->panes : NULL;
        if (p) {
            rc = rc ? rc : ds__aggop_push_tab(&o->base, ex, p->tab, o->out);
            o->panes = p->next;
            if (o->newest == p)
                o->newest = NULL;
            pane_done(o, p);
        } else if (!rc && o->def.nkeys == 0) {
            ds_aggtab *t = ds__aggtab_new(&o->def);
            rc = t ? ds__aggop_push_tab(&o->base, ex, t, o->out) : DS_NOMEM;
            ds__aggtab_free(t);
        }
    } else {
        /* the panes up to hi not yet given: those after the frontier */
        ds_pane *p = o->frontier ? o->frontier->next : o->panes;
        for (; p && p->id <= hi && !rc; p = p->next) {
            if (!p->inserted) {
                rc = ds__slide_insert(o->slide, p, o->errmsg, o->errlen);
                if (!rc && o->drop_tabs)
                    pane_drop_tab(o, p);
            }
            if (!rc)
                o->frontier = p;
        }
        if (!rc)
            rc = drop_panes_before(o, lo);
        ds_pane *in[1024];
        int n = 0;
        for (p = o->panes; o->nlate && p && p->id <= hi && n < 1024;
             p = p->next)
            if (p->late)
                in[n++] = p;
        o->ex = ex;
        if (!rc)
            rc = ds__slide_output(o->slide, in, n, o->out, push_out, o,
                                  o->errmsg, o->errlen);
    }
    if (o->inserted_upto == INT64_MIN || hi > o->inserted_upto)
        o->inserted_upto = hi;
    return rc ? rc : ds__op_default_punct(&o->base, ex);
}

static int win_advance(ds_op *op, ds_opctx *ex, int64_t time) {
    int rc = ds__wdriver_advance(&((win_op *)op)->d, ex, time);
    return rc ? rc : ds__op_default_advance(op, ex, time);
}

static int win_flush(ds_op *op, ds_opctx *ex) {
    int rc = ds__wdriver_flush(&((win_op *)op)->d, ex);
    return rc ? rc : ds__op_default_flush(op, ex);
}

static int win_open(ds_op *op, ds_opctx *ex) {
    win_op *o = (win_op *)op;
    o->errmsg = ex->eval.errmsg;
    o->errlen = sizeof ex->eval.errmsg;
    int rc = ds__aggop_prepare(op, &o->def, &o->ai, &o->out);
    if (rc)
        return rc;
    o->tau = ds_malloc(sizeof(int64_t) * DS_CHUNK_ROWS);
    o->pane = ds_malloc(sizeof(int64_t) * DS_CHUNK_ROWS);
    o->order = ds_malloc(sizeof(uint16_t) * DS_CHUNK_ROWS);
    if (o->d.P > 1)
        o->slide = ds__slide_new(&o->def, o->d.P + o->d.S);
    if (!o->tau || !o->pane || !o->order || (o->d.P > 1 && !o->slide))
        return DS_NOMEM;
    o->drop_tabs =
        o->slide && !o->d.w.emit_changes && !ds__slide_keeps_tabs(o->slide);
    return DS_OK;
}

static void win_close(ds_op *op) {
    win_op *o = (win_op *)op;
    while (o->panes) {
        ds_pane *p = o->panes;
        o->panes = p->next;
        pane_free(p);
    }
    while (o->pool) {
        ds_pane *p = o->pool;
        o->pool = p->next;
        pane_free(p);
    }
    while (o->nspare)
        ds__aggtab_free(o->spare[--o->nspare]);
    ds__slide_free(o->slide);
    ds_free(o->tau);
    ds_free(o->pane);
    ds_free(o->order);
    ds__aggop_release(op, &o->def, o->ai, o->out);
}

static void win_explain(const ds_op *op, ds_strbuf *sb) {
    const win_op *o = (const win_op *)op;
    ds__winspec_explain(&o->d.w, sb);
    ds__strbuf_printf(sb, " panes=%lld ", (long long)o->d.P);
    ds__aggdef_explain(&o->def, sb);
}

static void win_metrics(const ds_op *op, ds_op_metrics *m) {
    const win_op *o = (const win_op *)op;
    for (const ds_pane *p = o->panes; p; p = p->next) {
        m->state_rows += p->tab ? ds__aggtab_groups(p->tab) : p->ngroups;
        m->state_bytes +=
            (int64_t)sizeof *p +
            (p->tab ? (int64_t)ds__aggtab_bytes(p->tab) : 0) +
            (o->slide ? (int64_t)ds__slide_pane_bytes(o->slide, p) : 0);
        if (p->late)
            m->state_bytes += (int64_t)ds__aggtab_bytes(p->late);
    }
    if (o->slide) {
        m->state_rows += ds__slide_keys(o->slide);
        m->state_bytes += (int64_t)ds__slide_bytes(o->slide);
    }
}

static const ds_op_vtable win_vt = {
    "window_aggregate", win_open,  win_push,  ds__op_default_punct,
    win_advance,        win_flush, win_close, win_explain,
    win_metrics};

ds_op *ds__op_window_new(const ds_winspec *spec, ds_aggdef *def) {
    win_op *o = ds__aggop_alloc(sizeof *o, &win_vt, offsetof(win_op, def), def);
    if (!o)
        return NULL;
    ds__wdriver_init(&o->d, spec, o);
    o->d.x_first = first_pane;
    o->d.x_last = last_pane;
    o->d.x_drop_before = drop_panes_before;
    o->d.x_emit = emit_window;
    o->inserted_upto = INT64_MIN;
    return &o->base;
}
