/*
** test_expr_text.c - the text side of the expressions: LIKE and the
** scalar functions, checked three ways as in test_expr.c (exprtest.h).
*/
#include "exprtest.h"

/* --------------------------------------------------------------- LIKE */

static const struct {
    const char *s, *pat, *esc; /* esc NULL: no ESCAPE */
} LIKES[] = {
    {"abc", "abc", NULL},
    {"abc", "ABC", NULL},
    {"abc", "ab", NULL},
    {"abc", "abcd", NULL},
    {"", "", NULL},
    {"a", "", NULL},
    {"", "%", NULL},
    {"", "_", NULL},
    {"abc", "%", NULL},
    {"abc", "%%", NULL},
    {"abc", "a%", NULL},
    {"abc", "b%", NULL},
    {"abc", "%c", NULL},
    {"abc", "%b", NULL},
    {"abc", "%b%", NULL},
    {"abc", "%d%", NULL},
    {"abc", "a%c", NULL},
    {"ac", "a%c", NULL},
    {"a", "a%a", NULL},
    {"aXbYc", "a%b%c", NULL},
    {"acb", "a%b%c", NULL},
    {"abcabc", "%bc%bc", NULL},
    {"abcbc", "%bc%bc", NULL},
    {"abc", "a_c", NULL},
    {"ac", "a_c", NULL},
    {"abc", "___", NULL},
    {"abc", "__", NULL},
    {"abc", "_%_", NULL},
    {"a", "_%_", NULL},
    {"héllo", "h_llo", NULL},
    {"héllo", "h__llo", NULL},
    {"日本語", "___", NULL},
    {"日本語", "%本%", NULL},
    {"日本語", "日%", NULL},
    {"é", "_", NULL},
    {"éé", "%é", NULL},
    {"Spark", "spark", NULL},
    {"Spark Streaming", "%Stream%", NULL},
    {"aaa", "%a%a%a%a", NULL},
    {"aaaa", "%a%a%a%a", NULL},
    {"mississippi", "%iss%ipp%", NULL},
    {"mississippi", "m%issi_pi", NULL},
    {"mississippi", "%s_s%", NULL},
    {"100%", "100!%", "!"},
    {"1000", "100!%", "!"},
    {"a_c", "a!_c", "!"},
    {"abc", "a!_c", "!"},
    {"a!c", "a!!c", "!"},
    {"abc", "abc!", "!"},
    {"a%c", "a%%c", "%"},
    {"abc", "a%%c", "%"},
    {"a_c", "a%_c", "%"},
    {"abc", "a%", "%"},
    {"a_c", "a__c", "_"},
    {"abc", "a_c", "_"},
    {"aéc", "aéé%", "é"},
    {"a%", "aé%", "é"},
    {"xyz", "%y%", "é"},
    {"a\\b", "a\\\\b", "\\"},
    {"abc", "a%c", "x"},
    {"a%bc", "%!%%", "!"},
    {"abc", "%!%%", "!"},
};

Test(expr, like_matches_sqlite) {
    for (size_t i = 0; i < sizeof LIKES / sizeof LIKES[0]; i++) {
        spec s = {DS_X_LIKE, 0, DS_BOOLEAN};
        if (LIKES[i].esc)
            oracle3(s, DS_TEXT, vt(LIKES[i].s), DS_TEXT, vt(LIKES[i].pat),
                    DS_TEXT, vt(LIKES[i].esc));
        else
            oracle2(s, DS_TEXT, vt(LIKES[i].s), DS_TEXT, vt(LIKES[i].pat));
        /* and the matcher directly */
        ds_value want;
        char sql[512], a[200], b[200], e[64] = "";
        sql_lit(vt(LIKES[i].s), a, sizeof a);
        sql_lit(vt(LIKES[i].pat), b, sizeof b);
        if (LIKES[i].esc)
            sql_lit(vt(LIKES[i].esc), e, sizeof e);
        snprintf(sql, sizeof sql, "%s LIKE %s%s%s", a, b,
                 LIKES[i].esc ? " ESCAPE " : "", e);
        sqlite_value(sql, &want);
        int esc = 0;
        if (LIKES[i].esc) {
            const unsigned char *p = (const unsigned char *)LIKES[i].esc;
            esc = p[0] < 0x80 ? p[0] : ((p[0] & 0x1f) << 6) | (p[1] & 0x3f);
        }
        int got = ds__like_match(LIKES[i].pat, strlen(LIKES[i].pat), LIKES[i].s,
                                 strlen(LIKES[i].s), esc);
        cr_expect_eq(got, want.u.i, "%s: %d", sql, got);
    }
}

Test(expr, like_with_a_pattern_per_row) {
    /* pattern (and escape) as columns: the general path, row by row */
    int types[3] = {DS_TEXT, DS_TEXT, DS_TEXT};
    size_t n = sizeof LIKES / sizeof LIKES[0];
    ds_chunk *c = mk_chunk(3, types, (int)n);
    for (size_t i = 0; i < n; i++) {
        put(c, 0, (int)i, vt(LIKES[i].s));
        put(c, 1, (int)i, vt(LIKES[i].pat));
        put(c, 2, (int)i, vt(LIKES[i].esc ? LIKES[i].esc : "\x01"));
    }
    ds_expr *x = NODE(DS_X_LIKE, DS_BOOLEAN, 3, COL(0, DS_TEXT),
                      COL(1, DS_TEXT), COL(2, DS_TEXT));
    const ds_vec *r = eval_ok(x, c);
    for (size_t i = 0; i < n; i++) {
        int esc = 0;
        if (LIKES[i].esc) {
            const unsigned char *p = (const unsigned char *)LIKES[i].esc;
            esc = p[0] < 0x80 ? p[0] : ((p[0] & 0x1f) << 6) | (p[1] & 0x3f);
        } else {
            esc = 1;
        }
        int want = ds__like_match(LIKES[i].pat, strlen(LIKES[i].pat),
                                  LIKES[i].s, strlen(LIKES[i].s), esc);
        cr_expect(same_value(get(r, (int)i), vb(want)), "row %zu", i);
    }
    ds__expr_free(x);
    ds__chunk_free(c);
}

