/*
** collect.h - a result callback for tests: renders every emission as text
** lines, "q<id> b<batch> [w<start>-<end>]: v1|v2|..." per row (rows sorted
** within an emission), so tests can compare emissions as strings.
*/
#ifndef DS_TEST_COLLECT_H
#define DS_TEST_COLLECT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dstream.h"

typedef struct collect {
    char **lines;
    int n, cap;
    int emissions;
    int stop_after; /* > 0: return 1 (end the query) at this emission */
} collect;

static void collect_add(collect *c, const char *s) {
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 64;
        c->lines = realloc(c->lines, sizeof(char *) * (size_t)c->cap);
    }
    c->lines[c->n++] = strdup(s);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int collect_fn(void *user, const ds_result *r) {
    collect *c = user;
    c->emissions++;
    char prefix[128];
    int n = snprintf(prefix, sizeof prefix, "q%d b%lld", ds_result_query_id(r),
                     (long long)ds_result_batch(r));
    if (ds_result_has_window(r)) {
        char a[32], b[32];
        snprintf(prefix + n, sizeof prefix - (size_t)n, " w[%s,%s)",
                 ds_format_timestamp(ds_result_window_start(r), a),
                 ds_format_timestamp(ds_result_window_end(r), b));
    }
    int64_t nr = ds_result_row_count(r);
    int first = c->n;
    if (nr == 0) {
        char line[160];
        snprintf(line, sizeof line, "%s: (empty)", prefix);
        collect_add(c, line);
    }
    for (int64_t i = 0; i < nr; i++) {
        char line[1024];
        size_t at = (size_t)snprintf(line, sizeof line, "%s:", prefix);
        for (int k = 0; k < ds_result_column_count(r); k++) {
            const char *t = ds_result_text(r, i, k, NULL);
            at += (size_t)snprintf(line + at, sizeof line - at, "%s%s",
                                   k ? "|" : " ", t ? t : "NULL");
            if (at >= sizeof line)
                at = sizeof line - 1;
        }
        collect_add(c, line);
    }
    qsort(c->lines + first, (size_t)(c->n - first), sizeof(char *), cmp_str);
    return c->stop_after > 0 && c->emissions >= c->stop_after;
}

/* All lines joined with '\n' (caller frees). */
static char *collect_text(const collect *c) {
    size_t len = 1;
    for (int k = 0; k < c->n; k++)
        len += strlen(c->lines[k]) + 1;
    char *s = malloc(len), *p = s;
    for (int k = 0; k < c->n; k++)
        p += sprintf(p, "%s\n", c->lines[k]);
    *p = 0;
    return s;
}

static void collect_free(collect *c) {
    for (int k = 0; k < c->n; k++)
        free(c->lines[k]);
    free(c->lines);
    memset(c, 0, sizeof *c);
}

#endif
