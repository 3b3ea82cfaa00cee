/*
** sink_sqlite.c - CREATE SINK ... TO SQLITE 'path' TABLE t: every row a
** query emits is inserted into table t of that database (created with the
** query's columns if it does not exist: BIGINT and BOOLEAN as INTEGER,
** DOUBLE as REAL, TEXT and TIMESTAMP (ISO-8601, UTC) as TEXT). Each
** batch's rows go in one transaction, committed at the end of the batch.
*/
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "sink.h"

typedef struct sqlite_sink {
    ds_sink base;
    sqlite3 *db;          /* owned */
    sqlite3_stmt *insert; /* owned */
    char *table;          /* owned */
    char *path;           /* owned */
    int in_tx;
} sqlite_sink;

static int fail(sqlite_sink *s, char *errmsg, size_t errlen, const char *what) {
    snprintf(errmsg, errlen, "%s %s: %s", what, s->path, sqlite3_errmsg(s->db));
    return DS_IOERR;
}

/* Appends "name" quoted as an SQL identifier. */
static void ident(ds_strbuf *sb, const char *name) {
    ds__strbuf_putc(sb, '"');
    for (const char *p = name; *p; p++) {
        if (*p == '"')
            ds__strbuf_putc(sb, '"');
        ds__strbuf_putc(sb, *p);
    }
    ds__strbuf_putc(sb, '"');
}

static int sqlite_begin(ds_sink *sk, const ds_sink_columns *cols, char *errmsg,
                        size_t errlen) {
    sqlite_sink *s = (sqlite_sink *)sk;
    ds_strbuf sb;
    ds__strbuf_init(&sb);
    ds__strbuf_puts(&sb, "CREATE TABLE IF NOT EXISTS ");
    ident(&sb, s->table);
    ds__strbuf_putc(&sb, '(');
    for (int k = 0; k < cols->ncols; k++) {
        if (k)
            ds__strbuf_puts(&sb, ", ");
        ident(&sb, cols->names[k]);
        int t = cols->types[k];
        ds__strbuf_puts(&sb, t == DS_DOUBLE                      ? " REAL"
                             : t == DS_TEXT || t == DS_TIMESTAMP ? " TEXT"
                                                                 : " INTEGER");
    }
    ds__strbuf_puts(&sb, ")");
    int rc = sb.oom ? DS_NOMEM : DS_OK;
    if (!rc && sqlite3_exec(s->db, ds__strbuf_cstr(&sb), NULL, NULL, NULL))
        rc = fail(s, errmsg, errlen, "cannot create the table in");
    ds__strbuf_fini(&sb);
    if (rc)
        return rc;
    ds__strbuf_init(&sb);
    ds__strbuf_puts(&sb, "INSERT INTO ");
    ident(&sb, s->table);
    ds__strbuf_puts(&sb, " VALUES (");
    for (int k = 0; k < cols->ncols; k++)
        ds__strbuf_puts(&sb, k ? ", ?" : "?");
    ds__strbuf_putc(&sb, ')');
    sqlite3_finalize(s->insert);
    s->insert = NULL;
    if (sb.oom)
        rc = DS_NOMEM;
    else if (sqlite3_prepare_v2(s->db, ds__strbuf_cstr(&sb), -1, &s->insert,
                                NULL))
        rc = fail(s, errmsg, errlen, "cannot insert into the table in");
    ds__strbuf_fini(&sb);
    return rc;
}

static int sqlite_write(ds_sink *sk, const ds_batch *rows, char *errmsg,
                        size_t errlen) {
    sqlite_sink *s = (sqlite_sink *)sk;
    if (!s->in_tx) {
        if (sqlite3_exec(s->db, "BEGIN", NULL, NULL, NULL))
            return fail(s, errmsg, errlen, "cannot write to");
        s->in_tx = 1;
    }
    char buf[DS_NUMBUF];
    for (const ds_chunk *c = rows->head; c; c = c->next) {
        for (int i = 0; i < c->n; i++) {
            for (int k = 0; k < c->ncols; k++) {
                const ds_vec *v = &c->cols[k];
                if (!ds__vec_valid(v, i)) {
                    sqlite3_bind_null(s->insert, k + 1);
                    continue;
                }
                switch (v->type) {
                case DS_DOUBLE:
                    sqlite3_bind_double(s->insert, k + 1, v->v.f64[i]);
                    break;
                case DS_TEXT:
                    sqlite3_bind_text(s->insert, k + 1, v->v.str[i].p,
                                      (int)v->v.str[i].n, SQLITE_TRANSIENT);
                    break;
                case DS_BOOLEAN:
                    sqlite3_bind_int64(s->insert, k + 1, v->v.b[i]);
                    break;
                case DS_TIMESTAMP: {
                    int n = ds__fmt_timestamp(v->v.i64[i], buf);
                    sqlite3_bind_text(s->insert, k + 1, buf, n,
                                      SQLITE_TRANSIENT);
                    break;
                }
                default:
                    sqlite3_bind_int64(s->insert, k + 1, v->v.i64[i]);
                }
            }
            int rc = sqlite3_step(s->insert);
            sqlite3_reset(s->insert);
            if (rc != SQLITE_DONE)
                return fail(s, errmsg, errlen, "cannot insert into");
        }
    }
    s->base.rows += rows->rows;
    return DS_OK;
}

static int sqlite_flush(ds_sink *sk, char *errmsg, size_t errlen) {
    sqlite_sink *s = (sqlite_sink *)sk;
    if (!s->in_tx)
        return DS_OK;
    s->in_tx = 0;
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL))
        return fail(s, errmsg, errlen, "cannot commit to");
    return DS_OK;
}

static void sqlite_free(ds_sink *sk) {
    sqlite_sink *s = (sqlite_sink *)sk;
    if (s->in_tx)
        sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
    sqlite3_finalize(s->insert);
    sqlite3_close(s->db);
    ds_free(s->table);
    ds_free(s->path);
    ds_free(s);
}

static const ds_sink_vtable sqlite_vt = {"sqlite", sqlite_begin, sqlite_write,
                                         sqlite_flush, sqlite_free};

ds_sink *ds__sink_sqlite_new(const ds_sink_args *a, char *errmsg,
                             size_t errlen) {
    sqlite_sink *s = ds_malloc(sizeof *s);
    if (!s) {
        snprintf(errmsg, errlen, "out of memory");
        return NULL;
    }
    memset(s, 0, sizeof *s);
    s->base.vt = &sqlite_vt;
    s->table = ds__strndup(a->table, strlen(a->table));
    s->path = ds__strndup(a->path, strlen(a->path));
    if (!s->table || !s->path) {
        sqlite_free(&s->base);
        snprintf(errmsg, errlen, "out of memory");
        return NULL;
    }
    if (sqlite3_open_v2(a->path, &s->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)) {
        snprintf(errmsg, errlen, "cannot open %s: %s", a->path,
                 s->db ? sqlite3_errmsg(s->db) : "out of memory");
        sqlite_free(&s->base);
        return NULL;
    }
    sqlite3_busy_timeout(s->db, 5000);
    return &s->base;
}