Test(expr, like_escape_errors_and_nulls) {
    spec s = {DS_X_LIKE, 0, DS_BOOLEAN};
    const char *bad[] = {"", "ab", "éé"};
    for (int i = 0; i < 3; i++) {
        int types[3] = {DS_TEXT, DS_TEXT, DS_TEXT};
        ds_value vals[3] = {vt("a"), vt("a"), vt(bad[i])};
        ds_value v;
        cr_expect_eq(eval3(s, 3, types, vals, &v), DS_ERROR);
        cr_expect_str_eq(ctx.errmsg,
                         "ESCAPE expression must be a single character");
        /* SQLite fails too, even when the text is NULL */
        vals[0] = NUL;
        oracle3(s, DS_TEXT, NUL, DS_TEXT, vt("a"), DS_TEXT, vt(bad[i]));
    }
    oracle3(s, DS_TEXT, vt("a"), DS_TEXT, vt("a"), DS_TEXT, NUL);
    oracle3(s, DS_TEXT, vt("a"), DS_TEXT, NUL, DS_TEXT, vt("!"));
    oracle2(s, DS_TEXT, NUL, DS_TEXT, vt("%"));
    oracle2(s, DS_TEXT, vt("a"), DS_TEXT, NUL);
}

Test(expr, like_fuzz_matches_sqlite) {
    static const char *alpha[] = {"a", "b", "é", "%", "_", "!", "日"};
    char s[64], p[64];
    sqlite3_stmt *st;
    cr_assert_eq(
        sqlite3_prepare_v2(db, "SELECT ?1 LIKE ?2 ESCAPE '!'", -1, &st, NULL),
        SQLITE_OK);
    for (int k = 0; k < 20000; k++) {
        size_t ns = 0, np = 0;
        int ls = (int)(rnd() % 7), lp = (int)(rnd() % 7);
        for (int i = 0; i < ls; i++) {
            const char *c = alpha[rnd() % 7];
            if (*c == '%' || *c == '_' || *c == '!')
                c = alpha[rnd() % 3];
            memcpy(s + ns, c, strlen(c));
            ns += strlen(c);
        }
        for (int i = 0; i < lp; i++) {
            const char *c = alpha[rnd() % 7];
            memcpy(p + np, c, strlen(c));
            np += strlen(c);
        }
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, s, (int)ns, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, p, (int)np, SQLITE_STATIC);
        cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
        int want = sqlite3_column_int(st, 0);
        int got = ds__like_match(p, np, s, ns, '!');
        cr_expect_eq(got, want, "'%.*s' LIKE '%.*s': %d", (int)ns, s, (int)np,
                     p, got);
        /* the compiled (constant pattern) path */
        ds_value pv = {.type = DS_TEXT, .u.s = {p, np}};
        ds_expr *x = NODE(DS_X_LIKE, DS_BOOLEAN, 3, COL(0, DS_TEXT),
                          K(pv, DS_TEXT), KT("!"));
        int t1[1] = {DS_TEXT};
        ds_chunk *c = mk_chunk(1, t1, 1);
        put(c, 0, 0, (ds_value){.type = DS_TEXT, .u.s = {s, ns}});
        const ds_vec *r = eval_ok(x, c);
        cr_expect_eq(r->v.b[0], want, "compiled '%.*s' LIKE '%.*s'", (int)ns, s,
                     (int)np, p);
        ds__expr_free(x);
        ds__chunk_free(c);
        if (k % 50 == 0)
            ds__arena_reset(&arena);
    }
    sqlite3_finalize(st);
}

/* ---------------------------------------------------------- functions */

#define F(fn, type) ((spec){DS_X_CALL, fn, type})

