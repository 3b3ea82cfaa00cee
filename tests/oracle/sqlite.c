/*
** sqlite.c - the SQLite side of the oracle (oracle.h): an in-memory
** database that holds a case's streams, and the functions that rewrite.c's
** SQLite text calls. Each stream s is a table s__all with every row of
** every batch (__batch, __seq: arrival order) and a table s that holds the
** rows under check (a batch's, or a window's: oracle_row and oracle_pick
** select them), with rowid = __seq. Queue streams are loaded from the case;
** derived and LATE INTO streams are filled by run.c and wcheck.c from what
** their producers emit in SQLite. Runs with case_sensitive_like = ON, as
** the design asks.
*/
#include "oracle.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct osql {
    sqlite3 *db;
    const ocase *c;
    int64_t batch_time, window_start, window_end;
    const int64_t *seqs; /* borrowed: the rows oracle_row() selects */
    int nseqs;
    const int64_t *pairs; /* borrowed: (seq, piece) pairs oracle_pick()
                             selects */
    int npairs;           /* < 0: every piece */
};

/* ----------------------------------------------------------- functions */

static void fn_time(sqlite3_context *cx, int argc, sqlite3_value **argv) {
    (void)argc;
    (void)argv;
    sqlite3_result_int64(cx, *(int64_t *)sqlite3_user_data(cx));
}

/* oracle_row(seq): is the stream row seq one of the selection? */
static void fn_row(sqlite3_context *cx, int argc, sqlite3_value **argv) {
    (void)argc;
    const osql *s = sqlite3_user_data(cx);
    int64_t v = sqlite3_value_int64(argv[0]);
    int lo = 0, hi = s->nseqs;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (s->seqs[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    sqlite3_result_int(cx, lo < s->nseqs && s->seqs[lo] == v);
}

/* oracle_pick(seq, piece): is this UNNEST piece one of the selection? */
static void fn_pick(sqlite3_context *cx, int argc, sqlite3_value **argv) {
    (void)argc;
    const osql *s = sqlite3_user_data(cx);
    if (s->npairs < 0) {
        sqlite3_result_int(cx, 1);
        return;
    }
    int64_t a = sqlite3_value_int64(argv[0]), b = sqlite3_value_int64(argv[1]);
    int lo = 0, hi = s->npairs;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        const int64_t *p = &s->pairs[2 * mid];
        if (p[0] < a || (p[0] == a && p[1] < b))
            lo = mid + 1;
        else
            hi = mid;
    }
    sqlite3_result_int(cx, lo < s->npairs && s->pairs[2 * lo] == a &&
                               s->pairs[2 * lo + 1] == b);
}

/* CAST(x AS TIMESTAMP): text is parsed (NULL if it is no timestamp),
   numbers are microseconds. */
static void fn_ts(sqlite3_context *cx, int argc, sqlite3_value **argv) {
    (void)argc;
    int64_t us;
    switch (sqlite3_value_type(argv[0])) {
    case SQLITE_NULL:
        sqlite3_result_null(cx);
        break;
    case SQLITE_TEXT:
        if (orw_parse_ts((const char *)sqlite3_value_text(argv[0]), &us))
            sqlite3_result_int64(cx, us);
        else
            sqlite3_result_null(cx);
        break;
    default:
        sqlite3_result_int64(cx, sqlite3_value_int64(argv[0]));
    }
}

/* CAST(x AS BOOLEAN) as the design's CAST: a number is true when not 0;
   text is one of true/false/t/f/yes/no/1/0 (any case, blanks around) or
   else its numeric prefix is not 0. */
static void fn_bool(sqlite3_context *cx, int argc, sqlite3_value **argv) {
    (void)argc;
    int t = sqlite3_value_type(argv[0]);
    if (t == SQLITE_NULL) {
        sqlite3_result_null(cx);
        return;
    }
    if (t != SQLITE_TEXT) {
        sqlite3_result_int(cx, sqlite3_value_double(argv[0]) != 0.0);
        return;
    }
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    size_t n = strlen(s);
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    static const char *words[] = {"true", "false", "t",   "f",
                                  "1",    "0",     "yes", "no"};
    for (int k = 0; k < 8; k++)
        if (strlen(words[k]) == n && strncasecmp(s, words[k], n) == 0) {
            sqlite3_result_int(cx, !(k & 1));
            return;
        }
    sqlite3_result_int(cx, atof(s) != 0.0);
}

/* epoch_ms(ts): the milliseconds of a timestamp, rounded down. */
static void fn_epoch_ms(sqlite3_context *cx, int argc, sqlite3_value **argv) {
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(cx);
        return;
    }
    int64_t us = sqlite3_value_int64(argv[0]);
    int64_t ms = us / 1000 - (us % 1000 < 0);
    sqlite3_result_int64(cx, ms);
}

