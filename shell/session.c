/*
** session.c - one engine and how the program talks to it (session.h).
*/
#include "session.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

volatile sig_atomic_t session_interrupted;

/* Every result of the engine comes here: statement rows go to a capture
   when one is installed, everything else to the printer. */
static int on_result(void *user, const ds_result *r) {
    session *s = user;
    if (ds_result_query_id(r) == 0 && s->capture)
        return s->capture(s->capture_user, r);
    return print_result(&s->pr, r);
}

static void on_log(void *user, int level, const char *msg) {
    session *s = user;
    (void)level;
    if (s->st)
        status_hold(s->st);
    fprintf(stderr, "dstream: %s\n", msg);
    fflush(stderr);
    if (s->st)
        status_release(s->st);
}

int session_open(session *s, const options *o, int interactive) {
    memset(s, 0, sizeof *s);
    s->interactive = interactive;
    s->out = stdout;
    s->pr.out = stdout;
    s->pr.mode = o->format >= 0 ? (out_mode)o->format : OUT_TABLE;
    s->pr.quiet = o->quiet;
    if (o->output && session_set_output(s, o->output)) {
        fprintf(stderr, "dstream: cannot write %s: %s\n", o->output,
                strerror(errno));
        return 2;
    }
    ds_config cfg;
    ds_config_init(&cfg);
    if (o->batch_interval_us > 0)
        cfg.batch_interval_us = o->batch_interval_us;
    if (o->clock >= 0)
        cfg.clock = o->clock;
    cfg.max_batches = o->max_batches;
    cfg.on_result = on_result;
    cfg.on_result_user = s;
    cfg.on_log = on_log;
    cfg.on_log_user = s;
    if (ds_open(&s->e, &cfg) != DS_OK) {
        fprintf(stderr, "dstream: %s\n", ds_errmsg(s->e));
        return 1;
    }
    return 0;
}

void session_close(session *s) {
    ds_close(s->e);
    s->e = NULL;
    if (s->out && s->out != stdout)
        fclose(s->out);
    s->out = NULL;
    free(s->queries);
    s->queries = NULL;
}

int session_set_output(session *s, const char *path) {
    FILE *f = stdout;
    if (path && !(f = fopen(path, "w")))
        return -1;
    if (s->out && s->out != stdout)
        fclose(s->out);
    s->out = s->pr.out = f;
    return 0;
}

/* ------------------------------------------------------------- errors */

/* Drops the engine's "line L, column C: " from msg. */
static const char *bare_message(const char *msg) {
    int line, col, n = 0;
    if (sscanf(msg, "line %d, column %d: %n", &line, &col, &n) == 2 && n > 0)
        return msg + n;
    return msg;
}

void session_report(FILE *f, const char *prefix, const char *name,
                    const char *text, long off, const char *msg) {
    size_t len = text ? strlen(text) : 0;
    if (off < 0 || (size_t)off > len || !text) {
        fprintf(f, "%s%s%s%s\n", prefix, name ? name : "", name ? ": " : "",
                msg);
        return;
    }
    msg = bare_message(msg);
    size_t start = 0;
    int line = 1;
    for (size_t i = 0; i < (size_t)off; i++)
        if (text[i] == '\n') {
            line++;
            start = i + 1;
        }
    int col = 1; /* in characters: UTF-8 continuation bytes do not count */
    for (size_t i = start; i < (size_t)off; i++)
        col += ((unsigned char)text[i] & 0xc0) != 0x80;
    if (name)
        fprintf(f, "%s%s:%d:%d: %s\n", prefix, name, line, col, msg);
    else
        fprintf(f, "%sline %d, column %d: %s\n", prefix, line, col, msg);
    size_t end = start;
    while (end < len && text[end] != '\n' && text[end] != '\r')
        end++;
    fprintf(f, "  %.*s\n  ", (int)(end - start), text + start);
    for (size_t i = start; i < (size_t)off; i++) { /* tabs stay tabs */
        unsigned char c = (unsigned char)text[i];
        if (c == '\t')
            fputc('\t', f);
        else if ((c & 0xc0) != 0x80)
            fputc(' ', f);
    }
    fputs("^\n", f);
}

/* Reports the engine's last error for the statement at text + at. */
static void report_engine(session *s, const char *name, const char *text,
                          size_t at) {
    int off = ds_error_offset(s->e);
    if (s->st)
        status_hold(s->st);
    session_report(stderr, s->interactive ? "Error: " : "dstream: ", name, text,
                   off >= 0 ? (long)(at + (size_t)off) : -1, ds_errmsg(s->e));
    fflush(stderr);
    if (s->st)
        status_release(s->st);
}

