/*
** create_source.c - CREATE STREAM ... FROM a source: checks the columns,
** the FORMAT and the WITH options of each source kind, and makes the source
** (sources/: src_queue.c, src_socket.c, src_listen.c, src_file.c,
** src_dir.c, src_stdin.c) and its stream. Errors name the option or the
** path and point at it in the SQL text.
*/
#include "engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/* Which kinds take an option. */
#define K_QUEUE (1u << DS_SRC_QUEUE)
#define K_SOCKET (1u << DS_SRC_SOCKET)
#define K_LISTEN (1u << DS_SRC_SOCKET_LISTEN)
#define K_FILE (1u << DS_SRC_FILE)
#define K_STDIN (1u << DS_SRC_STDIN)
#define K_TEXT_IN (K_SOCKET | K_LISTEN | K_FILE | K_STDIN)

typedef enum opt_id {
    O_ONE_AT_A_TIME,
    O_BAD_ROWS,
    O_BUFFER,
    O_RECONNECT,
    O_RECONNECT_DELAY,
    O_RECONNECT_MAX_DELAY,
    O_CONNECT_TIMEOUT,
    O_MAX_CLIENTS,
    O_EXISTING,
    O_FOLLOW,
    O_SETTLE,
    O_POLL,
    O_COUNT
} opt_id;

static const struct {
    const char *name;
    unsigned kinds;
} options[O_COUNT] = {
    {"one_at_a_time", K_QUEUE},
    {"bad_rows", K_TEXT_IN},
    {"buffer_bytes", K_TEXT_IN},
    {"reconnect", K_SOCKET},
    {"reconnect_delay", K_SOCKET},
    {"reconnect_max_delay", K_SOCKET},
    {"connect_timeout", K_SOCKET},
    {"max_clients", K_LISTEN},
    {"existing", K_FILE},
    {"follow", K_FILE},
    {"settle", K_FILE},
    {"poll_interval", K_FILE},
};

static int opt_error(ds_engine *e, const char *sql, int off, const char *msg) {
    ds_parse_error err = {"", off};
    snprintf(err.msg, sizeof err.msg, "%s", msg);
    return ds__engine_sql_error(e, sql, &err);
}

static int opt_bool(ds_engine *e, const char *sql, const ds_ast_option *o,
                    int *out) {
    const ds_ast_expr *v = o->value;
    if (!o->is_duration && (v->kind == DS_AE_BOOL || v->kind == DS_AE_INT)) {
        *out = v->ival != 0;
        return DS_OK;
    }
    if (v->kind == DS_AE_STRING && ds__parse_bool(v->str, strlen(v->str), out))
        return DS_OK;
    char msg[128];
    snprintf(msg, sizeof msg, "option %s needs true or false", o->key.s);
    return opt_error(e, sql, v->off, msg);
}

static int opt_int(ds_engine *e, const char *sql, const ds_ast_option *o,
                   int64_t lo, int64_t hi, int64_t *out) {
    const ds_ast_expr *v = o->value;
    if (!o->is_duration && v->kind == DS_AE_INT && v->ival >= lo &&
        v->ival <= hi) {
        *out = v->ival;
        return DS_OK;
    }
    char msg[128];
    snprintf(msg, sizeof msg, "option %s needs an integer from %lld to %lld",
             o->key.s, (long long)lo, (long long)hi);
    return opt_error(e, sql, v->off, msg);
}

