/*
** test_decode.c - the input decoders (sources/decode*.c).
**
** Table-driven: each case is a format, columns, options, an input and the
** rows and bad rows it must give. Every case is decoded twice: as one
** whole text (ds__decode_text) and piece by piece as a receiver would
** (ds__decode_buffer with 1 to 7 bytes at a time), and both must give the
** same rows, bad rows and reasons. Then the things a table cannot say:
** options, headers after a reset, row limits, long inputs with bad rows
** interleaved, allocation failures.
*/
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sources/decode.h"

/* table rows leave their last fields out */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define INDEX_PARAMS(table)                                                    \
    static size_t idx[sizeof(table) / sizeof((table)[0])];                     \
    for (size_t i = 0; i < sizeof idx / sizeof idx[0]; i++)                    \
        idx[i] = i;                                                            \
    return cr_make_param_array(size_t, idx, sizeof idx / sizeof idx[0])

/* ------------------------------------------------------------ helpers */

typedef struct dcase {
    const char *cols;   /* "a BIGINT, b TEXT" */
    const char *in;     /* the input */
    const char *rows;   /* expected rows: "v|v\n" each; 'text', NULL */
    int bad;            /* expected bad rows */
    const char *why;    /* expected reasons, "\n" after each */
    const char *opt[6]; /* key, value pairs */
} dcase;

static void on_bad(void *user, const char *rec, size_t n, const char *why) {
    (void)rec;
    (void)n;
    ds__strbuf_puts(user, why);
    ds__strbuf_putc(user, '\n');
}

static int type_of(const char *t) {
    static const char *names[] = {"",     "BIGINT",  "DOUBLE",
                                  "TEXT", "BOOLEAN", "TIMESTAMP"};
    for (int k = 1; k <= 5; k++)
        if (strcmp(t, names[k]) == 0)
            return k;
    cr_assert_fail("type %s", t);
    return 0;
}

static ds_decoder *make(ds_format fmt, const dcase *c, int *ncols,
                        int **types) {
    static char names[16][32];
    static const char *np[16];
    static int ty[16];
    int n = 0;
    for (const char *p = c->cols; *p; n++) {
        char type[16];
        int used = 0;
        cr_assert_eq(sscanf(p, " %31s %15[A-Z]%n", names[n], type, &used), 2);
        np[n] = names[n];
        ty[n] = type_of(type);
        p += used;
        p += *p == ',';
    }
    ds_decode_opts o;
    ds__decode_opts_init(&o);
    o.format = fmt;
    char err[256];
    for (int k = 0; k < 6 && c->opt[k]; k += 2)
        cr_assert_eq(
            ds__decode_opts_set(&o, c->opt[k], c->opt[k + 1], err, sizeof err),
            DS_OK, "%s", err);
    ds_decoder *d = ds__decoder_new(&o, n, np, ty, err, sizeof err);
    cr_assert_not_null(d, "%s", err);
    *ncols = n;
    *types = ty;
    return d;
}

/* The rows of b as text: "v|v\n" per row. */
static char *render(const ds_batch *b) {
    ds_strbuf sb;
    ds__strbuf_init(&sb);
    for (const ds_chunk *c = b->head; c; c = c->next) {
        cr_assert(c->n > 0, "an empty chunk in the batch");
        for (int i = 0; i < c->n; i++) {
            for (int k = 0; k < c->ncols; k++) {
                const ds_vec *v = &c->cols[k];
                char buf[DS_NUMBUF];
                if (k)
                    ds__strbuf_putc(&sb, '|');
                if (!ds__vec_valid(v, i)) {
                    ds__strbuf_puts(&sb, "NULL");
                } else if (v->type == DS_TEXT) {
                    ds__strbuf_putc(&sb, '\'');
                    ds__strbuf_append(&sb, v->v.str[i].p, v->v.str[i].n);
                    ds__strbuf_putc(&sb, '\'');
                } else if (v->type == DS_DOUBLE) {
                    ds__strbuf_printf(&sb, "%.17g", v->v.f64[i]);
                } else {
                    int64_t x = v->type == DS_BOOLEAN ? v->v.b[i] : v->v.i64[i];
                    ds__fmt_value(v->type, x, 0, buf);
                    ds__strbuf_puts(&sb, buf);
                }
            }
            ds__strbuf_putc(&sb, '\n');
        }
    }
    return ds__strbuf_take(&sb);
}

/*
** Decodes text with d as one whole input (piece 0) or `piece` bytes at a
** time as a receiver does (keeping what ds__decode_buffer did not use).
** Returns the rows rendered, "--", then the reasons of the bad rows.
*/
static char *decode(ds_decoder *d, int ncols, const int *types,
                    const char *text, size_t piece) {
    size_t len = strlen(text), have = 0, at = 0, used;
    ds_batch *b = ds__batch_new(ncols, types);
    ds_strbuf why;
    ds__strbuf_init(&why);
    ds__decoder_reset(d);
    ds__decoder_on_bad(d, on_bad, &why);
    int64_t bad = 0;
    if (!piece)
        cr_assert_eq(ds__decode_text(d, text, len, b, &bad), DS_OK);
    char *buf = malloc(len + 1);
    while (piece) {
        size_t take = len - at < piece ? len - at : piece;
        memcpy(buf + have, text + at, take);
        have += take;
        at += take;
        cr_assert_eq(
            ds__decode_buffer(d, buf, have, at == len, 0, b, &bad, &used),
            DS_OK);
        memmove(buf, buf + used, have - used);
        have -= used;
        if (at == len) {
            cr_assert_eq(have, 0, "unconsumed bytes at the end");
            break;
        }
    }
    free(buf);
    cr_expect_eq(b->bad_rows, bad);
    char *rows = render(b);
    ds_strbuf out;
    ds__strbuf_init(&out);
    ds__strbuf_printf(&out, "%s--\n%s", rows, ds__strbuf_cstr(&why));
    int64_t lines = 0;
    for (const char *w = ds__strbuf_cstr(&why); *w; w++)
        lines += *w == '\n';
    cr_expect_eq(bad, lines, "one reason per bad row");
    ds_free(rows);
    ds__strbuf_fini(&why);
    ds__batch_free(b);
    return ds__strbuf_take(&out);
}