/* to_timestamp(seconds): microseconds, rounded half away from zero. */
static void fn_to_ts(sqlite3_context *cx, int argc, sqlite3_value **argv) {
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(cx);
        return;
    }
    double us = sqlite3_value_double(argv[0]) * 1e6;
    if (!(us > -9.2e18 && us < 9.2e18)) {
        sqlite3_result_null(cx);
        return;
    }
    sqlite3_result_int64(cx, (int64_t)llround(us));
}

/* ------------------------------------------------- oracle_split(text, sep)

   The pieces of text between the occurrences of sep, as PostgreSQL's
   string_to_array and dstream's split: every piece, empty ones included;
   no piece for an empty or NULL text or a NULL separator; the whole text
   for an empty separator. */

typedef struct split_cur {
    sqlite3_vtab_cursor base;
    char *text, *sep; /* owned */
    size_t n, sn, pos;
    size_t at, len; /* the current piece */
    int eof, last;
    sqlite3_int64 rowid;
} split_cur;

static int sp_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                      sqlite3_vtab **pv, char **err) {
    (void)aux;
    (void)argc;
    (void)argv;
    (void)err;
    int rc = sqlite3_declare_vtab(
        db,
        "CREATE TABLE x(value TEXT, oracle_text HIDDEN, oracle_sep HIDDEN)");
    if (rc != SQLITE_OK)
        return rc;
    *pv = sqlite3_malloc(sizeof(sqlite3_vtab));
    if (!*pv)
        return SQLITE_NOMEM;
    memset(*pv, 0, sizeof(sqlite3_vtab));
    return SQLITE_OK;
}

static int sp_disconnect(sqlite3_vtab *v) {
    sqlite3_free(v);
    return SQLITE_OK;
}

static int sp_best(sqlite3_vtab *v, sqlite3_index_info *ix) {
    (void)v;
    int have[2] = {-1, -1};
    for (int k = 0; k < ix->nConstraint; k++) {
        const struct sqlite3_index_constraint *c = &ix->aConstraint[k];
        if (c->iColumn >= 1 && c->iColumn <= 2 &&
            c->op == SQLITE_INDEX_CONSTRAINT_EQ) {
            if (!c->usable)
                return SQLITE_CONSTRAINT;
            have[c->iColumn - 1] = k;
        }
    }
    if (have[0] < 0 || have[1] < 0)
        return SQLITE_CONSTRAINT;
    for (int j = 0; j < 2; j++) {
        ix->aConstraintUsage[have[j]].argvIndex = j + 1;
        ix->aConstraintUsage[have[j]].omit = 1;
    }
    ix->estimatedCost = 10;
    ix->estimatedRows = 10;
    return SQLITE_OK;
}

static int sp_open(sqlite3_vtab *v, sqlite3_vtab_cursor **pc) {
    (void)v;
    split_cur *c = sqlite3_malloc(sizeof *c);
    if (!c)
        return SQLITE_NOMEM;
    memset(c, 0, sizeof *c);
    *pc = &c->base;
    return SQLITE_OK;
}

static int sp_close(sqlite3_vtab_cursor *pc) {
    split_cur *c = (split_cur *)pc;
    free(c->text);
    free(c->sep);
    sqlite3_free(c);
    return SQLITE_OK;
}

static void sp_piece(split_cur *c) {
    if (c->last) {
        c->eof = 1;
        return;
    }
    const char *m = NULL;
    if (c->sn)
        m = memmem(c->text + c->pos, c->n - c->pos, c->sep, c->sn);
    c->at = c->pos;
    if (m) {
        c->len = (size_t)(m - (c->text + c->pos));
        c->pos += c->len + c->sn;
    } else {
        c->len = c->n - c->pos;
        c->last = 1;
    }
    c->rowid++;
}

