/*
** latency.c - end-to-end latency with the real clock: a loopback client
** sends timestamped lines at a steady rate to a SOCKET LISTEN stream, and
** every batch's emission tells how old its rows are.
**
**   latency RATE SECONDS [INTERVAL_MS]
**
** The engine (C API, real clock, batch interval INTERVAL_MS, default 100)
** runs `CREATE STREAM s (line TEXT) FROM SOCKET LISTEN '127.0.0.1:0'` (the
** port is read from the engine's log) and
** `SELECT MIN(CAST(line AS BIGINT)), MAX(...), COUNT(*) FROM s`. A sender
** thread connects and writes, every millisecond, the lines due by then at
** RATE lines/s, each holding its send time in microseconds (CLOCK_REALTIME),
** with TCP_NODELAY; it stops after SECONDS. RATE 0 sends nothing: every
** batch is empty, and the figures are the scheduler's alone. The result
** callback notes the wall time of each emission; a monitor thread notes
** each batch's scheduling delay and processing time from ds_stats_get.
**
** Rows of a batch were sent evenly between its MIN and MAX, so the row
** latencies (emission - send) are estimated from 64 points per batch,
** weighted by COUNT. Prints key=value pairs on one line:
**   sent= received= batches= rate= p50_ms= p99_ms= max_ms=
**   end_p50_ms= end_p99_ms= sched_p50_ms= sched_p99_ms= sched_max_ms=
**   proc_p50_ms= proc_p99_ms= proc_max_ms=
** (end_: emission - batch end). Built by bench/run against libdstream.a.
*/
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dstream.h"

#define MAX_BATCHES 100000
#define POINTS 64

typedef struct {
    int64_t emit_us, batch_time, first, last, n;
} emission;

static emission ems[MAX_BATCHES];
static int nems;
static int64_t sched_us[MAX_BATCHES], proc_us[MAX_BATCHES];
static int nstats;
static atomic_int port;
static atomic_int done;
static double rate;
static double seconds;
static int64_t sent;

static int64_t wall_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void on_log(void *user, int level, const char *msg) {
    (void)user;
    (void)level;
    const char *p = strstr(msg, "listening on ");
    if (p) {
        const char *colon = strrchr(p, ':');
        if (colon)
            atomic_store(&port, atoi(colon + 1));
    }
}

static int on_result(void *user, const ds_result *r) {
    (void)user;
    int64_t t = wall_us();
    if (ds_result_row_count(r) < 1 || ds_result_is_null(r, 0, 0) ||
        nems == MAX_BATCHES)
        return 0;
    ems[nems++] =
        (emission){t, ds_result_batch_time(r), ds_result_int64(r, 0, 0),
                   ds_result_int64(r, 0, 1), ds_result_int64(r, 0, 2)};
    return 0;
}