/* The case gives its rows and reasons whole and in pieces of 1 to 7. */
static void check_case(ds_format fmt, const dcase *c) {
    int ncols, *types;
    ds_decoder *d = make(fmt, c, &ncols, &types);
    char want[4096];
    snprintf(want, sizeof want, "%s--\n%s", c->rows, c->why ? c->why : "");
    int lines = 0;
    for (const char *w = c->why ? c->why : ""; *w; w++)
        lines += *w == '\n';
    cr_assert_eq(lines, c->bad, "the case's bad count and reasons disagree");
    for (size_t piece = 0; piece <= 7; piece++) {
        char *got = decode(d, ncols, types, c->in, piece);
        cr_expect_str_eq(got, want, "input:\n%s\n%zu bytes at a time\ngot:\n%s",
                         c->in, piece, got);
        ds_free(got);
    }
    ds__decoder_free(d);
}

/* ---------------------------------------------------------------- CSV */

#define NUMS "a BIGINT, b DOUBLE, c TEXT"

static const dcase csv_cases[] = {
    /* fields, quoting */
    {NUMS, "1,2.5,x\n-3,1e3,hello world\n",
     "1|2.5|'x'\n-3|1000|'hello world'\n"},
    {NUMS, "1,2,\"a,b\"\n", "1|2|'a,b'\n"},
    {NUMS, "1,2,\"say \"\"hi\"\"\"\n", "1|2|'say \"hi\"'\n"},
    {NUMS, "1,2,\"\"\"\"\n", "1|2|'\"'\n"},
    {NUMS, "1,2,a\"b\n3,4,x\n", "1|2|'a\"b'\n3|4|'x'\n"},
    {NUMS, "1,2,\"two\nlines\"\n3,4,x\n", "1|2|'two\nlines'\n3|4|'x'\n"},
    {NUMS, "1,2,\"a\r\nb\"\r\n3,4,\"\n,\n\"\n", "1|2|'a\r\nb'\n3|4|'\n,\n'\n"},
    {NUMS, "1,2,x\r\n3,4,y\r\n", "1|2|'x'\n3|4|'y'\n"},
    {NUMS, "1,2,x\n3,4,last", "1|2|'x'\n3|4|'last'\n"},
    {NUMS, "\"1\",\" 2.5 \",\"\"\n", "1|2.5|''\n"},
    {NUMS, "", ""},
    {NUMS, "\n\r\n\n", ""},
    {NUMS, "1,2,x\n\n3,4,y\n", "1|2|'x'\n3|4|'y'\n"},
    {"a TEXT", "\"\"\nb\n\n\"\"\"\"\n", "''\n'b'\n'\"'\n"},
    {NUMS, "\357\273\2771,2,x\n", "1|2|'x'\n"}, /* BOM */
    /* options */
    {NUMS, "1;2;a,b\n", "1|2|'a,b'\n", 0, NULL, {"delimiter", ";"}},
    {NUMS, "1\t2\t\"a\tb\"\n", "1|2|'a\tb'\n", 0, NULL, {"delimiter", "\\t"}},
    {NUMS, "1|2|x\n", "1|2|'x'\n", 0, NULL, {"delimiter", "|"}},
    {NUMS,
     "1.2.x\n-1.-2.y\n",
     "1|2|'x'\n-1|-2|'y'\n",
     0,
     NULL,
     {"delimiter", "."}},
    {NUMS,
     "1-2-x\n-1-\n",
     "1|2|'x'\nNULL|1|NULL\n",
     0,
     NULL,
     {"delimiter", "-"}},
    {NUMS, "1020x\n", "1|2|'x'\n", 0, NULL, {"delimiter", "0"}},
    {NUMS, "a,b,c\n1,2,x\n", "1|2|'x'\n", 0, NULL, {"header", "true"}},
    {NUMS, "\n\na,b,c\n1,2,x\n", "1|2|'x'\n", 0, NULL, {"header", "true"}},
    {NUMS, "\"a\nb\",b,c\n1,2,x\n", "1|2|'x'\n", 0, NULL, {"header", "true"}},
    {NUMS, "a,b,c\n1,2,x\n", "1|2|'x'\n", 1, "column a: 'a' is not a BIGINT\n"},
    {NUMS,
     "NA,NA,NA\n1,2,\n3,4,\"NA\"\n",
     "NULL|NULL|NULL\n1|2|''\n3|4|'NA'\n",
     0,
     NULL,
     {"null", "NA"}},
    {NUMS, ",,\n\"\",\"\",\"\"\n", "NULL|NULL|NULL\nNULL|NULL|''\n"},
    {NUMS, ",, \n", "NULL|NULL|' '\n"},
    {NUMS, "\\N,1,\\N\n", "NULL|1|NULL\n", 0, NULL, {"null", "\\N"}},
    /* field counts and structure */
    {NUMS, "1,2\n", "", 1, "expected 3 fields, got 2\n"},
    {NUMS, "1,2,x,y\n", "", 1, "expected 3 fields, got 4\n"},
    {NUMS, "1,2,x,\n", "", 1, "expected 3 fields, got 4\n"},
    {NUMS, "x,2\n", "", 1, "expected 3 fields, got 2\n"},
    {"a TEXT", "a,b\n", "", 1, "expected 1 field, got 2\n"},
    {NUMS, "1,2,\"ab\"c\n3,4,y\n", "3|4|'y'\n", 1,
     "column c: text after the closing quote\n"},
    {NUMS, "1,2,\"open\n3,4,y\n", "3|4|'y'\n", 1,
     "column c: unterminated quoted field\n"},
    {NUMS, "1,2,x,\"open\n3,4,y", "3|4|'y'\n", 1,
     "field 4: unterminated quoted field\n"},
    /* BIGINT */
    {"a BIGINT", " 42 \n+7\n-9223372036854775808\n9223372036854775807\n0\n",
     "42\n7\n-9223372036854775808\n9223372036854775807\n0\n"},
    {"a BIGINT", "1.0\nabc\n12abc\n1 2\n-\n0x10\n9223372036854775808\n", "", 7,
     "column a: '1.0' is not a BIGINT\ncolumn a: 'abc' is not a BIGINT\n"
     "column a: '12abc' is not a BIGINT\ncolumn a: '1 2' is not a BIGINT\n"
     "column a: '-' is not a BIGINT\ncolumn a: '0x10' is not a BIGINT\n"
     "column a: '9223372036854775808' is out of range for BIGINT\n"},
    /* DOUBLE */
    {"d DOUBLE", "1.5\n -0.25 \n1e-3\n.5\n5.\n-0\n0.1\n123456789012345678901\n",
     "1.5\n-0.25\n0.001\n0.5\n5\n-0\n0.10000000000000001\n"
     "1.2345678901234568e+20\n"},
    {"d DOUBLE", "abc\n1.2.3\nnan\ninf\n1e999\n0x10\n1e\n", "", 7,
     "column d: 'abc' is not a DOUBLE\ncolumn d: '1.2.3' is not a DOUBLE\n"
     "column d: 'nan' is not a DOUBLE\ncolumn d: 'inf' is not a DOUBLE\n"
     "column d: '1e999' is out of range for DOUBLE\n"
     "column d: '0x10' is not a DOUBLE\ncolumn d: '1e' is not a DOUBLE\n"},
    {"temp DOUBLE", "12345678901234567890123456789012345678901234567890x\n", "",
     1,
     "column temp: '1234567890123456789012345678901234567890...' is not "
     "a DOUBLE\n"},
    /* BOOLEAN */
    {"b BOOLEAN", "true\nFALSE\nt\nf\n1\n0\nyes\nNo\n",
     "true\nfalse\ntrue\nfalse\ntrue\nfalse\ntrue\nfalse\n"},
    {"b BOOLEAN", "maybe\n2\n", "", 2,
     "column b: 'maybe' is not a BOOLEAN\ncolumn b: '2' is not a BOOLEAN\n"},
    /* TIMESTAMP */
    {"t TIMESTAMP",
     "2026-11-24 10:00:03\n2026-11-24T10:00:03.250Z\n"
     "2026-11-24T12:00:03+02:00\n1700000000\n1700000000.5\n-1.5\n1.7e9\n"
     "2026-11-24\n",
     "2026-11-24 10:00:03\n2026-11-24 10:00:03.250000\n2026-11-24 10:00:03\n"
     "2023-11-14 22:13:20\n2023-11-14 22:13:20.500000\n"
     "1969-12-31 23:59:58.500000\n2023-11-14 22:13:20\n2026-11-24 00:00:00\n"},
    {"t TIMESTAMP", "yesterday\n2026-13-01\n99999999999999999999\n", "", 3,
     "column t: 'yesterday' is not a TIMESTAMP\n"
     "column t: '2026-13-01' is not a TIMESTAMP\n"
     "column t: '99999999999999999999' is out of range for TIMESTAMP\n"},
    /* UTF-8 and length */
    {NUMS, "1,2,h\xC3\xA9llo \xE2\x82\xAC \xF0\x9D\x84\x9E\n",
     "1|2|'h\xC3\xA9llo \xE2\x82\xAC \xF0\x9D\x84\x9E'\n"},
    {NUMS, "1,2,\xFF\n1,2,\xC0\xAF\n1,2,\xED\xA0\x80\n1,2,ab\xE2\x82\n3,4,y\n",
     "3|4|'y'\n", 4,
     "invalid UTF-8 at byte 5\ninvalid UTF-8 at byte 5\n"
     "invalid UTF-8 at byte 5\ninvalid UTF-8 at byte 7\n"},
    {NUMS,
     "1,2,short\n1,2,a long line indeed\n3,4,y\n",
     "1|2|'short'\n3|4|'y'\n",
     1,
     "record longer than max_line_bytes (10)\n",
     {"max_line_bytes", "10"}},
    {NUMS,
     "1,2,\"a long quoted\nfield\"\n3,4,y\n",
     "3|4|'y'\n",
     2,
     "record longer than max_line_bytes (12)\nexpected 3 fields, got 1\n",
     {"max_line_bytes", "12"}},
    {NUMS,
     "1,2,123456789\r\n",
     "1|2|'123456789'\n",
     0,
     NULL,
     {"max_line_bytes", "13"}},
    /* good rows around bad ones */
    {NUMS, "1,2,a\nx,2,b\n3,4,c\n5,y,d\n6,7\n8,9,e\n",
     "1|2|'a'\n3|4|'c'\n8|9|'e'\n", 3,
     "column a: 'x' is not a BIGINT\ncolumn b: 'y' is not a DOUBLE\n"
     "expected 3 fields, got 2\n"},
};

