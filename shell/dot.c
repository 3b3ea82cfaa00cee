/*
** dot.c - the shell's dot-commands (dot.h).
*/
#include "dot.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "Statements end with ';' and may span lines. A SELECT runs in the\n"
    "foreground and prints every emission until it ends or Ctrl-C;\n"
    "INSERT INTO sink SELECT runs in the background. Ctrl-C clears the\n"
    "line, Ctrl-D leaves, TAB completes keywords, streams and columns.\n"
    "\n"
    ".help              this text\n"
    ".read FILE         run the statements of FILE\n"
    ".mode [MODE]       results as table, csv or json (no MODE: show it)\n"
    ".output [FILE]     results to FILE; no FILE: back to the terminal\n"
    ".streams           the streams (SHOW STREAMS)\n"
    ".queries           the running queries (SHOW QUERIES)\n"
    ".stats             per-query metrics (SHOW METRICS) and the engine's\n"
    "                   batch counters\n"
    ".timer on|off      print how long each statement took\n"
    ".stop N            stop query N (STOP QUERY N)\n"
    ".quit, .exit       leave\n"
    "\n"
    "SQL: CREATE STREAM, DROP STREAM, INSERT INTO ... VALUES, SET, SHOW\n"
    "STREAMS|QUERIES|METRICS|SETTINGS, DESCRIBE, EXPLAIN, STOP QUERY n,\n"
    "SELECT ... [WINDOW ...]. See docs/sql.md and dstream(1).\n";

/* The argument after the command: trimmed, quotes removed; "" if none.
   Writes into buf. */
static const char *argument(const char *rest, char *buf, size_t cap) {
    while (isspace((unsigned char)*rest))
        rest++;
    size_t n = strlen(rest);
    while (n && isspace((unsigned char)rest[n - 1]))
        n--;
    if (n >= 2 && (rest[0] == '\'' || rest[0] == '"') &&
        rest[n - 1] == rest[0]) {
        rest++;
        n -= 2;
    }
    if (n >= cap)
        n = cap - 1;
    memcpy(buf, rest, n);
    buf[n] = 0;
    return buf;
}

static void read_file(repl *r, const char *path) {
    if (!*path) {
        fprintf(stderr, "Error: .read needs a file name\n");
        return;
    }
    if (r->depth >= 16) {
        fprintf(stderr, "Error: .read nested too deeply\n");
        return;
    }
    char *text = read_path(path);
    if (!text) {
        fprintf(stderr, "Error: cannot read %s: %s\n", path, strerror(errno));
        return;
    }
    r->depth++;
    session_run_text(&r->s, path, text);
    r->depth--;
    free(text);
}

static void stats(repl *r) {
    if (session_exec(&r->s, "SHOW METRICS;"))
        return;
    ds_stats st;
    if (ds_stats_get(r->s.e, &st) != DS_OK)
        return;
    char t[32];
    printf("batches %lld, input rows %lld (last batch %lld), last batch "
           "%.3f ms, scheduling delay %.3f ms\n"
           "batch time %s, queries %d running and %d ended, scheduler %s\n",
           (long long)st.batches, (long long)st.input_rows,
           (long long)st.last_input_rows, (double)st.last_batch_us / 1e3,
           (double)st.last_delay_us / 1e3,
           st.batches ? ds_format_timestamp(st.batch_time, t) : "-",
           st.queries_running, st.queries_ended,
           st.running ? "running" : "idle");
    fflush(stdout);
}

void dot_command(repl *r, const char *line) {
    char cmd[32], arg[4096];
    size_t n = 0;
    line++;
    while (line[n] && !isspace((unsigned char)line[n]) && n + 1 < sizeof cmd)
        n++;
    memcpy(cmd, line, n);
    cmd[n] = 0;
    argument(line + n, arg, sizeof arg);
    session *s = &r->s;
    if (!strcmp(cmd, "quit") || !strcmp(cmd, "exit") || !strcmp(cmd, "q")) {
        r->quit = 1;
    } else if (!strcmp(cmd, "help")) {
        fputs(help, stdout);
    } else if (!strcmp(cmd, "read")) {
        read_file(r, arg);
    } else if (!strcmp(cmd, "mode")) {
        int m = parse_mode(arg);
        if (!*arg)
            printf("%s\n", mode_name(s->pr.mode));
        else if (m < 0)
            fprintf(stderr, "Error: .mode is table, csv or json\n");
        else
            s->pr.mode = (out_mode)m;
    } else if (!strcmp(cmd, "output")) {
        if (session_set_output(s, *arg ? arg : NULL))
            fprintf(stderr, "Error: cannot write %s: %s\n", arg,
                    strerror(errno));
    } else if (!strcmp(cmd, "streams")) {
        session_exec(s, "SHOW STREAMS;");
    } else if (!strcmp(cmd, "queries")) {
        session_exec(s, "SHOW QUERIES;");
    } else if (!strcmp(cmd, "stats")) {
        stats(r);
    } else if (!strcmp(cmd, "timer")) {
        if (!strcmp(arg, "on") || !strcmp(arg, "off"))
            s->timer = !strcmp(arg, "on");
        else
            fprintf(stderr, "Error: .timer is on or off\n");
    } else if (!strcmp(cmd, "stop")) {
        char *end;
        long id = strtol(arg, &end, 10);
        if (!*arg || *end || id <= 0) {
            fprintf(stderr, "Error: .stop needs a query number\n");
        } else {
            char sql[64];
            snprintf(sql, sizeof sql, "STOP QUERY %ld;", id);
            session_exec(s, sql);
        }
    } else {
        fprintf(stderr, "Error: unknown command .%s (.help lists them)\n", cmd);
    }
}