Test(expr, text_functions_match_sqlite) {
    const char *texts[] = {"",       "a",        "HeLLo wÖrld", "héllo",
                           "日本語", "  pad  ",  "xxaxx",       "abcabc",
                           "a\xc3",  "\x80\x80z"};
    size_t nt = sizeof texts / sizeof texts[0];
    for (size_t i = 0; i < nt; i++) {
        ds_value t = vt(texts[i]);
        oracle1(F(DS_FN_LOWER, DS_TEXT), DS_TEXT, t);
        oracle1(F(DS_FN_UPPER, DS_TEXT), DS_TEXT, t);
        oracle1(F(DS_FN_LENGTH, DS_BIGINT), DS_TEXT, t);
        oracle1(F(DS_FN_TRIM, DS_TEXT), DS_TEXT, t);
        oracle1(F(DS_FN_LTRIM, DS_TEXT), DS_TEXT, t);
        oracle1(F(DS_FN_RTRIM, DS_TEXT), DS_TEXT, t);
        const char *sets[] = {"x", "", "ax", "é", " o", "日語", "\xc3"};
        for (size_t k = 0; k < sizeof sets / sizeof sets[0]; k++) {
            oracle2(F(DS_FN_TRIM, DS_TEXT), DS_TEXT, t, DS_TEXT, vt(sets[k]));
            oracle2(F(DS_FN_LTRIM, DS_TEXT), DS_TEXT, t, DS_TEXT, vt(sets[k]));
            oracle2(F(DS_FN_RTRIM, DS_TEXT), DS_TEXT, t, DS_TEXT, vt(sets[k]));
        }
        const char *needles[] = {"",   "a",  "l",  "b",    "ab",
                                 "本", "xx", "zz", "\xc3", "\x80"};
        for (size_t k = 0; k < sizeof needles / sizeof needles[0]; k++) {
            oracle2(F(DS_FN_INSTR, DS_BIGINT), DS_TEXT, t, DS_TEXT,
                    vt(needles[k]));
            oracle3(F(DS_FN_REPLACE, DS_TEXT), DS_TEXT, t, DS_TEXT,
                    vt(needles[k]), DS_TEXT, vt("<>"));
            oracle3(F(DS_FN_REPLACE, DS_TEXT), DS_TEXT, t, DS_TEXT,
                    vt(needles[k]), DS_TEXT, vt(""));
            oracle3(F(DS_FN_REPLACE, DS_TEXT), DS_TEXT, t, DS_TEXT,
                    vt(needles[k]), DS_TEXT, NUL);
        }
    }
    oracle1(F(DS_FN_LOWER, DS_TEXT), DS_TEXT, NUL);
    oracle1(F(DS_FN_LENGTH, DS_BIGINT), DS_TEXT, NUL);
    oracle2(F(DS_FN_TRIM, DS_TEXT), DS_TEXT, vt("a"), DS_TEXT, NUL);
    oracle2(F(DS_FN_INSTR, DS_BIGINT), DS_TEXT, NUL, DS_TEXT, vt("a"));
    oracle3(F(DS_FN_REPLACE, DS_TEXT), DS_TEXT, vt("aaa"), DS_TEXT, vt("aa"),
            DS_TEXT, vt("b"));
    oracle3(F(DS_FN_REPLACE, DS_TEXT), DS_TEXT, NUL, DS_TEXT, vt(""), DS_TEXT,
            vt("b"));
    oracle3(F(DS_FN_REPLACE, DS_TEXT), DS_TEXT, vt("a"), DS_TEXT, NUL, DS_TEXT,
            vt("b"));
}

Test(expr, substr_matches_sqlite) {
    const char *texts[] = {"héllo wörld", "", "abc", "日本語"};
    int64_t big[] = {4294967297,  -4294967297, 2147483648,
                     -2147483648, INT64_MAX,   INT64_MIN};
    for (size_t i = 0; i < 4; i++) {
        ds_value t = vt(texts[i]);
        for (int64_t st = -14; st <= 14; st++) {
            oracle2(F(DS_FN_SUBSTR, DS_TEXT), DS_TEXT, t, DS_BIGINT, vi(st));
            for (int64_t len = -14; len <= 14; len++)
                oracle3(F(DS_FN_SUBSTR, DS_TEXT), DS_TEXT, t, DS_BIGINT, vi(st),
                        DS_BIGINT, vi(len));
        }
        for (size_t k = 0; k < 6; k++) {
            oracle2(F(DS_FN_SUBSTR, DS_TEXT), DS_TEXT, t, DS_BIGINT,
                    vi(big[k]));
            oracle3(F(DS_FN_SUBSTR, DS_TEXT), DS_TEXT, t, DS_BIGINT, vi(2),
                    DS_BIGINT, vi(big[k]));
            oracle3(F(DS_FN_SUBSTR, DS_TEXT), DS_TEXT, t, DS_BIGINT, vi(big[k]),
                    DS_BIGINT, vi(-3));
        }
    }
    oracle2(F(DS_FN_SUBSTR, DS_TEXT), DS_TEXT, NUL, DS_BIGINT, vi(1));
    oracle2(F(DS_FN_SUBSTR, DS_TEXT), DS_TEXT, vt("a"), DS_BIGINT, NUL);
    oracle3(F(DS_FN_SUBSTR, DS_TEXT), DS_TEXT, vt("a"), DS_BIGINT, vi(1),
            DS_BIGINT, NUL);
}

/* A random short text over an alphabet with multi-byte and bad UTF-8. */
static ds_value rnd_text(char *buf) {
    static const char *alpha[] = {"a", "b",    "é",    "日", " ",
                                  "x", "\xc3", "\x80", "ab"};
    size_t n = 0;
    int len = (int)(rnd() % 7);
    for (int i = 0; i < len; i++) {
        const char *c = alpha[rnd() % 9];
        memcpy(buf + n, c, strlen(c));
        n += strlen(c);
    }
    buf[n] = 0;
    return (ds_value){.type = DS_TEXT, .u.s = {buf, n}};
}

/* Evaluates fn over columns of random rows and compares every row with
   SQLite running the function on the same (bound) values. */
