/*
** gen_query.c - random queries for the oracle's generator (gen.h): a
** projection or an aggregate over stream q (maybe through UNNEST), with
** WHERE, GROUP BY over 0-3 keys, HAVING, ORDER BY + LIMIT over output
** columns; the expressions come from gen_expr.c. Also renders a query as
** SQL, for the runner and the minimizer.
*/
#include "gen.h"

#include <stdlib.h>
#include <string.h>

/* -------------------------------------------------------------- queries */

static int is_literal(const char *s) {
    while (*s == '(' || *s == '-')
        s++;
    return (*s >= '0' && *s <= '9') || *s == '\'' ||
           strncmp(s, "true", 4) == 0 || strncmp(s, "false", 5) == 0 ||
           strncmp(s, "NULL", 4) == 0;
}

static int any_type(grng *r) {
    static const int ts[] = {DS_BIGINT, DS_BIGINT, DS_DOUBLE, DS_DOUBLE,
                             DS_TEXT,   DS_TEXT,   DS_BOOLEAN};
    return ts[grng_int(r, 7)];
}

/* ORDER BY some output columns, then maybe LIMIT/OFFSET. */
static void add_order(grng *r, gquery *q) {
    if (grng_pct(r, 45)) {
        int n = 1 + grng_int(r, q->nitems < 3 ? q->nitems : 3);
        for (int k = 0; k < n; k++) {
            int c = grng_int(r, q->nitems);
            obuf b = {0};
            obuf_printf(&b, "c%d%s%s", c, grng_pct(r, 40) ? " DESC" : "",
                        grng_pct(r, 15)
                            ? (grng_pct(r, 50) ? " NULLS FIRST" : " NULLS LAST")
                            : "");
            q->order[q->norder++] = obuf_take(&b);
        }
        if (grng_pct(r, 60)) {
            q->limit = grng_int(r, 6);
            if (grng_pct(r, 20))
                q->offset = grng_int(r, 3);
        }
    } else if (grng_pct(r, 5)) {
        q->limit = grng_int(r, 4);
    }
}

/* Items only a windowed query has: the window's bounds, batch_time, the
   event-time column (its extremes, in an aggregate). */
static void window_items(grng *r, const gschema *s, gquery *q, int kind,
                         int aggregate) {
    for (int k = 0; k < 2 && q->nitems < 8; k++) {
        int p = grng_int(r, 100);
        const char *t = NULL;
        if (p < 20 && kind != OW_COUNT)
            t = grng_pct(r, 50) ? "window_start" : "window_end";
        else if (p < 30)
            t = "batch_time";
        else if (p < 45 && s->ts)
            t = !aggregate        ? "ts"
                : grng_pct(r, 40) ? "MIN(ts)"
                : grng_pct(r, 60) ? "MAX(ts)"
                                  : "COUNT(ts)";
        if (!t)
            continue;
        obuf b = {0};
        obuf_printf(&b, "%s AS c%d", t, q->nitems);
        q->items[q->nitems++] = obuf_take(&b);
    }
}

