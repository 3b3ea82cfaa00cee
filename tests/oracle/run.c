/*
** run.c - one case, end to end (oracle.h): dstream runs it (dstream.c),
** SQLite gets the same rows (sqlite.c), and every emission of every query
** is compared with SQLite's result over exactly that batch's rows
** (compare.c). Also checks the shape of the output: one emission per
** batch, numbered 1, 2, ... with batch_time = k * interval. Expected
** errors and known bugs are handled here; failures are reported with the
** case, batch, query, input and both sides' rows.
*/
#include "wmodel.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void report_head(const oopts *o, const ocase *c, qstate *s) {
    FILE *out = o->out;
    fprintf(out, "\n%s %s:%d\n", s->q->known_bug ? "KNOWN-BUG" : "FAIL",
            c->path ? c->path : c->name, s->q->line);
    fprintf(out, "  query:   %s\n", s->q->sql);
    if (s->sqlite)
        fprintf(out, "  sqlite:  %s%s%s\n", s->sqlite,
                s->order.has_limit ? " LIMIT " : "",
                s->order.has_limit ? s->order.limit : "");
}

void orun_fail(const oopts *o, const ocase *c, qstate *s, const char *why,
               int kind) {
    s->failed++;
    if (!s->kind)
        s->kind = kind;
    if (o->quiet || s->reported++ > 0)
        return;
    report_head(o, c, s);
    fprintf(o->out, "  problem: %s\n", why);
}

static void print_input(const oopts *o, const ocase *c, int64_t batch) {
    FILE *out = o->out;
    if (batch < 1 || batch > c->nbatches) {
        fprintf(out,
                "  input:   (no rows: batch %lld is after the last "
                "chunk)\n",
                (long long)batch);
        return;
    }
    const obatch *b = &c->batches[batch - 1];
    int any = 0;
    for (int k = 0; k < b->n; k++) {
        if (!b->chunks[k].rows)
            continue;
        fprintf(out, "  input:   %s: %s\n",
                c->streams[b->chunks[k].stream].name, b->chunks[k].rows);
        any = 1;
    }
    if (!any)
        fprintf(out, "  input:   (empty batch)\n");
}

void orun_report(const oopts *o, const ocase *c, qstate *s, int kind,
                 const oemit *m, const orows *want, const char *why,
                 const char *context) {
    s->failed++;
    if (!s->kind)
        s->kind = kind;
    if (o->quiet || s->reported++ > 0)
        return;
    report_head(o, c, s);
    FILE *out = o->out;
    fprintf(out, "  batch:   %lld (line %d)\n", (long long)m->batch,
            m->batch <= c->nbatches ? c->batches[m->batch - 1].line : 0);
    if (context)
        fputs(context, out);
    else
        print_input(o, c, m->batch);
    fprintf(out, "  problem: %s\n", why);
    fprintf(out, "  dstream: %d rows\n", m->rows.nrows);
    ocmp_print_rows(out, &m->rows, s->run.types, "    ", o->max_rows);
    if (want) {
        fprintf(out, "  sqlite:  %d rows%s\n", want->nrows,
                s->order.has_limit && s->nkeys >= 0 ? " (before LIMIT)" : "");
        ocmp_print_rows(out, want, NULL, "    ", o->max_rows);
    }
}

static void fail_emission(const oopts *o, const ocase *c, qstate *s,
                          const oemit *m, const orows *want, const char *why) {
    orun_report(o, c, s, OF_MISMATCH, m, want, why, NULL);
}

/* ORDER BY terms that name output columns, by name or position. The
   names are SQLite's (alias, column name or expression text). */
static void resolve_keys(qstate *s, char **names, int ncols) {
    s->nkeys = s->order.nkeys;
    s->keys = oalloc(sizeof(int) * (size_t)(s->nkeys + 1));
    for (int k = 0; k < s->order.nkeys; k++) {
        const char *t = s->order.keys[k];
        int col = -1;
        if (isdigit((unsigned char)t[0])) {
            char *end;
            long v = strtol(t, &end, 10);
            if (!*end && v >= 1 && v <= ncols)
                col = (int)v - 1;
        } else {
            char name[256];
            size_t n = strlen(t);
            if (n >= 2 && (t[0] == '"' || t[0] == '`') && t[n - 1] == t[0])
                snprintf(name, sizeof name, "%.*s", (int)n - 2, t + 1);
            else
                snprintf(name, sizeof name, "%s", t);
            for (int j = 0; j < ncols && col < 0; j++)
                if (strcasecmp(names[j], name) == 0)
                    col = j;
        }
        if (col < 0) {
            s->nkeys = -1;
            return;
        }
        s->keys[k] = col;
    }
}