static void fuzz_fn(ds_fn fn, int rtype, int nargs, const int *types) {
    enum { N = 300 };
    static char bufs[3][N][64];
    char sql[128];
    size_t o = (size_t)snprintf(sql, sizeof sql, "SELECT %s(", ds__fn_name(fn));
    for (int k = 0; k < nargs; k++)
        o += (size_t)snprintf(sql + o, sizeof sql - o, "%s?%d", k ? ", " : "",
                              k + 1);
    snprintf(sql + o, sizeof sql - o, ")");
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    ds_chunk *c = mk_chunk(nargs, types, N);
    for (int i = 0; i < N; i++)
        for (int k = 0; k < nargs; k++)
            put(c, k, i,
                rnd() % 23 == 0       ? NUL
                : types[k] == DS_TEXT ? rnd_text(bufs[k][i])
                                      : vi((int64_t)(rnd() % 19) - 9));
    ds_expr *args[3];
    for (int k = 0; k < nargs; k++)
        args[k] = COL(k, types[k]);
    ds_expr *x = ds__expr_call(fn, rtype, nargs, args);
    const ds_vec *r = eval_ok(x, c);
    for (int i = 0; i < N; i++) {
        sqlite3_reset(st);
        for (int k = 0; k < nargs; k++) {
            ds_value v = get(&c->cols[k], i);
            if (v.type == DS_NULL)
                sqlite3_bind_null(st, k + 1);
            else if (v.type == DS_TEXT)
                sqlite3_bind_text(st, k + 1, v.u.s.p, (int)v.u.s.n,
                                  SQLITE_STATIC);
            else
                sqlite3_bind_int64(st, k + 1, v.u.i);
        }
        cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
        ds_value want = NUL;
        if (sqlite3_column_type(st, 0) == SQLITE_INTEGER)
            want = vi(sqlite3_column_int64(st, 0));
        else if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
            want.type = DS_TEXT;
            want.u.s.p = (const char *)sqlite3_column_blob(st, 0);
            want.u.s.n = (size_t)sqlite3_column_bytes(st, 0);
        }
        ds_value a0 = get(&c->cols[0], i), a1 = get(&c->cols[nargs - 1], i);
        cr_expect(same_as_sqlite(get(r, i), want),
                  "%s row %d (%s, %s): %s, sqlite %s", sql, i, show(a0),
                  show(a1), show(get(r, i)), show(want));
    }
    sqlite3_finalize(st);
    ds__expr_free(x);
    ds__chunk_free(c);
}

Test(expr, text_function_fuzz_matches_sqlite) {
    int t1[1] = {DS_TEXT}, tt[3] = {DS_TEXT, DS_TEXT, DS_TEXT};
    int ti[3] = {DS_TEXT, DS_BIGINT, DS_BIGINT};
    for (int round = 0; round < 10; round++) {
        fuzz_fn(DS_FN_LENGTH, DS_BIGINT, 1, t1);
        fuzz_fn(DS_FN_UPPER, DS_TEXT, 1, t1);
        fuzz_fn(DS_FN_LOWER, DS_TEXT, 1, t1);
        fuzz_fn(DS_FN_SUBSTR, DS_TEXT, 2, ti);
        fuzz_fn(DS_FN_SUBSTR, DS_TEXT, 3, ti);
        fuzz_fn(DS_FN_INSTR, DS_BIGINT, 2, tt);
        fuzz_fn(DS_FN_TRIM, DS_TEXT, 1, tt);
        fuzz_fn(DS_FN_TRIM, DS_TEXT, 2, tt);
        fuzz_fn(DS_FN_LTRIM, DS_TEXT, 2, tt);
        fuzz_fn(DS_FN_RTRIM, DS_TEXT, 2, tt);
        fuzz_fn(DS_FN_REPLACE, DS_TEXT, 3, tt);
        ds__arena_reset(&arena);
    }
}

Test(expr, substr_and_trim_return_views_of_the_input) {
    int types[1] = {DS_TEXT};
    ds_chunk *c = mk_chunk(1, types, 1);
    const char *text = "  hello  ";
    put(c, 0, 0, vt(text));
    ds_expr *x = CALL(DS_FN_SUBSTR, DS_TEXT, 3, COL(0, DS_TEXT), KI(3), KI(5));
    const ds_vec *r = eval_ok(x, c);
    cr_expect_eq(r->v.str[0].p, text + 2);
    cr_expect_eq(r->v.str[0].n, 5);
    ds__expr_free(x);
    x = CALL(DS_FN_TRIM, DS_TEXT, 1, COL(0, DS_TEXT));
    r = eval_ok(x, c);
    cr_expect_eq(r->v.str[0].p, text + 2);
    ds__expr_free(x);
    ds__chunk_free(c);
}

