/*
** compare.c - checks that two result files hold the same rows.
**
**   compare EXPECTED GOT [TOLERANCE]
**
** Both are CSV (as dstream --format csv writes: no header, RFC 4180
** quoting). They are equal when they hold the same rows as multisets:
** each is sorted (by a hash of the fields that are not numbers, then by
** every field) and compared row by row, field by field. A field that is
** a timestamp ("YYYY-MM-DD HH:MM:SS[.f]", DuckDB's and dstream's forms
** alike) compares as its microseconds; two numbers compare as numbers,
** integers exactly and otherwise with a relative tolerance (default
** 1e-9); anything else compares as bytes. Exit 0 if equal; otherwise the
** first differences are printed and the exit status is 1. Run by bench/run
** on every workload's outputs before any speed is printed.
*/
#include "bench_hash.h"
#include "bench_parse.h"

enum { F_NULL, F_INT, F_DBL, F_TS, F_TEXT };

typedef struct {
    int cls;
    uint32_t len; /* F_TEXT */
    union {
        int64_t i;
        double d;
        const char *s;
    } u;
} field;

typedef struct {
    uint64_t key; /* a hash of its fields that compare exactly (not numbers) */
    const char *line; /* the row as written, for messages */
    size_t line_len;
    uint32_t first, n; /* its fields in the file's field array */
} row;

typedef struct {
    mapped m;
    row *rows;
    size_t nrows;
    field *f;
    size_t nf, fcap;
} table;

static double tolerance = 1e-9;
static const field *cmp_fields; /* for qsort */

static int is_int(const char *s, size_t n, int64_t *out) {
    size_t i = n && (s[0] == '-' || s[0] == '+');
    if (i == n || n - i > 18)
        return 0;
    int64_t v = 0;
    for (size_t k = i; k < n; k++) {
        if ((unsigned)(s[k] - '0') > 9)
            return 0;
        v = v * 10 + (s[k] - '0');
    }
    *out = s[0] == '-' ? -v : v;
    return 1;
}

static field classify(const char *s, size_t n, int quoted) {
    field f = {F_TEXT, (uint32_t)n, {.s = s}};
    if (quoted)
        return f;
    if (n == 0) {
        f.cls = F_NULL;
        return f;
    }
    if (n >= 10 && s[4] == '-' && parse_iso(s, n, &f.u.i)) {
        f.cls = F_TS;
        return f;
    }
    if (is_int(s, n, &f.u.i)) {
        f.cls = F_INT;
        return f;
    }
    double d;
    if ((s[0] == '-' || s[0] == '.' || (unsigned)(s[0] - '0') <= 9) &&
        parse_double(s, n, &d)) {
        f.cls = F_DBL;
        f.u.d = d;
        return f;
    }
    return f;
}

/* Sorting goes by this key first: equal rows (numbers within the
   tolerance) have equal keys, since numbers are left out of it. */
static uint64_t row_key(const field *f, uint32_t n) {
    uint64_t h = 0x9E3779B97F4A7C15ull * (n + 1);
    for (uint32_t k = 0; k < n; k++) {
        uint64_t v = 0;
        if (f[k].cls == F_TS)
            v = (uint64_t)f[k].u.i * 0xBF58476D1CE4E5B9ull + 1;
        else if (f[k].cls == F_TEXT)
            v = hash_bytes(f[k].u.s, f[k].len) + 2;
        h = (h ^ v) * 0x94D049BB133111EBull;
        h ^= h >> 31;
    }
    return h;
}

static void add_field(table *t, field f) {
    if (t->nf == t->fcap) {
        t->fcap = t->fcap ? t->fcap * 2 : 1 << 16;
        t->f = xrealloc(t->f, t->fcap * sizeof *t->f);
    }
    t->f[t->nf++] = f;
}

/* Reads a CSV file into rows of classified fields. */
static void load(table *t, const char *path) {
    memset(t, 0, sizeof *t);
    t->m = map_file(path);
    const char *p = t->m.p, *end = p + t->m.n;
    size_t rcap = 0;
    while (p < end) {
        if (t->nrows == rcap) {
            rcap = rcap ? rcap * 2 : 1 << 14;
            t->rows = xrealloc(t->rows, rcap * sizeof *t->rows);
        }
        row *r = &t->rows[t->nrows++];
        r->line = p;
        r->first = (uint32_t)t->nf;
        for (;;) {
            if (p < end && *p == '"') { /* a quoted field: unquote a copy */
                char *buf = xmalloc((size_t)(end - p));
                size_t n = 0;
                for (p++; p < end; p++) {
                    if (*p == '"') {
                        if (p + 1 < end && p[1] == '"')
                            buf[n++] = *p++;
                        else {
                            p++;
                            break;
                        }
                    } else {
                        buf[n++] = *p;
                    }
                }
                add_field(t, classify(buf, n, 1));
            } else {
                const char *s = p;
                while (p < end && *p != ',' && *p != '\n')
                    p++;
                size_t n = (size_t)(p - s);
                if (n && s[n - 1] == '\r' && (p == end || *p == '\n'))
                    n--;
                add_field(t, classify(s, n, 0));
            }
            if (p < end && *p == ',') {
                p++;
                continue;
            }
            if (p < end && *p == '\n')
                p++;
            break;
        }
        r->n = (uint32_t)(t->nf - r->first);
        r->key = row_key(t->f + r->first, r->n);
        r->line_len = (size_t)(p - r->line);
        while (r->line_len && (r->line[r->line_len - 1] == '\n' ||
                               r->line[r->line_len - 1] == '\r'))
            r->line_len--;
    }
}

