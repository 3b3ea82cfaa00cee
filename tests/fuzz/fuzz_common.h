/*
** fuzz_common.h - the harness the decoder fuzz targets share (fuzz_csv.c,
** fuzz_json.c, fuzz_text.c): the first input byte picks options, the
** second how big the pieces of a streamed run are, the rest is the input.
**
** Each input is decoded twice, as one whole text and piece by piece as a
** receiver does (sources/decode.h, ds__decode_buffer), and the two runs
** must give the same rows, values and bad-row count. Every row's text must
** be valid UTF-8 and no batch may hold an empty chunk. A difference traps;
** memory errors and leaks are ASan's.
*/
#ifndef DS_FUZZ_COMMON_H
#define DS_FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sources/decode.h"

#define CHECK(x)                                                               \
    do {                                                                       \
        if (!(x))                                                              \
            __builtin_trap();                                                  \
    } while (0)

static int utf8_ok(const unsigned char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len = c < 0x80                 ? 1
                     : c >= 0xC2 && c <= 0xDF ? 2
                     : c >= 0xE0 && c <= 0xEF ? 3
                     : c >= 0xF0 && c <= 0xF4 ? 4
                                              : 0;
        if (!len || i + len > n)
            return 0;
        for (size_t k = 1; k < len; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
        if ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] > 0x9F) ||
            (c == 0xF0 && s[i + 1] < 0x90) || (c == 0xF4 && s[i + 1] > 0x8F))
            return 0;
        i += len;
    }
    return 1;
}

/* Checks b's structure; returns its rows. */
static int64_t check_batch(const ds_batch *b) {
    int64_t rows = 0;
    for (const ds_chunk *c = b->head; c; c = c->next) {
        CHECK(c->n > 0 && c->n <= DS_CHUNK_ROWS);
        for (int k = 0; k < c->ncols; k++) {
            const ds_vec *v = &c->cols[k];
            for (int i = 0; v->type == DS_TEXT && i < c->n; i++)
                if (ds__vec_valid(v, i))
                    CHECK(utf8_ok((const unsigned char *)v->v.str[i].p,
                                  v->v.str[i].n));
        }
        rows += c->n;
    }
    CHECK(rows == b->rows);
    return rows;
}

static int same_value(const ds_vec *a, int i, const ds_vec *b, int j) {
    if (ds__vec_valid(a, i) != ds__vec_valid(b, j))
        return 0;
    if (!ds__vec_valid(a, i))
        return 1;
    switch (a->type) {
    case DS_TEXT:
        return a->v.str[i].n == b->v.str[j].n &&
               memcmp(a->v.str[i].p, b->v.str[j].p, a->v.str[i].n) == 0;
    case DS_DOUBLE:
        return memcmp(&a->v.f64[i], &b->v.f64[j], sizeof(double)) == 0;
    case DS_BOOLEAN:
        return a->v.b[i] == b->v.b[j];
    default:
        return a->v.i64[i] == b->v.i64[j];
    }
}

/* Row by row, the two batches hold the same values. */
static void check_same(const ds_batch *x, const ds_batch *y) {
    CHECK(x->rows == y->rows);
    const ds_chunk *a = x->head, *b = y->head;
    int i = 0, j = 0;
    while (a && b) {
        for (int k = 0; k < a->ncols; k++)
            CHECK(same_value(&a->cols[k], i, &b->cols[k], j));
        if (++i == a->n)
            a = a->next, i = 0;
        if (++j == b->n)
            b = b->next, j = 0;
    }
    CHECK(!a && !b);
}

static void on_bad(void *user, const char *rec, size_t n, const char *why) {
    (void)rec;
    (void)n;
    CHECK(why[0] != 0);
    (*(int64_t *)user)++;
}

/* Decodes text whole and in pieces with the decoder for o and the columns,
   and checks that both agree. */
static void fuzz_decode(const ds_decode_opts *o, int ncols,
                        const char *const *names, const int *types,
                        const uint8_t *data, size_t size, size_t piece) {
    char err[256];
    ds_decoder *d = ds__decoder_new(o, ncols, names, types, err, sizeof err);
    CHECK(d);
    const char *text = (const char *)data;
    ds_batch *whole = ds__batch_new(ncols, types);
    int64_t bad = 0, reported = 0;
    ds__decoder_on_bad(d, on_bad, &reported);
    CHECK(ds__decode_text(d, text, size, whole, &bad) == DS_OK);
    CHECK(reported == bad && whole->bad_rows == bad);
    check_batch(whole);

    ds__decoder_reset(d);
    ds_batch *parts = ds__batch_new(ncols, types);
    int64_t bad2 = 0;
    char *buf = malloc(size + 1);
    size_t have = 0, at = 0;
    for (;;) {
        size_t take = size - at < piece ? size - at : piece;
        memcpy(buf + have, text + at, take);
        have += take;
        at += take;
        size_t used;
        CHECK(ds__decode_buffer(d, buf, have, at == size, 0, parts, &bad2,
                                &used) == DS_OK);
        CHECK(used <= have);
        memmove(buf, buf + used, have - used);
        have -= used;
        if (at == size) {
            CHECK(have == 0);
            break;
        }
    }
    free(buf);
    check_batch(parts);
    CHECK(bad2 == bad);
    check_same(whole, parts);
    ds__batch_free(whole);
    ds__batch_free(parts);
    ds__decoder_free(d);
}

#endif