Test(expr, coalesce_and_nullif) {
    int tt[4] = {DS_BIGINT, DS_BIGINT, DS_BIGINT, DS_BIGINT};
    ds_value v[4] = {NUL, NUL, vi(3), vi(4)};
    ds_value got;
    cr_expect_eq(eval3(F(DS_FN_COALESCE, DS_BIGINT), 4, tt, v, &got), DS_OK);
    cr_expect(same_value(got, vi(3)));
    int types[3] = {DS_TEXT, DS_TEXT, DS_TEXT};
    ds_value tv[3] = {NUL, vt("b"), vt("c")};
    oracle(F(DS_FN_COALESCE, DS_TEXT), 3, types, tv);
    tv[1] = NUL;
    oracle(F(DS_FN_COALESCE, DS_TEXT), 3, types, tv);
    tv[2] = NUL;
    oracle(F(DS_FN_COALESCE, DS_TEXT), 3, types, tv);
    oracle2(F(DS_FN_COALESCE, DS_DOUBLE), DS_DOUBLE, vd(1.5), DS_DOUBLE, vd(2));
    oracle2(F(DS_FN_COALESCE, DS_BOOLEAN), DS_BOOLEAN, NUL, DS_BOOLEAN, vb(0));
    spec ni = F(DS_FN_NULLIF, DS_BIGINT);
    oracle2(ni, DS_BIGINT, vi(1), DS_BIGINT, vi(1));
    oracle2(ni, DS_BIGINT, vi(1), DS_BIGINT, vi(2));
    oracle2(ni, DS_BIGINT, NUL, DS_BIGINT, vi(2));
    oracle2(ni, DS_BIGINT, vi(1), DS_BIGINT, NUL);
    oracle2(F(DS_FN_NULLIF, DS_TEXT), DS_TEXT, vt("a"), DS_TEXT, vt("a"));
    oracle2(F(DS_FN_NULLIF, DS_TEXT), DS_TEXT, vt("a"), DS_TEXT, vt("ab"));
    oracle2(F(DS_FN_NULLIF, DS_DOUBLE), DS_DOUBLE, vd(0.0), DS_DOUBLE,
            vd(-0.0));
    expect2(F(DS_FN_NULLIF, DS_BOOLEAN), DS_BOOLEAN, vb(1), DS_BOOLEAN, vb(1),
            NUL);
    expect2(F(DS_FN_NULLIF, DS_TIMESTAMP), DS_TIMESTAMP, vts(7), DS_TIMESTAMP,
            vts(8), vts(7));
}

Test(expr, number_functions_match_sqlite) {
    for (size_t i = 0; i < NINTS; i++) {
        if (INTS[i] != INT64_MIN)
            oracle1(F(DS_FN_ABS, DS_BIGINT), DS_BIGINT, vi(INTS[i]));
        oracle1(F(DS_FN_FLOOR, DS_BIGINT), DS_BIGINT, vi(INTS[i]));
        oracle1(F(DS_FN_CEIL, DS_BIGINT), DS_BIGINT, vi(INTS[i]));
        oracle1(F(DS_FN_ROUND, DS_DOUBLE), DS_BIGINT, vi(INTS[i]));
    }
    for (size_t i = 0; i < NDBLS; i++) {
        ds_value d = vd(DBLS[i]);
        oracle1(F(DS_FN_ABS, DS_DOUBLE), DS_DOUBLE, d);
        oracle1(F(DS_FN_FLOOR, DS_DOUBLE), DS_DOUBLE, d);
        oracle1(F(DS_FN_CEIL, DS_DOUBLE), DS_DOUBLE, d);
        oracle1(F(DS_FN_SQRT, DS_DOUBLE), DS_DOUBLE, d);
        oracle1(F(DS_FN_LN, DS_DOUBLE), DS_DOUBLE, d);
        oracle1(F(DS_FN_EXP, DS_DOUBLE), DS_DOUBLE, d);
        oracle1(F(DS_FN_ROUND, DS_DOUBLE), DS_DOUBLE, d);
        for (size_t j = 0; j < NDBLS; j++)
            oracle2(F(DS_FN_POWER, DS_DOUBLE), DS_DOUBLE, d, DS_DOUBLE,
                    vd(DBLS[j]));
    }
    oracle1(F(DS_FN_ABS, DS_BIGINT), DS_BIGINT, NUL);
    oracle1(F(DS_FN_SQRT, DS_DOUBLE), DS_DOUBLE, NUL);
    oracle2(F(DS_FN_POWER, DS_DOUBLE), DS_DOUBLE, vd(2), DS_DOUBLE, NUL);
}

Test(expr, round_matches_sqlite) {
    const double tricky[] = {2.675,
                             0.15,
                             1.005,
                             -2.5,
                             2.5,
                             0.5,
                             -0.5,
                             0.285,
                             99.995,
                             1234567.125,
                             1e15 + 0.5,
                             4503599627370497.0,
                             1e-20,
                             -1.5e-30,
                             1.23456789012345678,
                             0.1 + 0.2,
                             5e-324,
                             8.345,
                             1.0000000000000002};
    const int64_t digits[] = {0,  1,  2,  3,  5,  10,         15,
                              20, 30, 31, -1, -5, 4294967298, INT64_MIN};
    for (size_t i = 0; i < sizeof tricky / sizeof tricky[0]; i++)
        for (size_t k = 0; k < sizeof digits / sizeof digits[0]; k++) {
            oracle2(F(DS_FN_ROUND, DS_DOUBLE), DS_DOUBLE, vd(tricky[i]),
                    DS_BIGINT, vi(digits[k]));
            oracle2(F(DS_FN_ROUND, DS_DOUBLE), DS_DOUBLE, vd(-tricky[i]),
                    DS_BIGINT, vi(digits[k]));
        }
    oracle2(F(DS_FN_ROUND, DS_DOUBLE), DS_BIGINT, vi(12345), DS_BIGINT, vi(2));
    oracle2(F(DS_FN_ROUND, DS_DOUBLE), DS_DOUBLE, vd(1.5), DS_BIGINT, NUL);
    oracle2(F(DS_FN_ROUND, DS_DOUBLE), DS_DOUBLE, NUL, DS_BIGINT, vi(1));
}