ParameterizedTestParameters(decode, csv) { INDEX_PARAMS(csv_cases); }
ParameterizedTest(size_t *i, decode, csv) {
    check_case(DS_FORMAT_CSV, &csv_cases[*i]);
}

/* --------------------------------------------------------------- JSON */

#define JCOLS "a BIGINT, b DOUBLE, c TEXT"

static const dcase json_cases[] = {
    {JCOLS, "{\"a\":1,\"b\":2.5,\"c\":\"x\"}\n", "1|2.5|'x'\n"},
    {JCOLS, " { \"c\" : \"x\" , \"z\" : [1,{\"q\":null}], \"a\" : -2 } \r\n",
     "-2|NULL|'x'\n"},
    {JCOLS, "{}\n{\"a\":null,\"b\":null,\"c\":null}\n",
     "NULL|NULL|NULL\nNULL|NULL|NULL\n"},
    {JCOLS, "{\"A\":1,\"C\":\"x\"}\n", "1|NULL|'x'\n"},
    {JCOLS, "{\"a\":1,\"A\":2}\n{\"A\":2,\"a\":1}\n{\"a\":1,\"a\":3}\n",
     "1|NULL|NULL\n1|NULL|NULL\n3|NULL|NULL\n"},
    {JCOLS, "{\"a\":\"x\",\"a\":4}\n", "4|NULL|NULL\n"},
    {JCOLS, "\n  \n{\"a\":1}\n\t\n", "1|NULL|NULL\n"},
    {JCOLS, "{\"\\u0061\":5,\"\\u0063\":\"y\"}\n", "5|NULL|'y'\n"},
    /* nested */
    {"a.b BIGINT, a.c TEXT, d TEXT",
     "{\"a\":{\"b\":1,\"c\":\"x\"},\"d\":\"y\"}\n{\"a.b\":5}\n"
     "{\"a\":{\"x\":{\"b\":9}}}\n{\"a\":7}\n",
     "1|'x'|'y'\n5|NULL|NULL\nNULL|NULL|NULL\nNULL|NULL|NULL\n"},
    {"a TEXT, a.b BIGINT", "{\"a\":{\"b\":7, \"l\":[1, \"x\"]}}\n",
     "'{\"b\":7, \"l\":[1, \"x\"]}'|7\n"},
    {"o TEXT", "{\"o\":[1,[2],{}]}\n{\"o\":{}}\n", "'[1,[2],{}]'\n'{}'\n"},
    {"x.y.z BIGINT", "{\"x\":{\"y\":{\"z\":3}}}\n{\"x.y\":{\"z\":4}}\n",
     "3\n4\n"},
    /* TEXT takes anything */
    {"t TEXT", "{\"t\":1.50}\n{\"t\":true}\n{\"t\":false}\n{\"t\":-0e1}\n",
     "'1.50'\n'true'\n'false'\n'-0e1'\n"},
    {"t TEXT",
     "{\"t\":\"q\\\"b\\\\s\\/\\b\\f\\n\\r\\t\"}\n"
     "{\"t\":\"\\u00e9\\u20AC\\ud834\\udd1e\\u0041\"}\n",
     "'q\"b\\s/\b\f\n\r\t'\n'\xC3\xA9\xE2\x82\xAC\xF0\x9D\x84\x9E"
     "A'\n"},
    /* BIGINT */
    {"n BIGINT",
     "{\"n\":1.0}\n{\"n\":1e3}\n{\"n\":2.5e1}\n{\"n\":120e-1}\n{\"n\":0.0}\n"
     "{\"n\":-0}\n{\"n\":-9223372036854775808}\n{\"n\":\" 42 \"}\n"
     "{\"n\":9.223372036854775807e18}\n",
     "1\n1000\n25\n12\n0\n0\n-9223372036854775808\n42\n"
     "9223372036854775807\n"},
    {"n BIGINT",
     "{\"n\":1.5}\n{\"n\":1e19}\n{\"n\":9223372036854775808}\n{\"n\":1e-5}\n"
     "{\"n\":\"4x\"}\n{\"n\":\"1.0\"}\n{\"n\":true}\n{\"n\":{}}\n{\"n\":[1]}\n"
     "{\"n\":\"\"}\n",
     "", 10,
     "column n: 1.5 is not a BIGINT\ncolumn n: 1e19 is out of range for "
     "BIGINT\ncolumn n: 9223372036854775808 is out of range for BIGINT\n"
     "column n: 1e-5 is not a BIGINT\ncolumn n: '4x' is not a BIGINT\n"
     "column n: '1.0' is not a BIGINT\ncolumn n: true is not a BIGINT\n"
     "column n: an object is not a BIGINT\n"
     "column n: an array is not a BIGINT\ncolumn n: '' is not a BIGINT\n"},
    /* DOUBLE */
    {"temp DOUBLE",
     "{\"temp\":2.5}\n{\"temp\":-1e-3}\n{\"temp\":\"3.25\"}\n"
     "{\"temp\":7}\n",
     "2.5\n-0.001\n3.25\n7\n"},
    {"temp DOUBLE", "{\"temp\":\"abc\"}\n{\"temp\":1e400}\n{\"temp\":false}\n",
     "", 3,
     "column temp: 'abc' is not a DOUBLE\n"
     "column temp: 1e400 is out of range for DOUBLE\n"
     "column temp: false is not a DOUBLE\n"},
    /* BOOLEAN */
    {"b BOOLEAN",
     "{\"b\":true}\n{\"b\":false}\n{\"b\":1}\n{\"b\":0}\n"
     "{\"b\":\"yes\"}\n",
     "true\nfalse\ntrue\nfalse\ntrue\n"},
    {"b BOOLEAN", "{\"b\":2}\n{\"b\":\"maybe\"}\n{\"b\":1.0}\n", "", 3,
     "column b: 2 is not a BOOLEAN\ncolumn b: 'maybe' is not a BOOLEAN\n"
     "column b: 1.0 is not a BOOLEAN\n"},
    /* TIMESTAMP */
    {"ts TIMESTAMP",
     "{\"ts\":1700000000}\n{\"ts\":1700000000.25}\n"
     "{\"ts\":\"2026-11-24T10:00:03Z\"}\n{\"ts\":\"1700000000\"}\n",
     "2023-11-14 22:13:20\n2023-11-14 22:13:20.250000\n"
     "2026-11-24 10:00:03\n2023-11-14 22:13:20\n"},
    {"ts TIMESTAMP", "{\"ts\":true}\n{\"ts\":\"soon\"}\n", "", 2,
     "column ts: true is not a TIMESTAMP\n"
     "column ts: 'soon' is not a TIMESTAMP\n"},
    /* invalid JSON, each with its position */
    {JCOLS,
     "{\"a\":1\n{\"a\":1,}\n{\"a\" 1}\n{'a':1}\n{\"a\":01}\n{\"a\":1.}\n"
     "{\"a\":-}\n{\"a\":tru}\n{\"c\":\"\\x\"}\n{\"c\":\"\\ud834\"}\n"
     "{\"c\":\"\\udd1e\"}\n{\"c\":\"\x01\"}\n{\"a\":1} x\n[1,2]\n42\n"
     "{\"c\":\"\\u12G4\"}\n{\"c\":\"abc}\n",
     "", 17,
     "invalid JSON: unexpected end after byte 6\n"
     "invalid JSON at byte 8: expected a key in quotes\n"
     "invalid JSON at byte 6: expected ':'\n"
     "invalid JSON at byte 2: expected a key in quotes\n"
     "invalid JSON at byte 7: expected ',' or '}'\n"
     "invalid JSON at byte 8: invalid number\n"
     "invalid JSON at byte 7: invalid number\n"
     "invalid JSON at byte 6: unexpected 't'\n"
     "invalid JSON at byte 7: invalid escape\n"
     "invalid JSON at byte 7: unpaired surrogate in \\u escape\n"
     "invalid JSON at byte 7: unpaired surrogate in \\u escape\n"
     "invalid JSON at byte 7: control character in a string\n"
     "invalid JSON at byte 9: text after the object\n"
     "not a JSON object\nnot a JSON object\n"
     "invalid JSON at byte 7: invalid \\u escape\n"
     "invalid JSON: unexpected end after byte 10\n"},
    {JCOLS, "{\"c\":\"\xFF\"}\n{\"a\":1}\n", "1|NULL|NULL\n", 1,
     "invalid UTF-8 at byte 7\n"},
    {JCOLS,
     "{\"a\":1,\"c\":\"a long text here\"}\n{\"a\":2}\n",
     "2|NULL|NULL\n",
     1,
     "record longer than max_line_bytes (20)\n",
     {"max_line_bytes", "20"}},
    /* good rows around bad ones */
    {JCOLS, "{\"a\":1}\n{\"a\":\"x\"}\n{\"b\":2}\n{\"a\":\n{\"c\":\"z\"}\n[]\n",
     "1|NULL|NULL\nNULL|2|NULL\nNULL|NULL|'z'\n", 3,
     "column a: 'x' is not a BIGINT\n"
     "invalid JSON: unexpected end after byte 5\nnot a JSON object\n"},
};

