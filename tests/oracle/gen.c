/*
** gen.c - the random generator of the oracle (gen.h): seeded schemas,
** data with NULLs, duplicates, extremes, empty strings and empty batches,
** and queries from gen_query.c, run through run.c against SQLite. Case i
** of seed S depends only on (S, i), so `oracle random --seed S --case i`
** replays it. A failing query is minimized (batches, rows, query parts)
** and printed as a case file for tests/oracle/cases/.
*/
#include "gen.h"
#include "wmodel.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t grng_next(grng *r) {
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

int grng_int(grng *r, int n) {
    return n > 0 ? (int)(grng_next(r) % (uint64_t)n) : 0;
}

int grng_pct(grng *r, int pct) { return grng_int(r, 100) < pct; }

/* ---------------------------------------------------------------- data */

static void gen_schema(grng *r, gschema *s) {
    static const int ts[] = {DS_BIGINT, DS_DOUBLE, DS_TEXT, DS_BOOLEAN};
    static const char pre[] = {'?', 'i', 'd', 's', 'b'};
    memset(s, 0, sizeof *s);
    s->ncols = 1 + grng_int(r, 6);
    for (int k = 0; k < s->ncols; k++) {
        gcol *c = &s->cols[k];
        c->type = ts[grng_int(r, 4)];
        c->profile = grng_int(r, 100) < 45 ? GP_SMALL
                     : grng_pct(r, 60)     ? GP_MEDIUM
                                           : GP_EXTREME;
        c->null_pct = grng_pct(r, 30) ? 0 : grng_int(r, 35);
        snprintf(c->name, sizeof c->name, "%c%d", pre[c->type], k);
    }
    s->interval_us = 1000000;
    s->windows = grng_pct(r, 55);
    if (!s->windows)
        return;
    /* windows: another interval now and then, an event-time column with
       its own pace, a shorter idle_timeout */
    static const int64_t intervals[] = {500000, 2000000, 250000};
    if (grng_pct(r, 30))
        s->interval_us = intervals[grng_int(r, 3)];
    s->ts = grng_pct(r, 75);
    s->ts_null_pct = grng_pct(r, 70) ? 0 : 1 + grng_int(r, 8);
    static const int64_t steps[] = {250000, 500000, 1000000, 2000000, 3000000};
    s->step_us = steps[grng_int(r, 5)];
    /* mostly 2026; sometimes around the epoch, before it too */
    s->base_us = grng_pct(r, 85) ? (1795000000LL + grng_int(r, 1000)) * 1000000
                                 : (int64_t)(grng_int(r, 20) - 10) * 1000000;
    if (grng_pct(r, 25))
        s->idle_us = (1 + grng_int(r, 4)) * s->interval_us;
}

/* The event time of a row of batch k: on pace, with jitter, some out of
   order, a few very late; to the 250 ms, the ms or the us. */
static void ts_value(grng *r, const gschema *s, int k, obuf *b) {
    if (grng_pct(r, s->ts_null_pct)) {
        obuf_puts(b, "NULL");
        return;
    }
    int64_t t = s->base_us + (int64_t)k * s->step_us +
                (int64_t)(grng_next(r) % (uint64_t)s->step_us);
    int p = grng_int(r, 100);
    if (p < 12)
        t -= (int64_t)(grng_next(r) % (uint64_t)(3 * s->step_us));
    else if (p < 15)
        t -= (10 + grng_int(r, 50)) * (int64_t)1000000;
    int q = grng_int(r, 10);
    int64_t unit = q < 6 ? 250000 : q < 9 ? 1000 : 1;
    t -= ((t % unit) + unit) % unit;
    char buf[40];
    obuf_printf(b, "'%s'", ds_format_timestamp(t, buf));
}

static const char *words[] = {"a", "b",  "spark", "Spark", "x",        "",
                              "é", "aa", "ab",    "B",     "streaming"};