Test(expr, round_fuzz_matches_sqlite) {
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db, "SELECT round(?1, ?2)", -1, &st, NULL),
                 SQLITE_OK);
    ds_expr *x =
        CALL(DS_FN_ROUND, DS_DOUBLE, 2, COL(0, DS_DOUBLE), COL(1, DS_BIGINT));
    int types[2] = {DS_DOUBLE, DS_BIGINT};
    ds_chunk *c = mk_chunk(2, types, DS_CHUNK_ROWS);
    int bad = 0;
    for (int round = 0; round < 40; round++) {
        for (int i = 0; i < DS_CHUNK_ROWS; i++) {
            double d;
            uint64_t bits;
            switch (i % 5) {
            case 0:
                d = (double)(int64_t)(rnd() % 20000001 - 10000000) /
                    (double)(1 << (rnd() % 20));
                break;
            case 1:
                d = (double)(int64_t)(rnd() % 2000001 - 1000000) /
                    pow(10, (int)(rnd() % 9));
                break;
            case 2:
                bits = rnd();
                memcpy(&d, &bits, sizeof d);
                if (!isfinite(d))
                    d = 1.5;
                break;
            case 3:
                d = ((double)(rnd() >> 11) / 9007199254740992.0 - 0.5) *
                    pow(10, (int)(rnd() % 36) - 18);
                break;
            default:
                d = (double)(rnd() % 100000) + 0.5 * (double)(rnd() % 3) +
                    (double)(rnd() % 1000) / 1000.0;
            }
            put(c, 0, i, vd(d));
            put(c, 1, i, vi((int64_t)(rnd() % 32)));
        }
        const ds_vec *r = eval_ok(x, c);
        for (int i = 0; i < DS_CHUNK_ROWS; i++) {
            sqlite3_reset(st);
            sqlite3_bind_double(st, 1, c->cols[0].v.f64[i]);
            sqlite3_bind_int64(st, 2, c->cols[1].v.i64[i]);
            cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
            double want = sqlite3_column_double(st, 0);
            if (r->v.f64[i] != want && bad++ < 10)
                cr_expect_fail("round(%.17g, %" PRId64 "): %.17g, sqlite %.17g",
                               c->cols[0].v.f64[i], c->cols[1].v.i64[i],
                               r->v.f64[i], want);
        }
    }
    cr_expect_eq(bad, 0, "%d mismatches", bad);
    sqlite3_finalize(st);
    ds__expr_free(x);
    ds__chunk_free(c);
}

Test(expr, sign_and_time_functions) {
    spec sg = F(DS_FN_SIGN, DS_BIGINT);
    expect1(sg, DS_BIGINT, vi(-5), vi(-1));
    expect1(sg, DS_BIGINT, vi(0), vi(0));
    expect1(sg, DS_BIGINT, vi(INT64_MIN), vi(-1));
    expect1(sg, DS_DOUBLE, vd(2.5), vi(1));
    expect1(sg, DS_DOUBLE, vd(-0.0), vi(0));
    expect1(sg, DS_DOUBLE, NUL, NUL);
    spec tt = F(DS_FN_TO_TIMESTAMP, DS_TIMESTAMP);
    expect1(tt, DS_DOUBLE, vd(1795514403.25), vts(1795514403250000));
    expect1(tt, DS_DOUBLE, vd(0.0000015), vts(2));
    expect1(tt, DS_DOUBLE, vd(-1.5), vts(-1500000));
    expect1(tt, DS_DOUBLE, vd(1e300), NUL);
    expect1(tt, DS_DOUBLE, NUL, NUL);
    spec em = F(DS_FN_EPOCH_MS, DS_BIGINT);
    expect1(em, DS_TIMESTAMP, vts(1795514403250999), vi(1795514403250));
    expect1(em, DS_TIMESTAMP, vts(-1), vi(-1));
    expect1(em, DS_TIMESTAMP, vts(-1000), vi(-1));
    expect1(em, DS_TIMESTAMP, vts(-1001), vi(-2));
    expect1(em, DS_TIMESTAMP, NUL, NUL);
    /* floor and ceil keep the type */
    expect1(F(DS_FN_FLOOR, DS_DOUBLE), DS_DOUBLE, vd(-1.5), vd(-2.0));
    expect1(F(DS_FN_CEIL, DS_BIGINT), DS_BIGINT, vi(7), vi(7));
    expect1(F(DS_FN_LN, DS_DOUBLE), DS_DOUBLE, vd(0), NUL);
    expect1(F(DS_FN_SQRT, DS_DOUBLE), DS_DOUBLE, vd(-4), NUL);
}

/* ------------------------------------------------------- time, consts */

Test(expr, time_nodes_read_the_context) {
    ds_expr *bt = NODE(DS_X_BATCH_TIME, DS_TIMESTAMP, 0);
    ds_expr *ws = NODE(DS_X_WINDOW_START, DS_TIMESTAMP, 0);
    ds_expr *we = NODE(DS_X_WINDOW_END, DS_TIMESTAMP, 0);
    ctx.batch_time = 3000000;
    ctx.window_start = 1000000;
    ctx.window_end = 2000000;
    ds_chunk *c = mk_chunk(0, NULL, 70);
    cr_expect_eq(eval_ok(bt, c)->v.i64[69], 3000000);
    cr_expect_eq(eval_ok(ws, c)->v.i64[0], 1000000);
    const ds_vec *r = eval_ok(we, c);
    cr_expect_eq(r->v.i64[5], 2000000);
    cr_expect(ds__vec_valid(r, 69));
    ctx.batch_time = 4000000;
    cr_expect_eq(eval_ok(bt, c)->v.i64[1], 4000000);
    cr_expect_not(ds__expr_is_constant(bt));
    ds__expr_free(bt);
    ds__expr_free(ws);
    ds__expr_free(we);
    ds__chunk_free(c);
}

