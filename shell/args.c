/*
** args.c - the command line of the dstream program (args.h): options,
** inputs, --help and --version, and loading the inputs' SQL.
*/
#include "args.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dstream.h"
#include "print.h"
#include "util.h"

void args_usage(FILE *f, int examples) {
    fputs("usage: dstream [options]                    interactive shell\n"
          "       dstream [options] FILE.sql [FILE...]  run query files\n"
          "       dstream [options] -e 'SQL'            run SQL given here\n"
          "       dstream [options] -                   run SQL read from "
          "standard input\n"
          "options:\n"
          "  --batch-interval D     batch interval: 500ms, 3s, 1m (default "
          "1s)\n"
          "  --clock real|virtual   wall-clock batches (default), or replay: "
          "batches\n"
          "                         back to back, one interval each\n"
          "  --format table|csv|json  how results print (default table)\n"
          "  --output FILE          write results to FILE\n"
          "  --max-batches N        end every query after N batches\n"
          "  --timeout D            stop gracefully after D of wall time\n"
          "  -q, --quiet            no banner, header lines or status line\n"
          "  -e SQL                 run SQL (may be given more than once)\n"
          "  -h, --help             this help\n"
          "  --version              print the version\n",
          f);
    if (!examples)
        return;
    fputs("examples:\n"
          "  dstream\n"
          "  dstream --clock virtual --format json "
          "examples/queue_wordcount.sql\n"
          "  dstream --batch-interval 2s -e \"CREATE STREAM l (line TEXT) "
          "FROM SOCKET\n"
          "      'localhost:9000'; SELECT line FROM l;\"\n"
          "  tail -f app.log | dstream -e \"CREATE STREAM s (line TEXT) FROM "
          "STDIN;\n"
          "      SELECT COUNT(*) AS n FROM s WINDOW TUMBLING (SIZE 10 "
          "SECONDS);\"\n"
          "  dstream --timeout 1m --output counts.csv --format csv q.sql\n"
          "A file run ends when every query has ended (finite sources), at "
          "--timeout,\n"
          "or at SIGINT/SIGTERM (graceful: windows are flushed; a second "
          "signal\n"
          "ends at once). Exit status: 0 ok, 1 SQL or runtime error, 2 "
          "usage.\n"
          "See dstream(1) and docs/shell.md.\n",
          f);
}

static int fail(const char *msg, const char *arg) {
    fprintf(stderr, "dstream: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    return ARGS_USAGE;
}

int args_duration(const char *s, int64_t *us) {
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || !(v > 0))
        return -1;
    double mul;
    if (!*end || !strcmp(end, "s"))
        mul = 1e6;
    else if (!strcmp(end, "ms"))
        mul = 1e3;
    else if (!strcmp(end, "us"))
        mul = 1;
    else if (!strcmp(end, "m") || !strcmp(end, "min"))
        mul = 60e6;
    else if (!strcmp(end, "h"))
        mul = 3600e6;
    else if (!strcmp(end, "d"))
        mul = 86400e6;
    else
        return -1;
    if (v * mul > 9e18)
        return -1;
    *us = (int64_t)(v * mul + 0.5);
    return *us > 0 ? 0 : -1;
}

static int add_input(options *o, input_kind kind, const char *arg) {
    input *in = &o->inputs[o->ninputs++];
    in->kind = kind;
    in->arg = arg;
    in->name = kind == IN_FILE ? arg : kind == IN_SQL ? "-e" : "<stdin>";
    in->sql = NULL;
    return ARGS_RUN;
}

/* The value of option name: "--name=value" or the next argument. */
static const char *value(int argc, char **argv, int *i, const char *eq) {
    if (eq)
        return eq + 1;
    if (*i + 1 < argc)
        return argv[++*i];
    return NULL;
}

