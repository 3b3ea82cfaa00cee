/*
** main.c - the dstream program: runs query files (or -e SQL) on an
** engine, printing every emission, until every query has ended or a signal
** stops it. Uses only include/dstream.h.
**
**   dstream FILE.sql [FILE...]   dstream -e 'SQL'
**   --batch-interval 3s  --clock real|virtual  --format table|csv|json
**   --output FILE
*/
#include <errno.h>
#include <unistd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dstream.h"
#include "print.h"

typedef struct input {
    const char *name; /* file name, or "-e" */
    char *sql;        /* owned */
} input;

static void usage(FILE *f) {
    fputs("usage: dstream [options] FILE.sql [FILE.sql ...]\n"
          "       dstream [options] -e 'SQL'\n"
          "options:\n"
          "  --batch-interval D   batch interval, e.g. 500ms, 3s (default 1s)\n"
          "  --clock real|virtual real time (default) or replay, batches back "
          "to back\n"
          "  --format table|csv|json\n"
          "  --output FILE        write results to FILE\n"
          "  --help, --version\n",
          f);
}

static int fail_usage(const char *msg, const char *arg) {
    fprintf(stderr, "dstream: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    return 2;
}

/* "500ms", "3s", "2m", "1h", "1d", "250us"; a bare number is seconds. */
static int parse_duration(const char *s, int64_t *us) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v <= 0)
        return -1;
    double mul = 1e6;
    if (!*end || !strcmp(end, "s"))
        mul = 1e6;
    else if (!strcmp(end, "ms"))
        mul = 1e3;
    else if (!strcmp(end, "us"))
        mul = 1;
    else if (!strcmp(end, "m"))
        mul = 60e6;
    else if (!strcmp(end, "h"))
        mul = 3600e6;
    else if (!strcmp(end, "d"))
        mul = 86400e6;
    else
        return -1;
    *us = (int64_t)(v * mul + 0.5);
    return *us > 0 ? 0 : -1;
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf)
        buf[n] = 0;
    return buf;
}

/* Signals: the first asks for a graceful stop, the second ends at once. */
static void *watch_signals(void *arg) {
    ds_engine *e = arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    int sig, count = 0;
    while (sigwait(&set, &sig) == 0) {
        if (++count == 1) {
            ds_stop(e, 1);
        } else {
            fflush(stdout);
            _exit(130);
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    ds_config cfg;
    ds_config_init(&cfg);
    printer pr = {stdout, OUT_TABLE, 0, 0};
    const char *output = NULL;
    input *inputs = calloc((size_t)argc + 1, sizeof *inputs);
    int ninputs = 0, rc = 0;
    if (!inputs)
        return 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--version")) {
            printf("dstream %s\n", DS_VERSION);
            return 0;
        } else if (!strcmp(a, "-e")) {
            if (!val)
                return fail_usage("-e needs SQL", NULL);
            inputs[ninputs].name = "-e";
            inputs[ninputs++].sql = strdup(val);
            i++;
        } else if (!strcmp(a, "--batch-interval")) {
            if (!val || parse_duration(val, &cfg.batch_interval_us))
                return fail_usage("--batch-interval needs a duration like 3s",
                                  val);
            i++;
        } else if (!strcmp(a, "--clock")) {
            if (val && !strcmp(val, "real"))
                cfg.clock = DS_CLOCK_REAL;
            else if (val && !strcmp(val, "virtual"))
                cfg.clock = DS_CLOCK_VIRTUAL;
            else
                return fail_usage("--clock is real or virtual", val);
            i++;
        } else if (!strcmp(a, "--format")) {
            int m = val ? parse_mode(val) : -1;
            if (m < 0)
                return fail_usage("--format is table, csv or json", val);
            pr.mode = (out_mode)m;
            i++;
        } else if (!strcmp(a, "--output")) {
            if (!val)
                return fail_usage("--output needs a file", NULL);
            output = val;
            i++;
        } else if (a[0] == '-' && a[1]) {
            return fail_usage("unknown option", a);
        } else {
            inputs[ninputs].name = a;
            inputs[ninputs].sql = read_file(a);
            if (!inputs[ninputs].sql)
                return fail_usage(strerror(errno ? errno : EIO), a);
            ninputs++;
        }
    }
    if (ninputs == 0) {
        usage(stderr);
        return 2;
    }
    if (output && !(pr.out = fopen(output, "w")))
        return fail_usage(strerror(errno), output);

    /* signals go to the watcher thread only */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);

    cfg.on_result = print_result;
    cfg.on_result_user = &pr;
    ds_engine *e;
    if (ds_open(&e, &cfg) != DS_OK) {
        fprintf(stderr, "dstream: %s\n", ds_errmsg(e));
        ds_close(e);
        return 1;
    }
    for (int k = 0; k < ninputs && !rc; k++) {
        if (ds_exec(e, inputs[k].sql) != DS_OK) {
            fprintf(stderr, "dstream: %s: %s\n", inputs[k].name,
                    ds_errmsg(e));
            rc = 1;
        }
    }
    if (!rc) {
        pthread_t watcher;
        pthread_create(&watcher, NULL, watch_signals, e);
        pthread_detach(watcher);
        ds_queue_close(e, NULL); /* a query file's queues end with it */
        if (ds_start(e) != DS_OK) {
            fprintf(stderr, "dstream: %s\n", ds_errmsg(e));
            rc = 1;
        } else {
            ds_await_termination(e, -1);
            ds_stop(e, 0);
            if (strcmp(ds_errmsg(e), "not an error")) {
                fprintf(stderr, "dstream: %s\n", ds_errmsg(e));
                rc = 1;
            }
        }
    }
    ds_close(e);
    for (int k = 0; k < ninputs; k++)
        free(inputs[k].sql);
    free(inputs);
    if (pr.out != stdout)
        fclose(pr.out);
    return rc;
}