Test(expr, constants_and_eval_const) {
    ds_expr *x = CALL(DS_FN_UPPER, DS_TEXT, 1,
                      OP2(DS_X_CONCAT, DS_TEXT, KT("ab"), KT("c")));
    cr_expect(ds__expr_is_constant(x));
    ds_value v;
    char err[64];
    cr_assert_eq(ds__expr_eval_const(x, &arena, &v, err, sizeof err), DS_OK);
    cr_expect(same_value(v, vt("ABC")));
    ds__expr_free(x);
    x = OP2(DS_X_ADD, DS_BIGINT, KI(INT64_MAX), KI(1));
    x->label = "big + 1";
    cr_expect_eq(ds__expr_eval_const(x, &arena, &v, err, sizeof err), DS_ERROR);
    cr_expect_str_eq(err, "integer overflow in 'big + 1'");
    ds__expr_free(x);
    x = OP2(DS_X_ADD, DS_BIGINT, COL(0, DS_BIGINT), KI(1));
    cr_expect_not(ds__expr_is_constant(x));
    cr_expect_neq(ds__expr_eval_const(x, &arena, &v, err, sizeof err), DS_OK);
    ds__expr_free(x);
    /* a constant vector is returned as is, every row filled */
    x = KD(2.5);
    cr_assert_eq(ds__expr_prepare(x), DS_OK);
    ds_chunk *c = mk_chunk(0, NULL, DS_CHUNK_ROWS);
    const ds_vec *r = eval_ok(x, c);
    cr_expect_eq(r, &x->out);
    cr_expect_eq(r->v.f64[DS_CHUNK_ROWS - 1], 2.5);
    cr_expect(ds__vec_valid(r, DS_CHUNK_ROWS - 1));
    ds__expr_free(x);
    x = KN(DS_TEXT);
    r = eval_ok(x, c);
    cr_expect_not(ds__vec_valid(r, 0));
    ds__expr_free(x);
    ds__chunk_free(c);
}

/* --------------------------------------------------- chunks and sizes */

Test(expr, odd_chunk_sizes_and_tail_bits) {
    int sizes[] = {0, 1, 63, 64, 65, 127, 128, 129, 2047, DS_CHUNK_ROWS};
    int types[2] = {DS_BIGINT, DS_DOUBLE};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int n = sizes[s];
        ds_chunk *c = mk_chunk(2, types, n > 0 ? n : 1);
        c->n = n;
        /* rows past n: valid garbage that must not leak into results */
        memset(c->cols[0].valid, 0xff, sizeof c->cols[0].valid);
        memset(c->cols[1].valid, 0xff, sizeof c->cols[1].valid);
        for (int i = 0; i < DS_CHUNK_ROWS; i++) {
            c->cols[0].v.i64[i] = i < n ? i - 1000 : INT64_MAX;
            c->cols[1].v.f64[i] = i < n ? i * 0.5 : 0.0;
            if (i < n && i % 13 == 5)
                ds__vec_set_null(&c->cols[0], i);
        }
        /* (x + 1) * 2 > 0 AND y / y > 0, coalesce(x, -1) */
        ds_expr *x = OP2(
            DS_X_AND, DS_BOOLEAN,
            OP2(DS_X_GT, DS_BOOLEAN,
                OP2(DS_X_MUL, DS_BIGINT,
                    OP2(DS_X_ADD, DS_BIGINT, COL(0, DS_BIGINT), KI(1)), KI(2)),
                KI(-1000)),
            OP2(DS_X_GT, DS_BOOLEAN,
                OP2(DS_X_DIV, DS_DOUBLE, COL(1, DS_DOUBLE), COL(1, DS_DOUBLE)),
                KD(0)));
        ds_expr *co =
            CALL(DS_FN_COALESCE, DS_BIGINT, 2, COL(0, DS_BIGINT), KI(-1));
        const ds_vec *r = eval_ok(x, c);
        for (int i = 0; i < n; i++) {
            int64_t v = i - 1000;
            int xnull = i % 13 == 5, ynull = i == 0; /* 0/0 */
            int left = (v + 1) * 2 > -1000;
            /* the right side is TRUE, or NULL for 0/0 */
            ds_value want = (!xnull && !left)  ? vb(0)
                            : (xnull || ynull) ? NUL
                                               : vb(1);
            cr_expect(same_value(get(r, i), want), "n %d row %d: %s", n, i,
                      show(get(r, i)));
        }
        if (n & 63)
            cr_expect_eq(r->valid[n >> 6] >> (n & 63), 0,
                         "bits past n are set (n %d)", n);
        const ds_vec *rc = eval_ok(co, c);
        for (int i = 0; i < n; i++)
            cr_expect_eq(rc->v.i64[i], i % 13 == 5 ? -1 : i - 1000);
        ds__expr_free(x);
        ds__expr_free(co);
        ds__chunk_free(c);
    }
}

/* ------------------------------------------------------------ EXPLAIN */

