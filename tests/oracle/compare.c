/*
** compare.c - does an emission of dstream equal SQLite's rows (oracle.h)?
** Values: NULL equals NULL; DOUBLE within a relative 1e-9 (absolute 1e-12
** near zero); BIGINT, BOOLEAN and TIMESTAMP exactly; TEXT bytewise. Rows:
** as multisets, or, with ORDER BY and LIMIT, by tie groups: the rule in
** docs/oracle.md ("ORDER BY and LIMIT").
*/
#include "oracle.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int close_enough(double x, double y) {
    if (x == y)
        return 1;
    if (isnan(x) || isnan(y))
        return isnan(x) && isnan(y);
    if (isinf(x) || isinf(y))
        return 0;
    double d = fabs(x - y);
    return d <= 1e-12 || d <= 1e-9 * fmax(fabs(x), fabs(y));
}

int ocmp_equal(const ovalue *a, int type, const ovalue *b) {
    if (a->kind == OV_NULL || b->kind == OV_NULL)
        return a->kind == b->kind;
    if (type == DS_TEXT) {
        /* SQLite may give a number where dstream gives its text form */
        if (!b->s || a->kind != OV_TEXT)
            return 0;
        return a->n == b->n && memcmp(a->s, b->s, a->n) == 0;
    }
    if (b->kind == OV_TEXT || a->kind == OV_TEXT)
        return 0;
    if (a->kind == OV_INT && b->kind == OV_INT)
        return a->i == b->i;
    double x = a->kind == OV_INT ? (double)a->i : a->d;
    double y = b->kind == OV_INT ? (double)b->i : b->d;
    return close_enough(x, y);
}

int ocmp_order(const ovalue *a, const ovalue *b) {
    int ra = a->kind == OV_NULL ? 0 : a->kind == OV_TEXT ? 2 : 1;
    int rb = b->kind == OV_NULL ? 0 : b->kind == OV_TEXT ? 2 : 1;
    if (ra != rb)
        return ra < rb ? -1 : 1;
    if (ra == 0)
        return 0;
    if (ra == 2) {
        size_t n = a->n < b->n ? a->n : b->n;
        int c = memcmp(a->s, b->s, n);
        if (c)
            return c < 0 ? -1 : 1;
        return a->n < b->n ? -1 : a->n > b->n;
    }
    if (a->kind == OV_INT && b->kind == OV_INT)
        return a->i < b->i ? -1 : a->i > b->i;
    double x = a->kind == OV_INT ? (double)a->i : a->d;
    double y = b->kind == OV_INT ? (double)b->i : b->d;
    return x < y ? -1 : x > y;
}

/* ------------------------------------------------------------- multisets */

static int sort_ncols;
static int cmp_row(const void *pa, const void *pb) {
    const ovalue *a = *(const ovalue *const *)pa,
                 *b = *(const ovalue *const *)pb;
    for (int k = 0; k < sort_ncols; k++) {
        int c = ocmp_order(&a[k], &b[k]);
        if (c)
            return c;
    }
    return 0;
}

static int row_equal(const ovalue *a, const int *types, const ovalue *b,
                     int ncols) {
    for (int k = 0; k < ncols; k++)
        if (!ocmp_equal(&a[k], types[k], &b[k]))
            return 0;
    return 1;
}

static void row_text(obuf *b, const ovalue *r, int ncols) {
    for (int k = 0; k < ncols; k++) {
        if (k)
            obuf_puts(b, "|");
        const ovalue *v = &r[k];
        switch (v->kind) {
        case OV_NULL:
            obuf_puts(b, "NULL");
            break;
        case OV_INT:
            obuf_printf(b, "%lld", (long long)v->i);
            break;
        case OV_REAL:
            obuf_printf(b, "%.17g", v->d);
            break;
        default:
            obuf_puts(b, "'");
            obuf_add(b, v->s, v->n);
            obuf_puts(b, "'");
        }
    }
}

/*
** Matches the rows got[0..ng) to want[0..nw) one to one. First sorted and
** pairwise; when float noise reorders rows, greedily. Writes the first
** unmatched row into why. Returns 0 when they match.
*/
static int match_rows(const ovalue **got, int ng, const int *types,
                      const ovalue **want, int nw, int ncols, char *why,
                      size_t whylen) {
    if (ng != nw) {
        snprintf(why, whylen, "%d rows from dstream, %d from SQLite", ng, nw);
        return 1;
    }
    sort_ncols = ncols;
    osort(got, (size_t)ng, sizeof *got, cmp_row);
    osort(want, (size_t)nw, sizeof *want, cmp_row);
    int k = 0;
    while (k < ng && row_equal(got[k], types, want[k], ncols))
        k++;
    if (k == ng)
        return 0;
    char *used = oalloc((size_t)nw);
    int bad = -1;
    for (int i = 0; i < ng && bad < 0; i++) {
        int j = 0;
        while (j < nw && (used[j] || !row_equal(got[i], types, want[j], ncols)))
            j++;
        if (j == nw)
            bad = i;
        else
            used[j] = 1;
    }
    free(used);
    if (bad < 0)
        return 0;
    obuf b = {0};
    obuf_puts(&b, "dstream row ");
    row_text(&b, got[bad], ncols);
    obuf_puts(&b, " has no match in SQLite's rows");
    char *t = obuf_take(&b);
    snprintf(why, whylen, "%s", t);
    free(t);
    return 1;
}

/* ------------------------------------------------------ ORDER BY, LIMIT */

