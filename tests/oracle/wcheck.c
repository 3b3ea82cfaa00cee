/*
** wcheck.c - windowed queries and streams against the window model
** (wmodel.h). wq_build reads a query's window and parts (sqlparts.c), asks
** SQLite for the window's input rows batch by batch (FROM, UNNEST and
** WHERE over each batch's rows: each row's stream row, piece, event time
** and GROUP BY key), and runs the model. wcheck_query matches dstream's
** emissions with the model's, in their batches and order, and checks each
** one's rows against SQLite over exactly that window's rows (sqlite.c
** selects them). wmat_* fill the streams that come from windows: derived
** streams (whose rows SQLite computes per batch or per emission) and LATE
** INTO streams (the model's late rows).
*/
#include "wmodel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ the keys */

/* A GROUP BY key's values as a string: equal (as SQLite groups) values
   give equal strings. */
static void key_text(obuf *b, const ovalue *v) {
    switch (v->kind) {
    case OV_NULL:
        obuf_puts(b, "N|");
        break;
    case OV_INT:
        obuf_printf(b, "I%lld|", (long long)v->i);
        break;
    case OV_REAL:
        if (v->d == floor(v->d) && fabs(v->d) < 9.2e18)
            obuf_printf(b, "I%lld|", (long long)v->d);
        else
            obuf_printf(b, "R%.17g|", v->d);
        break;
    default:
        obuf_printf(b, "T%zu:", v->n);
        obuf_add(b, v->s, v->n);
        obuf_puts(b, "|");
    }
}

typedef struct keymap {
    int n, cap;
    char **v;  /* owned, by number */
    int *slot; /* open addressing over v: index + 1, 0 empty */
    int nslot;
} keymap;

static uint64_t hash_text(const char *s) {
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The number of key text t (new keys get the next one); takes t. */
static int key_number(keymap *m, char *t) {
    if (2 * (m->n + 1) > m->nslot) {
        int ns = m->nslot ? m->nslot * 2 : 64;
        int *slot = oalloc(sizeof(int) * (size_t)ns);
        for (int k = 0; k < m->n; k++) {
            uint64_t h = hash_text(m->v[k]) % (uint64_t)ns;
            while (slot[h])
                h = (h + 1) % (uint64_t)ns;
            slot[h] = k + 1;
        }
        free(m->slot);
        m->slot = slot;
        m->nslot = ns;
    }
    uint64_t h = hash_text(t) % (uint64_t)m->nslot;
    while (m->slot[h]) {
        if (strcmp(m->v[m->slot[h] - 1], t) == 0) {
            free(t);
            return m->slot[h] - 1;
        }
        h = (h + 1) % (uint64_t)m->nslot;
    }
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->v = orealloc(m->v, sizeof(char *) * (size_t)m->cap);
    }
    m->v[m->n] = t;
    m->slot[h] = m->n + 1;
    return m->n++;
}

static void keymap_fini(keymap *m) {
    for (int k = 0; k < m->n; k++)
        free(m->v[k]);
    free(m->v);
    free(m->slot);
}

/* ----------------------------------------------------------- building */

static int cmp_wrow(const void *a, const void *b) {
    const wrow *x = a, *y = b;
    if (x->batch != y->batch)
        return x->batch < y->batch ? -1 : 1;
    if (x->seq != y->seq)
        return x->seq < y->seq ? -1 : 1;
    return x->piece < y->piece ? -1 : x->piece > y->piece;
}

/* The SQLite query that lists the window's input rows of a batch: stream
   row, piece, event time, GROUP BY keys. */
static char *input_sql(const oparts *p, char *err, size_t errlen) {
    obuf b = {0};
    if (p->unnest)
        obuf_puts(&b, "SELECT oracle_rid, oracle_piece, ");
    else
        obuf_printf(&b, "SELECT \"%s\".rowid, 1, ", p->alias);
    obuf_printf(&b, "%s", p->w.on ? p->w.on : "NULL");
    for (int k = 0; k < p->nkeys; k++)
        obuf_printf(&b, ", %s", p->keys[k]);
    obuf_printf(&b, " FROM %s", p->from);
    if (p->where)
        obuf_printf(&b, " WHERE %s", p->where);
    char *text = obuf_take(&b);
    char *sql = orw_sqlite_mode(text, ORW_IDS, err, errlen);
    free(text);
    return sql;
}

