/*
** run.c - the file runner of the dstream program (run.h). SIGINT and
** SIGTERM are blocked in every thread and taken by a watcher thread with
** sigwait; the main thread polls the engine, redraws the status line and
** does the graceful stop the first signal (or --timeout) asks for.
*/
#include "run.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "session.h"

static atomic_int stop_asked; /* a first signal arrived */
static status *run_status;    /* for the watcher's last words */

static void *watch_signals(void *arg) {
    sigset_t *set = arg;
    int sig, count = 0;
    while (sigwait(set, &sig) == 0) {
        if (++count == 1) {
            atomic_store(&stop_asked, 1);
        } else {
            if (run_status)
                status_erase_now(run_status);
            _exit(130); /* emissions are flushed as they print */
        }
    }
    return NULL;
}

static int64_t mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reports the queries that failed and were not reported yet; returns how
   many failed in all. */
static int check_queries(session *s, char *reported) {
    int failed = 0;
    for (int k = 0; k < s->nqueries; k++) {
        ds_query *q = s->queries[k];
        if (!ds_query_ended(q) || ds_query_status(q) == DS_OK)
            continue;
        failed++;
        if (reported[k])
            continue;
        reported[k] = 1;
        if (s->st)
            status_hold(s->st);
        fprintf(stderr, "dstream: query %d: %s\n", ds_query_id(q),
                ds_query_errmsg(q));
        fflush(stderr);
        if (s->st)
            status_release(s->st);
    }
    return failed;
}

/* Waits until the engine has terminated, drawing the status line and
   stopping gracefully at a signal or the timeout. */
static void wait_engine(session *s, status *st, const options *o,
                        char *reported) {
    int64_t deadline = o->timeout_us ? mono_ms() + o->timeout_us / 1000 : 0;
    int64_t next_draw = mono_ms() + 250;
    for (;;) {
        if (ds_await_termination(s->e, 50) == DS_OK)
            return;
        int64_t now = mono_ms();
        if (now >= next_draw) {
            check_queries(s, reported);
            status_draw(st);
            next_draw = now + 250;
        }
        if (atomic_load(&stop_asked) || (deadline && now >= deadline)) {
            ds_stop(s->e, 1); /* waits for windows to flush */
            return;
        }
    }
}

int run_files(const options *o) {
    static sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* the engine's threads too */

    session s;
    status st;
    char *reported = NULL; /* per query: its failure was printed */
    int rc = session_open(&s, o, 0);
    status_init(&st, s.e, !o->quiet && isatty(STDERR_FILENO));
    if (rc)
        goto done;
    if (st.enabled) {
        s.st = &st;
        run_status = &st;
    }
    if (st.enabled && isatty(fileno(s.out))) { /* results on the screen */
        s.pr.hold = status_hold;
        s.pr.release = status_release;
        s.pr.hook_user = &st;
    }
    for (int k = 0; k < o->ninputs && !rc; k++)
        if (session_run_text(&s, o->inputs[k].name, o->inputs[k].sql))
            rc = 1;
    if (rc)
        goto done;
    ds_queue_close(s.e, NULL); /* a query file's queues end with it */

    pthread_t watcher;
    if (pthread_create(&watcher, NULL, watch_signals, &set) == 0)
        pthread_detach(watcher);
    char before[512];
    snprintf(before, sizeof before, "%s", ds_errmsg(s.e));
    if (ds_start(s.e) != DS_OK) {
        fprintf(stderr, "dstream: %s\n", ds_errmsg(s.e));
        rc = 1;
        goto done;
    }
    reported = calloc((size_t)s.nqueries + 1, 1);
    if (!reported) {
        fprintf(stderr, "dstream: out of memory\n");
        rc = 1;
        goto done;
    }
    wait_engine(&s, &st, o, reported);
    ds_stop(s.e, 0); /* joins the scheduler */
    status_clear(&st);
    if (check_queries(&s, reported)) {
        rc = 1;
    } else if (strcmp(ds_errmsg(s.e), before) &&
               strcmp(ds_errmsg(s.e), "not an error")) {
        fprintf(stderr, "dstream: %s\n", ds_errmsg(s.e)); /* derived */
        rc = 1;
    }
done:
    free(reported);
    status_clear(&st);
    run_status = NULL;
    session_close(&s);
    status_fini(&st);
    return rc;
}