static int sp_filter(sqlite3_vtab_cursor *pc, int idx, const char *idxs,
                     int argc, sqlite3_value **argv) {
    (void)idx;
    (void)idxs;
    split_cur *c = (split_cur *)pc;
    free(c->text);
    free(c->sep);
    c->text = c->sep = NULL;
    c->eof = 1;
    c->last = 0;
    c->pos = 0;
    c->rowid = 0;
    if (argc < 2 || sqlite3_value_type(argv[0]) == SQLITE_NULL ||
        sqlite3_value_type(argv[1]) == SQLITE_NULL)
        return SQLITE_OK;
    const unsigned char *t = sqlite3_value_text(argv[0]);
    c->n = (size_t)sqlite3_value_bytes(argv[0]);
    const unsigned char *s = sqlite3_value_text(argv[1]);
    c->sn = (size_t)sqlite3_value_bytes(argv[1]);
    if (!t || !s || c->n == 0)
        return SQLITE_OK;
    c->text = ostrndup((const char *)t, c->n);
    c->sep = ostrndup((const char *)s, c->sn);
    c->eof = 0;
    sp_piece(c);
    return SQLITE_OK;
}

static int sp_next(sqlite3_vtab_cursor *pc) {
    sp_piece((split_cur *)pc);
    return SQLITE_OK;
}

static int sp_eof(sqlite3_vtab_cursor *pc) { return ((split_cur *)pc)->eof; }

static int sp_column(sqlite3_vtab_cursor *pc, sqlite3_context *cx, int col) {
    split_cur *c = (split_cur *)pc;
    if (col == 0)
        sqlite3_result_text(cx, c->text + c->at, (int)c->len, SQLITE_TRANSIENT);
    else
        sqlite3_result_null(cx);
    return SQLITE_OK;
}

static int sp_rowid(sqlite3_vtab_cursor *pc, sqlite3_int64 *r) {
    *r = ((split_cur *)pc)->rowid;
    return SQLITE_OK;
}

static sqlite3_module split_module = {
    .iVersion = 0,
    .xConnect = sp_connect,
    .xBestIndex = sp_best,
    .xDisconnect = sp_disconnect,
    .xOpen = sp_open,
    .xClose = sp_close,
    .xFilter = sp_filter,
    .xNext = sp_next,
    .xEof = sp_eof,
    .xColumn = sp_column,
    .xRowid = sp_rowid,
};

/* ------------------------------------------------------------- database */

static int exec(osql *s, const char *sql, char *err, size_t errlen) {
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "SQLite: %s\n  in: %s", msg ? msg : "?", sql);
        sqlite3_free(msg);
        return 1;
    }
    return 0;
}

/* The declared type of a column: a queue stream's values are coerced as
   dstream's INSERT coerces them; a derived or late stream keeps the
   values SQLite computed, as a view would. */
static const char *affinity(const ostream *st, int type) {
    if (st->derived || st->late)
        return "";
    switch (type) {
    case DS_DOUBLE:
        return "REAL";
    case DS_TEXT:
        return "TEXT";
    default:
        return "INTEGER";
    }
}

/* The SQLite form of an inserted value of a column of type `type`, as
   dstream's INSERT coerces it. */
static void convert(obuf *b, int type, int col) {
    switch (type) {
    case DS_BIGINT:
        obuf_printf(b, "CAST(column%d AS INTEGER)", col);
        break;
    case DS_DOUBLE:
        obuf_printf(b, "CAST(column%d AS REAL)", col);
        break;
    case DS_TIMESTAMP:
        obuf_printf(b, "oracle_ts(column%d)", col);
        break;
    default:
        obuf_printf(b, "column%d", col);
    }
}

/* s__all (every row, with its batch and arrival order) and s (the rows
   under check, their rowid the row's __seq). */
static int create_stream(osql *s, const ostream *st, char *err, size_t errlen) {
    obuf b = {0};
    obuf_printf(&b,
                "CREATE TABLE \"%s__all\" (__batch INTEGER, "
                "__seq INTEGER PRIMARY KEY",
                st->name);
    for (int k = 0; k < st->ncols; k++)
        obuf_printf(&b, ", \"%s\" %s", st->cols[k].name,
                    affinity(st, st->cols[k].type));
    obuf_printf(&b,
                "); CREATE INDEX \"%s__by_batch\" ON \"%s__all\" "
                "(__batch); CREATE TABLE \"%s\" (",
                st->name, st->name, st->name);
    for (int k = 0; k < st->ncols; k++)
        obuf_printf(&b, "%s\"%s\" %s", k ? ", " : "", st->cols[k].name,
                    affinity(st, st->cols[k].type));
    obuf_puts(&b, ");");
    char *sql = obuf_take(&b);
    int rc = exec(s, sql, err, errlen);
    free(sql);
    return rc;
}

