/*
** wmodel.c - the window model (wmodel.h): docs/windows.md turned into
** arithmetic over a window's input rows, written from the contract and
** never from dstream's code. Time: a row of batch k has tau = k * interval
** - 1 us in processing time (the virtual clock's origin is 0), else its
** event time. The watermark after batch k is k * interval in processing
** time; in event time the largest tau so far minus the delay, moving on
** with processing time after idle_timeout without rows. Per kind:
**
**   TUMBLING, SLIDING: window j is [j*slide - size, j*slide). A row joins
**     every window holding its tau that had not closed before its batch
**     (end > the watermark after the previous batch); a row that joins
**     none is late. A window is emitted in the first batch whose
**     watermark reaches its end: in processing time always, in event time
**     only if it holds rows. EMIT CHANGES: every open window holding rows,
**     every batch.
**   SESSION: per key, rows in arrival order join every open session they
**     are within the gap of (merging them), or start one, or are late when
**     tau + gap <= the previous watermark. Sessions closing together with
**     the same bounds share an emission.
**   COUNT: per key, every m-th row fires the last n rows; a batch's
**     firings are one emission; at end of input a key with rows since its
**     last firing fires them and the whole slides before them that fit.
**   UNBOUNDED: every batch, everything so far ([0, batch end)); with EMIT
**     CHANGES only the keys that got rows in the batch.
**
** At end of input (the last batch) every window still holding rows is
** emitted, in order of end.
*/
#include "wmodel.h"

#include <stdlib.h>
#include <string.h>