ParameterizedTestParameters(decode, json) { INDEX_PARAMS(json_cases); }
ParameterizedTest(size_t *i, decode, json) {
    check_case(DS_FORMAT_JSON, &json_cases[*i]);
}

/* --------------------------------------------------------------- TEXT */

static const dcase text_cases[] = {
    {"line TEXT", "a b\r\n\nlast", "'a b'\n''\n'last'\n"},
    {"line TEXT", "x\n\xC3\x28\ny\n", "'x'\n'y'\n", 1,
     "invalid UTF-8 at byte 1\n"},
    {"line TEXT",
     "short\nmuch too long\nok\n",
     "'short'\n'ok'\n",
     1,
     "record longer than max_line_bytes (8)\n",
     {"max_line_bytes", "8"}},
    {"line TEXT", "\"quoted\nnot special\"\n", "'\"quoted'\n'not special\"'\n"},
};

ParameterizedTestParameters(decode, text) { INDEX_PARAMS(text_cases); }
ParameterizedTest(size_t *i, decode, text) {
    check_case(DS_FORMAT_TEXT, &text_cases[*i]);
}

/* ------------------------------------------------------------ the rest */

/* A decoder of fmt for the columns; max_line 0: the default. */
static ds_decoder *dec(ds_format fmt, int ncols, const char *const *names,
                       const int *types, int header, size_t max_line) {
    ds_decode_opts o;
    ds__decode_opts_init(&o);
    o.format = fmt;
    o.header = header;
    if (max_line)
        o.max_line = max_line;
    char err[256];
    ds_decoder *d = ds__decoder_new(&o, ncols, names, types, err, sizeof err);
    cr_assert_not_null(d, "%s", err);
    return d;
}

