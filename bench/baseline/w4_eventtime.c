/*
** w4_eventtime.c - the C baseline of workload W4 (bench/workloads/
** w4_eventtime.sql): COUNT(*) and AVG(temp) per sensor over event-time
** tumbling windows of 5 seconds on ts, with a 3-second watermark, over JSON
** lines.
**
**   w4_eventtime FILE ROWS_PER_BATCH [SIZE_SECONDS [WATERMARK_SECONDS]]
**       > out.csv
**
** dstream's semantics (docs/windows.md): batches of ROWS_PER_BATCH rows in
** file order; windows [k*SIZE, (k+1)*SIZE) aligned to the epoch; W' is the
** largest ts of the rows of the batches before this one minus the
** watermark delay (no W' before the first row); a row whose window end is
** <= W' (or whose ts is NULL) is late and dropped; at the end of a batch
** every window ending at or before the new watermark is emitted and
** forgotten; at end of input every window left. Output rows:
** window_start,sensor,n,avg.
**
** Written for speed: the file is mapped, bench_parse.h's JSON scanner reads
** the three fields, sensors get dense ids, and the open windows (a handful:
** windows close in order) live in a ring of per-sensor arrays.
*/
#include "../bench_hash.h"
#include "../bench_out.h"
#include "../bench_parse.h"

typedef struct {
    int64_t win; /* window index: start = win * size */
    uint32_t cap;
    int64_t *rows, *vals;
    double *sum;
    uint32_t *touched;
    uint32_t ntouched;
} window;

static window *ring;
static size_t ring_cap, ring_head, ring_n;
static size_t nsensors_cap = 1024;

static window *win_at(size_t i) { return &ring[(ring_head + i) % ring_cap]; }

static void ring_grow(void) {
    size_t ncap = ring_cap ? ring_cap * 2 : 8;
    window *nr = xcalloc(ncap, sizeof *nr);
    for (size_t i = 0; i < ring_n; i++)
        nr[i] = *win_at(i);
    free(ring);
    ring = nr;
    ring_cap = ncap;
    ring_head = 0;
}

/* The open window of index w (added, with the ones between, if new). */
static window *open_window(int64_t w) {
    while (ring_n && w < win_at(0)->win) { /* an older window: prepend */
        if (ring_n == ring_cap)
            ring_grow();
        int64_t k = win_at(0)->win - 1;
        ring_head = (ring_head + ring_cap - 1) % ring_cap;
        ring_n++;
        window *x = win_at(0);
        x->win = k;
        x->ntouched = 0;
    }
    if (ring_n == 0 || w > win_at(ring_n - 1)->win) {
        int64_t from = ring_n ? win_at(ring_n - 1)->win + 1 : w;
        for (int64_t k = from; k <= w; k++) {
            if (ring_n == ring_cap)
                ring_grow();
            window *x = win_at(ring_n++);
            x->win = k;
            x->ntouched = 0;
        }
    }
    window *x = win_at((size_t)(w - win_at(0)->win));
    if (x->cap < nsensors_cap) {
        size_t old = x->cap, n = nsensors_cap;
        x->rows = xrealloc_zero(x->rows, old, n, sizeof *x->rows);
        x->vals = xrealloc(x->vals, n * sizeof *x->vals);
        x->sum = xrealloc(x->sum, n * sizeof *x->sum);
        x->touched = xrealloc(x->touched, n * sizeof *x->touched);
        x->cap = (uint32_t)n;
    }
    return x;
}

static void emit_oldest(obuf *out, const sid_map *ids, int64_t size_us) {
    window *x = win_at(0);
    for (uint32_t i = 0; i < x->ntouched; i++) {
        uint32_t id = x->touched[i];
        ob_timestamp(out, x->win * size_us);
        ob_char(out, ',');
        ob_csv_text(out, ids->str[id], ids->len[id]);
        ob_char(out, ',');
        ob_i64(out, x->rows[id]);
        ob_char(out, ',');
        if (x->vals[id])
            ob_double(out, x->sum[id] / (double)x->vals[id]);
        ob_char(out, '\n');
        x->rows[id] = 0;
    }
    x->ntouched = 0;
    ring_head = (ring_head + 1) % ring_cap;
    ring_n--;
}

int main(int argc, char **argv) {
    if (argc < 3 || argc > 5)
        die("usage: w4_eventtime FILE ROWS_PER_BATCH [SIZE [WATERMARK]]%s", "");
    mapped m = map_file(argv[1]);
    long long per_batch = atoll(argv[2]);
    int64_t size_us = (argc > 3 ? atoll(argv[3]) : 5) * 1000000;
    int64_t delay_us = (argc > 4 ? atoll(argv[4]) : 3) * 1000000;
    if (per_batch <= 0 || size_us <= 0)
        die("bad arguments%s", "");
    sid_map ids;
    sid_init(&ids, 1 << 12);
    obuf out;
    ob_init(&out, 1);
    int64_t max_ts = INT64_MIN, late = 0;
    reading_in in = readings_of(&m);
    while (!in.eof) {
        int64_t wprev = max_ts == INT64_MIN ? INT64_MIN : max_ts - delay_us;
        reading r;
        for (long long taken = 0; taken < per_batch && next_reading(&in, 1, &r);
             taken++) {
            if (!r.has_ts) {
                late++;
                continue;
            }
            if (r.ts > max_ts)
                max_ts = r.ts;
            int64_t w = floor_div(r.ts, size_us);
            if (wprev != INT64_MIN && (w + 1) * size_us <= wprev) {
                late++;
                continue;
            }
            uint32_t id = sid_get(&ids, r.sensor, r.sensor_n);
            while (id >= nsensors_cap)
                nsensors_cap *= 2;
            window *x = open_window(w);
            if (x->rows[id]++ == 0) {
                x->touched[x->ntouched++] = id;
                x->vals[id] = 0;
                x->sum[id] = 0;
            }
            if (r.has_temp) {
                x->vals[id]++;
                x->sum[id] += r.temp;
            }
        }
        if (max_ts != INT64_MIN) {
            int64_t wm = max_ts - delay_us;
            while (ring_n && (win_at(0)->win + 1) * size_us <= wm)
                emit_oldest(&out, &ids, size_us);
        }
    }
    while (ring_n)
        emit_oldest(&out, &ids, size_us);
    ob_fini(&out);
    fprintf(stderr, "late rows: %lld\n", (long long)late);
    return 0;
}