int wq_build(wq *w, const ocase *c, osql *db, const char *sql,
             const char *override, char *err, size_t errlen) {
    memset(w, 0, sizeof *w);
    if (orw_parts(sql, c, &w->parts, err, errlen))
        return 1;
    const oparts *p = &w->parts;
    if (p->w.kind == OW_NONE) {
        snprintf(err, errlen, "no window clause");
        return 1;
    }
    if ((w->stream = ocase_stream(c, p->stream)) < 0) {
        snprintf(err, errlen, "no stream %s", p->stream);
        return 1;
    }
    char *in = input_sql(p, err, errlen);
    if (!in)
        return 1;
    wmodel *m = &w->m;
    m->w = p->w;
    m->interval = c->interval_us;
    m->idle = p->w.on ? c->idle_us : 0;
    m->last_batch = c->nbatches + 1;
    keymap keys = {0};
    int cap = 0, rc = 0;
    for (int64_t b = 1; b <= m->last_batch && !rc; b++) {
        orows r;
        osql_times(db, b * c->interval_us, 0, 0);
        rc = osql_select_batch(db, w->stream, b, err, errlen) ||
             osql_query(db, in, &r, err, errlen);
        for (int i = 0; !rc && i < r.nrows; i++) {
            const ovalue *v = OROW(&r, i);
            if (m->nrows == cap) {
                cap = cap ? cap * 2 : 64;
                m->rows = orealloc(m->rows, sizeof(wrow) * (size_t)cap);
            }
            wrow *x = &m->rows[m->nrows++];
            x->seq = v[0].i;
            x->piece = v[1].i;
            x->batch = b;
            x->has_tau = p->w.on ? v[2].kind != OV_NULL : 1;
            x->tau = !p->w.on               ? b * c->interval_us - 1
                     : v[2].kind == OV_INT  ? v[2].i
                     : v[2].kind == OV_REAL ? (int64_t)v[2].d
                                            : 0;
            obuf kt = {0};
            for (int k = 0; k < p->nkeys; k++)
                key_text(&kt, &v[3 + k]);
            x->key = key_number(&keys, obuf_take(&kt));
        }
        orows_fini(&r);
    }
    keymap_fini(&keys);
    free(in);
    if (rc)
        return 1;
    if (m->nrows)
        osort(m->rows, (size_t)m->nrows, sizeof(wrow), cmp_wrow);
    wmodel_run(m);
    w->sqlite = override ? ostrdup(override)
                         : orw_sqlite_mode(p->nowhere, ORW_PICK, err, errlen);
    return w->sqlite ? 0 : 1;
}