static int load_rows(osql *s, const ostream *st, int64_t batch,
                     const char *rows, char *err, size_t errlen) {
    obuf b = {0};
    obuf_printf(&b, "INSERT INTO \"%s__all\" SELECT %lld, NULL", st->name,
                (long long)batch);
    for (int k = 0; k < st->ncols; k++) {
        obuf_puts(&b, ", ");
        convert(&b, st->cols[k].type, k + 1);
    }
    obuf_printf(&b, " FROM (VALUES %s);", rows);
    char *sql = obuf_take(&b);
    int rc = exec(s, sql, err, errlen);
    free(sql);
    return rc;
}

int osql_open(osql **ps, const ocase *c, char *err, size_t errlen) {
    osql *s = oalloc(sizeof *s);
    *ps = s;
    s->c = c;
    if (sqlite3_open(":memory:", &s->db) != SQLITE_OK) {
        snprintf(err, errlen, "SQLite: cannot open a database");
        return 1;
    }
    sqlite3 *db = s->db;
    int fl = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
    sqlite3_create_function(db, "oracle_batch_time", 0, SQLITE_UTF8,
                            &s->batch_time, fn_time, NULL, NULL);
    sqlite3_create_function(db, "oracle_window_start", 0, SQLITE_UTF8,
                            &s->window_start, fn_time, NULL, NULL);
    sqlite3_create_function(db, "oracle_window_end", 0, SQLITE_UTF8,
                            &s->window_end, fn_time, NULL, NULL);
    sqlite3_create_function(db, "oracle_ts", 1, fl, NULL, fn_ts, NULL, NULL);
    sqlite3_create_function(db, "oracle_bool", 1, fl, NULL, fn_bool, NULL,
                            NULL);
    sqlite3_create_function(db, "epoch_ms", 1, fl, NULL, fn_epoch_ms, NULL,
                            NULL);
    sqlite3_create_function(db, "to_timestamp", 1, fl, NULL, fn_to_ts, NULL,
                            NULL);
    sqlite3_create_function(db, "oracle_row", 1, SQLITE_UTF8, s, fn_row, NULL,
                            NULL);
    sqlite3_create_function(db, "oracle_pick", 2, SQLITE_UTF8, s, fn_pick, NULL,
                            NULL);
    s->npairs = -1;
    sqlite3_create_module(db, "oracle_split", &split_module, NULL);
    if (exec(s, "PRAGMA case_sensitive_like = ON;", err, errlen))
        return 1;
    for (int k = 0; k < c->nstreams; k++) {
        const ostream *st = &c->streams[k];
        if (create_stream(s, st, err, errlen))
            return 1;
        if (st->derived || st->late)
            continue;
        for (int j = 0; j < c->nbatches; j++)
            for (int i = 0; i < c->batches[j].n; i++) {
                const ochunk *ch = &c->batches[j].chunks[i];
                if (ch->stream == k && ch->rows &&
                    load_rows(s, st, j + 1, ch->rows, err, errlen))
                    return 1;
            }
    }
    return 0;
}

/* Fills stream k's table from its __all rows that match cond. */
static int fill(osql *s, int k, const char *cond, char *err, size_t errlen) {
    const ostream *st = &s->c->streams[k];
    obuf b = {0};
    obuf_printf(&b, "DELETE FROM \"%s\"; INSERT INTO \"%s\" (rowid", st->name,
                st->name);
    for (int i = 0; i < st->ncols; i++)
        obuf_printf(&b, ", \"%s\"", st->cols[i].name);
    obuf_puts(&b, ") SELECT __seq");
    for (int i = 0; i < st->ncols; i++)
        obuf_printf(&b, ", \"%s\"", st->cols[i].name);
    obuf_printf(&b, " FROM \"%s__all\" WHERE %s ORDER BY __seq;", st->name,
                cond);
    char *sql = obuf_take(&b);
    int rc = exec(s, sql, err, errlen);
    free(sql);
    return rc;
}

int osql_select_batch(osql *s, int k, int64_t b, char *err, size_t errlen) {
    char cond[64];
    snprintf(cond, sizeof cond, "__batch = %lld", (long long)b);
    s->npairs = -1;
    return fill(s, k, cond, err, errlen);
}