/* Prepares the SQLite texts of a query that dstream planned. */
static int prepare(const ocase *c, qstate *s, osql *db, char *err,
                   size_t errlen) {
    const oquery *q = s->q;
    orw_order(q->sqlite_sql ? q->sqlite_sql : q->sql, &s->order);
    s->limit = s->offset = -1;
    if (orw_has_window(q->sql)) {
        /* the model of its window; SQLite runs over each window's rows */
        oorder own;
        orw_order(q->sql, &own);
        s->win = oalloc(sizeof(wq));
        int rc = wq_build(s->win, c, db, own.bare,
                          q->sqlite_sql ? s->order.bare : NULL, err, errlen);
        oorder_fini(&own);
        if (rc)
            return 1;
        s->sqlite = ostrdup(s->win->sqlite);
    } else if (q->sqlite_sql) {
        s->sqlite = ostrdup(s->order.bare);
    } else if (!(s->sqlite = orw_sqlite(s->order.bare, err, errlen))) {
        return 1;
    }
    if (s->order.has_limit &&
        osql_int(db, s->order.limit, &s->limit, err, errlen))
        return 1;
    if (s->order.offset &&
        osql_int(db, s->order.offset, &s->offset, err, errlen))
        return 1;
    char **names = NULL;
    int ncols = 0;
    if (osql_columns(db, s->sqlite, &names, &ncols, err, errlen))
        return 1;
    resolve_keys(s, names, ncols);
    /* the names of the columns, when SQLite runs the same text */
    if (c->check_names && !q->sqlite_sql &&
        strcmp(s->sqlite, s->order.bare) == 0 && s->run.names &&
        ncols == s->run.ncols)
        for (int k = 0; k < ncols; k++)
            if (strcmp(names[k], s->run.names[k]) != 0) {
                snprintf(err, errlen,
                         "column %d is named '%s' by dstream, "
                         "'%s' by SQLite",
                         k + 1, s->run.names[k], names[k]);
                s->names_differ = ostrdup(err);
                break;
            }
    for (int k = 0; k < ncols; k++)
        free(names[k]);
    free(names);
    if (s->nkeys < 0 && s->order.has_limit) {
        for (int d = 0; d < 2; d++) {
            obuf b = {0};
            obuf_puts(&b, s->sqlite);
            for (int k = 0; k < s->run.ncols; k++)
                obuf_printf(&b, ", %d %s", k + 1, d ? "DESC" : "ASC");
            obuf_printf(&b, " LIMIT %lld OFFSET %lld", (long long)s->limit,
                        (long long)(s->offset < 0 ? 0 : s->offset));
            *(d ? &s->sqlite_b : &s->sqlite_a) = obuf_take(&b);
        }
    }
    return 0;
}

int orun_compare(const oopts *o, const ocase *c, qstate *s, osql *db,
                 const oemit *m, const char *context) {
    char err[2048], why[1024];
    orows want, other;
    int bad = 0;
    const char *sql = s->sqlite_a ? s->sqlite_a : s->sqlite;
    if (osql_query(db, sql, &want, err, sizeof err)) {
        orun_report(o, c, s, OF_MISMATCH, m, NULL, err, context);
        orows_fini(&want);
        return 1;
    }
    if (s->sqlite_b) {
        if (osql_query(db, s->sqlite_b, &other, err, sizeof err)) {
            orun_report(o, c, s, OF_MISMATCH, m, NULL, err, context);
            bad = 1;
        } else if (ocmp_check(&want, s->run.types, &other, 0, -1, NULL, -1, -1,
                              why, sizeof why)) {
            orun_report(o, c, s, OF_MISMATCH, m, &want,
                        "ORDER BY ... LIMIT does not decide which rows are "
                        "kept (ties) and the ORDER BY terms are not all "
                        "output columns: the case must order by output "
                        "columns or break the ties",
                        context);
            bad = 1;
        } else if (ocmp_check(&m->rows, s->run.types, &want, 0, -1, NULL, -1,
                              -1, why, sizeof why)) {
            orun_report(o, c, s, OF_MISMATCH, m, &want, why, context);
            bad = 1;
        }
        orows_fini(&other);
        orows_fini(&want);
        return bad;
    }
    if (ocmp_check(&m->rows, s->run.types, &want, s->order.has_order, s->nkeys,
                   s->keys, s->offset, s->limit, why, sizeof why)) {
        orun_report(o, c, s, OF_MISMATCH, m, &want, why, context);
        bad = 1;
    }
    orows_fini(&want);
    return bad;
}