static void text_value(grng *r, const gcol *c, obuf *b) {
    static const char *small[] = {"a", "b", "A",   "ab", "",
                                  " ", "B", "abc", "ba", "é"};
    static const char *special[] = {
        "",    " a ",   "a%b",    "x_y",     "it''s",
        "é",   "naïve", "ÉCOLE",  "12",      "-3.5",
        "1e3", "true",  "  lead", "trail  ", "Hello World",
        "a!b", "%",     "_",      "0",       "ab,cd"};
    obuf_puts(b, "'");
    if (c->profile == GP_SMALL) {
        obuf_puts(b, small[grng_int(r, 10)]);
    } else if (c->profile == GP_EXTREME) {
        obuf_puts(b, special[grng_int(r, 20)]);
    } else {
        int n = grng_int(r, 5);
        for (int k = 0; k < n; k++) {
            if (k)
                obuf_puts(b, grng_pct(r, 80)   ? " "
                             : grng_pct(r, 50) ? ","
                                               : "  ");
            obuf_puts(b, words[grng_int(r, 11)]);
        }
    }
    obuf_puts(b, "'");
}

static void value(grng *r, const gcol *c, obuf *b) {
    if (grng_pct(r, c->null_pct)) {
        obuf_puts(b, "NULL");
        return;
    }
    switch (c->type) {
    case DS_BIGINT:
        if (c->profile == GP_SMALL) {
            obuf_printf(b, "%d", grng_int(r, 11) - 5);
        } else if (c->profile == GP_MEDIUM) {
            obuf_printf(b, "%d", grng_int(r, 2000001) - 1000000);
        } else {
            static const char *ext[] = {"9223372036854775807",
                                        "-9223372036854775807",
                                        "(-9223372036854775807 - 1)",
                                        "4611686018427387904",
                                        "-4611686018427387904",
                                        "0",
                                        "1",
                                        "-1",
                                        "9007199254740993",
                                        "1000000000000"};
            int k = grng_int(r, 12);
            if (k < 10)
                obuf_puts(b, ext[k]);
            else
                obuf_printf(b, "%lld",
                            (long long)(grng_next(r) >> 1) *
                                (grng_pct(r, 50) ? 1 : -1));
        }
        break;
    case DS_DOUBLE:
        if (c->profile == GP_SMALL) {
            /* never -0.0: SQLite stores it in a REAL column as the
               integer 0 and reads back +0.0 */
            int k = grng_int(r, 81) - 40;
            obuf_printf(b, "%.2f", k / 4.0);
        } else if (c->profile == GP_MEDIUM) {
            int64_t k = (int64_t)grng_int(r, 1 << 30) - (1 << 29);
            obuf_printf(b, "%.3f", (double)k / 8.0);
        } else {
            static const char *ext[] = {
                "1e300",      "-1e300",
                "1e-300",     "0.1",
                "-0.1",       "3.14159",
                "2.5",        "1000000000000000.5",
                "123456.789", "-7.25",
                "0.0",        "1.7976931348623157e308",
                "5e-324",     "-2.2250738585072014e-308",
                "1e15",       "0.3"};
            int k = grng_int(r, 18);
            if (k < 16)
                obuf_puts(b, ext[k]);
            else
                obuf_printf(b, "%.6g", (double)(int64_t)grng_next(r) / 1e9);
        }
        break;
    case DS_TEXT:
        text_value(r, c, b);
        break;
    default:
        obuf_puts(b, grng_pct(r, 50) ? "true" : "false");
    }
}

typedef struct gdata {
    int nbatches;
    int *nrows;   /* per batch */
    char ***rows; /* per batch: row tuples */
} gdata;

static void gdata_fini(gdata *d) {
    for (int k = 0; k < d->nbatches; k++) {
        for (int j = 0; j < d->nrows[k]; j++)
            free(d->rows[k][j]);
        free(d->rows[k]);
    }
    free(d->rows);
    free(d->nrows);
    memset(d, 0, sizeof *d);
}