Test(decode, deep_nesting) {
    char in[700] = "{\"c\":";
    memset(in + 5, '[', 300);
    memset(in + 305, ']', 300);
    strcpy(in + 605, "}\n{\"c\":[[[1]]]}\n");
    dcase c = {JCOLS, in, "NULL|NULL|'[[[1]]]'\n", 1,
               "invalid JSON at byte 261: nested too deep\n"};
    check_case(DS_FORMAT_JSON, &c);
}

/* Each WITH option applied in turn; errmsg is "" when rc is DS_OK. */
Test(decode, options) {
    static const struct {
        const char *key, *value;
        int rc;
        const char *err;
    } t[] = {
        {"DELIMITER", ";", DS_OK, ""},
        {"delimiter", "tab", DS_OK, ""},
        {"delimiter", ";;", DS_ERROR,
         "delimiter must be one character, "
         "not ';;'"},
        {"delimiter", "", DS_ERROR, "delimiter must be one character, not ''"},
        {"delimiter", "\"", DS_ERROR,
         "delimiter cannot be a quote or a line "
         "break"},
        {"header", "TRUE", DS_OK, ""},
        {"header", "sure", DS_ERROR,
         "header must be true or false, not "
         "'sure'"},
        {"null", "", DS_OK, ""},
        {"max_line_bytes", "100", DS_OK, ""},
        {"max_line_bytes", "0", DS_ERROR,
         "max_line_bytes must be a positive "
         "integer, not '0'"},
        {"max_line_bytes", "1k", DS_ERROR,
         "max_line_bytes must be a positive "
         "integer, not '1k'"},
        {"reconnect", "x", DS_NOTFOUND, ""},
    };
    ds_decode_opts o;
    ds__decode_opts_init(&o);
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        char err[128] = "";
        cr_expect_eq(
            ds__decode_opts_set(&o, t[i].key, t[i].value, err, sizeof err),
            t[i].rc, "%s = %s", t[i].key, t[i].value);
        cr_expect_str_eq(err, t[i].err);
    }
    cr_expect_eq(o.delimiter, '\t');
    cr_expect_eq(o.header, 1);
    cr_expect_str_eq(o.null_str, "");
    cr_expect_eq(o.max_line, 100);
}