static int64_t floordiv(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* ----------------------------------------------------------- building */

static int pool_add(wmodel *m, int row) {
    if (m->npool == m->pcap) {
        m->pcap = m->pcap ? m->pcap * 2 : 256;
        m->pool = orealloc(m->pool, sizeof(int) * (size_t)m->pcap);
    }
    m->pool[m->npool] = row;
    return m->npool++;
}

static int unit_add(wmodel *m, int off, int n) {
    if (m->nunits == m->ucap) {
        m->ucap = m->ucap ? m->ucap * 2 : 64;
        m->units = orealloc(m->units, sizeof(wunit) * (size_t)m->ucap);
    }
    m->units[m->nunits] = (wunit){off, n};
    return m->nunits++;
}

/* A unit of a copy of rows[0..n). */
static int unit_copy(wmodel *m, const int *rows, int n) {
    int off = m->npool;
    for (int k = 0; k < n; k++)
        pool_add(m, rows[k]);
    return unit_add(m, off, n);
}

static wemit *emit_add(wmodel *m, int64_t batch, int phase, int has_window,
                       int64_t start, int64_t end) {
    if (m->nemits == m->ecap) {
        m->ecap = m->ecap ? m->ecap * 2 : 32;
        m->emits = orealloc(m->emits, sizeof(wemit) * (size_t)m->ecap);
    }
    wemit *e = &m->emits[m->nemits++];
    *e = (wemit){batch, phase, has_window, start, end, m->nunits, 0, -1};
    return e;
}

static void late_add(wmodel *m, int row) {
    if (m->nlate == m->lcap) {
        m->lcap = m->lcap ? m->lcap * 2 : 32;
        m->late = orealloc(m->late, sizeof(int) * (size_t)m->lcap);
    }
    m->late[m->nlate++] = row;
}

/* ---------------------------------------------------------- watermark */

static void watermarks(wmodel *m) {
    int64_t B = m->last_batch, I = m->interval;
    m->wm = oalloc(sizeof(int64_t) * (size_t)(B + 1));
    if (!m->w.on) {
        for (int64_t k = 0; k <= B; k++)
            m->wm[k] = k * I;
        return;
    }
    int64_t W = INT64_MIN, maxtau = INT64_MIN, rows_at = INT64_MIN;
    int64_t w_rows = INT64_MIN;
    int i = 0;
    m->wm[0] = INT64_MIN;
    for (int64_t k = 1; k <= B; k++) {
        int64_t t = k * I;
        /* any row is input, for idle_timeout: a late one, one with a
           NULL time too ("no row", docs/windows.md) */
        int any = 0;
        for (; i < m->nrows && m->rows[i].batch <= k; i++) {
            any = 1;
            if (m->rows[i].has_tau && m->rows[i].tau > maxtau)
                maxtau = m->rows[i].tau;
        }
        if (any) {
            if (maxtau != INT64_MIN && maxtau - m->w.delay > W)
                W = maxtau - m->w.delay;
            rows_at = t;
            w_rows = W;
        } else if (m->idle > 0 && rows_at != INT64_MIN && w_rows != INT64_MIN) {
            /* idle: the watermark moves on with processing time */
            int64_t idle = t - rows_at - m->idle;
            if (idle > 0 && w_rows + idle > W)
                W = w_rows + idle;
        }
        m->wm[k] = W;
    }
}

/* The first batch whose watermark reaches end, or 0. */
static int64_t close_batch(const wmodel *m, int64_t end) {
    for (int64_t k = 1; k <= m->last_batch; k++)
        if (m->wm[k] != INT64_MIN && end <= m->wm[k])
            return k;
    return 0;
}

/* ------------------------------------------------- tumbling, sliding */

typedef struct jrow {
    int64_t j;
    int row;
} jrow;

static int cmp_jrow(const void *a, const void *b) {
    const jrow *x = a, *y = b;
    if (x->j != y->j)
        return x->j < y->j ? -1 : 1;
    return x->row - y->row;
}

/* Emits window j, whose members (ascending, so by batch) are rows[0..n). */
static void time_window(wmodel *m, int64_t j, const int *rows, int n) {
    int64_t end = j * m->w.slide, start = end - m->w.size;
    int64_t kc = close_batch(m, end);
    if (n == 0 && (m->w.on || !kc))
        return;
    m->windows++;
    int u = unit_copy(m, rows, n), off = m->units[u].off;
    if (kc) {
        wemit *e = emit_add(m, kc, WP_CLOSE, 1, start, end);
        e->unit = u;
        e->nunits = 1;
    } else {
        wemit *e = emit_add(m, m->last_batch, WP_FLUSH, 1, start, end);
        e->unit = u;
        e->nunits = 1;
    }
    if (!m->w.emit_changes || n == 0)
        return;
    int64_t stop = kc ? kc - 1 : m->last_batch;
    for (int64_t k = m->rows[rows[0]].batch; k <= stop; k++) {
        int cnt = 0;
        while (cnt < n && m->rows[rows[cnt]].batch <= k)
            cnt++;
        wemit *e = emit_add(m, k, WP_PARTIAL, 1, start, end);
        e->unit = unit_add(m, off, cnt);
        e->nunits = 1;
    }
}

static void time_windows(wmodel *m) {
    int64_t S = m->w.size, L = m->w.slide;
    int n = 0, cap = 64;
    jrow *pairs = oalloc(sizeof(jrow) * (size_t)cap);
    for (int i = 0; i < m->nrows; i++) {
        const wrow *r = &m->rows[i];
        if (!r->has_tau) {
            late_add(m, i);
            continue;
        }
        int64_t prev = m->wm[r->batch - 1];
        int64_t lo = floordiv(r->tau, L) + 1, hi = floordiv(r->tau + S, L);
        int any = 0;
        for (int64_t j = lo; j <= hi; j++) {
            if (prev != INT64_MIN && j * L <= prev)
                continue; /* closed before the row's batch */
            if (n == cap) {
                cap *= 2;
                pairs = orealloc(pairs, sizeof(jrow) * (size_t)cap);
            }
            pairs[n++] = (jrow){j, i};
            any = 1;
        }
        if (!any)
            late_add(m, i);
    }
    osort(pairs, (size_t)n, sizeof(jrow), cmp_jrow);
    int *rows = oalloc(sizeof(int) * (size_t)(n + 1));
    /* processing time: every window up to the last batch's end, with or
       without rows, and those with rows after it; event time: the
       windows with rows */
    int p = 0;
    if (m->w.on) {
        while (p < n) {
            int64_t j = pairs[p].j;
            int cnt = 0;
            while (p < n && pairs[p].j == j)
                rows[cnt++] = pairs[p++].row;
            time_window(m, j, rows, cnt);
        }
    } else {
        int64_t hi = floordiv(m->last_batch * m->interval, L);
        if (n && pairs[n - 1].j > hi)
            hi = pairs[n - 1].j;
        for (int64_t j = 1; j <= hi; j++) {
            int cnt = 0;
            while (p < n && pairs[p].j == j)
                rows[cnt++] = pairs[p++].row;
            time_window(m, j, rows, cnt);
        }
    }
    free(rows);
    free(pairs);
}

/* ----------------------------------------------------------- sessions */

typedef struct wsess {
    int key;
    int64_t start, last;
    int n, cap;
    int *rows; /* owned */
} wsess;

typedef struct sesslist {
    int n, cap;
    wsess *v;
} sesslist;

static int cmp_sess(const void *a, const void *b) {
    const wsess *x = a, *y = b; /* one gap: by last is by end */
    if (x->last != y->last)
        return x->last < y->last ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->key - y->key;
}

static void sess_add_row(wsess *s, int row) {
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 8;
        s->rows = orealloc(s->rows, sizeof(int) * (size_t)s->cap);
    }
    s->rows[s->n++] = row;
}