static int num_class(int c) { return c == F_INT || c == F_DBL; }

static double num(const field *f) {
    return f->cls == F_INT ? (double)f->u.i : f->u.d;
}

/* Total order for sorting: class, then value (numbers by value). */
static int order_field(const field *a, const field *b) {
    int ca = num_class(a->cls) ? F_INT : a->cls;
    int cb = num_class(b->cls) ? F_INT : b->cls;
    if (ca != cb)
        return ca < cb ? -1 : 1;
    switch (ca) {
    case F_INT: {
        if (a->cls == F_INT && b->cls == F_INT)
            return (a->u.i > b->u.i) - (a->u.i < b->u.i);
        double x = num(a), y = num(b);
        return (x > y) - (x < y);
    }
    case F_TS:
        return (a->u.i > b->u.i) - (a->u.i < b->u.i);
    case F_TEXT: {
        size_t n = a->len < b->len ? a->len : b->len;
        int c = memcmp(a->u.s, b->u.s, n);
        if (c)
            return c;
        return (a->len > b->len) - (a->len < b->len);
    }
    default:
        return 0;
    }
}

static int order_row(const void *pa, const void *pb) {
    const row *a = pa, *b = pb;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    uint32_t n = a->n < b->n ? a->n : b->n;
    for (uint32_t k = 0; k < n; k++) {
        int c =
            order_field(&cmp_fields[a->first + k], &cmp_fields[b->first + k]);
        if (c)
            return c;
    }
    return (a->n > b->n) - (a->n < b->n);
}

/* Sorts the rows: a radix sort on the keys, then runs of equal keys by
   every field (rare: rows with the same texts and timestamps). */
static void sort_table(table *t) {
    size_t n = t->nrows;
    row *tmp = xmalloc((n ? n : 1) * sizeof *tmp);
    row *src = t->rows, *dst = tmp;
    for (int shift = 0; shift < 64; shift += 16) {
        size_t *count = xcalloc(65537, sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[((src[i].key >> shift) & 0xFFFF) + 1]++;
        for (size_t b = 0; b < 65536; b++)
            count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++)
            dst[count[(src[i].key >> shift) & 0xFFFF]++] = src[i];
        free(count);
        row *x = src;
        src = dst;
        dst = x;
    }
    /* four passes: the sorted rows are back in t->rows */
    free(tmp);
    cmp_fields = t->f;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && t->rows[j].key == t->rows[i].key)
            j++;
        if (j - i > 1)
            qsort(t->rows + i, j - i, sizeof *t->rows, order_row);
        i = j;
    }
}

static int same_field(const field *a, const field *b) {
    if (num_class(a->cls) && num_class(b->cls)) {
        if (a->cls == F_INT && b->cls == F_INT)
            return a->u.i == b->u.i;
        double x = num(a), y = num(b);
        double scale = fabs(x) > fabs(y) ? fabs(x) : fabs(y);
        return fabs(x - y) <= tolerance * scale || fabs(x - y) < 1e-300;
    }
    return order_field(a, b) == 0;
}

static int same_row(const table *ta, const row *a, const table *tb,
                    const row *b) {
    if (a->n != b->n)
        return 0;
    for (uint32_t k = 0; k < a->n; k++)
        if (!same_field(&ta->f[a->first + k], &tb->f[b->first + k]))
            return 0;
    return 1;
}

/* Orders two rows of different tables (for the walk over differences). */
static int order_across(const table *ta, const row *a, const table *tb,
                        const row *b) {
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    uint32_t n = a->n < b->n ? a->n : b->n;
    for (uint32_t k = 0; k < n; k++) {
        const field *x = &ta->f[a->first + k], *y = &tb->f[b->first + k];
        if (same_field(x, y))
            continue;
        return order_field(x, y);
    }
    return (a->n > b->n) - (a->n < b->n);
}

int main(int argc, char **argv) {
    if (argc != 3 && argc != 4)
        die("usage: compare EXPECTED GOT [TOLERANCE]%s", "");
    if (argc == 4)
        tolerance = atof(argv[3]);
    table a, b;
    load(&a, argv[1]);
    load(&b, argv[2]);
    sort_table(&a);
    sort_table(&b);
    size_t i = 0, j = 0, shown = 0, bad = 0;
    while (i < a.nrows || j < b.nrows) {
        int c;
        if (i == a.nrows)
            c = 1;
        else if (j == b.nrows)
            c = -1;
        else if (same_row(&a, &a.rows[i], &b, &b.rows[j]))
            c = 0;
        else
            c = order_across(&a, &a.rows[i], &b, &b.rows[j]);
        if (c == 0) {
            i++, j++;
            continue;
        }
        bad++;
        const row *r = c < 0 ? &a.rows[i++] : &b.rows[j++];
        if (shown++ < 10)
            printf("  %s %.*s\n",
                   c < 0 ? "expected, missing:" : "unexpected:    ",
                   (int)r->line_len, r->line);
    }
    if (bad) {
        printf("  %zu rows differ (expected %zu rows in %s, got %zu in %s)\n",
               bad, a.nrows, argv[1], b.nrows, argv[2]);
        return 1;
    }
    return 0;
}