/* Decoders that do not fit their columns or options are refused. */
Test(decode, refused) {
    const char *names[] = {"a", "b"};
    int types[] = {DS_TEXT, DS_BIGINT};
    ds_decode_opts o;
    char err[256];
    ds__decode_opts_init(&o);
    cr_expect_null(ds__decoder_new(&o, 2, names, types, err, sizeof err));
    cr_expect(strstr(err, "FORMAT TEXT needs exactly one TEXT column"));
    o.format = DS_FORMAT_JSON;
    o.header = 1;
    cr_expect_null(ds__decoder_new(&o, 2, names, types, err, sizeof err));
    cr_expect_str_eq(err, "option header is for FORMAT CSV, not JSON");
    o.format = DS_FORMAT_TEXT;
    o.header = 0;
    o.delimiter = ';';
    cr_expect_null(ds__decoder_new(&o, 1, names, types, err, sizeof err));
    cr_expect_str_eq(err, "option delimiter is for FORMAT CSV, not TEXT");
    ds__decoder_free(NULL);
}

#define LINE(x) ds__decode_line(d, x, strlen(x), b, why, sizeof why)

Test(decode, header_after_reset) {
    const char *names[] = {"a"};
    int types[] = {DS_BIGINT};
    char why[256];
    ds_decoder *d = dec(DS_FORMAT_CSV, 1, names, types, 1, 0);
    ds_batch *b = ds__batch_new(1, types);
    cr_expect_eq(LINE(""), DS_DECODE_SKIPPED);
    cr_expect_eq(LINE("a"), DS_DECODE_SKIPPED);
    cr_expect_eq(LINE("1"), DS_OK);
    cr_expect_eq(LINE("a"), DS_ERROR);
    cr_expect_str_eq(why, "column a: 'a' is not a BIGINT");
    ds__decoder_reset(d);
    cr_expect_eq(LINE("a"), DS_DECODE_SKIPPED);
    cr_expect_eq(LINE("2"), DS_OK);
    int64_t bad = 0;
    ds__decoder_reset(d);
    cr_expect_eq(ds__decode_text(d, "a\n3\n", 4, b, &bad), DS_OK);
    char *got = render(b);
    cr_expect_str_eq(got, "1\n2\n3\n");
    cr_expect_eq(bad, 0);
    ds_free(got);
    ds__batch_free(b);
    ds__decoder_free(d);
}