/* Emits the sessions v[0..n) (sorted), one emission per distinct bounds. */
static void emit_sessions(wmodel *m, int64_t batch, int phase, wsess *v,
                          int n) {
    osort(v, (size_t)n, sizeof(wsess), cmp_sess);
    for (int i = 0; i < n;) {
        int j = i;
        int off = m->npool, cnt = 0;
        while (j < n && v[j].start == v[i].start && v[j].last == v[i].last) {
            for (int k = 0; k < v[j].n; k++)
                pool_add(m, v[j].rows[k]);
            cnt += v[j].n;
            j++;
        }
        wemit *e =
            emit_add(m, batch, phase, 1, v[i].start, v[i].last + m->w.size);
        e->unit = unit_add(m, off, cnt);
        e->nunits = 1;
        if (phase != WP_PARTIAL)
            m->windows += j - i;
        i = j;
    }
}

static void sessions(wmodel *m) {
    int64_t gap = m->w.size;
    sesslist open = {0, 0, NULL};
    wsess *tmp = NULL;
    int tcap = 0, i = 0;
    for (int64_t k = 1; k <= m->last_batch; k++) {
        int64_t prev = m->wm[k - 1];
        for (; i < m->nrows && m->rows[i].batch == k; i++) {
            const wrow *r = &m->rows[i];
            if (!r->has_tau) {
                late_add(m, i);
                continue;
            }
            int first = -1;
            for (int s = 0; s < open.n; s++) {
                wsess *x = &open.v[s];
                if (x->key != r->key || !(x->start - gap < r->tau) ||
                    !(r->tau < x->last + gap))
                    continue;
                if (first < 0) {
                    first = s;
                    continue;
                }
                /* the row bridges two sessions: one session */
                wsess *f = &open.v[first];
                for (int q = 0; q < x->n; q++)
                    sess_add_row(f, x->rows[q]);
                if (x->start < f->start)
                    f->start = x->start;
                if (x->last > f->last)
                    f->last = x->last;
                free(x->rows);
                open.v[s] = open.v[--open.n];
                if (first == open.n)
                    first = s;
                s--;
            }
            if (first < 0) {
                if (m->w.on && prev != INT64_MIN && r->tau + gap <= prev) {
                    late_add(m, i);
                    continue;
                }
                if (open.n == open.cap) {
                    open.cap = open.cap ? open.cap * 2 : 16;
                    open.v = orealloc(open.v, sizeof(wsess) * (size_t)open.cap);
                }
                first = open.n++;
                open.v[first] = (wsess){r->key, r->tau, r->tau, 0, 0, NULL};
            }
            wsess *f = &open.v[first];
            sess_add_row(f, i);
            if (r->tau < f->start)
                f->start = r->tau;
            if (r->tau > f->last)
                f->last = r->tau;
        }
        if (tcap < open.n + 1) {
            tcap = open.n + 16;
            tmp = orealloc(tmp, sizeof(wsess) * (size_t)tcap);
        }
        /* the sessions the watermark closes */
        int64_t W = m->wm[k];
        int nc = 0;
        for (int s = 0; s < open.n; s++)
            if (W != INT64_MIN && open.v[s].last + gap <= W) {
                tmp[nc++] = open.v[s];
                open.v[s--] = open.v[--open.n];
            }
        emit_sessions(m, k, WP_CLOSE, tmp, nc);
        for (int s = 0; s < nc; s++)
            free(tmp[s].rows);
        if (m->w.emit_changes && open.n) {
            memcpy(tmp, open.v, sizeof(wsess) * (size_t)open.n);
            emit_sessions(m, k, WP_PARTIAL, tmp, open.n);
        }
        if (k == m->last_batch) {
            emit_sessions(m, k, WP_FLUSH, open.v, open.n);
            for (int s = 0; s < open.n; s++)
                free(open.v[s].rows);
            open.n = 0;
        }
    }
    free(open.v);
    free(tmp);
}

/* -------------------------------------------------------------- COUNT */