static void *sender(void *arg) {
    (void)arg;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_port = htons((uint16_t)atomic_load(&port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1; /* no Nagle: small writes would wait for delayed ACKs */
    if (fd >= 0)
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        perror("latency: connect");
        exit(1);
    }
    static char buf[1 << 20];
    int64_t start = wall_us();
    int64_t end = start + (int64_t)(seconds * 1e6);
    for (;;) {
        int64_t now = wall_us();
        if (now >= end)
            break;
        int64_t due = (int64_t)((double)(now - start) * rate / 1e6) - sent;
        size_t len = 0;
        char stamp[24];
        int sl = snprintf(stamp, sizeof stamp, "%lld\n", (long long)now);
        for (int64_t k = 0; k < due && len + (size_t)sl < sizeof buf; k++) {
            memcpy(buf + len, stamp, (size_t)sl);
            len += (size_t)sl;
            sent++;
        }
        for (size_t off = 0; off < len;) {
            ssize_t w = write(fd, buf + off, len - off);
            if (w <= 0) {
                perror("latency: write");
                exit(1);
            }
            off += (size_t)w;
        }
        struct timespec ms = {0, 1000000};
        nanosleep(&ms, NULL);
    }
    close(fd);
    return NULL;
}

static void *monitor(void *arg) {
    ds_engine *e = arg;
    int64_t seen = 0;
    while (!atomic_load(&done)) {
        ds_stats st;
        if (ds_stats_get(e, &st) == DS_OK && st.batches != seen) {
            seen = st.batches;
            if (nstats < MAX_BATCHES) {
                sched_us[nstats] = st.last_delay_us;
                proc_us[nstats++] = st.last_batch_us;
            }
        }
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static double pct(int64_t *v, int n, double q) {
    if (n == 0)
        return 0;
    qsort(v, (size_t)n, sizeof *v, cmp_i64);
    int i = (int)(q * n);
    return (double)v[i < n ? i : n - 1] / 1e3;
}

typedef struct {
    double lat, w;
} point;

static int cmp_point(const void *a, const void *b) {
    double x = ((const point *)a)->lat, y = ((const point *)b)->lat;
    return (x > y) - (x < y);
}

/* The weighted q-quantile of the row latency estimate, in ms. */
static double row_pct(point *p, int n, double total, double q) {
    double acc = 0;
    for (int i = 0; i < n; i++) {
        acc += p[i].w;
        if (acc >= q * total)
            return p[i].lat / 1e3;
    }
    return n ? p[n - 1].lat / 1e3 : 0;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: latency RATE SECONDS [INTERVAL_MS]\n");
        return 2;
    }
    rate = atof(argv[1]);
    seconds = atof(argv[2]);
    int interval_ms = argc > 3 ? atoi(argv[3]) : 100;
    ds_config cfg;
    ds_config_init(&cfg);
    cfg.clock = DS_CLOCK_REAL;
    cfg.batch_interval_us = (int64_t)interval_ms * 1000;
    cfg.on_log = on_log;
    ds_engine *e;
    ds_query *q;
    if (ds_open(&e, &cfg) != DS_OK ||
        ds_exec(e, "CREATE STREAM s (line TEXT) "
                   "FROM SOCKET LISTEN '127.0.0.1:0';") != DS_OK ||
        ds_query_open(e,
                      "SELECT MIN(CAST(line AS BIGINT)) AS first_us, "
                      "MAX(CAST(line AS BIGINT)) AS last_us, COUNT(*) AS n "
                      "FROM s;",
                      on_result, NULL, &q) != DS_OK ||
        ds_start(e) != DS_OK) {
        fprintf(stderr, "latency: %s\n", ds_errmsg(e));
        return 1;
    }
    for (int i = 0; i < 500 && !atomic_load(&port); i++)
        usleep(10000);
    if (!atomic_load(&port)) {
        fprintf(stderr, "latency: the engine did not say its port\n");
        return 1;
    }
    pthread_t ts, tm;
    pthread_create(&tm, NULL, monitor, e);
    pthread_create(&ts, NULL, sender, NULL);
    pthread_join(ts, NULL);
    usleep(3 * (useconds_t)interval_ms * 1000); /* the last batches */
    atomic_store(&done, 1);
    pthread_join(tm, NULL);
    ds_stop(e, 1);
    ds_close(e);

    point *pts = malloc((size_t)nems * POINTS * sizeof *pts);
    int np = 0;
    double total = 0, maxlat = 0;
    int64_t received = 0, *end = malloc((size_t)(nems + 1) * sizeof *end);
    for (int i = 0; i < nems; i++) {
        emission *m = &ems[i];
        received += m->n;
        end[i] = m->emit_us - m->batch_time;
        if ((double)(m->emit_us - m->first) > maxlat)
            maxlat = (double)(m->emit_us - m->first);
        for (int k = 0; k < POINTS; k++) {
            double send = (double)m->first +
                          (double)(m->last - m->first) * (k + 0.5) / POINTS;
            pts[np++] =
                (point){(double)m->emit_us - send, (double)m->n / POINTS};
        }
        total += (double)m->n;
    }
    qsort(pts, (size_t)np, sizeof *pts, cmp_point);
    printf("sent=%lld received=%lld batches=%d rate=%.0f p50_ms=%.3f "
           "p99_ms=%.3f max_ms=%.3f end_p50_ms=%.3f end_p99_ms=%.3f "
           "sched_p50_ms=%.3f sched_p99_ms=%.3f sched_max_ms=%.3f "
           "proc_p50_ms=%.3f proc_p99_ms=%.3f proc_max_ms=%.3f\n",
           (long long)sent, (long long)received, nems, (double)sent / seconds,
           row_pct(pts, np, total, 0.5), row_pct(pts, np, total, 0.99),
           maxlat / 1e3, pct(end, nems, 0.5), pct(end, nems, 0.99),
           pct(sched_us, nstats, 0.5), pct(sched_us, nstats, 0.99),
           pct(sched_us, nstats, 1.0), pct(proc_us, nstats, 0.5),
           pct(proc_us, nstats, 0.99), pct(proc_us, nstats, 1.0));
    free(pts);
    free(end);
    return 0;
}