Test(decode, max_rows) {
    const char *names[] = {"line"};
    int types[] = {DS_TEXT};
    ds_decoder *d = dec(DS_FORMAT_TEXT, 1, names, types, 0, 0);
    ds_batch *b = ds__batch_new(1, types);
    const char *in = "a\nbad\xFF\nb\nc\nd";
    size_t used = 0, len = strlen(in);
    int64_t bad = 0;
    cr_expect_eq(ds__decode_buffer(d, in, len, 1, 2, b, &bad, &used), DS_OK);
    cr_expect_eq(b->rows, 2);
    cr_expect_eq(bad, 1);
    cr_expect_eq(used, 9); /* "a\nbad\xFF\nb\n" */
    cr_expect_eq(
        ds__decode_buffer(d, in + used, len - used, 0, 0, b, &bad, &used),
        DS_OK);
    cr_expect_eq(b->rows, 3); /* "d" waits for its end of line */
    cr_expect_eq(used, 2);
    ds__batch_free(b);
    ds__decoder_free(d);
}

/* A receiver handing over a long record a piece at a time: it is one bad
   row before its end arrives, and what follows it decodes normally. */
Test(decode, long_record_streamed) {
    const char *names[] = {"line"};
    int types[] = {DS_TEXT};
    ds_decoder *d = dec(DS_FORMAT_TEXT, 1, names, types, 0, 8);
    ds_batch *b = ds__batch_new(1, types);
    int64_t bad = 0;
    size_t used;
    cr_expect_eq(
        ds__decode_buffer(d, "ok\n0123456789", 13, 0, 0, b, &bad, &used),
        DS_OK);
    cr_expect_eq(bad, 1);
    cr_expect_eq(used, 13);
    cr_expect_eq(
        ds__decode_buffer(d, "more and more", 13, 0, 0, b, &bad, &used), DS_OK);
    cr_expect_eq(ds__decode_buffer(d, "end\nnext\n", 9, 0, 0, b, &bad, &used),
                 DS_OK);
    cr_expect_eq(bad, 1);
    char *got = render(b);
    cr_expect_str_eq(got, "'ok'\n'next'\n");
    ds_free(got);
    ds__batch_free(b);
    ds__decoder_free(d);
}

/* Many rows over several chunks, every 7th bad: every good row is kept,
   in order, with its values. */
static void many_rows(ds_format fmt) {
    const char *names[] = {"id", "v", "s"};
    int types[] = {DS_BIGINT, DS_DOUBLE, DS_TEXT};
    ds_decoder *d = dec(fmt, 3, names, types, 0, 0);
    ds_strbuf in, want;
    ds__strbuf_init(&in);
    ds__strbuf_init(&want);
    const int n = 10000;
    for (int i = 0; i < n; i++) {
        const char *v = i % 7 == 3 ? "oops" : "0.5";
        if (fmt == DS_FORMAT_CSV)
            ds__strbuf_printf(&in, "%d,%s,\"s%d\"\n", i, v, i);
        else
            ds__strbuf_printf(&in, "{\"id\":%d,\"v\":\"%s\",\"s\":\"s%d\"}\n",
                              i, v, i);
        if (i % 7 != 3)
            ds__strbuf_printf(&want, "%d|0.5|'s%d'\n", i, i);
    }
    ds_batch *b = ds__batch_new(3, types);
    int64_t bad = 0;
    cr_assert_eq(ds__decode_text(d, in.buf, in.len, b, &bad), DS_OK);
    cr_expect_eq(bad, (n + 3) / 7);
    cr_expect_eq(b->rows, n - (n + 3) / 7);
    char *got = render(b);
    cr_expect(strcmp(got, ds__strbuf_cstr(&want)) == 0);
    ds_free(got);
    ds__batch_free(b);
    ds__strbuf_fini(&in);
    ds__strbuf_fini(&want);
    ds__decoder_free(d);
}

Test(decode, many_rows_csv) { many_rows(DS_FORMAT_CSV); }
Test(decode, many_rows_json) { many_rows(DS_FORMAT_JSON); }

static void keep_record(void *user, const char *rec, size_t n,
                        const char *why) {
    ds__strbuf_append(user, rec, n);
    ds__strbuf_printf(user, " <- %s\n", why);
}

/* The bad-row callback gets the record without its line end; a record
   given to ds__decode_line may hold a quoted line break. */