static void expect_explain(ds_expr *x, const char *const *names,
                           const char *want) {
    ds_strbuf sb;
    ds__strbuf_init(&sb);
    ds__expr_explain(x, names, &sb);
    cr_expect_str_eq(ds__strbuf_cstr(&sb), want);
    ds__strbuf_fini(&sb);
    ds__expr_free(x);
}

Test(expr, explain_renders_deterministically) {
    const char *names[] = {"line", "n"};
    ds_expr *x =
        OP2(DS_X_EQ, DS_BOOLEAN, CALL(DS_FN_LOWER, DS_TEXT, 1, COL(0, DS_TEXT)),
            KT("spark"));
    expect_explain(x, NULL, "(lower(#0) = 'spark')");
    x = OP2(DS_X_EQ, DS_BOOLEAN, CALL(DS_FN_LOWER, DS_TEXT, 1, COL(0, DS_TEXT)),
            KT("spark"));
    expect_explain(x, names, "(lower(line) = 'spark')");
    x = NODE(DS_X_LIKE, DS_BOOLEAN, 3, COL(0, DS_TEXT), KT("it's!%"), KT("!"));
    expect_explain(x, names, "(line LIKE 'it''s!%' ESCAPE '!')");
    x = OP1(DS_X_NOT, DS_BOOLEAN,
            NODE(DS_X_IN, DS_BOOLEAN, 4, COL(1, DS_BIGINT), KI(1), KI(-2),
                 KN(DS_BIGINT)));
    expect_explain(x, names, "(NOT (n IN (1, -2, NULL)))");
    x = NODE(
        DS_X_CASE, DS_TEXT, 3, OP1(DS_X_IS_NULL, DS_BOOLEAN, COL(1, DS_BIGINT)),
        KT("none"),
        ds__expr_cast(OP1(DS_X_NEG, DS_BIGINT, COL(1, DS_BIGINT)), DS_TEXT));
    x->has_else = 1;
    expect_explain(x, names,
                   "CASE WHEN (n IS NULL) THEN 'none' ELSE CAST((- n) AS "
                   "TEXT) END");
    x = OP2(DS_X_AND, DS_BOOLEAN,
            OP2(DS_X_GE, DS_BOOLEAN, NODE(DS_X_BATCH_TIME, DS_TIMESTAMP, 0),
                K(vts(1795514403250000), DS_TIMESTAMP)),
            OP2(DS_X_LT, DS_BOOLEAN, KD(1e20), KD(-0.5)));
    expect_explain(x, names,
                   "((batch_time >= TIMESTAMP '2026-11-24 10:00:03.250000') "
                   "AND (1.0e+20 < -0.5))");
    x = CALL(DS_FN_ROUND, DS_DOUBLE, 2, OP2(DS_X_MOD, DS_DOUBLE, KD(7), KD(2)),
             KI(1));
    expect_explain(x, NULL, "round((7.0 % 2.0), 1)");
    x = OP2(DS_X_OR, DS_BOOLEAN, KB(1), KB(0));
    expect_explain(x, NULL, "(TRUE OR FALSE)");
    ds_expr tmp = {.kind = DS_X_CALL, .fn = DS_FN_TO_TIMESTAMP};
    cr_expect_str_eq(ds__expr_op_name(&tmp), "to_timestamp");
    tmp.kind = DS_X_NE;
    cr_expect_str_eq(ds__expr_op_name(&tmp), "<>");
    for (int f = 0; f < DS_FN_COUNT_; f++)
        cr_expect_str_neq(ds__fn_name((ds_fn)f), "?");
}

/* ------------------------------------------------------ out of memory */

static ds_expr *big_tree(void) {
    ds_expr *c =
        NODE(DS_X_CASE, DS_TEXT, 3,
             NODE(DS_X_LIKE, DS_BOOLEAN, 2, COL(0, DS_TEXT), KT("a%b")),
             CALL(DS_FN_UPPER, DS_TEXT, 1, COL(0, DS_TEXT)),
             OP2(DS_X_CONCAT, DS_TEXT, COL(0, DS_TEXT), KT("!")));
    if (c)
        c->has_else = 1;
    return NODE(DS_X_IN, DS_BOOLEAN, 7, c, KT("A"), KT("AB"), KT("C"), KT("D"),
                KT("E"), KT("x!"));
}

Test(expr, allocation_failures_are_reported) {
    int types[1] = {DS_TEXT};
    ds_chunk *c = mk_chunk(1, types, 2);
    put(c, 0, 0, vt("x"));
    put(c, 0, 1, vt("ab"));
    int ok = 0;
    for (int k = 1; k < 200 && !ok; k++) {
        ds_arena a;
        ds__arena_init(&a, 4096);
        ctx.arena = &a;
        ds__mem_fail_after(k);
        ds_expr *x = big_tree();
        int rc = x ? ds__expr_prepare(x) : DS_NOMEM;
        const ds_vec *r = NULL;
        if (rc == DS_OK)
            rc = ds__expr_eval(x, &ctx, c, &r);
        ds__mem_fail_after(0);
        cr_expect(rc == DS_OK || rc == DS_NOMEM, "k %d rc %d", k, rc);
        if (rc == DS_OK) {
            ok = 1;
            cr_expect(same_value(get(r, 0), vb(1)));
            cr_expect(same_value(get(r, 1), vb(1)));
        }
        ds__expr_free(x);
        ds__arena_fini(&a);
    }
    cr_expect(ok);
    ctx.arena = &arena;
    ds__chunk_free(c);
}