int osql_select(osql *s, int k, const int64_t *seqs, int n,
                const int64_t *pairs, int npairs, char *err, size_t errlen) {
    char cond[128];
    if (n)
        snprintf(cond, sizeof cond,
                 "__seq BETWEEN %lld AND %lld AND oracle_row(__seq)",
                 (long long)seqs[0], (long long)seqs[n - 1]);
    else
        snprintf(cond, sizeof cond, "0");
    s->seqs = seqs;
    s->nseqs = n;
    int rc = fill(s, k, cond, err, errlen);
    s->seqs = NULL;
    s->nseqs = 0;
    s->pairs = pairs;
    s->npairs = npairs;
    return rc;
}

void osql_times(osql *s, int64_t batch_time, int64_t start, int64_t end) {
    s->batch_time = batch_time;
    s->window_start = start;
    s->window_end = end;
}

int osql_exec(osql *s, const char *sql, char *err, size_t errlen) {
    return exec(s, sql, err, errlen);
}

int osql_append_sql(osql *s, int k, int64_t b, const char *sql, char *err,
                    size_t errlen) {
    const ostream *st = &s->c->streams[k];
    obuf q = {0};
    obuf_printf(&q, "INSERT INTO \"%s__all\" (__batch", st->name);
    for (int i = 0; i < st->ncols; i++)
        obuf_printf(&q, ", \"%s\"", st->cols[i].name);
    obuf_printf(&q, ") SELECT %lld, * FROM (%s);", (long long)b, sql);
    char *text = obuf_take(&q);
    int rc = exec(s, text, err, errlen);
    free(text);
    return rc;
}

/* Binds the values of a row to parameters at, at + 1, ... */
static void bind_row(sqlite3_stmt *st, int at, const ovalue *row, int n) {
    for (int i = 0; i < n; i++) {
        const ovalue *v = &row[i];
        if (v->kind == OV_INT)
            sqlite3_bind_int64(st, at + i, v->i);
        else if (v->kind == OV_REAL)
            sqlite3_bind_double(st, at + i, v->d);
        else if (v->kind == OV_TEXT)
            sqlite3_bind_text(st, at + i, v->s, (int)v->n, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(st, at + i);
    }
}

int osql_append(osql *s, int k, int64_t b, const orows *rows, char *err,
                size_t errlen) {
    const ostream *st = &s->c->streams[k];
    if (rows->ncols != st->ncols && rows->nrows) {
        snprintf(err, errlen, "%d columns for stream %s of %d", rows->ncols,
                 st->name, st->ncols);
        return 1;
    }
    obuf q = {0};
    obuf_printf(&q, "INSERT INTO \"%s__all\" VALUES (?, NULL", st->name);
    for (int i = 0; i < st->ncols; i++)
        obuf_puts(&q, ", ?");
    obuf_puts(&q, ")");
    char *text = obuf_take(&q);
    sqlite3_stmt *ins;
    int rc = sqlite3_prepare_v2(s->db, text, -1, &ins, NULL);
    free(text);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "SQLite: %s", sqlite3_errmsg(s->db));
        return 1;
    }
    for (int r = 0; r < rows->nrows && rc == SQLITE_OK; r++) {
        sqlite3_reset(ins);
        sqlite3_bind_int64(ins, 1, b);
        const ovalue *row = OROW(rows, r);
        bind_row(ins, 2, row, st->ncols);
        rc = sqlite3_step(ins) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
    if (rc != SQLITE_OK)
        snprintf(err, errlen, "SQLite: %s", sqlite3_errmsg(s->db));
    sqlite3_finalize(ins);
    return rc != SQLITE_OK;
}

int osql_batch(osql *s, int64_t k, char *err, size_t errlen) {
    s->batch_time = k * s->c->interval_us;
    for (int j = 0; j < s->c->nstreams; j++)
        if (osql_select_batch(s, j, k, err, errlen))
            return 1;
    return 0;
}