Test(decode, bad_records) {
    const char *names[] = {"a", "b"};
    int types[] = {DS_BIGINT, DS_TEXT};
    char why[256];
    ds_decoder *d = dec(DS_FORMAT_CSV, 2, names, types, 0, 0);
    ds_strbuf got;
    ds__strbuf_init(&got);
    ds__decoder_on_bad(d, keep_record, &got);
    ds_batch *b = ds__batch_new(2, types);
    int64_t bad = 0;
    const char *in = "1,\"a\r\nb\"\r\nx,\"c\nd\"\r\n2,e";
    cr_assert_eq(ds__decode_text(d, in, strlen(in), b, &bad), DS_OK);
    cr_expect_eq(bad, 1);
    cr_expect_str_eq(ds__strbuf_cstr(&got),
                     "x,\"c\nd\" <- column a: 'x' is not a BIGINT\n");
    cr_expect_eq(LINE("3,\"f\ng\""), DS_OK);
    char *rows = render(b);
    cr_expect_str_eq(rows, "1|'a\r\nb'\n2|'e'\n3|'f\ng'\n");
    ds_free(rows);
    ds__strbuf_fini(&got);
    ds__batch_free(b);
    ds__decoder_free(d);
}

/* Numbers as the CSV fast path reads them equal strtoll's and strtod's
   (%.17g is exact): random decimals of 1 to 17 digits, the point anywhere. */
Test(decode, numbers_exact) {
    const char *names[] = {"i", "d"};
    int types[] = {DS_BIGINT, DS_DOUBLE};
    ds_decoder *d = dec(DS_FORMAT_CSV, 2, names, types, 0, 0);
    ds_strbuf in, want;
    ds__strbuf_init(&in);
    ds__strbuf_init(&want);
    uint64_t x = 88172645463325252ULL;
    for (int r = 0; r < 20000; r++) {
        char t[2][24];
        for (int f = 0; f < 2; f++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            int nd = 1 + (int)(x % 17), k = 0;
            int point = f ? (int)(x >> 8) % (nd + 1) : -1;
            if (x >> 63)
                t[f][k++] = '-';
            for (int i = 0; i < nd; i++) {
                if (i == point)
                    t[f][k++] = '.';
                t[f][k++] = (char)('0' + (x >> (5 + i * 3)) % 10);
            }
            t[f][k] = 0;
        }
        ds__strbuf_printf(&in, "%s,%s\n", t[0], t[1]);
        ds__strbuf_printf(&want, "%lld|%.17g\n", strtoll(t[0], NULL, 10),
                          strtod(t[1], NULL));
    }
    ds_batch *b = ds__batch_new(2, types);
    int64_t bad = 0;
    cr_assert_eq(ds__decode_text(d, in.buf, in.len, b, &bad), DS_OK);
    cr_assert_eq(bad, 0);
    char *got = render(b);
    cr_expect(strcmp(got, ds__strbuf_cstr(&want)) == 0);
    ds_free(got);
    ds__batch_free(b);
    ds__strbuf_fini(&in);
    ds__strbuf_fini(&want);
    ds__decoder_free(d);
}

/* A bad row that would start a new chunk leaves no empty chunk behind. */
Test(decode, no_empty_chunk) {
    const char *names[] = {"a"};
    int types[] = {DS_BIGINT};
    ds_decoder *d = dec(DS_FORMAT_CSV, 1, names, types, 0, 0);
    ds_strbuf in;
    ds__strbuf_init(&in);
    for (int i = 0; i < DS_CHUNK_ROWS; i++)
        ds__strbuf_printf(&in, "%d\n", i);
    ds__strbuf_puts(&in, "x\ny\n");
    ds_batch *b = ds__batch_new(1, types);
    int64_t bad = 0;
    cr_assert_eq(ds__decode_text(d, in.buf, in.len, b, &bad), DS_OK);
    cr_expect_eq(bad, 2);
    cr_expect_eq(b->head, b->tail);
    cr_expect_eq(b->tail->n, DS_CHUNK_ROWS);
    ds__batch_free(b);
    ds__strbuf_fini(&in);
    ds__decoder_free(d);
}

/* Every allocation failing in turn: DS_NOMEM or NULL, never a crash or a
   leak (run under ASan). */
Test(decode, out_of_memory) {
    static const ds_format fmts[] = {DS_FORMAT_TEXT, DS_FORMAT_CSV,
                                     DS_FORMAT_JSON};
    static const char *ins[] = {"a\nb\n", "1,\"x\"\n2,y\n",
                                "{\"a\":1,\"c\":\"x\\n\"}\n{\"a\":2}\n"};
    const char *names[] = {"a", "b", "c"};
    for (int f = 0; f < 3; f++) {
        int ncols = f == 0 ? 1 : f == 1 ? 2 : 3;
        int types[] = {f == 0 ? DS_TEXT : DS_BIGINT, DS_TEXT, DS_TEXT};
        int ok = 0;
        for (int64_t k = 1; k < 100 && !ok; k++) {
            ds_decode_opts o;
            ds__decode_opts_init(&o);
            o.format = fmts[f];
            char err[256];
            ds__mem_fail_after(k);
            ds_decoder *d =
                ds__decoder_new(&o, ncols, names, types, err, sizeof err);
            ds_batch *b = d ? ds__batch_new(ncols, types) : NULL;
            int64_t bad = 0;
            int rc = b ? ds__decode_text(d, ins[f], strlen(ins[f]), b, &bad)
                       : DS_NOMEM;
            ds__mem_fail_after(0);
            ok = rc == DS_OK;
            cr_expect(rc == DS_OK || rc == DS_NOMEM);
            if (ok)
                cr_expect_eq(b->rows, 2);
            ds__batch_free(b);
            ds__decoder_free(d);
        }
        cr_expect(ok, "format %d never succeeded", f);
    }
}