static int option(options *o, int argc, char **argv, int *i) {
    const char *a = argv[*i];
    const char *eq = strncmp(a, "--", 2) ? NULL : strchr(a, '=');
    size_t n = eq ? (size_t)(eq - a) : strlen(a);
#define IS(s) (n == strlen(s) && !strncmp(a, s, n))
    if (IS("--help") || IS("-h")) {
        args_usage(stdout, 1);
        return ARGS_EXIT;
    }
    if (IS("--version")) {
        printf("dstream %s\n", DS_VERSION);
        return ARGS_EXIT;
    }
    if (IS("--quiet") || IS("-q")) {
        o->quiet = 1;
        return ARGS_RUN;
    }
    if (IS("-e")) {
        const char *v = value(argc, argv, i, NULL);
        return v ? add_input(o, IN_SQL, v) : fail("-e needs SQL", NULL);
    }
    const char *v;
    if (IS("--batch-interval")) {
        v = value(argc, argv, i, eq);
        if (!v || args_duration(v, &o->batch_interval_us))
            return fail("--batch-interval needs a duration like 500ms or 3s",
                        v);
    } else if (IS("--clock")) {
        v = value(argc, argv, i, eq);
        if (v && !strcmp(v, "real"))
            o->clock = DS_CLOCK_REAL;
        else if (v && !strcmp(v, "virtual"))
            o->clock = DS_CLOCK_VIRTUAL;
        else
            return fail("--clock is real or virtual", v);
    } else if (IS("--format")) {
        v = value(argc, argv, i, eq);
        if (!v || (o->format = parse_mode(v)) < 0)
            return fail("--format is table, csv or json", v);
    } else if (IS("--output")) {
        v = value(argc, argv, i, eq);
        if (!v || !*v)
            return fail("--output needs a file name", NULL);
        o->output = v;
    } else if (IS("--max-batches")) {
        v = value(argc, argv, i, eq);
        char *end = NULL;
        long long m = v ? strtoll(v, &end, 10) : 0;
        if (!v || *end || m <= 0)
            return fail("--max-batches needs a positive number", v);
        o->max_batches = m;
    } else if (IS("--timeout")) {
        v = value(argc, argv, i, eq);
        if (!v || args_duration(v, &o->timeout_us))
            return fail("--timeout needs a duration like 30s or 5m", v);
    } else {
        return fail("unknown option", a);
    }
#undef IS
    return ARGS_RUN;
}

int args_parse(options *o, int argc, char **argv) {
    memset(o, 0, sizeof *o);
    o->clock = -1;
    o->format = -1;
    o->inputs = calloc((size_t)argc + 1, sizeof *o->inputs);
    if (!o->inputs)
        return fail("out of memory", NULL);
    int only_files = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int rc;
        if (only_files || a[0] != '-')
            rc = add_input(o, IN_FILE, a);
        else if (!strcmp(a, "--"))
            rc = (only_files = 1, ARGS_RUN);
        else if (!strcmp(a, "-"))
            rc = add_input(o, IN_STDIN, a);
        else
            rc = option(o, argc, argv, &i);
        if (rc != ARGS_RUN)
            return rc;
    }
    int nstdin = 0;
    for (int k = 0; k < o->ninputs; k++)
        nstdin += o->inputs[k].kind == IN_STDIN;
    if (nstdin > 1)
        return fail("standard input (-) can be read only once", NULL);
    return ARGS_RUN;
}

int args_load(options *o) {
    for (int k = 0; k < o->ninputs; k++) {
        input *in = &o->inputs[k];
        errno = 0;
        switch (in->kind) {
        case IN_FILE:
            in->sql = read_path(in->arg);
            break;
        case IN_STDIN:
            in->sql = read_all(stdin);
            break;
        case IN_SQL:
            in->sql = strdup(in->arg);
            break;
        }
        if (!in->sql) {
            fprintf(stderr, "dstream: cannot read %s: %s\n", in->name,
                    strerror(errno ? errno : EIO));
            return ARGS_USAGE;
        }
    }
    return ARGS_RUN;
}

void args_fini(options *o) {
    for (int k = 0; k < o->ninputs; k++)
        free(o->inputs[k].sql);
    free(o->inputs);
    o->inputs = NULL;
    o->ninputs = 0;
}