/* Returns the most rows in a batch; *total: rows in all. */
static int gen_data(grng *r, const gschema *s, gdata *d, int *total) {
    d->nbatches = 1 + grng_int(r, grng_pct(r, 80) ? 4 : 8);
    if (s->windows && grng_pct(r, 40))
        d->nbatches = 3 + grng_int(r, 10);
    *total = 0;
    d->nrows = oalloc(sizeof(int) * (size_t)d->nbatches);
    d->rows = oalloc(sizeof(char **) * (size_t)d->nbatches);
    int most = 0;
    for (int k = 0; k < d->nbatches; k++) {
        int n = grng_pct(r, 20)  ? 0
                : grng_pct(r, 3) ? 100 + grng_int(r, 2500)
                                 : 1 + grng_int(r, 12);
        d->nrows[k] = n;
        d->rows[k] = oalloc(sizeof(char *) * (size_t)(n + 1));
        for (int j = 0; j < n; j++) {
            if (j > 0 && grng_pct(r, 20)) { /* a duplicate */
                d->rows[k][j] = ostrdup(d->rows[k][grng_int(r, j)]);
                continue;
            }
            obuf b = {0};
            obuf_puts(&b, "(");
            for (int c = 0; c < s->ncols; c++) {
                if (c)
                    obuf_puts(&b, ", ");
                value(r, &s->cols[c], &b);
            }
            if (s->ts) {
                obuf_puts(&b, ", ");
                ts_value(r, s, k, &b);
            }
            obuf_puts(&b, ")");
            d->rows[k][j] = obuf_take(&b);
        }
        if (n > most)
            most = n;
        *total += n;
    }
    return most;
}

/* ---------------------------------------------------------------- cases */

static void build_case(ocase *c, const char *name, const gschema *s,
                       const gdata *d, gquery *qs, int nq) {
    memset(c, 0, sizeof *c);
    c->name = ostrdup(name);
    c->interval_us = s->interval_us;
    c->idle_us = s->idle_us ? s->idle_us : 5000000;
    c->check_names = 1;
    c->settings = oalloc(sizeof(char *) * 2);
    if (s->interval_us != 1000000) {
        obuf b = {0};
        obuf_printf(&b, "SET batch_interval = %lld MILLISECONDS;",
                    (long long)(s->interval_us / 1000));
        c->settings[c->nsettings++] = obuf_take(&b);
    }
    if (s->idle_us) {
        obuf b = {0};
        obuf_printf(&b, "SET idle_timeout = %lld MILLISECONDS;",
                    (long long)(s->idle_us / 1000));
        c->settings[c->nsettings++] = obuf_take(&b);
    }
    c->nstreams = 1;
    c->streams = oalloc(sizeof(ostream));
    c->streams[0].name = ostrdup("q");
    c->streams[0].ncols = s->ncols + s->ts;
    c->streams[0].cols = oalloc(sizeof(ocol) * (size_t)(s->ncols + 1));
    for (int k = 0; k < s->ncols; k++) {
        c->streams[0].cols[k].name = ostrdup(s->cols[k].name);
        c->streams[0].cols[k].type = s->cols[k].type;
    }
    if (s->ts) {
        c->streams[0].cols[s->ncols].name = ostrdup("ts");
        c->streams[0].cols[s->ncols].type = DS_TIMESTAMP;
    }
    c->nbatches = d->nbatches;
    c->batches = oalloc(sizeof(obatch) * (size_t)(d->nbatches + 1));
    for (int k = 0; k < d->nbatches; k++) {
        obatch *b = &c->batches[k];
        b->n = 1;
        b->chunks = oalloc(sizeof(ochunk));
        if (!d->nrows[k])
            continue;
        obuf t = {0};
        for (int j = 0; j < d->nrows[k]; j++)
            obuf_printf(&t, "%s%s", j ? ", " : "", d->rows[k][j]);
        b->chunks[0].rows = obuf_take(&t);
    }
    /* a query with LATE INTO is followed by one that reads the late rows */
    c->queries = oalloc(sizeof(oquery) * (size_t)(2 * nq + 1));
    for (int k = 0; k < nq; k++) {
        c->queries[c->nqueries++].sql = gquery_sql(&qs[k]);
        if (qs[k].late) {
            obuf b = {0};
            obuf_printf(&b, "SELECT * FROM late%d", qs[k].late);
            c->queries[c->nqueries++].sql = obuf_take(&b);
        }
    }
}