/* A byte count: an integer, or a string like '64MB' (K, M, G: binary). */
static int opt_size(ds_engine *e, const char *sql, const ds_ast_option *o,
                    int64_t lo, size_t *out) {
    const ds_ast_expr *v = o->value;
    int64_t n = -1;
    if (!o->is_duration && v->kind == DS_AE_INT) {
        n = v->ival;
    } else if (v->kind == DS_AE_STRING) {
        char *end;
        long long x = strtoll(v->str, &end, 10);
        while (*end == ' ')
            end++;
        int64_t mul = 0;
        if (!*end || ds__name_eq(end, "b"))
            mul = 1;
        else if (ds__name_eq(end, "k") || ds__name_eq(end, "kb") ||
                 ds__name_eq(end, "kib"))
            mul = 1 << 10;
        else if (ds__name_eq(end, "m") || ds__name_eq(end, "mb") ||
                 ds__name_eq(end, "mib"))
            mul = 1 << 20;
        else if (ds__name_eq(end, "g") || ds__name_eq(end, "gb") ||
                 ds__name_eq(end, "gib"))
            mul = 1 << 30;
        if (end != v->str && mul && x >= 0 && x <= INT64_MAX / mul)
            n = x * mul;
    }
    if (n >= lo) {
        *out = (size_t)n;
        return DS_OK;
    }
    char msg[160];
    snprintf(msg, sizeof msg,
             "option %s needs a size of at least %lld bytes, like 1048576 "
             "or '64MB'",
             o->key.s, (long long)lo);
    return opt_error(e, sql, v->off, msg);
}

static int opt_duration(ds_engine *e, const char *sql, const ds_ast_option *o,
                        int64_t lo, int64_t *out) {
    const ds_ast_expr *v = o->value;
    if (o->is_duration && v->ival >= lo) {
        *out = v->ival;
        return DS_OK;
    }
    char msg[128];
    snprintf(msg, sizeof msg,
             "option %s needs a %sduration, like 500 "
             "MILLISECONDS",
             o->key.s, lo > 0 ? "positive " : "");
    return opt_error(e, sql, v->off, msg);
}

static int opt_string(ds_engine *e, const char *sql, const ds_ast_option *o,
                      const char **out) {
    const ds_ast_expr *v = o->value;
    if (v->kind == DS_AE_STRING && v->str[0]) {
        *out = v->str;
        return DS_OK;
    }
    char msg[128];
    snprintf(msg, sizeof msg, "option %s needs a string in quotes", o->key.s);
    return opt_error(e, sql, v->off, msg);
}

/* The decoder's options (decode.h), which every kind reading text takes. */
static const char decoder_options[] = "header, delimiter, null, "
                                      "max_line_bytes";

/* An option's value as text, for ds__decode_opts_set; NULL for a
   duration. */
static const char *opt_text(const ds_ast_option *o, char *buf, size_t len) {
    const ds_ast_expr *v = o->value;
    if (o->is_duration)
        return NULL;
    switch (v->kind) {
    case DS_AE_STRING:
        return v->str;
    case DS_AE_BOOL:
        return v->ival ? "true" : "false";
    case DS_AE_INT:
        snprintf(buf, len, "%lld", (long long)v->ival);
        return buf;
    case DS_AE_FLOAT:
        snprintf(buf, len, "%.17g", v->dval);
        return buf;
    default:
        return NULL;
    }
}

static void known_options(ds_source_kind kind, char *buf, size_t len) {
    size_t at = (size_t)snprintf(buf, len, "%s", decoder_options);
    for (int k = 0; k < O_COUNT && at < len; k++)
        if (options[k].kinds & (1u << kind))
            at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? ", " : "",
                                   options[k].name);
}

/* The WITH options of a stream of this kind, into a; *one_at_a_time for a
   queue; *follow_off: where follow was given (or -1). */
