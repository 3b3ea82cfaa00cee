/*
** harness.c - dstream through its C API (include/dstream.h), timing every
** batch with ds_step: the engine's own cost, without the dstream program's
** printing.
**
**   harness run FILE.sql      runs the statements of FILE.sql (SET, CREATE
**                             STREAM, one or more SELECTs) with the virtual
**                             clock, one ds_step per batch, until every
**                             query has ended; the queries' rows are
**                             counted, not formatted
**   harness idle STEPS        the cost of an empty batch: a QUEUE stream
**                             that gets nothing, under a per-batch query
**                             (W1's) and a 60-second sliding window (W2's),
**                             STEPS ds_step calls each; then W2's window
**                             holding 1000 keys, sliding over empty batches
**   harness state BATCHES KEYS ROWS
**                             state over a long run with a fixed key set: a
**                             QUEUE stream gets ROWS readings of KEYS
**                             sensors per batch (event time advancing 1 s
**                             per batch) under W2's sliding window and W4's
**                             event-time window; SHOW METRICS gives each
**                             query's state_rows and state_bytes 20 times
**
** The heap is set up as the dstream program sets it (mallopt), so that the
** difference from the program is its printing.
** Prints one line of key=value pairs per measurement, for bench/run:
**   run:  batches= out_rows= total_s= steady_s= median_ms= p99_ms= max_ms=
**         max_batch= first_ms= last_ms=  (steady_s: all batches but the
**         last, which also flushes the windows at end of input;
**         median..max_batch: all but the first and the last)
**   idle: query= steps= median_us= p99_us= max_us= mean_us=
**   state: batch= query= state_rows= state_bytes= rss_kb= batch_ms=
** Built by bench/run against build-bench/libdstream.a.
*/
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "dstream.h"

