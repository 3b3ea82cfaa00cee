/*
** status.c - the live status line of a file run (status.h).
*/
#include "status.h"

#include <stdio.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static const char erase[] = "\r\033[K";

static int64_t mono_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void status_init(status *s, ds_engine *e, int enabled) {
    pthread_mutex_init(&s->mu, NULL);
    s->enabled = enabled;
    s->shown = 0;
    s->e = e;
    s->last_rows = 0;
    s->last_us = mono_us();
    s->rate = 0;
}

void status_fini(status *s) { pthread_mutex_destroy(&s->mu); }

/* "1.5 ms", "230 us", "2.1 s" */
static void duration(char *buf, size_t cap, int64_t us) {
    if (us < 1000)
        snprintf(buf, cap, "%lld us", (long long)us);
    else if (us < 1000000)
        snprintf(buf, cap, "%.1f ms", (double)us / 1e3);
    else
        snprintf(buf, cap, "%.2f s", (double)us / 1e6);
}

void status_draw(status *s) {
    if (!s->enabled)
        return;
    ds_stats st;
    if (ds_stats_get(s->e, &st) != DS_OK)
        return;
    int64_t now = mono_us();
    double dt = (double)(now - s->last_us) / 1e6;
    if (dt > 0.05) {
        double r = (double)(st.input_rows - s->last_rows) / dt;
        s->rate = s->last_rows ? 0.5 * s->rate + 0.5 * r : r;
        s->last_rows = st.input_rows;
        s->last_us = now;
    }
    char proc[32], delay[32], line[256];
    duration(proc, sizeof proc, st.last_batch_us);
    duration(delay, sizeof delay, st.last_delay_us);
    int n = snprintf(line, sizeof line,
                     "batch %lld | %.0f rows/s | %lld rows | last %s | "
                     "delay %s | queries %d",
                     (long long)st.batches, s->rate, (long long)st.input_rows,
                     proc, delay, st.queries_running);
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 &&
        n >= ws.ws_col)
        line[ws.ws_col - 1] = 0; /* never wrap: \r must reach the start */
    pthread_mutex_lock(&s->mu);
    fprintf(stderr, "%s%s", erase, line);
    fflush(stderr);
    s->shown = 1;
    pthread_mutex_unlock(&s->mu);
}

void status_clear(status *s) {
    pthread_mutex_lock(&s->mu);
    if (s->shown) {
        fputs(erase, stderr);
        fflush(stderr);
        s->shown = 0;
    }
    pthread_mutex_unlock(&s->mu);
}

void status_hold(void *p) {
    status *s = p;
    pthread_mutex_lock(&s->mu);
    if (s->shown) {
        fputs(erase, stderr);
        fflush(stderr);
        s->shown = 0;
    }
}

void status_release(void *p) {
    status *s = p;
    pthread_mutex_unlock(&s->mu);
}

void status_erase_now(status *s) {
    if (s->enabled && s->shown && write(STDERR_FILENO, erase, 4) < 0) {
        /* nothing more to do on the way out */
    }
}