static int read_options(ds_engine *e, const char *sql, const ds_ast_stmt *st,
                        ds_source_args *a, int *one_at_a_time,
                        int *follow_off) {
    *follow_off = -1;
    for (int k = 0; st->options && k < st->options->n; k++) {
        const ds_ast_option *o = &st->options->v[k];
        char text[64], why[256];
        const char *value = opt_text(o, text, sizeof text);
        int drc = ds__decode_opts_set(&a->decode, o->key.s, value ? value : "",
                                      why, sizeof why);
        if (drc == DS_OK && value)
            continue;
        if (drc != DS_NOTFOUND) {
            if (!value)
                snprintf(why, sizeof why,
                         "option %s needs a value, not a "
                         "duration",
                         o->key.s);
            return opt_error(e, sql, o->value->off, why);
        }
        int id = 0;
        while (id < O_COUNT && !ds__name_eq(o->key.s, options[id].name))
            id++;
        if (id == O_COUNT || !(options[id].kinds & (1u << st->source))) {
            char known[512];
            known_options(st->source, known, sizeof known);
            return ds__engine_sql_errorf(
                e, sql, o->key.off,
                "unknown option '%s' for a %s stream (known: %s)", o->key.s,
                ds__source_kind_name(st->source), known);
        }
        int rc = DS_OK;
        int64_t n = 0;
        switch ((opt_id)id) {
        case O_ONE_AT_A_TIME:
            rc = opt_bool(e, sql, o, one_at_a_time);
            break;
        case O_BAD_ROWS:
            rc = opt_string(e, sql, o, &a->bad_rows);
            break;
        case O_BUFFER:
            rc = opt_size(e, sql, o, 1024, &a->buffer_bytes);
            break;
        case O_RECONNECT:
            rc = opt_bool(e, sql, o, &a->reconnect);
            break;
        case O_RECONNECT_DELAY:
            rc = opt_duration(e, sql, o, 1000, &a->reconnect_delay_us);
            break;
        case O_RECONNECT_MAX_DELAY:
            rc = opt_duration(e, sql, o, 1000, &a->reconnect_max_delay_us);
            break;
        case O_CONNECT_TIMEOUT:
            rc = opt_duration(e, sql, o, 1000, &a->connect_timeout_us);
            break;
        case O_MAX_CLIENTS:
            rc = opt_int(e, sql, o, 1, 65536, &n);
            a->max_clients = (int)n;
            break;
        case O_EXISTING:
            rc = opt_bool(e, sql, o, &a->existing);
            break;
        case O_FOLLOW:
            rc = opt_bool(e, sql, o, &a->follow);
            *follow_off = o->key.off;
            break;
        case O_SETTLE:
            rc = opt_duration(e, sql, o, 0, &a->settle_us);
            break;
        case O_POLL:
            rc = opt_duration(e, sql, o, 1000, &a->poll_us);
            break;
        case O_COUNT:
            break;
        }
        if (rc)
            return rc;
    }
    return DS_OK;
}

/* Receivers call this (from their threads) when rows arrive. */
static void wake_scheduler(void *user) {
    ds_engine *e = user;
    pthread_cond_broadcast(&e->cv);
}

/* FROM FILE: a directory or a glob of names (else one file). */
static int names_directory(const char *path) {
    struct stat st;
    if (stat(path, &st) == 0)
        return S_ISDIR(st.st_mode);
    const char *slash = strrchr(path, '/');
    return strpbrk(slash ? slash + 1 : path, "*?[") != NULL;
}

/* Makes the source of a receiving kind; errors point at the target. */
static int make_receiver(ds_engine *e, const char *sql, const ds_ast_stmt *st,
                         ds_source_args *a, int follow_off, ds_source **out) {
    char msg[512];
    char ckpt[4096];
    switch (st->source) {
    case DS_SRC_SOCKET:
        *out = ds__src_socket_new(a, msg, sizeof msg);
        break;
    case DS_SRC_SOCKET_LISTEN:
        *out = ds__src_listen_new(a, msg, sizeof msg);
        break;
    case DS_SRC_STDIN:
        for (int k = 0; k < e->nstreams; k++)
            if (e->streams[k]->kind == DS_SRC_STDIN)
                return ds__engine_sql_errorf(
                    e, sql, st->target_off,
                    "stream %s already reads STDIN; only one stream can",
                    e->streams[k]->name);
        *out = ds__src_stdin_new(a, msg, sizeof msg);
        break;
    default:
        if (!names_directory(a->target)) {
            *out = ds__src_file_new(a, msg, sizeof msg);
            break;
        }
        if (a->follow)
            return ds__engine_sql_errorf(
                e, sql, follow_off >= 0 ? follow_off : st->target_off,
                "follow needs a regular file; %s is a directory or a "
                "pattern",
                a->target);
        if (e->checkpoint_dir) {
            snprintf(ckpt, sizeof ckpt, "%s/sources/%s.files",
                     e->checkpoint_dir, st->name.s);
            for (char *p = strrchr(ckpt, '/') + 1; *p; p++)
                if (*p == '/' || *p == '\\')
                    *p = '_';
            a->checkpoint = ckpt;
        }
        *out = ds__src_dir_new(a, msg, sizeof msg);
        break;
    }
    if (!*out)
        return ds__engine_sql_errorf(e, sql, st->target_off, "%s", msg);
    return DS_OK;
}