void wq_fini(wq *w) {
    wmodel_fini(&w->m);
    oparts_fini(&w->parts);
    free(w->sqlite);
    free(w->seqs);
    free(w->pairs);
    memset(w, 0, sizeof *w);
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int cmp_pair(const void *a, const void *b) {
    const int64_t *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* Selects the rows rows[0..n) (indices into the model's rows). */
static int select_rows(wq *w, osql *db, const int *rows, int n, char *err,
                       size_t errlen) {
    if (n + 1 > w->cap) {
        w->cap = n + 64;
        w->seqs = orealloc(w->seqs, sizeof(int64_t) * (size_t)w->cap);
        w->pairs = orealloc(w->pairs, 2 * sizeof(int64_t) * (size_t)w->cap);
    }
    for (int k = 0; k < n; k++) {
        const wrow *r = &w->m.rows[rows[k]];
        w->seqs[k] = r->seq;
        w->pairs[2 * k] = r->seq;
        w->pairs[2 * k + 1] = r->piece;
    }
    osort(w->seqs, (size_t)n, sizeof(int64_t), cmp_i64);
    int ns = 0;
    for (int k = 0; k < n; k++)
        if (!ns || w->seqs[ns - 1] != w->seqs[k])
            w->seqs[ns++] = w->seqs[k];
    osort(w->pairs, (size_t)n, 2 * sizeof(int64_t), cmp_pair);
    return osql_select(db, w->stream, w->seqs, ns, w->pairs,
                       w->parts.unnest ? n : -1, err, errlen);
}

int wq_select(wq *w, osql *db, const wunit *u, char *err, size_t errlen) {
    return select_rows(w, db, w->m.pool + u->off, u->n, err, errlen);
}

int wq_select_late(wq *w, osql *db, int64_t b, char *err, size_t errlen) {
    int *rows = oalloc(sizeof(int) * (size_t)(w->m.nlate + 1)), n = 0;
    for (int k = 0; k < w->m.nlate; k++)
        if (w->m.rows[w->m.late[k]].batch == b)
            rows[n++] = w->m.late[k];
    int rc = select_rows(w, db, rows, n, err, errlen);
    free(rows);
    return rc ? -1 : n;
}

/* ------------------------------------------------- streams from windows */

int wmat_late(const ocase *c, osql *db, wq *w, char *err, size_t errlen) {
    int k = ocase_stream(c, w->parts.w.late_into);
    if (k < 0 || !c->streams[k].late)
        return 0; /* dstream made none: the query's check says why */
    obuf b = {0};
    obuf_printf(&b, "SELECT * FROM %s", w->parts.from);
    char *text = obuf_take(&b);
    char *sql = orw_sqlite_mode(text, ORW_PICK, err, errlen);
    free(text);
    int rc = sql ? 0 : 1;
    for (int64_t bt = 1; !rc && bt <= w->m.last_batch; bt++) {
        int n = wq_select_late(w, db, bt, err, errlen);
        osql_times(db, bt * c->interval_us, 0, 0);
        rc = n < 0 || (n > 0 && osql_append_sql(db, k, bt, sql, err, errlen));
    }
    free(sql);
    return rc;
}

/* A windowed derived stream: each emission's rows, in order. */
static int derive_windowed(const ocase *c, osql *db, int k, char *err,
                           size_t errlen) {
    const ostream *st = &c->streams[k];
    wq w;
    int rc = wq_build(&w, c, db, st->sql, st->sqlite_sql, err, errlen);
    for (int i = 0; !rc && i < w.m.nemits; i++) {
        const wemit *e = &w.m.emits[i];
        osql_times(db, e->batch * c->interval_us, e->start, e->end);
        for (int u = 0; !rc && u < e->nunits; u++)
            rc = wq_select(&w, db, &w.m.units[e->unit + u], err, errlen) ||
                 osql_append_sql(db, k, e->batch, w.sqlite, err, errlen);
    }
    if (!rc && w.parts.w.late_into)
        rc = wmat_late(c, db, &w, err, errlen);
    wq_fini(&w);
    return rc;
}

int wmat_derived(const ocase *c, osql *db, char *err, size_t errlen) {
    for (int k = 0; k < c->nstreams; k++) {
        const ostream *st = &c->streams[k];
        if (!st->derived)
            continue;
        if (orw_has_window(st->sql)) {
            if (derive_windowed(c, db, k, err, errlen))
                return 1;
            continue;
        }
        oparts p;
        if (orw_parts(st->sql, c, &p, err, errlen))
            return 1;
        int in = ocase_stream(c, p.stream);
        oparts_fini(&p);
        char *sql = st->sqlite_sql ? ostrdup(st->sqlite_sql)
                                   : orw_sqlite(st->sql, err, errlen);
        int rc = !sql || in < 0;
        if (in < 0)
            snprintf(err, errlen, "derived stream %s: no input stream",
                     st->name);
        for (int64_t b = 1; !rc && b <= c->nbatches + 1; b++) {
            osql_times(db, b * c->interval_us, 0, 0);
            rc = osql_select_batch(db, in, b, err, errlen) ||
                 osql_append_sql(db, k, b, sql, err, errlen);
        }
        free(sql);
        if (rc)
            return 1;
    }
    return 0;
}

/* ------------------------------------------------------------ checking */

static const char *phase_name(const wemit *e) {
    if (!e->has_window)
        return e->phase == WP_FLUSH ? "end of input firings"
                                    : "the batch's firings";
    int phase = e->phase;
    return phase == WP_CLOSE     ? "closed by the watermark"
           : phase == WP_PARTIAL ? "partial (EMIT CHANGES)"
                                 : "flushed at end of input";
}

static void bounds(obuf *b, int has_window, int64_t start, int64_t end) {
    if (!has_window) {
        obuf_puts(b, "(no window)");
        return;
    }
    char s[40], e[40];
    obuf_printf(b, "[%s, %s)", ds_format_timestamp(start, s),
                ds_format_timestamp(end, e));
}

/* What the model and dstream emitted in batch bt, for a report. */
static void schedule(obuf *b, const ocase *c, const qstate *s, int64_t bt) {
    const wmodel *m = &s->win->m;
    obuf_puts(b, "\n  window:  ");
    wmodel_describe(&m->w, b);
    if (bt >= 0 && bt <= m->last_batch && m->w.on) {
        char t[40];
        obuf_printf(b, "; watermark after batch %lld: %s", (long long)bt,
                    m->wm[bt] == INT64_MIN ? "none"
                                           : ds_format_timestamp(m->wm[bt], t));
    }
    obuf_printf(b, "\n  expected in batch %lld:", (long long)bt);
    for (int i = 0; i < m->nemits; i++) {
        const wemit *e = &m->emits[i];
        if (e->batch != bt)
            continue;
        obuf_puts(b, "\n    ");
        bounds(b, e->has_window, e->start, e->end);
        obuf_printf(b, " %s", phase_name(e));
    }
    obuf_printf(b, "\n  dstream in batch %lld:", (long long)bt);
    for (int i = 0; i < s->run.nemits; i++) {
        const oemit *g = &s->run.emits[i];
        if (g->batch != bt)
            continue;
        obuf_puts(b, "\n    ");
        bounds(b, g->has_window, g->window_start, g->window_end);
        obuf_printf(b, " %d rows", g->rows.nrows);
    }
    (void)c;
}

static void fail_set(const oopts *o, const ocase *c, qstate *s,
                     const char *what, int64_t bt) {
    obuf b = {0};
    obuf_puts(&b, what);
    if (!o->quiet && !s->reported)
        schedule(&b, c, s, bt);
    char *t = obuf_take(&b);
    orun_fail(o, c, s, t, OF_WINDOWS);
    free(t);
}

/* The rows of the window (selected in db now), for a report. */
static char *context(const ocase *c, const wq *w, osql *db, const wemit *e) {
    obuf b = {0};
    obuf_puts(&b, "  window:  ");
    bounds(&b, e->has_window, e->start, e->end);
    obuf_printf(&b, " %s, ", phase_name(e));
    wmodel_describe(&w->m.w, &b);
    obuf_puts(&b, "\n");
    char sql[300], err[512];
    snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"",
             c->streams[w->stream].name);
    orows r;
    if (!osql_query(db, sql, &r, err, sizeof err)) {
        char *txt = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&txt, &len);
        if (f) {
            ocmp_print_rows(f, &r, NULL, "    ", 40);
            fclose(f);
        }
        obuf_printf(&b, "  rows:    %d rows of %s in the window%s\n", r.nrows,
                    c->streams[w->stream].name,
                    w->parts.unnest ? " (before UNNEST)" : "");
        obuf_puts(&b, txt ? txt : "");
        free(txt);
    }
    orows_fini(&r);
    return obuf_take(&b);
}

/* Selects every row of e (all its units), for a report. */
static int select_all(wq *w, osql *db, const wemit *e, char *err,
                      size_t errlen) {
    int n = 0;
    for (int u = 0; u < e->nunits; u++)
        n += w->m.units[e->unit + u].n;
    int *rows = oalloc(sizeof(int) * (size_t)(n + 1));
    n = 0;
    for (int u = 0; u < e->nunits; u++) {
        const wunit *x = &w->m.units[e->unit + u];
        memcpy(rows + n, w->m.pool + x->off, sizeof(int) * (size_t)x->n);
        n += x->n;
    }
    int rc = select_rows(w, db, rows, n, err, errlen);
    free(rows);
    return rc;
}

/* The rows of an emission made of several windows (COUNT): SQLite's
   result over each, together, then ordered as the query orders. */
static int several(qstate *s, osql *db, const wemit *e, orows *want, char *err,
                   size_t errlen) {
    wq *w = s->win;
    orows_init(want, s->run.ncols);
    for (int u = 0; u < e->nunits; u++) {
        orows r;
        if (wq_select(w, db, &w->m.units[e->unit + u], err, errlen) ||
            osql_query(db, s->sqlite, &r, err, errlen))
            return 1;
        want->ncols = r.ncols;
        for (int i = 0; i < r.nrows; i++) {
            ovalue *to = orows_add(want);
            for (int k = 0; k < r.ncols; k++) {
                to[k] = OROW(&r, i)[k];
                OROW(&r, i)[k].s = NULL;
            }
        }
        orows_fini(&r);
    }
    if (!s->order.has_order && !s->order.has_limit)
        return 0;
    if (s->nkeys < 0) {
        snprintf(err, errlen,
                 "several windows in one emission: ORDER BY "
                 "must name output columns");
        return 1;
    }
    orows sorted;
    if (osql_sort(db, want, s->keys, s->order.dirs, s->nkeys, &sorted, err,
                  errlen))
        return 1;
    orows_fini(want);
    *want = sorted;
    return 0;
}

static void check_one(const oopts *o, const ocase *c, qstate *s, osql *db,
                      const wemit *e, const oemit *g, ostats *st) {
    char err[2048], why[1024];
    wq *w = s->win;
    s->emissions++;
    st->emissions++;
    st->windows++;
    st->rows += g->rows.nrows;
    if (g->batch_time != g->batch * c->interval_us) {
        snprintf(why, sizeof why, "batch_time %lld, expected %lld",
                 (long long)g->batch_time,
                 (long long)(g->batch * c->interval_us));
        orun_report(o, c, s, OF_MISMATCH, g, NULL, why, NULL);
        return;
    }
    osql_times(db, g->batch * c->interval_us, e->start, e->end);
    if (e->nunits == 1) {
        if (wq_select(w, db, &w->m.units[e->unit], err, sizeof err)) {
            orun_report(o, c, s, OF_CASE, g, NULL, err, NULL);
            return;
        }
        char *ctx = o->quiet ? NULL : context(c, w, db, e);
        orun_compare(o, c, s, db, g, ctx);
        free(ctx);
        return;
    }
    orows want;
    int rc = several(s, db, e, &want, err, sizeof err);
    if (rc ||
        ocmp_check(&g->rows, s->run.types, &want, s->order.has_order, s->nkeys,
                   s->keys, s->offset, s->limit, why, sizeof why)) {
        char *ctx = NULL;
        if (!o->quiet && !select_all(w, db, e, err, sizeof err))
            ctx = context(c, w, db, e);
        orun_report(o, c, s, rc ? OF_CASE : OF_MISMATCH, g, rc ? NULL : &want,
                    rc ? err : why, ctx);
        free(ctx);
    }
    orows_fini(&want);
}

/* The model's schedule in the expect-windows format. */
static void model_schedule(obuf *b, const wmodel *m) {
    int64_t bt = -1;
    for (int i = 0; i < m->nemits; i++) {
        const wemit *e = &m->emits[i];
        if (e->batch != bt)
            obuf_printf(b, "\n    batch %lld:", (long long)(bt = e->batch));
        if (!e->has_window) {
            obuf_puts(b, " -");
            continue;
        }
        obuf_puts(b, " [");
        obuf_duration(b, e->start);
        obuf_puts(b, ", ");
        obuf_duration(b, e->end);
        obuf_puts(b, ")");
    }
    obuf_printf(b, "\n    late %d", m->nlate);
}

/* A case's expect-windows against the model (a check of the model, not
   of dstream: a difference is the case's or the model's fault). */
static int check_expect(const oopts *o, const ocase *c, qstate *s) {
    const oquery *q = s->q;
    const wmodel *m = &s->win->m;
    int same = q->nexpect == m->nemits &&
               (q->expect_late < 0 || q->expect_late == m->nlate);
    for (int i = 0; same && i < m->nemits; i++) {
        const oexpect *x = &q->expect[i];
        const wemit *e = &m->emits[i];
        same = x->batch == e->batch && x->has_window == e->has_window &&
               (!x->has_window || (x->start == e->start && x->end == e->end));
    }
    if (same)
        return 0;
    obuf b = {0};
    obuf_printf(&b,
                "the model's schedule is not expect-windows (line %d); "
                "the model gives:",
                q->expect_line);
    model_schedule(&b, m);
    char *t = obuf_take(&b);
    orun_fail(o, c, s, t, OF_CASE);
    free(t);
    return 1;
}

void wcheck_query(const oopts *o, const ocase *c, qstate *s, osql *db,
                  ostats *st) {
    wmodel *m = &s->win->m;
    const oqrun *r = &s->run;
    char why[512];
    if (s->q->expect_line && check_expect(o, c, s))
        return;
    int64_t stop = r->runtime ? r->end_batch : INT64_MAX;
    st->late += m->nlate;
    for (int i = 0; i < m->nemits; i++)
        m->emits[i].got = -1;
    int e0 = 0, last_phase = -1;
    int64_t batch = 0, last_end = INT64_MIN;
    for (int gi = 0; gi < r->nemits; gi++) {
        const oemit *g = &r->emits[gi];
        if (g->batch >= stop)
            continue; /* the batch that failed */
        if (g->batch < batch) {
            snprintf(why, sizeof why,
                     "an emission for batch %lld after "
                     "one for batch %lld",
                     (long long)g->batch, (long long)batch);
            fail_set(o, c, s, why, g->batch);
            continue;
        }
        if (g->batch != batch) {
            batch = g->batch;
            last_phase = -1;
            last_end = INT64_MIN;
            while (e0 < m->nemits && m->emits[e0].batch < batch)
                e0++;
        }
        int ei = e0;
        for (; ei < m->nemits && m->emits[ei].batch == batch; ei++) {
            const wemit *e = &m->emits[ei];
            if (e->got < 0 && e->has_window == g->has_window &&
                (!e->has_window ||
                 (e->start == g->window_start && e->end == g->window_end)))
                break;
        }
        if (ei >= m->nemits || m->emits[ei].batch != batch) {
            obuf b = {0};
            obuf_printf(&b,
                        "batch %lld: an emission the contract does not "
                        "expect: ",
                        (long long)batch);
            bounds(&b, g->has_window, g->window_start, g->window_end);
            obuf_printf(&b, ", %d rows", g->rows.nrows);
            char *t = obuf_take(&b);
            fail_set(o, c, s, t, batch);
            free(t);
            continue;
        }
        wemit *e = &m->emits[ei];
        e->got = gi;
        if (e->phase < last_phase ||
            (e->phase == last_phase && e->phase != WP_PARTIAL &&
             e->end < last_end)) {
            obuf b = {0};
            obuf_printf(&b, "batch %lld: window ", (long long)batch);
            bounds(&b, e->has_window, e->start, e->end);
            obuf_printf(&b, " (%s) is out of order", phase_name(e));
            char *t = obuf_take(&b);
            fail_set(o, c, s, t, batch);
            free(t);
        }
        last_phase = e->phase;
        last_end = e->end;
    }
    for (int i = 0; i < m->nemits; i++) {
        const wemit *e = &m->emits[i];
        if (e->got >= 0 || e->batch >= stop)
            continue;
        obuf b = {0};
        obuf_printf(&b, "batch %lld: no emission for window ",
                    (long long)e->batch);
        bounds(&b, e->has_window, e->start, e->end);
        obuf_printf(&b, " (%s)", phase_name(e));
        char *t = obuf_take(&b);
        fail_set(o, c, s, t, e->batch);
        free(t);
    }
    if (!r->runtime && r->late_rows >= 0 && r->late_rows != m->nlate) {
        snprintf(why, sizeof why,
                 "late_rows is %lld (SHOW METRICS); the contract makes %d "
                 "rows late",
                 (long long)r->late_rows, m->nlate);
        orun_fail(o, c, s, why, OF_WINDOWS);
    }
    for (int i = 0; i < m->nemits && s->failed <= 3; i++)
        if (m->emits[i].got >= 0)
            check_one(o, c, s, db, &m->emits[i], &r->emits[m->emits[i].got],
                      st);
}