static double now_sec(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void fail(ds_engine *e, const char *what) {
    fprintf(stderr, "harness: %s: %s\n", what, e ? ds_errmsg(e) : "no engine");
    exit(1);
}

static int on_rows(void *user, const ds_result *r) {
    *(int64_t *)user += ds_result_row_count(r);
    return 0;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q-quantile (0..1) of n sorted values, nearest rank. */
static double quantile(const double *v, size_t n, double q) {
    if (!n)
        return 0;
    size_t i = (size_t)(q * (double)n);
    return v[i < n ? i : n - 1];
}

static char *read_text(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "harness: cannot open %s\n", path);
        exit(1);
    }
    size_t cap = 1 << 16, n = 0;
    char *s = malloc(cap);
    size_t got;
    while (s && (got = fread(s + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap)
            s = realloc(s, cap *= 2);
    }
    fclose(f);
    if (!s) {
        fprintf(stderr, "harness: out of memory\n");
        exit(1);
    }
    s[n] = 0;
    return s;
}

/* Opens an engine with the virtual clock. */
static ds_engine *open_engine(void) {
    ds_config cfg;
    ds_config_init(&cfg);
    cfg.clock = DS_CLOCK_VIRTUAL;
    ds_engine *e;
    if (ds_open(&e, &cfg) != DS_OK)
        fail(e, "ds_open");
    return e;
}

/* Runs the statements of sql: queries through ds_query_open, counting
   their rows into *rows, the others through ds_exec. */
static void load_sql(ds_engine *e, const char *sql, int64_t *rows) {
    const char *p = sql;
    size_t n;
    while ((n = ds_statement_length(p)) > 0) {
        char *stmt = malloc(n + 1);
        memcpy(stmt, p, n);
        stmt[n] = 0;
        ds_query *q;
        int rc = ds_statement_is_query(p, n)
                     ? ds_query_open(e, stmt, on_rows, rows, &q)
                     : ds_exec(e, stmt);
        if (rc != DS_OK)
            fail(e, stmt);
        free(stmt);
        p += n;
    }
}

static int run(const char *path) {
    char *sql = read_text(path);
    ds_engine *e = open_engine();
    int64_t rows = 0;
    load_sql(e, sql, &rows);
    size_t cap = 1024, n = 0;
    double *t = malloc(cap * sizeof *t), total = 0;
    int rc;
    for (;;) {
        double t0 = now_sec();
        rc = ds_step(e);
        double dt = now_sec() - t0;
        if (rc != DS_OK)
            break;
        if (n == cap)
            t = realloc(t, (cap *= 2) * sizeof *t);
        t[n++] = dt;
        total += dt;
    }
    if (rc != DS_DONE)
        fail(e, "ds_step");
    /* the last batch also flushes every open window (end of input), and
       the first also starts the process's code and data (cold caches, the
       first read of the file): both are reported apart, and the batch
       statistics are over the others */
    double last = n ? t[n - 1] : 0, first = n ? t[0] : 0, max = 0;
    size_t steady = n > 1 ? n - 1 : n, max_at = 0;
    size_t from = steady > 1 ? 1 : 0;
    for (size_t i = from; i < steady; i++)
        if (t[i] > max)
            max = t[i], max_at = i + 1;
    qsort(t + from, steady - from, sizeof *t, cmp_double);
    printf("batches=%zu out_rows=%lld total_s=%.6f steady_s=%.6f "
           "median_ms=%.4f p99_ms=%.4f max_ms=%.4f max_batch=%zu "
           "first_ms=%.4f last_ms=%.4f\n",
           n, (long long)rows, total, total - (n > 1 ? last : 0),
           quantile(t + from, steady - from, 0.5) * 1e3,
           quantile(t + from, steady - from, 0.99) * 1e3, max * 1e3, max_at,
           first * 1e3, last * 1e3);
    ds_close(e);
    free(t);
    free(sql);
    return 0;
}

/* Times `steps` empty batches of query over the stream made by create;
   with chunk, a batch of that chunk (not timed) comes before every 59
   empty ones, so that they have window state to slide. */
static void idle_one(const char *name, const char *create, const char *query,
                     const char *chunk, long steps) {
    ds_engine *e = open_engine();
    int64_t rows = 0;
    if (ds_exec(e, create) != DS_OK)
        fail(e, create);
    ds_query *q;
    if (ds_query_open(e, query, on_rows, &rows, &q) != DS_OK)
        fail(e, query);
    double *t = malloc((size_t)steps * sizeof *t), total = 0;
    for (long i = 0; i < 100; i++) /* warm-up */
        if (ds_step(e) != DS_OK)
            fail(e, "ds_step");
    for (long i = 0; i < steps; i++) {
        if (chunk && i % 59 == 0) { /* state: rows of 1000 keys, 1 batch */
            if (ds_push(e, "r", chunk, strlen(chunk)) != DS_OK ||
                ds_step(e) != DS_OK)
                fail(e, "ds_push");
        }
        double t0 = now_sec();
        if (ds_step(e) != DS_OK)
            fail(e, "ds_step");
        t[i] = now_sec() - t0;
        total += t[i];
    }
    qsort(t, (size_t)steps, sizeof *t, cmp_double);
    printf("query=%s steps=%ld median_us=%.3f p99_us=%.3f max_us=%.3f "
           "mean_us=%.3f\n",
           name, steps, quantile(t, (size_t)steps, 0.5) * 1e6,
           quantile(t, (size_t)steps, 0.99) * 1e6, t[steps - 1] * 1e6,
           total / (double)steps * 1e6);
    free(t);
    ds_close(e);
}

/* SHOW METRICS rows: one per query, the state columns picked by name. */
typedef struct {
    int64_t rows[2], bytes[2];
} state_snap;

static int on_metrics(void *user, const ds_result *r) {
    state_snap *s = user;
    int cq = -1, cr = -1, cb = -1;
    for (int c = 0; c < ds_result_column_count(r); c++) {
        const char *n = ds_result_column_name(r, c);
        if (!strcmp(n, "query"))
            cq = c;
        else if (!strcmp(n, "state_rows"))
            cr = c;
        else if (!strcmp(n, "state_bytes"))
            cb = c;
    }
    if (cq < 0 || cr < 0 || cb < 0)
        return 0;
    for (int64_t i = 0; i < ds_result_row_count(r); i++) {
        int64_t q = ds_result_int64(r, i, cq);
        if (q >= 1 && q <= 2) {
            s->rows[q - 1] = ds_result_int64(r, i, cr);
            s->bytes[q - 1] = ds_result_int64(r, i, cb);
        }
    }
    return 0;
}

static long rss_kb(void) {
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
            rss = 0;
        fclose(f);
    }
    return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static int state(long batches, int keys, int rows) {
    state_snap snap = {{0, 0}, {0, 0}};
    ds_config cfg;
    ds_config_init(&cfg);
    cfg.clock = DS_CLOCK_VIRTUAL;
    cfg.on_result = on_metrics;
    cfg.on_result_user = &snap;
    ds_engine *e;
    if (ds_open(&e, &cfg) != DS_OK)
        fail(e, "ds_open");
    static const char *qs[2] = {
        "SELECT window_end, sensor, AVG(temp) AS avg_temp, MIN(temp) AS mn, "
        "MAX(temp) AS mx, COUNT(*) AS n FROM r WINDOW SLIDING (SIZE 60 "
        "SECONDS, SLIDE 1 SECOND) GROUP BY sensor;",
        "SELECT window_start, sensor, COUNT(*) AS n, AVG(temp) AS avg_temp "
        "FROM r WINDOW TUMBLING (SIZE 5 SECONDS) ON ts WATERMARK 3 SECONDS "
        "GROUP BY sensor;"};
    static const char *names[2] = {"w2_sliding_60s", "w4_event_time_5s"};
    int64_t out = 0;
    ds_query *q;
    if (ds_exec(e, "CREATE STREAM r (ts TIMESTAMP, sensor TEXT, temp DOUBLE) "
                   "FROM QUEUE FORMAT CSV;") != DS_OK)
        fail(e, "CREATE STREAM");
    for (int k = 0; k < 2; k++)
        if (ds_query_open(e, qs[k], on_rows, &out, &q) != DS_OK)
            fail(e, qs[k]);
    char *chunk = malloc((size_t)rows * 48 + 1);
    uint64_t x = 12345;
    long every = batches / 20 > 0 ? batches / 20 : 1;
    double spent = 0;
    for (long b = 1; b <= batches; b++) {
        size_t len = 0;
        for (int i = 0; i < rows; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            int key = (int)((x >> 33) % (uint64_t)keys);
            int ms = (int)(1000LL * i / rows);
            len += (size_t)sprintf(
                chunk + len, "%ld.%03d,s%d,%d.%02d\n", 1767225600L + b, ms, key,
                10 + (int)((x >> 20) % 26), (int)((x >> 12) % 100));
        }
        double t0 = now_sec();
        if (ds_push(e, "r", chunk, len) != DS_OK || ds_step(e) != DS_OK)
            fail(e, "ds_step");
        spent += now_sec() - t0;
        if (b % every == 0 || b == 60) {
            if (ds_exec(e, "SHOW METRICS;") != DS_OK)
                fail(e, "SHOW METRICS");
            for (int k = 0; k < 2; k++)
                printf("batch=%ld query=%s state_rows=%lld state_bytes=%lld "
                       "rss_kb=%ld batch_ms=%.4f\n",
                       b, names[k], (long long)snap.rows[k],
                       (long long)snap.bytes[k], rss_kb(),
                       spent / (double)b * 1e3);
        }
    }
    free(chunk);
    ds_close(e);
    return 0;
}

/* As the dstream program does (shell/main.c): keep freed memory for the
   next batch instead of trimming the heap after every batch, grow it 16
   MiB at a time, and map the first 16 MiB in at once. */
static void heap_prepare(void) {
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_TOP_PAD, 16 << 20);
    char *start = sbrk(0);
    void *p[4];
    int n = 0;
    while (n < 4 && (char *)sbrk(0) == start)
        p[n++] = malloc(100 << 10);
    uintptr_t a = ((uintptr_t)p[0] + 4095) & ~(uintptr_t)4095;
    uintptr_t e = (uintptr_t)sbrk(0) & ~(uintptr_t)4095;
    if (p[0] && e > a)
        (void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
    while (n)
        free(p[--n]);
}

int main(int argc, char **argv) {
    /* DS_BENCH_DEFAULT_MALLOC=1 leaves glibc's defaults */
    if (!getenv("DS_BENCH_DEFAULT_MALLOC"))
        heap_prepare();
    if (argc == 3 && !strcmp(argv[1], "run"))
        return run(argv[2]);
    if (argc == 3 && !strcmp(argv[1], "idle")) {
        long steps = atol(argv[2]);
        if (steps <= 0)
            steps = 1000;
        idle_one("per_batch", "CREATE STREAM s (line TEXT) FROM QUEUE;",
                 "SELECT word, COUNT(*) AS n FROM s, "
                 "UNNEST(split(line, ' ')) AS t(word) GROUP BY word;",
                 NULL, steps);
        static const char *create =
            "CREATE STREAM r (ts TIMESTAMP, sensor TEXT, temp DOUBLE) "
            "FROM QUEUE FORMAT CSV;";
        static const char *w2 =
            "SELECT window_end, sensor, AVG(temp) AS a, MIN(temp) AS mn, "
            "MAX(temp) AS mx, COUNT(*) AS n FROM r WINDOW SLIDING "
            "(SIZE 60 SECONDS, SLIDE 1 SECOND) GROUP BY sensor;";
        idle_one("sliding_60s", create, w2, NULL, steps);
        char *chunk = malloc(1000 * 40);
        size_t len = 0;
        for (int k = 0; k < 1000; k++)
            len += (size_t)sprintf(chunk + len, "1767225600.%03d,s%d,%d.5\n", k,
                                   k, 10 + k % 25);
        idle_one("sliding_60s_1000_keys", create, w2, chunk, steps);
        free(chunk);
        return 0;
    }
    if (argc == 5 && !strcmp(argv[1], "state")) {
        long batches = atol(argv[2]);
        int keys = atoi(argv[3]), rows = atoi(argv[4]);
        if (batches <= 0 || keys <= 0 || rows <= 0)
            return 2;
        return state(batches, keys, rows);
    }
    fprintf(stderr, "usage: harness run FILE.sql | harness idle STEPS | "
                    "harness state BATCHES KEYS ROWS\n");
    return 2;
}