/* Checks one emission of a per-batch query: the batch's rows are what
   the tables hold. */
static void check_emission(const oopts *o, const ocase *c, qstate *s, osql *db,
                           const oemit *m, ostats *st) {
    char why[1024];
    s->emissions++;
    st->emissions++;
    st->rows += m->rows.nrows;
    if (m->has_window) {
        fail_emission(o, c, s, m, NULL, "a per-batch query emitted a window");
        return;
    }
    if (m->batch_time != m->batch * c->interval_us) {
        snprintf(why, sizeof why, "batch_time %lld, expected %lld",
                 (long long)m->batch_time,
                 (long long)(m->batch * c->interval_us));
        fail_emission(o, c, s, m, NULL, why);
        return;
    }
    orun_compare(o, c, s, db, m, NULL);
}

/* The emissions of a query that dstream ran: numbering, then contents. */
static void check_shape(const oopts *o, const ocase *c, qstate *s) {
    char why[256];
    const oqrun *r = &s->run;
    for (int k = 0; k < r->nemits; k++)
        if (r->emits[k].batch != k + 1) {
            snprintf(why, sizeof why,
                     "emission %d is for batch %lld: one "
                     "emission per batch expected",
                     k + 1, (long long)r->emits[k].batch);
            orun_fail(o, c, s, why, OF_SHAPE);
            return;
        }
    if (!r->runtime && r->nemits < c->nbatches) {
        snprintf(why, sizeof why, "%d emissions for %d batches", r->nemits,
                 c->nbatches);
        orun_fail(o, c, s, why, OF_SHAPE);
    }
}

/* A query that failed at run time: the case must expect the error. SQLite
   is not asked to fail too: it turns an integer overflow in arithmetic into
   a REAL, which the design deliberately does not (design 3). */
static void check_runtime_error(const oopts *o, const ocase *c, qstate *s,
                                osql *db) {
    char err[1024], why[2048];
    int64_t b = s->win ? s->run.end_batch : s->run.nemits + 1;
    orows want;
    int sqlite_failed = 0;
    if (!s->win && !osql_batch(db, b, err, sizeof err) &&
        osql_query(db, s->sqlite, &want, err, sizeof err))
        sqlite_failed = 1;
    if (!s->win)
        orows_fini(&want);
    if (!s->q->error) {
        snprintf(why, sizeof why,
                 "dstream failed in batch %lld: %s (SQLite "
                 "%s)",
                 (long long)b, s->run.errmsg,
                 sqlite_failed ? "fails too" : "does not fail");
        orun_fail(o, c, s, why, OF_RUNTIME);
    } else if (!strstr(s->run.errmsg, s->q->error)) {
        snprintf(why, sizeof why, "error '%s', expected '%s'", s->run.errmsg,
                 s->q->error);
        orun_fail(o, c, s, why, OF_RUNTIME);
    }
}

static void finish_query(const oopts *o, const ocase *c, qstate *s,
                         ostats *st) {
    st->queries++;
    if (s->q->known_bug) {
        if (s->failed) {
            st->known_bugs++;
            if (!o->quiet)
                fprintf(o->out, "  (known bug: %s)\n", s->q->known_bug);
        } else {
            st->failures++;
            if (!o->quiet)
                fprintf(o->out,
                        "\nFIXED %s:%d: the known bug '%s' no longer "
                        "shows: remove its known-bug line\n",
                        c->path ? c->path : c->name, s->q->line,
                        s->q->known_bug);
        }
        return;
    }
    if (s->failed) {
        st->failures++;
        st->kind = s->kind;
    }
}

/* Is this a sanitizer build? known-bug-asan markers count only there. */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