/* Does the case (one query) fail in the way `kind` says? */
static int still_fails(const gschema *s, const gdata *d, gquery *q, int kind) {
    ocase c;
    build_case(&c, "minimizing", s, d, q, 1);
    ostats st;
    memset(&st, 0, sizeof st);
    oopts o = {1, stdout, 0};
    int f = orun_case(&c, &o, &st);
    ocase_fini(&c);
    return f > 0 && st.kind == kind;
}

static void drop_row(gdata *d, int b, int j) {
    free(d->rows[b][j]);
    memmove(&d->rows[b][j], &d->rows[b][j + 1],
            sizeof(char *) * (size_t)(d->nrows[b] - j - 1));
    d->nrows[b]--;
}

static gdata copy_data(const gdata *d) {
    gdata c;
    c.nbatches = d->nbatches;
    c.nrows = oalloc(sizeof(int) * (size_t)(d->nbatches + 1));
    c.rows = oalloc(sizeof(char **) * (size_t)(d->nbatches + 1));
    for (int k = 0; k < d->nbatches; k++) {
        c.nrows[k] = d->nrows[k];
        c.rows[k] = oalloc(sizeof(char *) * (size_t)(d->nrows[k] + 1));
        for (int j = 0; j < d->nrows[k]; j++)
            c.rows[k][j] = ostrdup(d->rows[k][j]);
    }
    return c;
}

/* Drops what the failure does not need: trailing batches, rows (in halves,
   then one by one), query parts. At most `budget` runs. */
static void minimize(const gschema *s, gdata *d, gquery *q, int kind) {
    int budget = 400;
    /* batches from the end, then from the front */
    while (d->nbatches > 1 && budget-- > 0) {
        gdata t = copy_data(d);
        int last = t.nbatches - 1;
        for (int j = 0; j < t.nrows[last]; j++)
            free(t.rows[last][j]);
        free(t.rows[last]);
        t.rows[last] = NULL;
        t.nrows[last] = 0;
        t.nbatches--;
        if (!still_fails(s, &t, q, kind)) {
            gdata_fini(&t);
            break;
        }
        gdata_fini(d);
        *d = t;
    }
    for (int b = 0; b < d->nbatches - 1 && budget > 0; b++) {
        /* empty an earlier batch (it still counts as a batch) */
        if (!d->nrows[b])
            continue;
        gdata t = copy_data(d);
        while (t.nrows[b])
            drop_row(&t, b, t.nrows[b] - 1);
        budget--;
        if (still_fails(s, &t, q, kind)) {
            gdata_fini(d);
            *d = t;
        } else {
            gdata_fini(&t);
        }
    }
    for (int b = 0; b < d->nbatches; b++) {
        for (int chunk = d->nrows[b] / 2; chunk >= 1 && budget > 0;
             chunk /= 2) {
            for (int j = 0; j + chunk <= d->nrows[b] && budget > 0;) {
                gdata t = copy_data(d);
                for (int k = 0; k < chunk; k++)
                    drop_row(&t, b, j);
                budget--;
                if (still_fails(s, &t, q, kind)) {
                    gdata_fini(d);
                    *d = t;
                } else {
                    gdata_fini(&t);
                    j += chunk;
                }
            }
        }
    }
    /* query parts: clauses first (ORDER BY names select items), then
       select items, then keys; twice, as one removal enables another */
    static const int parts[] = {1, 2, 3, 4, 0, 5, 1, 2, 3, 4, 0, 5};
    for (int pi = 0; pi < 12 && budget > 0; pi++) {
        int part = parts[pi];
        for (int k = 0;; k++) {
            gquery t;
            gquery_copy(&t, q);
            int changed = 1;
            if (part == 0 && k < t.nitems && t.nitems > 1) {
                free(t.items[k]);
                memmove(&t.items[k], &t.items[k + 1],
                        sizeof(char *) * (size_t)(t.nitems - k - 1));
                t.nitems--;
            } else if (part == 1 && k == 0 && t.where) {
                free(t.where);
                t.where = NULL;
            } else if (part == 2 && k == 0 && t.having) {
                free(t.having);
                t.having = NULL;
            } else if (part == 3 && k == 0 && (t.norder || t.limit >= 0)) {
                for (int j = 0; j < t.norder; j++)
                    free(t.order[j]);
                t.norder = 0;
                t.limit = t.offset = -1;
            } else if (part == 4 && k == 0 && t.distinct) {
                t.distinct = 0;
            } else if (part == 5 && k < t.nkeys) {
                free(t.keys[k]);
                memmove(&t.keys[k], &t.keys[k + 1],
                        sizeof(char *) * (size_t)(t.nkeys - k - 1));
                t.nkeys--;
            } else {
                changed = 0;
            }
            if (!changed) {
                gquery_fini(&t);
                break;
            }
            budget--;
            if (still_fails(s, d, &t, kind)) {
                gquery_fini(q);
                *q = t;
                k--;
            } else {
                gquery_fini(&t);
            }
            if (budget <= 0)
                break;
        }
    }
}