void gen_query(grng *r, const gschema *s, double rows, double total, int idx,
               gquery *q) {
    memset(q, 0, sizeof *q);
    q->limit = q->offset = -1;
    int agg = 0, late = 0, kind = OW_NONE;
    q->window = gen_window(r, s, idx, &agg, &late, &kind);
    q->late = late ? idx + 1 : 0;
    /* a window's aggregates see every batch's rows */
    gcx cx = {r, s, NULL, 0, 0, NULL, q->window ? total : rows};
    /* UNNEST over a TEXT column */
    int texts[8], nt = 0;
    for (int k = 0; k < s->ncols; k++)
        if (s->cols[k].type == DS_TEXT)
            texts[nt++] = k;
    if (nt && grng_pct(r, 20)) {
        static const char *seps[] = {"' '", "','", "'a'", "''", "'  '"};
        obuf b = {0};
        obuf_printf(&b, "q, UNNEST(split(%s, %s)) AS t(w)",
                    s->cols[texts[grng_int(r, nt)]].name, seps[grng_int(r, 5)]);
        q->from = obuf_take(&b);
        cx.unnest = "w";
        cx.rows *= 16;
    } else {
        q->from = ostrdup("q");
    }
    if (grng_pct(r, 50)) {
        gexp w = gexp_gen(&cx, DS_BOOLEAN, 3);
        q->where = w.s;
    }
    if (!agg && grng_pct(r, 40)) { /* a projection */
        q->distinct = grng_pct(r, 20);
        q->nitems = 1 + grng_int(r, 4);
        for (int k = 0; k < q->nitems; k++) {
            gexp e = gexp_gen(&cx, any_type(r), 3);
            obuf b = {0};
            obuf_printf(&b, "%s AS c%d", e.s, k);
            q->items[k] = obuf_take(&b);
            gexp_free(&e);
        }
        if (q->window)
            window_items(r, s, q, kind, 0);
        add_order(r, q);
        return;
    }
    /* an aggregate: 0-3 keys, aggregates and expressions over them */
    gexp keys[3];
    int nk = grng_int(r, 4);
    for (int k = 0; k < nk; k++) {
        /* never a literal: SQLite reads GROUP BY 2 as the second column */
        for (int tries = 0;; tries++) {
            keys[k] = grng_pct(r, 70) ? gexp_column(&cx, any_type(r))
                                      : gexp_gen(&cx, any_type(r), 2);
            if (!is_literal(keys[k].s))
                break;
            gexp_free(&keys[k]);
            if (tries > 20) {
                int dbits;
                double b = gcol_bound(&s->cols[0], &dbits);
                keys[k] =
                    gexp_mk(s->cols[0].type, b, dbits, "%s", s->cols[0].name);
                break;
            }
        }
        q->keys[k] = ostrdup(keys[k].s);
    }
    q->nkeys = nk;
    gcx post = cx;
    post.post = 1;
    post.nkeys = nk;
    post.keys = keys;
    for (int k = 0; k < nk && q->nitems < 8; k++)
        if (grng_pct(r, 60)) {
            obuf b = {0};
            obuf_printf(&b, "%s AS c%d", keys[k].s, q->nitems);
            q->items[q->nitems++] = obuf_take(&b);
        }
    int na = 1 + grng_int(r, 3);
    for (int k = 0; k < na && q->nitems < 8; k++) {
        int t = any_type(r);
        /* without keys, the first item is an aggregate call: the query must
           aggregate even if the rest of it does not */
        gexp e = (nk == 0 && k == 0) || grng_pct(r, 60)
                     ? gexp_aggregate(&post, t)
                     : gexp_gen(&post, t, 2);
        obuf b = {0};
        obuf_printf(&b, "%s AS c%d", e.s, q->nitems);
        q->items[q->nitems++] = obuf_take(&b);
        gexp_free(&e);
    }
    if (grng_pct(r, 30)) {
        gexp h = gexp_gen(&post, DS_BOOLEAN, 2);
        q->having = h.s;
    }
    for (int k = 0; k < nk; k++)
        gexp_free(&keys[k]);
    if (q->window)
        window_items(r, s, q, kind, 1);
    add_order(r, q);
}

char *gquery_sql(const gquery *q) {
    obuf b = {0};
    obuf_printf(&b, "SELECT %s", q->distinct ? "DISTINCT " : "");
    for (int k = 0; k < q->nitems; k++)
        obuf_printf(&b, "%s%s", k ? ", " : "", q->items[k]);
    obuf_printf(&b, "\nFROM %s", q->from);
    if (q->window)
        obuf_printf(&b, "\n%s", q->window);
    if (q->where)
        obuf_printf(&b, "\nWHERE %s", q->where);
    for (int k = 0; k < q->nkeys; k++)
        obuf_printf(&b, "%s%s", k ? ", " : "\nGROUP BY ", q->keys[k]);
    if (q->having)
        obuf_printf(&b, "\nHAVING %s", q->having);
    for (int k = 0; k < q->norder; k++)
        obuf_printf(&b, "%s%s", k ? ", " : "\nORDER BY ", q->order[k]);
    if (q->limit >= 0)
        obuf_printf(&b, "\nLIMIT %d", q->limit);
    if (q->offset >= 0)
        obuf_printf(&b, " OFFSET %d", q->offset);
    return obuf_take(&b);
}

void gquery_fini(gquery *q) {
    for (int k = 0; k < q->nitems; k++)
        free(q->items[k]);
    for (int k = 0; k < q->nkeys; k++)
        free(q->keys[k]);
    for (int k = 0; k < q->norder; k++)
        free(q->order[k]);
    free(q->from);
    free(q->where);
    free(q->having);
    free(q->window);
    memset(q, 0, sizeof *q);
}

void gquery_copy(gquery *d, const gquery *s) {
    *d = *s;
    for (int k = 0; k < s->nitems; k++)
        d->items[k] = ostrdup(s->items[k]);
    for (int k = 0; k < s->nkeys; k++)
        d->keys[k] = ostrdup(s->keys[k]);
    for (int k = 0; k < s->norder; k++)
        d->order[k] = ostrdup(s->order[k]);
    d->from = ostrdup(s->from);
    d->where = ostrdup(s->where);
    d->having = ostrdup(s->having);
    d->window = ostrdup(s->window);
}