static int keys_equal_sqlite(const ovalue *a, const ovalue *b, int nkeys,
                             const int *keys) {
    for (int k = 0; k < nkeys; k++)
        if (ocmp_order(&a[keys[k]], &b[keys[k]]) != 0)
            return 0;
    return 1;
}

static int keys_equal(const ovalue *got, const int *types, const ovalue *want,
                      int nkeys, const int *keys) {
    for (int k = 0; k < nkeys; k++)
        if (!ocmp_equal(&got[keys[k]], types[keys[k]], &want[keys[k]]))
            return 0;
    return 1;
}

int ocmp_check(const orows *got, const int *types, const orows *want,
               int has_order, int nkeys, const int *keys, int64_t offset,
               int64_t limit, char *why, size_t whylen) {
    int nc = got->ncols, rc = 0;
    if (got->nrows && want->ncols != nc) {
        snprintf(why, whylen, "%d columns from dstream, %d from SQLite", nc,
                 want->ncols);
        return 1;
    }
    int ng = got->nrows, nw = want->nrows;
    const ovalue **g = oalloc(sizeof(ovalue *) * (size_t)(ng + 1));
    const ovalue **w = oalloc(sizeof(ovalue *) * (size_t)(nw + 1));
    for (int k = 0; k < ng; k++)
        g[k] = OROW(got, k);
    if (nkeys < 0 || (!has_order && limit < 0)) {
        /* plain multisets */
        for (int k = 0; k < nw; k++)
            w[k] = OROW(want, k);
        rc = match_rows(g, ng, types, w, nw, nc, why, whylen);
        goto done;
    }
    /* the window [lo, hi) of SQLite's ordered rows that LIMIT keeps */
    int64_t lo = offset < 0 ? 0 : offset, hi = nw;
    if (lo > nw)
        lo = nw;
    if (limit >= 0 && lo + limit < hi)
        hi = lo + limit;
    if (ng != hi - lo) {
        snprintf(why, whylen, "%d rows from dstream, %lld from SQLite", ng,
                 (long long)(hi - lo));
        rc = 1;
        goto done;
    }
    /* tie groups: runs of equal keys in SQLite's order */
    int *group = oalloc(sizeof(int) * (size_t)(nw + 1));
    for (int k = 1; k < nw; k++)
        group[k] =
            group[k - 1] +
            !keys_equal_sqlite(OROW(want, k - 1), OROW(want, k), nkeys, keys);
    /* row p of dstream sorts where row lo+p of SQLite does */
    for (int p = 0; p < ng && !rc; p++)
        if (has_order &&
            !keys_equal(g[p], types, OROW(want, lo + p), nkeys, keys)) {
            obuf b = {0};
            obuf_printf(&b, "row %d of dstream is out of order: ", p + 1);
            row_text(&b, g[p], nc);
            obuf_puts(&b, "; SQLite's row there is ");
            row_text(&b, OROW(want, lo + p), nc);
            char *t = obuf_take(&b);
            snprintf(why, whylen, "%s", t);
            free(t);
            rc = 1;
        }
    /* per group: dstream's rows are rows of that group */
    for (int p = 0; p < ng && !rc;) {
        int gr = group[lo + p], q = p;
        while (q < ng && group[lo + q] == gr)
            q++;
        int nw2 = 0;
        for (int k = 0; k < nw; k++)
            if (group[k] == gr)
                w[nw2++] = OROW(want, k);
        if (q - p == nw2) {
            rc = match_rows(g + p, q - p, types, w, nw2, nc, why, whylen);
        } else {
            /* a group cut by LIMIT: each row must match a different row */
            char *used = oalloc((size_t)nw2 + 1);
            for (int i = p; i < q && !rc; i++) {
                int j = 0;
                while (j < nw2 &&
                       (used[j] || !row_equal(g[i], types, w[j], nc)))
                    j++;
                if (j == nw2) {
                    obuf b = {0};
                    obuf_puts(&b, "dstream row ");
                    row_text(&b, g[i], nc);
                    obuf_puts(&b, " is not among SQLite's rows with its "
                                  "ORDER BY keys");
                    char *t = obuf_take(&b);
                    snprintf(why, whylen, "%s", t);
                    free(t);
                    rc = 1;
                } else {
                    used[j] = 1;
                }
            }
            free(used);
        }
        p = q;
    }
    free(group);
done:
    free(g);
    free(w);
    return rc;
}

/* -------------------------------------------------------------- printing */

void ocmp_print_value(FILE *out, const ovalue *v, int type) {
    switch (v->kind) {
    case OV_NULL:
        fputs("NULL", out);
        break;
    case OV_INT:
        if (type == DS_BOOLEAN)
            fputs(v->i ? "true" : "false", out);
        else
            fprintf(out, "%lld", (long long)v->i);
        break;
    case OV_REAL:
        fprintf(out, "%.17g", v->d);
        break;
    default:
        fputc('\'', out);
        fwrite(v->s, 1, v->n, out);
        fputc('\'', out);
    }
}

void ocmp_print_rows(FILE *out, const orows *r, const int *types,
                     const char *indent, int max) {
    for (int k = 0; k < r->nrows && k < max; k++) {
        fputs(indent, out);
        for (int c = 0; c < r->ncols; c++) {
            if (c)
                fputs(" | ", out);
            ocmp_print_value(out, &OROW(r, k)[c], types ? types[c] : -1);
        }
        fputc('\n', out);
    }
    if (r->nrows > max)
        fprintf(out, "%s... %d more rows\n", indent, r->nrows - max);
}