/* ----------------------------------------------------------------- loop */

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define QUERIES_PER_CASE 4

/* Runs case number i of the seed; returns the failures. */
static int run_one(const ogen_opts *g, long i, ostats *st) {
    grng r = {g->seed ^ (0xD1B54A32D192ED03ull * (uint64_t)(i + 1))};
    grng_next(&r);
    gschema s;
    gen_schema(&r, &s);
    gdata d;
    memset(&d, 0, sizeof d);
    int total, most = gen_data(&r, &s, &d, &total);
    gquery qs[QUERIES_PER_CASE];
    for (int k = 0; k < QUERIES_PER_CASE; k++)
        gen_query(&r, &s, most > 0 ? most : 1, total > 0 ? total : 1, k,
                  &qs[k]);
    char name[96];
    snprintf(name, sizeof name, "random --seed %llu --case %ld",
             (unsigned long long)g->seed, i);
    ocase c;
    build_case(&c, name, &s, &d, qs, QUERIES_PER_CASE);
    oopts quiet = {1, stdout, 0};
    int before = st->failures;
    orun_case(&c, &quiet, st);
    if (g->verbose) {
        printf("-- case %ld\n", i);
        ocase_write(&c, stdout);
    }
    ocase_fini(&c);
    int failed = st->failures - before;
    /* which queries fail: minimize and print each */
    for (int k = 0; failed && k < QUERIES_PER_CASE; k++) {
        ocase one;
        build_case(&one, name, &s, &d, &qs[k], 1);
        ostats st1;
        memset(&st1, 0, sizeof st1);
        int f = orun_case(&one, &quiet, &st1);
        ocase_fini(&one);
        if (!f)
            continue;
        gdata md = copy_data(&d);
        gquery mq;
        gquery_copy(&mq, &qs[k]);
        minimize(&s, &md, &mq, st1.kind);
        build_case(&one, name, &s, &md, &mq, 1);
        printf("\n==== random failure: seed %llu, case %ld, query %d\n",
               (unsigned long long)g->seed, i, k + 1);
        oopts loud = {0, stdout, 40};
        ostats st2;
        memset(&st2, 0, sizeof st2);
        orun_case(&one, &loud, &st2);
        printf("\n---- minimized reproducer (a case file):\n");
        ocase_write(&one, stdout);
        printf("----\n");
        if (g->save) {
            char path[512];
            snprintf(path, sizeof path, "%s/random_%llu_%ld_%d.case", g->save,
                     (unsigned long long)g->seed, i, k + 1);
            FILE *f2 = fopen(path, "w");
            if (f2) {
                ocase_write(&one, f2);
                fclose(f2);
            }
        }
        ocase_fini(&one);
        gdata_fini(&md);
        gquery_fini(&mq);
    }
    for (int k = 0; k < QUERIES_PER_CASE; k++)
        gquery_fini(&qs[k]);
    gdata_fini(&d);
    return failed;
}

int ogen_main(const ogen_opts *g, ostats *st) {
    double t0 = now_s();
    if (g->only >= 0)
        return run_one(g, g->only, st);
    int reported = 0;
    for (long i = 0; i < g->cases; i++) {
        if (now_s() - t0 > g->budget_s)
            break;
        if (run_one(g, i, st) && ++reported >= 5) {
            printf("\n(stopping after 5 failing cases)\n");
            break;
        }
    }
    return 0;
}
