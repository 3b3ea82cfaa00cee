/*
** util.c - small helpers of the oracle (oracle.h): allocation that gives
** up loudly (a test program, not the library), strings, growable buffers,
** and the value rows that both engines' results are turned into.
*/
#include "oracle.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void *oalloc(size_t n) {
    void *p = calloc(1, n ? n : 1);
    if (!p) {
        fprintf(stderr, "oracle: out of memory\n");
        abort();
    }
    return p;
}

void osort(void *base, size_t n, size_t size,
           int (*cmp)(const void *, const void *)) {
    if (n > 1)
        qsort(base, n, size, cmp);
}

void *orealloc(void *p, size_t n) {
    p = realloc(p, n ? n : 1);
    if (!p) {
        fprintf(stderr, "oracle: out of memory\n");
        abort();
    }
    return p;
}

char *ostrndup(const char *s, size_t n) {
    char *d = oalloc(n + 1);
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

char *ostrdup(const char *s) { return s ? ostrndup(s, strlen(s)) : NULL; }

void obuf_add(obuf *b, const char *s, size_t n) {
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + n + 1)
            cap *= 2;
        b->s = orealloc(b->s, cap);
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = 0;
}

void obuf_puts(obuf *b, const char *s) { obuf_add(b, s, strlen(s)); }

void obuf_duration(obuf *b, int64_t us) {
    if (us % 1000000 == 0)
        obuf_printf(b, "%llds", (long long)(us / 1000000));
    else if (us % 1000 == 0)
        obuf_printf(b, "%lldms", (long long)(us / 1000));
    else
        obuf_printf(b, "%lldus", (long long)us);
}

void obuf_printf(obuf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    char *t = oalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(t, (size_t)n + 1, fmt, ap);
    va_end(ap);
    obuf_add(b, t, (size_t)n);
    free(t);
}

char *obuf_take(obuf *b) {
    char *s = b->s ? b->s : ostrdup("");
    b->s = NULL;
    b->n = b->cap = 0;
    return s;
}

void orows_init(orows *r, int ncols) {
    memset(r, 0, sizeof *r);
    r->ncols = ncols;
}

void orows_fini(orows *r) {
    size_t n = (size_t)r->nrows * (size_t)r->ncols;
    for (size_t k = 0; k < n; k++)
        free(r->v[k].s);
    free(r->v);
    memset(r, 0, sizeof *r);
}

ovalue *orows_add(orows *r) {
    if (r->nrows == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->v = orealloc(r->v, sizeof(ovalue) * (size_t)r->cap *
                                  (size_t)(r->ncols ? r->ncols : 1));
    }
    ovalue *row = OROW(r, r->nrows);
    memset(row, 0, sizeof(ovalue) * (size_t)r->ncols);
    r->nrows++;
    return row;
}