int ds__engine_create_source_stream(ds_engine *e, const char *sql,
                                    const ds_ast_stmt *st) {
    ds_parse_error err;
    if (!st->columns || st->columns->n == 0)
        return ds__engine_sql_errorf(e, sql, st->name.off,
                                     "stream %s needs columns", st->name.s);
    if (ds__plan_check_columns(st->columns, &err))
        return ds__engine_sql_error(e, sql, &err);
    int n = st->columns->n;
    const char **names = ds_malloc(sizeof(char *) * (size_t)n);
    int *types = ds_malloc(sizeof(int) * (size_t)n);
    if (!names || !types) {
        ds_free(names);
        ds_free(types);
        return ds__engine_error(e, DS_NOMEM, -1, "out of memory");
    }
    for (int k = 0; k < n; k++) {
        names[k] = st->columns->v[k].name.s;
        types[k] = st->columns->v[k].type;
    }
    ds_source_args a;
    ds__source_args_init(&a);
    a.ncols = n;
    a.names = names;
    a.types = types;
    a.target = st->target.s ? st->target.s : "";
    a.max_rows = e->rows_per_batch;
    a.virtual_clock = e->clock == DS_CLOCK_VIRTUAL;
    int one_at_a_time = 1, follow_off;
    int rc = read_options(e, sql, st, &a, &one_at_a_time, &follow_off);
    int has_format = st->format != DS_FMT_DEFAULT;
    if (has_format)
        a.decode.format = st->format == DS_FMT_CSV    ? DS_FORMAT_CSV
                          : st->format == DS_FMT_JSON ? DS_FORMAT_JSON
                                                      : DS_FORMAT_TEXT;
    /* a queue of typed columns without a FORMAT takes only typed rows */
    int text_in = st->source != DS_SRC_QUEUE || has_format ||
                  (n == 1 && types[0] == DS_TEXT);
    char msg[256];
    if (!rc && text_in) { /* the format fits the columns? */
        ds_decoder *d =
            ds__decoder_new(&a.decode, n, names, types, msg, sizeof msg);
        if (!d)
            rc = ds__engine_sql_errorf(
                e, sql, has_format ? st->format_off : st->off, "%s", msg);
        ds__decoder_free(d);
    }
    ds_source *src = NULL;
    if (!rc && st->source == DS_SRC_QUEUE) {
        src = ds__src_queue_new(n, names, types, text_in ? &a.decode : NULL,
                                one_at_a_time, msg, sizeof msg);
        if (!src)
            rc = ds__engine_sql_errorf(
                e, sql, has_format ? st->format_off : st->off, "%s", msg);
    } else if (!rc) {
        rc = make_receiver(e, sql, st, &a, follow_off, &src);
    }
    ds_stream *s = NULL;
    if (!rc) {
        s = ds__stream_new(st->name.s, n, names, types, sql + st->off,
                           (size_t)st->len);
        if (!s) {
            ds__source_free(src);
            rc = ds__engine_error(e, DS_NOMEM, -1, "out of memory");
        }
    }
    ds_free(names);
    ds_free(types);
    if (rc)
        return rc;
    s->kind = st->source;
    s->source = src;
    src->log = e->cfg.on_log;
    src->log_user = e->cfg.on_log_user;
    src->wake = wake_scheduler;
    src->wake_user = e;
    rc = ds__engine_add_stream(e, s);
    if (!rc && e->running)
        rc = src->vt->x_start(src);
    return rc;
}