static void count_windows(wmodel *m) {
    int64_t n = m->w.size, sl = m->w.slide;
    int nkeys = 0;
    for (int i = 0; i < m->nrows; i++)
        if (m->rows[i].key >= nkeys)
            nkeys = m->rows[i].key + 1;
    int **rows = oalloc(sizeof(int *) * (size_t)(nkeys + 1));
    int *cnt = oalloc(sizeof(int) * (size_t)(nkeys + 1));
    int *cap = oalloc(sizeof(int) * (size_t)(nkeys + 1));
    int i = 0;
    for (int64_t k = 1; k <= m->last_batch; k++) {
        wemit *e = emit_add(m, k, WP_CLOSE, 0, 0, 0);
        for (; i < m->nrows && m->rows[i].batch == k; i++) {
            int g = m->rows[i].key;
            if (cnt[g] == cap[g]) {
                cap[g] = cap[g] ? cap[g] * 2 : 16;
                rows[g] = orealloc(rows[g], sizeof(int) * (size_t)cap[g]);
            }
            rows[g][cnt[g]++] = i;
            if (cnt[g] % sl == 0) {
                int w = cnt[g] < n ? cnt[g] : (int)n;
                unit_copy(m, rows[g] + cnt[g] - w, w);
                e->nunits++;
                m->windows++;
            }
        }
        if (k < m->last_batch)
            continue;
        /* end of input: the rows since the last firing, and the whole
           slides before them that fit in SIZE */
        for (int g = 0; g < nkeys; g++) {
            int64_t r = cnt[g] % sl;
            if (!r)
                continue;
            int64_t w = r + (n - r) / sl * sl;
            if (w > cnt[g])
                w = cnt[g];
            unit_copy(m, rows[g] + cnt[g] - w, (int)w);
            e->nunits++;
            m->windows++;
        }
    }
    for (int g = 0; g < nkeys; g++)
        free(rows[g]);
    free(rows);
    free(cnt);
    free(cap);
}

/* ---------------------------------------------------------- UNBOUNDED */

static void unbounded(wmodel *m) {
    int off = m->npool;
    for (int i = 0; i < m->nrows; i++)
        pool_add(m, i);
    int nkeys = 1;
    for (int i = 0; i < m->nrows; i++)
        if (m->rows[i].key >= nkeys)
            nkeys = m->rows[i].key + 1;
    char *touched = oalloc((size_t)nkeys);
    int *sel = oalloc(sizeof(int) * (size_t)(m->nrows + 1));
    int cnt = 0;
    for (int64_t k = 1; k <= m->last_batch; k++) {
        int from = cnt;
        while (cnt < m->nrows && m->rows[cnt].batch <= k)
            cnt++;
        wemit *e = emit_add(m, k, WP_CLOSE, 1, 0, k * m->interval);
        m->windows++;
        if (!m->w.emit_changes) {
            e->unit = unit_add(m, off, cnt);
            e->nunits = 1;
            continue;
        }
        memset(touched, 0, (size_t)nkeys);
        for (int i = from; i < cnt; i++)
            touched[m->rows[i].key] = 1;
        if (from == cnt)
            continue; /* no key got rows: an empty emission */
        int ns = 0;
        for (int i = 0; i < cnt; i++)
            if (touched[m->rows[i].key])
                sel[ns++] = i;
        e->unit = unit_copy(m, sel, ns);
        e->nunits = 1;
    }
    free(touched);
    free(sel);
}

/* ---------------------------------------------------------------- run */

static int cmp_emit(const void *a, const void *b) {
    const wemit *x = a, *y = b;
    if (x->batch != y->batch)
        return x->batch < y->batch ? -1 : 1;
    if (x->phase != y->phase)
        return x->phase - y->phase;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->unit - y->unit;
}

void wmodel_run(wmodel *m) {
    watermarks(m);
    switch (m->w.kind) {
    case OW_TUMBLING:
    case OW_SLIDING:
        time_windows(m);
        break;
    case OW_SESSION:
        sessions(m);
        break;
    case OW_COUNT:
        count_windows(m);
        break;
    case OW_UNBOUNDED:
        unbounded(m);
        break;
    }
    if (m->nemits)
        osort(m->emits, (size_t)m->nemits, sizeof(wemit), cmp_emit);
}

void wmodel_fini(wmodel *m) {
    free(m->rows);
    free(m->wm);
    free(m->emits);
    free(m->units);
    free(m->pool);
    free(m->late);
    memset(m, 0, sizeof *m);
}

void wmodel_describe(const owin *w, obuf *b) {
    static const char *names[] = {"",        "TUMBLING", "SLIDING",
                                  "SESSION", "COUNT",    "UNBOUNDED"};
    obuf_puts(b, names[w->kind]);
    if (w->kind == OW_COUNT) {
        obuf_printf(b, " %lld/%lld rows", (long long)w->size,
                    (long long)w->slide);
    } else if (w->kind != OW_UNBOUNDED) {
        obuf_puts(b, " ");
        obuf_duration(b, w->size);
        if (w->kind == OW_SLIDING) {
            obuf_puts(b, "/");
            obuf_duration(b, w->slide);
        }
    }
    if (w->on) {
        obuf_printf(b, " ON %s WATERMARK ", w->on);
        obuf_duration(b, w->delay);
    }
    if (w->emit_changes)
        obuf_puts(b, " EMIT CHANGES");
}