/* ----------------------------------------------------------- running */

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void session_ensure_running(session *s) {
    ds_stats st;
    if (ds_stats_get(s->e, &st) != DS_OK || st.running ||
        st.queries_running == 0)
        return;
    ds_stop(s->e, 0); /* joins a scheduler that ended by itself */
    if (ds_start(s->e) != DS_OK)
        fprintf(stderr, "Error: %s\n", ds_errmsg(s->e));
}

static int keep(session *s, ds_query *q) {
    if (s->nqueries == s->capqueries) {
        int cap = s->capqueries ? 2 * s->capqueries : 8;
        ds_query **v = realloc(s->queries, sizeof *v * (size_t)cap);
        if (!v)
            return -1;
        s->queries = v;
        s->capqueries = cap;
    }
    s->queries[s->nqueries++] = q;
    return 0;
}

/* The shell's foreground: prints every emission (on the scheduler's
   thread) until the query ends or Ctrl-C. */
static int foreground(session *s, ds_query *q) {
    session_ensure_running(s);
    while (!session_interrupted && ds_query_await(q, 100) == DS_TIMEOUT)
        ;
    int rc = RUN_OK;
    if (!ds_query_ended(q)) {
        rc = RUN_INTERRUPTED;
    } else if (ds_query_status(q) != DS_OK) {
        fprintf(stderr, "Error: query %d: %s\n", ds_query_id(q),
                ds_query_errmsg(q));
        rc = RUN_ERROR;
    }
    ds_query_close(q);
    fflush(s->out);
    if (rc == RUN_INTERRUPTED) {
        fputc('\n', stdout);
        fflush(stdout);
    }
    return rc;
}

#define RUN_ENGINE_ERROR 3 /* to report: the engine's last error */

/* Runs the statement stmt (NUL-terminated, len bytes). */
static int run_one(session *s, const char *stmt, size_t len) {
    if (!ds_statement_is_query(stmt, len)) {
        if (ds_exec(s->e, stmt) != DS_OK)
            return RUN_ENGINE_ERROR;
        if (s->interactive)
            session_ensure_running(s); /* CREATE STREAM ... AS SELECT */
        return RUN_OK;
    }
    char word[16];
    first_word(stmt, len, word, sizeof word);
    int background = !strcmp(word, "INSERT");
    ds_query *q = NULL;
    if (ds_query_open(s->e, stmt, background ? NULL : on_result, s, &q) !=
        DS_OK)
        return RUN_ENGINE_ERROR;
    if (!s->interactive) {
        if (keep(s, q)) {
            fprintf(stderr, "dstream: out of memory\n");
            return RUN_ERROR;
        }
        return RUN_OK;
    }
    if (background) {
        printf("query %d runs in the background (STOP QUERY %d ends it)\n",
               ds_query_id(q), ds_query_id(q));
        session_ensure_running(s);
        return RUN_OK;
    }
    return foreground(s, q);
}

int session_run_text(session *s, const char *name, const char *text) {
    size_t at = 0;
    for (;;) {
        size_t n = ds_statement_length(text + at);
        if (n == 0)
            return RUN_OK;
        char *stmt = strndup(text + at, n);
        if (!stmt) {
            fprintf(stderr, "dstream: out of memory\n");
            return RUN_ERROR;
        }
        double t0 = now_s();
        session_interrupted = 0;
        int rc = run_one(s, stmt, n);
        if (rc == RUN_ENGINE_ERROR) {
            report_engine(s, name, text, at);
            rc = RUN_ERROR;
        }
        if (s->interactive && s->timer)
            printf("Run Time: %.3f s\n", now_s() - t0);
        free(stmt);
        if (rc != RUN_OK)
            return rc;
        at += n;
    }
}

int session_exec(session *s, const char *sql) {
    if (ds_exec(s->e, sql) == DS_OK)
        return RUN_OK;
    report_engine(s, NULL, sql, 0);
    return RUN_ERROR;
}

int session_capture(session *s, const char *sql, ds_result_fn fn, void *user) {
    s->capture = fn;
    s->capture_user = user;
    int rc = ds_exec(s->e, sql);
    s->capture = NULL;
    s->capture_user = NULL;
    return rc;
}