int osql_query(osql *s, const char *sql, orows *out, char *err, size_t errlen) {
    sqlite3_stmt *st;
    orows_init(out, 0); /* the caller may free it whatever happens */
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "SQLite: %s", sqlite3_errmsg(s->db));
        return 1;
    }
    int n = sqlite3_column_count(st), rc;
    orows_init(out, n);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        ovalue *row = orows_add(out);
        for (int k = 0; k < n; k++) {
            ovalue *v = &row[k];
            switch (sqlite3_column_type(st, k)) {
            case SQLITE_INTEGER:
            case SQLITE_FLOAT: {
                int isint = sqlite3_column_type(st, k) == SQLITE_INTEGER;
                v->kind = isint ? OV_INT : OV_REAL;
                if (isint)
                    v->i = sqlite3_column_int64(st, k);
                else
                    v->d = sqlite3_column_double(st, k);
                /* the text form, for a TEXT column of dstream */
                const unsigned char *t = sqlite3_column_text(st, k);
                v->n = (size_t)sqlite3_column_bytes(st, k);
                v->s = ostrndup(t ? (const char *)t : "", t ? v->n : 0);
                break;
            }
            case SQLITE_TEXT:
            case SQLITE_BLOB: {
                const unsigned char *t = sqlite3_column_text(st, k);
                v->kind = OV_TEXT;
                v->n = (size_t)sqlite3_column_bytes(st, k);
                v->s = ostrndup((const char *)t, v->n);
                break;
            }
            default:
                v->kind = OV_NULL;
            }
        }
    }
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "SQLite: %s", sqlite3_errmsg(s->db));
        sqlite3_finalize(st);
        return 1;
    }
    sqlite3_finalize(st);
    return 0;
}

int osql_columns(osql *s, const char *sql, char ***names, int *n, char *err,
                 size_t errlen) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "SQLite: %s", sqlite3_errmsg(s->db));
        return 1;
    }
    *n = sqlite3_column_count(st);
    *names = oalloc(sizeof(char *) * (size_t)(*n + 1));
    for (int k = 0; k < *n; k++)
        (*names)[k] = ostrdup(sqlite3_column_name(st, k));
    sqlite3_finalize(st);
    return 0;
}

int osql_int(osql *s, const char *expr, int64_t *out, char *err,
             size_t errlen) {
    obuf b = {0};
    obuf_printf(&b, "SELECT %s", expr);
    char *sql = obuf_take(&b);
    orows r;
    int rc = osql_query(s, sql, &r, err, errlen);
    free(sql);
    if (!rc && (r.nrows != 1 || r.ncols != 1 || r.v[0].kind != OV_INT)) {
        snprintf(err, errlen, "not an integer: %s", expr);
        rc = 1;
    }
    if (!rc)
        *out = r.v[0].i;
    orows_fini(&r);
    return rc;
}

void osql_close(osql *s) {
    if (!s)
        return;
    sqlite3_close(s->db);
    free(s);
}

int osql_sort(osql *s, const orows *in, const int *keys, char **dirs, int nkeys,
              orows *out, char *err, size_t errlen) {
    obuf b = {0};
    obuf_puts(&b, "DROP TABLE IF EXISTS temp.oracle_em; "
                  "CREATE TEMP TABLE oracle_em (");
    for (int k = 0; k < in->ncols; k++)
        obuf_printf(&b, "%sc%d", k ? ", " : "", k);
    obuf_puts(&b, ");");
    char *sql = obuf_take(&b);
    int rc = exec(s, sql, err, errlen);
    free(sql);
    if (rc)
        return 1;
    obuf_puts(&b, "INSERT INTO temp.oracle_em VALUES (");
    for (int k = 0; k < in->ncols; k++)
        obuf_puts(&b, k ? ", ?" : "?");
    obuf_puts(&b, ")");
    sql = obuf_take(&b);
    sqlite3_stmt *ins;
    rc = sqlite3_prepare_v2(s->db, sql, -1, &ins, NULL);
    free(sql);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "SQLite: %s", sqlite3_errmsg(s->db));
        return 1;
    }
    for (int r = 0; r < in->nrows && rc == SQLITE_OK; r++) {
        sqlite3_reset(ins);
        const ovalue *row = OROW(in, r);
        bind_row(ins, 1, row, in->ncols);
        rc = sqlite3_step(ins) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
    sqlite3_finalize(ins);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "SQLite: %s", sqlite3_errmsg(s->db));
        return 1;
    }
    obuf_puts(&b, "SELECT * FROM temp.oracle_em");
    for (int k = 0; k < nkeys; k++)
        obuf_printf(&b, "%s%d %s", k ? ", " : " ORDER BY ", keys[k] + 1,
                    dirs[k]);
    sql = obuf_take(&b);
    rc = osql_query(s, sql, out, err, errlen);
    free(sql);
    return rc;
}
