/*
** w2_sliding.c - the C baseline of workload W2 (bench/workloads/
** w2_sliding.sql): AVG, MIN, MAX and COUNT(*) of temp per sensor over a
** processing-time sliding window of SIZE seconds, sliding by 1 second, with
** 1-second batches.
**
**   w2_sliding FILE ROWS_PER_BATCH SIZE_SECONDS > out.csv
**
** dstream's semantics: batch k holds lines (k-1)R .. kR-1 of the CSV file
** (ts,sensor,temp) and ends at k seconds; the window ending at j seconds
** holds batches j-SIZE+1 .. j; it is emitted for every sensor with a row in
** it, for j = 1 .. N (N batches) and, at end of input, for the windows
** ending after N that still hold rows (j < N + SIZE). An empty temp is
** NULL: counted by COUNT(*), ignored by the others (an empty ts is NULL
** too, and unused: the window is in processing time). Output rows:
** window_end,sensor,avg,min,max,n.
**
** Written for speed: the file is mapped, sensors get dense ids, every
** sensor keeps a running count and sum (the leaving pane is subtracted)
** and two monotonic deques of pane minima and maxima, so a slide costs
** O(1) amortized per sensor whatever SIZE is.
*/
#include "../bench_hash.h"
#include "../bench_out.h"
#include "../bench_parse.h"

typedef struct {
    int64_t batch;
    double v;
} dq_item;

/* A bounded deque (ring of cap items) of pane extremes. */
typedef struct {
    dq_item *it;
    uint32_t head, n;
} deque;

typedef struct {
    int64_t rows; /* COUNT(*) of the window */
    int64_t vals; /* non-NULL temps of the window */
    double sum;   /* their sum */
    deque mn, mx; /* pane minima (increasing) and maxima (decreasing) */
    /* the pane of the current batch */
    int64_t p_rows, p_vals;
    double p_sum, p_min, p_max;
} sensor;

typedef struct {
    uint32_t id;
    int64_t rows, vals;
    double sum;
} pane_entry;

typedef struct {
    pane_entry *e;
    size_t n, cap;
} pane;

static uint32_t dq_cap;

static inline void dq_push(deque *d, int64_t batch, double v, int is_min) {
    while (d->n) {
        dq_item *back = &d->it[(d->head + d->n - 1) % dq_cap];
        if (is_min ? back->v >= v : back->v <= v)
            d->n--;
        else
            break;
    }
    d->it[(d->head + d->n) % dq_cap] = (dq_item){batch, v};
    d->n++;
}

static inline void dq_expire(deque *d, int64_t first_batch) {
    while (d->n && d->it[d->head].batch < first_batch) {
        d->head = (d->head + 1) % dq_cap;
        d->n--;
    }
}

int main(int argc, char **argv) {
    if (argc != 4)
        die("usage: w2_sliding FILE ROWS_PER_BATCH SIZE_SECONDS%s", "");
    mapped m = map_file(argv[1]);
    long long per_batch = atoll(argv[2]);
    long long size = atoll(argv[3]);
    if (per_batch <= 0 || size <= 0)
        die("bad arguments%s", "");
    dq_cap = (uint32_t)size + 1;
    sid_map ids;
    sid_init(&ids, 1 << 12);
    size_t scap = 1 << 10;
    sensor *sen = xcalloc(scap, sizeof *sen);
    uint32_t *touched = xmalloc(scap * sizeof *touched);
    size_t ntouched = 0;
    pane *panes = xcalloc((size_t)size, sizeof *panes); /* ring by batch */
    obuf out;
    ob_init(&out, 1);

    reading_in in = readings_of(&m);
    int64_t batch = 0, last_batch = -1;
    while (!in.eof || batch < last_batch + size - 1) {
        batch++;
        /* 1. take this batch's rows into per-sensor panes */
        long long taken = 0;
        reading r;
        for (; taken < per_batch && next_reading(&in, 0, &r); taken++) {
            uint32_t id = sid_get(&ids, r.sensor, r.sensor_n);
            if (id >= scap) {
                size_t ncap = scap * 2;
                sen = xrealloc_zero(sen, scap, ncap, sizeof *sen);
                touched = xrealloc(touched, ncap * sizeof *touched);
                scap = ncap;
            }
            sensor *s = &sen[id];
            if (!s->mn.it) {
                s->mn.it = xmalloc(dq_cap * sizeof(dq_item));
                s->mx.it = xmalloc(dq_cap * sizeof(dq_item));
            }
            if (s->p_rows++ == 0) {
                touched[ntouched++] = id;
                s->p_vals = 0;
                s->p_sum = 0;
            }
            if (r.has_temp) {
                if (s->p_vals == 0 || r.temp < s->p_min)
                    s->p_min = r.temp;
                if (s->p_vals == 0 || r.temp > s->p_max)
                    s->p_max = r.temp;
                s->p_vals++;
                s->p_sum += r.temp;
            }
        }
        if (in.eof && taken == 0 && last_batch < 0)
            last_batch = batch - 1;
        if (in.eof && last_batch < 0)
            last_batch = batch;
        if (last_batch == 0)
            break; /* an empty file: no batch at all */

        /* 2. the leaving pane (batch - size) is subtracted */
        pane *slot = &panes[batch % size];
        for (size_t i = 0; i < slot->n; i++) {
            pane_entry *e = &slot->e[i];
            sensor *s = &sen[e->id];
            s->rows -= e->rows;
            s->vals -= e->vals;
            s->sum = s->vals ? s->sum - e->sum : 0;
        }
        slot->n = 0;
        /* 3. the entering pane is added and remembered */
        if (slot->cap < ntouched) {
            slot->cap = ntouched * 2;
            slot->e = xrealloc(slot->e, slot->cap * sizeof *slot->e);
        }
        for (size_t i = 0; i < ntouched; i++) {
            uint32_t id = touched[i];
            sensor *s = &sen[id];
            slot->e[slot->n++] =
                (pane_entry){id, s->p_rows, s->p_vals, s->p_sum};
            s->rows += s->p_rows;
            s->vals += s->p_vals;
            s->sum += s->p_sum;
            if (s->p_vals) {
                dq_expire(&s->mn, batch - size + 1);
                dq_expire(&s->mx, batch - size + 1);
                dq_push(&s->mn, batch, s->p_min, 1);
                dq_push(&s->mx, batch, s->p_max, 0);
            }
            s->p_rows = 0;
        }
        ntouched = 0;
        /* 4. the window ending at `batch` seconds */
        int64_t first = batch - size + 1;
        for (size_t id = 0; id < ids.count; id++) {
            sensor *s = &sen[id];
            if (!s->rows)
                continue;
            dq_expire(&s->mn, first);
            dq_expire(&s->mx, first);
            ob_timestamp(&out, batch * 1000000);
            ob_char(&out, ',');
            ob_csv_text(&out, ids.str[id], ids.len[id]);
            ob_char(&out, ',');
            if (s->vals) {
                ob_double(&out, s->sum / (double)s->vals);
                ob_char(&out, ',');
                ob_double(&out, s->mn.it[s->mn.head].v);
                ob_char(&out, ',');
                ob_double(&out, s->mx.it[s->mx.head].v);
            } else {
                ob_put(&out, ",,", 2);
            }
            ob_char(&out, ',');
            ob_i64(&out, s->rows);
            ob_char(&out, '\n');
        }
    }
    ob_fini(&out);
    return 0;
}