int orun_case(ocase *c, const oopts *o, ostats *st) {
    char err[4096];
    for (int k = 0; k < c->nqueries; k++)
        if (c->queries[k].asan_only && !SANITIZED) {
            free(c->queries[k].known_bug);
            c->queries[k].known_bug = NULL;
            c->queries[k].asan_only = 0;
        }
    int before = st->failures;
    st->cases++;
    qstate *qs = oalloc(sizeof(qstate) * (size_t)(c->nqueries + 1));
    oqrun *runs = oalloc(sizeof(oqrun) * (size_t)(c->nqueries + 1));
    for (int k = 0; k < c->nqueries; k++) {
        qs[k].q = &c->queries[k];
        runs[k].names_wanted = c->check_names;
    }
    osql *db = NULL;
    int rc = odstream_run(c, runs, err, sizeof err);
    if (!rc)
        rc = osql_open(&db, c, err, sizeof err);
    if (!rc)
        rc = wmat_derived(c, db, err, sizeof err);
    if (rc) {
        st->failures++;
        st->kind = OF_CASE;
        if (!o->quiet)
            fprintf(o->out, "\nFAIL %s: the case cannot run\n  %s\n",
                    c->path ? c->path : c->name, err);
        goto done;
    }
    int64_t last = 0;
    for (int k = 0; k < c->nqueries; k++) {
        qstate *s = &qs[k];
        s->run = runs[k];
        memset(&runs[k], 0, sizeof runs[k]);
        if (!s->run.planned) {
            if (!s->q->error) {
                snprintf(err, sizeof err, "planning failed: %s", s->run.errmsg);
                orun_fail(o, c, s, err, OF_PLAN);
            } else if (!strstr(s->run.errmsg, s->q->error)) {
                snprintf(err, sizeof err, "error '%s', expected '%s'",
                         s->run.errmsg, s->q->error);
                orun_fail(o, c, s, err, OF_PLAN);
            } else {
                st->errors_expected++;
            }
            continue;
        }
        if (s->q->error && !s->run.runtime) {
            snprintf(err, sizeof err,
                     "expected the error '%s' but the "
                     "query ran",
                     s->q->error);
            orun_fail(o, c, s, err, OF_PLAN);
            continue;
        }
        if (s->run.runtime && s->q->error)
            st->errors_expected++;
        if (prepare(c, s, db, err, sizeof err) ||
            (s->win && s->win->parts.w.late_into &&
             wmat_late(c, db, s->win, err, sizeof err))) {
            orun_fail(o, c, s, err, OF_CASE);
            continue;
        }
        if (s->win)
            continue; /* checked by wcheck_query, below */
        check_shape(o, c, s);
        if (s->names_differ)
            orun_fail(o, c, s, s->names_differ, OF_SHAPE);
        if (s->run.nemits > last)
            last = s->run.nemits;
    }
    /* batch by batch: load the batch's rows once, check every query */
    for (int64_t b = 1; b <= last; b++) {
        if (osql_batch(db, b, err, sizeof err)) {
            st->failures++;
            if (!o->quiet)
                fprintf(o->out, "\nFAIL %s: %s\n", c->name, err);
            goto done;
        }
        for (int k = 0; k < c->nqueries; k++) {
            qstate *s = &qs[k];
            if (!s->q || !s->run.planned || !s->sqlite || s->win ||
                s->failed > 3)
                continue;
            if (b <= s->run.nemits && s->run.emits[b - 1].batch == b)
                check_emission(o, c, s, db, &s->run.emits[b - 1], st);
        }
    }
    for (int k = 0; k < c->nqueries; k++)
        if (qs[k].q && qs[k].run.planned && qs[k].win)
            wcheck_query(o, c, &qs[k], db, st);
    for (int k = 0; k < c->nqueries; k++)
        if (qs[k].q && qs[k].run.runtime && qs[k].sqlite)
            check_runtime_error(o, c, &qs[k], db);
    for (int k = 0; k < c->nqueries; k++)
        if (qs[k].q)
            finish_query(o, c, &qs[k], st);
done:
    for (int k = 0; k < c->nqueries; k++) {
        oqrun_fini(&qs[k].run);
        oqrun_fini(&runs[k]);
        free(qs[k].sqlite);
        free(qs[k].sqlite_a);
        free(qs[k].sqlite_b);
        free(qs[k].names_differ);
        free(qs[k].keys);
        oorder_fini(&qs[k].order);
        if (qs[k].win)
            wq_fini(qs[k].win);
        free(qs[k].win);
    }
    free(qs);
    free(runs);
    osql_close(db);
    return st->failures - before;
}
