/*
** sink_file.c - CREATE SINK ... TO FILE 'path' | TO STDOUT, FORMAT CSV
** (RFC 4180, a header line unless WITH (header = false)), JSON (one object
** per row, one per line) or TEXT (a single column, one value per line).
** Values are written as the program prints them: numbers as SQLite prints
** them, timestamps ISO-8601 in UTC, NULL as an empty CSV field, null in
** JSON and an empty line in TEXT.
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sink.h"

typedef struct file_sink {
    ds_sink base;
    FILE *f; /* owned unless it is stdout */
    int is_stdout;
    ds_sink_format format;
    int header; /* a header is still to be written */
    char *path; /* owned, for messages */
    int ncols;
    char **names; /* owned copies */
    int *types;   /* owned */
} file_sink;

static void free_columns(file_sink *s) {
    for (int k = 0; s->names && k < s->ncols; k++)
        ds_free(s->names[k]);
    ds_free(s->names);
    ds_free(s->types);
    s->names = NULL;
    s->types = NULL;
    s->ncols = 0;
}

static void csv_field(FILE *f, const char *p, size_t n) {
    int quote = 0;
    for (size_t i = 0; i < n && !quote; i++)
        quote = p[i] == ',' || p[i] == '"' || p[i] == '\n' || p[i] == '\r';
    if (!quote) {
        fwrite(p, 1, n, f);
        return;
    }
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '"')
            fputc('"', f);
        fputc(p[i], f);
    }
    fputc('"', f);
}

static void json_string(FILE *f, const char *p, size_t n) {
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\r')
            fputs("\\r", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static int file_begin(ds_sink *sk, const ds_sink_columns *cols, char *errmsg,
                      size_t errlen) {
    file_sink *s = (file_sink *)sk;
    if (s->format == DS_SINKFMT_TEXT && cols->ncols != 1) {
        snprintf(errmsg, errlen,
                 "FORMAT TEXT writes one column, and the query gives %d",
                 cols->ncols);
        return DS_ERROR;
    }
    free_columns(s);
    s->names = ds_malloc(sizeof(char *) * (size_t)(cols->ncols + 1));
    s->types = ds_malloc(sizeof(int) * (size_t)(cols->ncols + 1));
    if (!s->names || !s->types)
        return DS_NOMEM;
    for (int k = 0; k < cols->ncols; k++) {
        s->names[k] = ds__strndup(cols->names[k], strlen(cols->names[k]));
        if (!s->names[k]) {
            s->ncols = k;
            return DS_NOMEM;
        }
        s->types[k] = cols->types[k];
        s->ncols = k + 1;
    }
    if (s->header && s->format == DS_SINKFMT_CSV) {
        for (int k = 0; k < s->ncols; k++) {
            if (k)
                fputc(',', s->f);
            csv_field(s->f, s->names[k], strlen(s->names[k]));
        }
        fputc('\n', s->f);
        s->header = 0;
    }
    return DS_OK;
}

/* Writes one value as text (not for TEXT values). */
static void put_number(FILE *f, const ds_vec *v, int i, int json) {
    char buf[DS_NUMBUF];
    switch (v->type) {
    case DS_DOUBLE:
        if (json && !isfinite(v->v.f64[i])) {
            fputs("null", f);
            return;
        }
        ds__fmt_double(v->v.f64[i], buf);
        fputs(buf, f);
        return;
    case DS_BOOLEAN:
        fputs(v->v.b[i] ? "true" : "false", f);
        return;
    case DS_TIMESTAMP:
        ds__fmt_timestamp(v->v.i64[i], buf);
        if (json)
            json_string(f, buf, strlen(buf));
        else
            fputs(buf, f);
        return;
    default:
        ds__fmt_int(v->v.i64[i], buf);
        fputs(buf, f);
    }
}

static int file_write(ds_sink *sk, const ds_batch *rows, char *errmsg,
                      size_t errlen) {
    file_sink *s = (file_sink *)sk;
    FILE *f = s->f;
    for (const ds_chunk *c = rows->head; c; c = c->next) {
        for (int i = 0; i < c->n; i++) {
            if (s->format == DS_SINKFMT_JSON)
                fputc('{', f);
            for (int k = 0; k < c->ncols; k++) {
                const ds_vec *v = &c->cols[k];
                int valid = ds__vec_valid(v, i);
                if (s->format == DS_SINKFMT_JSON) {
                    if (k)
                        fputc(',', f);
                    json_string(f, s->names[k], strlen(s->names[k]));
                    fputc(':', f);
                    if (!valid)
                        fputs("null", f);
                    else if (v->type == DS_TEXT)
                        json_string(f, v->v.str[i].p, v->v.str[i].n);
                    else
                        put_number(f, v, i, 1);
                    continue;
                }
                if (k && s->format == DS_SINKFMT_CSV)
                    fputc(',', f);
                if (!valid)
                    continue;
                if (v->type != DS_TEXT)
                    put_number(f, v, i, 0);
                else if (s->format == DS_SINKFMT_CSV)
                    csv_field(f, v->v.str[i].p, v->v.str[i].n);
                else
                    fwrite(v->v.str[i].p, 1, v->v.str[i].n, f);
            }
            fputs(s->format == DS_SINKFMT_JSON ? "}\n" : "\n", f);
        }
    }
    s->base.rows += rows->rows;
    if (ferror(f)) {
        snprintf(errmsg, errlen, "cannot write to %s: %s", s->path,
                 strerror(errno));
        return DS_IOERR;
    }
    return DS_OK;
}

static int file_flush(ds_sink *sk, char *errmsg, size_t errlen) {
    file_sink *s = (file_sink *)sk;
    if (fflush(s->f) != 0) {
        snprintf(errmsg, errlen, "cannot write to %s: %s", s->path,
                 strerror(errno));
        return DS_IOERR;
    }
    return DS_OK;
}

static void file_free(ds_sink *sk) {
    file_sink *s = (file_sink *)sk;
    if (s->f && !s->is_stdout)
        fclose(s->f);
    else if (s->f)
        fflush(s->f);
    free_columns(s);
    ds_free(s->path);
    ds_free(s);
}

static const ds_sink_vtable file_vt = {"file", file_begin, file_write,
                                       file_flush, file_free};

ds_sink *ds__sink_file_new(const ds_sink_args *a, char *errmsg, size_t errlen) {
    file_sink *s = ds_malloc(sizeof *s);
    if (!s) {
        snprintf(errmsg, errlen, "out of memory");
        return NULL;
    }
    memset(s, 0, sizeof *s);
    s->base.vt = &file_vt;
    s->format = a->format ? a->format : DS_SINKFMT_CSV;
    const char *path = a->path ? a->path : "<stdout>";
    s->path = ds__strndup(path, strlen(path));
    if (!s->path) {
        ds_free(s);
        snprintf(errmsg, errlen, "out of memory");
        return NULL;
    }
    if (!a->path) {
        s->f = stdout;
        s->is_stdout = 1;
        s->header = a->header;
        return &s->base;
    }
    struct stat st;
    int existed = stat(a->path, &st) == 0 && st.st_size > 0;
    s->f = fopen(a->path, a->append ? "a" : "w");
    if (!s->f) {
        snprintf(errmsg, errlen, "cannot open %s: %s", a->path,
                 strerror(errno));
        file_free(&s->base);
        return NULL;
    }
    s->header = a->header && !(a->append && existed);
    return &s->base;
}
