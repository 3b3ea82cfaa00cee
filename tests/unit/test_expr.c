/*
** test_expr.c - the vectorized expressions (runtime/expr*.c).
**
** Most cases run three ways and must agree: over constants
** (ds__expr_eval_const), over columns of a chunk of odd size in which every
** third row is NULL, and, where SQLite has the same operation, against
** libsqlite3 running the equivalent SQL (the oracle; LIKE with
** case_sensitive_like=ON). The rest are the engine's own rules: overflow
** errors, TIMESTAMP and BOOLEAN casts, CASE laziness, EXPLAIN rendering.
*/
#include "exprtest.h"

/* -------------------------------------------------------- arithmetic */

Test(expr, bigint_arithmetic_matches_sqlite) {
    ds_xkind ops[] = {DS_X_ADD, DS_X_SUB, DS_X_MUL, DS_X_DIV, DS_X_MOD};
    for (size_t o = 0; o < 5; o++)
        for (size_t i = 0; i < NINTS; i++)
            for (size_t j = 0; j < NINTS; j++) {
                int64_t a = INTS[i], b = INTS[j], r;
                /* overflow: SQLite goes to REAL, dstream fails (below) */
                if ((ops[o] == DS_X_ADD && __builtin_add_overflow(a, b, &r)) ||
                    (ops[o] == DS_X_SUB && __builtin_sub_overflow(a, b, &r)) ||
                    (ops[o] == DS_X_MUL && __builtin_mul_overflow(a, b, &r)) ||
                    (ops[o] == DS_X_DIV && a == INT64_MIN && b == -1))
                    continue;
                oracle2((spec){ops[o], 0, DS_BIGINT}, DS_BIGINT, vi(a),
                        DS_BIGINT, vi(b));
            }
    for (size_t o = 0; o < 5; o++) {
        oracle2((spec){ops[o], 0, DS_BIGINT}, DS_BIGINT, NUL, DS_BIGINT, vi(3));
        oracle2((spec){ops[o], 0, DS_BIGINT}, DS_BIGINT, vi(3), DS_BIGINT, NUL);
    }
}

Test(expr, bigint_division_rules) {
    spec div = {DS_X_DIV, 0, DS_BIGINT}, mod = {DS_X_MOD, 0, DS_BIGINT};
    expect2(div, DS_BIGINT, vi(7), DS_BIGINT, vi(2), vi(3));
    expect2(div, DS_BIGINT, vi(-7), DS_BIGINT, vi(2), vi(-3));
    expect2(div, DS_BIGINT, vi(7), DS_BIGINT, vi(0), NUL);
    expect2(div, DS_BIGINT, vi(INT64_MIN), DS_BIGINT, vi(1), vi(INT64_MIN));
    expect2(mod, DS_BIGINT, vi(-7), DS_BIGINT, vi(3), vi(-1));
    expect2(mod, DS_BIGINT, vi(7), DS_BIGINT, vi(-3), vi(1));
    expect2(mod, DS_BIGINT, vi(7), DS_BIGINT, vi(0), NUL);
    expect2(mod, DS_BIGINT, vi(INT64_MIN), DS_BIGINT, vi(-1), vi(0));
}

/* Evaluates op(a, b) over one row of columns; returns rc. */
static int eval_row2(ds_expr *x, int t0, ds_value a, int t1, ds_value b) {
    int types[2] = {t0, t1};
    ds_chunk *c = mk_chunk(2, types, 1);
    put(c, 0, 0, a);
    put(c, 1, 0, b);
    const ds_vec *r;
    ctx.errmsg[0] = 0;
    int rc = ds__expr_eval(x, &ctx, c, &r);
    ds__chunk_free(c);
    return rc;
}

Test(expr, bigint_overflow_is_an_error_naming_the_expression) {
    struct {
        ds_xkind k;
        int64_t a, b;
    } cases[] = {{DS_X_ADD, INT64_MAX, 1},           {DS_X_ADD, INT64_MIN, -1},
                 {DS_X_SUB, INT64_MIN, 1},           {DS_X_SUB, 0, INT64_MIN},
                 {DS_X_MUL, INT64_MAX, 2},           {DS_X_MUL, INT64_MIN, -1},
                 {DS_X_MUL, 3037000500, 3037000500}, {DS_X_DIV, INT64_MIN, -1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ds_expr *x =
            OP2(cases[i].k, DS_BIGINT, COL(0, DS_BIGINT), COL(1, DS_BIGINT));
        x->label = "a op b";
        int rc =
            eval_row2(x, DS_BIGINT, vi(cases[i].a), DS_BIGINT, vi(cases[i].b));
        cr_expect_eq(rc, DS_ERROR, "case %zu", i);
        cr_expect_str_eq(ctx.errmsg, "integer overflow in 'a op b'");
        ds__expr_free(x);
    }
    /* no label */
    ds_expr *x = OP2(DS_X_ADD, DS_BIGINT, COL(0, DS_BIGINT), KI(1));
    cr_expect_eq(eval_row2(x, DS_BIGINT, vi(INT64_MAX), DS_BIGINT, NUL),
                 DS_ERROR);
    cr_expect_str_eq(ctx.errmsg, "integer overflow");
    ds__expr_free(x);
    /* negation and abs */
    x = OP1(DS_X_NEG, DS_BIGINT, COL(0, DS_BIGINT));
    x->label = "-n";
    cr_expect_eq(eval_row2(x, DS_BIGINT, vi(INT64_MIN), DS_BIGINT, NUL),
                 DS_ERROR);
    cr_expect_str_eq(ctx.errmsg, "integer overflow in '-n'");
    ds__expr_free(x);
    x = CALL(DS_FN_ABS, DS_BIGINT, 1, COL(0, DS_BIGINT));
    x->label = "abs(n)";
    cr_expect_eq(eval_row2(x, DS_BIGINT, vi(INT64_MIN), DS_BIGINT, NUL),
                 DS_ERROR);
    cr_expect_str_eq(ctx.errmsg, "integer overflow in 'abs(n)'");
    ds__expr_free(x);
}

Test(expr, overflow_in_null_rows_is_ignored) {
    /* garbage under a NULL must not raise an error */
    int types[2] = {DS_BIGINT, DS_BIGINT};
    ds_chunk *c = mk_chunk(2, types, 100);
    for (int i = 0; i < 100; i++) {
        c->cols[0].v.i64[i] = INT64_MAX;
        c->cols[1].v.i64[i] = i == 50 ? -1 : 2;
        if (i != 37)
            ds__vec_set_valid(&c->cols[1], i);
    }
    ds__vec_set_valid(&c->cols[0], 37); /* the other side is NULL there */
    ds_xkind ks[] = {DS_X_ADD, DS_X_MUL, DS_X_DIV};
    for (int k = 0; k < 3; k++) {
        ds_expr *x =
            OP2(ks[k], DS_BIGINT, COL(0, DS_BIGINT), COL(1, DS_BIGINT));
        const ds_vec *r = eval_ok(x, c);
        for (int i = 0; i < 100; i++)
            cr_expect_not(ds__vec_valid(r, i), "row %d", i);
        ds__expr_free(x);
    }
    ds__chunk_free(c);
}

Test(expr, double_arithmetic_matches_sqlite) {
    ds_xkind ops[] = {DS_X_ADD, DS_X_SUB, DS_X_MUL, DS_X_DIV, DS_X_MOD};
    for (size_t o = 0; o < 5; o++)
        for (size_t i = 0; i < NDBLS; i++)
            for (size_t j = 0; j < NDBLS; j++)
                oracle2((spec){ops[o], 0, DS_DOUBLE}, DS_DOUBLE, vd(DBLS[i]),
                        DS_DOUBLE, vd(DBLS[j]));
    for (size_t i = 0; i < NDBLS; i++)
        oracle1((spec){DS_X_NEG, 0, DS_DOUBLE}, DS_DOUBLE, vd(DBLS[i]));
    for (size_t i = 0; i < NINTS; i++)
        if (INTS[i] != INT64_MIN)
            oracle1((spec){DS_X_NEG, 0, DS_BIGINT}, DS_BIGINT, vi(INTS[i]));
}

Test(expr, double_division_and_nan_give_null) {
    spec div = {DS_X_DIV, 0, DS_DOUBLE}, sub = {DS_X_SUB, 0, DS_DOUBLE};
    spec mod = {DS_X_MOD, 0, DS_DOUBLE}, mul = {DS_X_MUL, 0, DS_DOUBLE};
    expect2(div, DS_DOUBLE, vd(1), DS_DOUBLE, vd(0.0), NUL);
    expect2(div, DS_DOUBLE, vd(1), DS_DOUBLE, vd(-0.0), NUL);
    expect2(div, DS_DOUBLE, vd(1), DS_DOUBLE, vd(4), vd(0.25));
    expect2(sub, DS_DOUBLE, vd(INFINITY), DS_DOUBLE, vd(INFINITY), NUL);
    expect2(mul, DS_DOUBLE, vd(INFINITY), DS_DOUBLE, vd(0), NUL);
    expect2(mul, DS_DOUBLE, vd(1e300), DS_DOUBLE, vd(1e300), vd(INFINITY));
    expect2(mod, DS_DOUBLE, vd(5.5), DS_DOUBLE, vd(2), vd(1.0));
    expect2(mod, DS_DOUBLE, vd(5), DS_DOUBLE, vd(0.5), NUL);
    expect2(mod, DS_DOUBLE, vd(-7.9), DS_DOUBLE, vd(2.5), vd(-1.0));
    expect2(mod, DS_DOUBLE, vd(1e30), DS_DOUBLE, vd(-1), vd(0.0));
}

/* -------------------------------------------------------- comparisons */

Test(expr, comparisons_match_sqlite) {
    ds_xkind ops[] = {DS_X_EQ, DS_X_NE, DS_X_LT, DS_X_LE, DS_X_GT, DS_X_GE};
    const int64_t ints[] = {INT64_MIN, -5, 0, 5, INT64_MAX};
    const double dbls[] = {-INFINITY, -1.5, -0.0, 0.0, 2.25, 1e300};
    const char *texts[] = {"",  "a", "ab",        "abc",  "b",
                           "B", "é", "e\xcc\x81", "\x7f", "a\xff"};
    for (size_t o = 0; o < 6; o++) {
        spec s = {ops[o], 0, DS_BOOLEAN};
        for (size_t i = 0; i < 5; i++)
            for (size_t j = 0; j < 5; j++) {
                oracle2(s, DS_BIGINT, vi(ints[i]), DS_BIGINT, vi(ints[j]));
                oracle2(s, DS_TIMESTAMP, vts(ints[i]), DS_TIMESTAMP,
                        vts(ints[j]));
            }
        for (size_t i = 0; i < 6; i++)
            for (size_t j = 0; j < 6; j++)
                oracle2(s, DS_DOUBLE, vd(dbls[i]), DS_DOUBLE, vd(dbls[j]));
        for (size_t i = 0; i < 10; i++)
            for (size_t j = 0; j < 10; j++)
                oracle2(s, DS_TEXT, vt(texts[i]), DS_TEXT, vt(texts[j]));
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
                oracle2(s, DS_BOOLEAN, vb(i), DS_BOOLEAN, vb(j));
        oracle2(s, DS_TEXT, NUL, DS_TEXT, vt("a"));
        oracle2(s, DS_BIGINT, vi(1), DS_BIGINT, NUL);
        oracle2(s, DS_DOUBLE, NUL, DS_DOUBLE, NUL);
    }
}

/* -------------------------------------------------------------- logic */

Test(expr, three_valued_logic) {
    ds_value tv[3] = {vb(0), vb(1), NUL};
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
            oracle2((spec){DS_X_AND, 0, DS_BOOLEAN}, DS_BOOLEAN, tv[i],
                    DS_BOOLEAN, tv[j]);
            oracle2((spec){DS_X_OR, 0, DS_BOOLEAN}, DS_BOOLEAN, tv[i],
                    DS_BOOLEAN, tv[j]);
        }
        oracle1((spec){DS_X_NOT, 0, DS_BOOLEAN}, DS_BOOLEAN, tv[i]);
    }
    expect2((spec){DS_X_AND, 0, DS_BOOLEAN}, DS_BOOLEAN, vb(0), DS_BOOLEAN, NUL,
            vb(0));
    expect2((spec){DS_X_OR, 0, DS_BOOLEAN}, DS_BOOLEAN, NUL, DS_BOOLEAN, vb(1),
            vb(1));
}

Test(expr, is_null_is_never_null) {
    ds_value vals[] = {vi(1), NUL};
    int types[] = {DS_BIGINT, DS_DOUBLE, DS_TEXT, DS_BOOLEAN, DS_TIMESTAMP};
    for (int t = 0; t < 5; t++) {
        ds_value v = vals[0];
        v.type = types[t];
        if (types[t] == DS_TEXT)
            v = vt("x");
        if (types[t] == DS_DOUBLE)
            v = vd(1.5);
        expect1((spec){DS_X_IS_NULL, 0, DS_BOOLEAN}, types[t], v, vb(0));
        expect1((spec){DS_X_IS_NULL, 0, DS_BOOLEAN}, types[t], NUL, vb(1));
        expect1((spec){DS_X_IS_NOT_NULL, 0, DS_BOOLEAN}, types[t], v, vb(1));
        expect1((spec){DS_X_IS_NOT_NULL, 0, DS_BOOLEAN}, types[t], NUL, vb(0));
    }
    oracle1((spec){DS_X_IS_NULL, 0, DS_BOOLEAN}, DS_TEXT, NUL);
    oracle1((spec){DS_X_IS_NOT_NULL, 0, DS_BOOLEAN}, DS_TEXT, vt(""));
}

/* ----------------------------------------------------------------- IN */

/* x IN (list): evaluated with x as a column (and as a constant); the
   expected value, and SQLite's answer for the same. */
static void check_in(int type, ds_value x, int nl, const ds_value *list,
                     ds_value want) {
    int types[9];
    ds_value vals[9];
    types[0] = type;
    vals[0] = x;
    for (int k = 0; k < nl; k++) {
        types[k + 1] = type;
        vals[k + 1] = list[k];
    }
    /* a constant list (sorted search when long) */
    ds_expr *args[9];
    args[0] = COL(0, type);
    for (int k = 0; k < nl; k++)
        args[k + 1] = K(list[k], type);
    ds_expr *e = ds__expr_new(DS_X_IN, DS_BOOLEAN, nl + 1, args);
    int t1[1] = {type};
    ds_chunk *c = mk_chunk(1, t1, 3);
    put(c, 0, 0, x);
    put(c, 0, 1, NUL);
    put(c, 0, 2, x);
    const ds_vec *r = eval_ok(e, c);
    cr_expect(same_value(get(r, 0), want), "IN (const list): got %s want %s",
              show(get(r, 0)), show(want));
    cr_expect(same_value(get(r, 2), want));
    ds__expr_free(e);
    ds__chunk_free(c);
    /* a list of columns (element by element) */
    ds_value got;
    cr_expect_eq(
        eval3((spec){DS_X_IN, 0, DS_BOOLEAN}, nl + 1, types, vals, &got),
        DS_OK);
    cr_expect(same_value(got, want), "IN (columns): got %s want %s", show(got),
              show(want));
    /* SQLite */
    char sql[2048], a[200];
    sql_lit(x, a, sizeof a);
    size_t o = (size_t)snprintf(sql, sizeof sql, "%s IN (", a);
    for (int k = 0; k < nl; k++) {
        sql_lit(list[k], a, sizeof a);
        o +=
            (size_t)snprintf(sql + o, sizeof sql - o, "%s%s", k ? ", " : "", a);
    }
    snprintf(sql + o, sizeof sql - o, ")");
    ds_value theirs;
    sqlite_value(sql, &theirs);
    cr_expect(same_as_sqlite(want, theirs), "%s: sqlite %s", sql, show(theirs));
}

Test(expr, in_list_with_nulls) {
    ds_value ints[] = {vi(5), vi(1), vi(9), vi(3), vi(7), vi(-2), vi(11)};
    ds_value ints_null[] = {vi(5), NUL, vi(9), vi(3), vi(7), vi(-2)};
    /* short lists (element by element) and long ones (sorted) */
    for (int nl = 1; nl <= 7; nl++) {
        check_in(DS_BIGINT, vi(3), nl, ints, vb(nl >= 4));
        check_in(DS_BIGINT, vi(100), nl, ints, vb(0));
        check_in(DS_BIGINT, NUL, nl, ints, NUL);
    }
    for (int nl = 2; nl <= 6; nl++) {
        check_in(DS_BIGINT, vi(5), nl, ints_null, vb(1));
        check_in(DS_BIGINT, vi(100), nl, ints_null, NUL);
    }
    ds_value dbls[] = {vd(1.5), vd(-0.0), vd(2.5), vd(1e300), vd(-7), vd(3)};
    check_in(DS_DOUBLE, vd(0.0), 6, dbls, vb(1));
    check_in(DS_DOUBLE, vd(0.0), 3, dbls, vb(1));
    check_in(DS_DOUBLE, vd(3.0), 6, dbls, vb(1));
    check_in(DS_DOUBLE, vd(4.0), 6, dbls, vb(0));
    ds_value texts[] = {vt("b"), vt("a"), vt("é"), vt(""), vt("abc"), vt("ab")};
    ds_value texts_null[] = {vt("b"), vt("a"),   NUL,
                             vt(""),  vt("abc"), vt("ab")};
    check_in(DS_TEXT, vt("ab"), 6, texts, vb(1));
    check_in(DS_TEXT, vt(""), 6, texts, vb(1));
    check_in(DS_TEXT, vt("abcd"), 6, texts, vb(0));
    check_in(DS_TEXT, vt("abcd"), 6, texts_null, NUL);
    check_in(DS_TEXT, vt("a"), 6, texts_null, vb(1));
    check_in(DS_TEXT, vt("zz"), 2, texts, vb(0));
    ds_value ts[] = {vts(1), vts(2), vts(3), vts(4), vts(5)};
    check_in(DS_TIMESTAMP, vts(4), 5, ts, vb(1));
    ds_value bools[] = {vb(1), vb(1), vb(1), vb(1), vb(1)};
    check_in(DS_BOOLEAN, vb(0), 5, bools, vb(0));
    check_in(DS_BOOLEAN, vb(1), 5, bools, vb(1));
    check_in(DS_BOOLEAN, vb(1), 2, bools, vb(1));
}

/* --------------------------------------------------------------- CASE */

Test(expr, case_picks_the_first_true_branch) {
    /* CASE WHEN x < 0 THEN 'neg' WHEN x = 0 THEN 'zero' WHEN x IS NULL
       THEN 'null' ELSE 'pos' END */
    ds_expr *x =
        NODE(DS_X_CASE, DS_TEXT, 7,
             OP2(DS_X_LT, DS_BOOLEAN, COL(0, DS_BIGINT), KI(0)), KT("neg"),
             OP2(DS_X_EQ, DS_BOOLEAN, COL(0, DS_BIGINT), KI(0)), KT("zero"),
             OP1(DS_X_IS_NULL, DS_BOOLEAN, COL(0, DS_BIGINT)), KT("null"),
             KT("pos"));
    x->has_else = 1;
    int types[1] = {DS_BIGINT};
    ds_chunk *c = mk_chunk(1, types, 200);
    for (int i = 0; i < 200; i++)
        put(c, 0, i, i % 7 == 0 ? NUL : vi(i % 5 - 2));
    const ds_vec *r = eval_ok(x, c);
    for (int i = 0; i < 200; i++) {
        const char *want = i % 7 == 0      ? "null"
                           : i % 5 - 2 < 0 ? "neg"
                           : i % 5 == 2    ? "zero"
                                           : "pos";
        cr_expect(same_value(get(r, i), vt(want)), "row %d: %s", i,
                  show(get(r, i)));
    }
    ds__expr_free(x);
    ds__chunk_free(c);
}

Test(expr, case_without_else_and_null_conditions) {
    /* CASE WHEN b THEN 1 END: NULL and FALSE conditions give NULL */
    ds_expr *x = NODE(DS_X_CASE, DS_BIGINT, 2, COL(0, DS_BOOLEAN), KI(1));
    int types[1] = {DS_BOOLEAN};
    ds_chunk *c = mk_chunk(1, types, 3);
    put(c, 0, 0, vb(1));
    put(c, 0, 1, vb(0));
    put(c, 0, 2, NUL);
    const ds_vec *r = eval_ok(x, c);
    cr_expect(same_value(get(r, 0), vi(1)));
    cr_expect(same_value(get(r, 1), NUL));
    cr_expect(same_value(get(r, 2), NUL));
    ds__expr_free(x);
    ds__chunk_free(c);
    /* the same in SQLite */
    ds_value v;
    sqlite_value("CASE WHEN NULL THEN 1 ELSE 2 END", &v);
    cr_expect(same_value(v, vi(2)));
}

/* CASE WHEN x < 10 THEN x * 1000000000000000000 ELSE 0 END */
static ds_expr *lazy_case(void) {
    ds_expr *mul =
        OP2(DS_X_MUL, DS_BIGINT, COL(0, DS_BIGINT), KI(1000000000000000000));
    mul->label = "x * 1000000000000000000";
    ds_expr *x =
        NODE(DS_X_CASE, DS_BIGINT, 3,
             OP2(DS_X_LT, DS_BOOLEAN, COL(0, DS_BIGINT), KI(10)), mul, KI(0));
    x->has_else = 1;
    return x;
}

Test(expr, case_branches_see_only_their_rows) {
    ds_expr *x = lazy_case();
    int types[1] = {DS_BIGINT};
    int sizes[] = {1, 2, 63, 64, 65, 1000, DS_CHUNK_ROWS};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        int n = sizes[s];
        ds_chunk *c = mk_chunk(1, types, n);
        for (int i = 0; i < n; i++)
            put(c, 0, i, i % 11 == 10 ? NUL : vi(i % 2 ? 100 + i : i % 10));
        const ds_vec *r = eval_ok(x, c);
        for (int i = 0; i < n; i++) {
            ds_value want = i % 11 == 10 ? vi(0)
                            : i % 2      ? vi(0)
                                         : vi((i % 10) * 1000000000000000000);
            cr_expect(same_value(get(r, i), want), "n %d row %d: %s", n, i,
                      show(get(r, i)));
        }
        ds__chunk_free(c);
    }
    /* a row that takes the branch still fails */
    ds_chunk *c = mk_chunk(1, types, 3);
    put(c, 0, 0, vi(100));
    put(c, 0, 1, vi(-10));
    put(c, 0, 2, vi(100));
    const ds_vec *r;
    cr_expect_eq(ds__expr_eval(x, &ctx, c, &r), DS_ERROR);
    cr_expect_str_eq(ctx.errmsg,
                     "integer overflow in 'x * 1000000000000000000'");
    ds__expr_free(x);
    ds__chunk_free(c);
}

Test(expr, case_later_conditions_and_nested_cases_are_lazy) {
    /* CASE WHEN x > 100 THEN -1
            WHEN x * 1000000000000000000 > 0 THEN
                CASE WHEN y THEN x * 1000000000000000000 ELSE x + 1 END
            ELSE y2 END  -- y2 = x * 3 */
    ds_expr *inner = NODE(
        DS_X_CASE, DS_BIGINT, 3, COL(1, DS_BOOLEAN),
        OP2(DS_X_MUL, DS_BIGINT, COL(0, DS_BIGINT), KI(1000000000000000000)),
        OP2(DS_X_ADD, DS_BIGINT, COL(0, DS_BIGINT), KI(1)));
    inner->has_else = 1;
    ds_expr *x =
        NODE(DS_X_CASE, DS_BIGINT, 5,
             OP2(DS_X_GT, DS_BOOLEAN, COL(0, DS_BIGINT), KI(100)), KI(-1),
             OP2(DS_X_GT, DS_BOOLEAN,
                 OP2(DS_X_MUL, DS_BIGINT, COL(0, DS_BIGINT),
                     KI(1000000000000000000)),
                 KI(0)),
             inner, OP2(DS_X_MUL, DS_BIGINT, COL(0, DS_BIGINT), KI(3)));
    x->has_else = 1;
    int types[2] = {DS_BIGINT, DS_BOOLEAN};
    ds_chunk *c = mk_chunk(2, types, 300);
    for (int i = 0; i < 300; i++) {
        int64_t v = i % 3 == 0 ? 1000 + i : i % 3 == 1 ? 5 : -4;
        put(c, 0, i, vi(v));
        put(c, 1, i, i % 4 == 0 ? NUL : vb(i % 2));
    }
    const ds_vec *r = eval_ok(x, c);
    for (int i = 0; i < 300; i++) {
        int64_t want = i % 3 == 0 ? -1
                       : i % 3 == 1
                           ? (i % 4 != 0 && i % 2 ? 5000000000000000000 : 6)
                           : -12;
        cr_expect(same_value(get(r, i), vi(want)), "row %d: %s", i,
                  show(get(r, i)));
    }
    ds__expr_free(x);
    ds__chunk_free(c);
}

Test(expr, case_of_text_and_doubles_with_gathering) {
    /* CASE WHEN x < 10 THEN upper(t) || CAST(x * 2 AS TEXT) ELSE t END,
       and a DOUBLE branch next to an erroring one */
    ds_expr *m = OP2(DS_X_MUL, DS_BIGINT, COL(0, DS_BIGINT), KI(2));
    ds_expr *then = OP2(DS_X_CONCAT, DS_TEXT,
                        CALL(DS_FN_UPPER, DS_TEXT, 1, COL(1, DS_TEXT)),
                        ds__expr_cast(m, DS_TEXT));
    ds_expr *x = NODE(DS_X_CASE, DS_TEXT, 3,
                      OP2(DS_X_LT, DS_BOOLEAN, COL(0, DS_BIGINT), KI(10)), then,
                      COL(1, DS_TEXT));
    x->has_else = 1;
    int types[2] = {DS_BIGINT, DS_TEXT};
    ds_chunk *c = mk_chunk(2, types, 5);
    put(c, 0, 0, vi(1));
    put(c, 1, 0, vt("ab"));
    put(c, 0, 1, vi(INT64_MAX));
    put(c, 1, 1, vt("cd"));
    put(c, 0, 2, vi(3));
    put(c, 1, 2, NUL);
    put(c, 0, 3, NUL);
    put(c, 1, 3, vt("ef"));
    put(c, 0, 4, vi(4));
    put(c, 1, 4, vt("é"));
    const ds_vec *r = eval_ok(x, c);
    cr_expect(same_value(get(r, 0), vt("AB2")));
    cr_expect(same_value(get(r, 1), vt("cd")));
    cr_expect(same_value(get(r, 2), NUL));
    cr_expect(same_value(get(r, 3), vt("ef")));
    cr_expect(same_value(get(r, 4), vt("é8")));
    ds__expr_free(x);
    ds__chunk_free(c);
}

/* --------------------------------------------------------------- CAST */

Test(expr, cast_matches_sqlite) {
    spec to_int = {DS_X_CAST, 0, DS_BIGINT}, to_dbl = {DS_X_CAST, 0, DS_DOUBLE};
    spec to_text = {DS_X_CAST, 0, DS_TEXT};
    for (size_t i = 0; i < NINTS; i++) {
        oracle1(to_dbl, DS_BIGINT, vi(INTS[i]));
        oracle1(to_text, DS_BIGINT, vi(INTS[i]));
        oracle1(to_int, DS_BIGINT, vi(INTS[i]));
    }
    for (size_t i = 0; i < NDBLS; i++) {
        oracle1(to_int, DS_DOUBLE, vd(DBLS[i]));
        oracle1(to_text, DS_DOUBLE, vd(DBLS[i]));
        oracle1(to_dbl, DS_DOUBLE, vd(DBLS[i]));
    }
    const char *texts[] = {"12",
                           "  12abc",
                           "-12.7",
                           "abc",
                           "",
                           "1.",
                           "-",
                           "+5",
                           ".5",
                           "  +.5e-1",
                           "0x1A",
                           " 1 2",
                           "-0",
                           "1e",
                           "9223372036854775807",
                           "9223372036854775808",
                           "-9223372036854775809",
                           "99999999999999999999",
                           "\t7",
                           "3.75e"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        oracle1(to_int, DS_TEXT, vt(texts[i]));
        oracle1(to_dbl, DS_TEXT, vt(texts[i]));
        oracle1(to_text, DS_TEXT, vt(texts[i]));
    }
    oracle1(to_int, DS_TEXT, NUL);
    oracle1(to_text, DS_DOUBLE, NUL);
}

/* Doubles of every shape for the formatting tests, by k; NaN or infinity
   (from random bits) are for the caller to skip. */
static double random_double(int k) {
    double d;
    switch (k % 8) {
    case 0: {
        uint64_t bits = rnd();
        memcpy(&d, &bits, sizeof d);
        return d;
    }
    case 1: /* few decimals: readings, prices */
        return (double)(int64_t)(rnd() % 2000001 - 1000000) /
               pow(10, (int)(rnd() % 8));
    case 2: /* integers scaled by a power of ten */
        return (double)(int64_t)(rnd() % 100000) *
               pow(10, (int)(rnd() % 40) - 20);
    case 3: /* binary fractions */
        return ldexp((double)(rnd() >> 11), -(int)(rnd() % 80));
    case 4: /* 15-digit ties and their neighbours */
        return ((double)(rnd() % 1000000000000000ULL) + 0.5) /
               pow(10, (int)(rnd() % 20));
    case 5: /* around powers of ten */
        return pow(10, (int)(rnd() % 40) - 20) *
               (1 + (double)((int)(rnd() % 2001) - 1000) * 1e-16);
    case 6: /* averages */
        return (double)(int64_t)(rnd() % 100000) / (double)(1 + rnd() % 997);
    default:
        return (double)(int64_t)rnd();
    }
}

/* ds__fmt_double prints as SQLite 3.40's "%!.15g", digit for digit. */
Test(expr, cast_double_to_text_fuzz_matches_sqlite) {
    for (int k = 0; k < 3000; k++) {
        double d = random_double(k);
        if (isfinite(d))
            oracle1((spec){DS_X_CAST, 0, DS_TEXT}, DS_DOUBLE, vd(d));
    }
}

/* ds__fmt_double's fast path gives SQLite's steps' digits: 2 million
   doubles of every shape, ties at the 15th digit included. */
Test(expr, double_text_fast_path_matches_sqlite_steps) {
    char a[DS_NUMBUF], b[DS_NUMBUF];
    int bad = 0;
    for (int k = 0; k < 2000000; k++) {
        double d = random_double(k);
        if (!isfinite(d))
            continue;
        if (rnd() % 2)
            d = -d;
        ds__fmt_double(d, a);
        ds__fmt_double_slow(d, b);
        if (strcmp(a, b) && bad++ < 5)
            cr_log_error("%.17g: fast %s, SQLite's steps %s", d, a, b);
    }
    cr_expect_eq(bad, 0, "%d doubles print differently", bad);
}

Test(expr, cast_text_with_a_real_prefix_to_bigint) {
    /* SQLite 3.40 reads only the integer prefix: CAST('1e3' AS INTEGER)
       is 1, CAST('3.9999999999999999999' AS INTEGER) is 3; value.c's
       ds__text_to_int64 converts the real prefix and gives 1000 and 4.
       Enable when value.c follows SQLite. */
    const char *texts[] = {"1e3",
                           "1.5e3",
                           "1e400",
                           "-1e400",
                           "2E2x",
                           "12.5e1x",
                           "3.9999999999999999999"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        oracle1((spec){DS_X_CAST, 0, DS_BIGINT}, DS_TEXT, vt(texts[i]));
}

Test(expr, cast_every_pair) {
    struct {
        int from;
        ds_value in;
        int to;
        ds_value want;
    } cases[] = {
        /* BIGINT */
        {DS_BIGINT, vi(42), DS_BIGINT, vi(42)},
        {DS_BIGINT, vi(-3), DS_DOUBLE, vd(-3.0)},
        {DS_BIGINT, vi(-3), DS_TEXT, vt("-3")},
        {DS_BIGINT, vi(-3), DS_BOOLEAN, vb(1)},
        {DS_BIGINT, vi(0), DS_BOOLEAN, vb(0)},
        {DS_BIGINT, vi(1500000), DS_TIMESTAMP, vts(1500000)},
        /* DOUBLE */
        {DS_DOUBLE, vd(-2.9), DS_BIGINT, vi(-2)},
        {DS_DOUBLE, vd(1e300), DS_BIGINT, vi(INT64_MAX)},
        {DS_DOUBLE, vd(-INFINITY), DS_BIGINT, vi(INT64_MIN)},
        {DS_DOUBLE, vd(2.5), DS_DOUBLE, vd(2.5)},
        {DS_DOUBLE, vd(100.0), DS_TEXT, vt("100.0")},
        {DS_DOUBLE, vd(-0.0), DS_TEXT, vt("0.0")},
        {DS_DOUBLE, vd(1e20), DS_TEXT, vt("1.0e+20")},
        {DS_DOUBLE, vd(INFINITY), DS_TEXT, vt("Inf")},
        {DS_DOUBLE, vd(0.1), DS_BOOLEAN, vb(1)},
        {DS_DOUBLE, vd(-0.0), DS_BOOLEAN, vb(0)},
        {DS_DOUBLE, vd(1.9), DS_TIMESTAMP, vts(1)},
        {DS_DOUBLE, vd(-1.9), DS_TIMESTAMP, vts(-1)},
        /* TEXT */
        {DS_TEXT, vt(" 12abc"), DS_BIGINT, vi(12)},
        {DS_TEXT, vt("x"), DS_BIGINT, vi(0)},
        {DS_TEXT, vt("2.5x"), DS_DOUBLE, vd(2.5)},
        {DS_TEXT, vt("héllo"), DS_TEXT, vt("héllo")},
        {DS_TEXT, vt("true"), DS_BOOLEAN, vb(1)},
        {DS_TEXT, vt(" FALSE "), DS_BOOLEAN, vb(0)},
        {DS_TEXT, vt("yes"), DS_BOOLEAN, vb(1)},
        {DS_TEXT, vt("0.5"), DS_BOOLEAN, vb(1)},
        {DS_TEXT, vt("0.0"), DS_BOOLEAN, vb(0)},
        {DS_TEXT, vt("abc"), DS_BOOLEAN, vb(0)},
        {DS_TEXT, vt("12abc"), DS_BOOLEAN, vb(1)},
        {DS_TEXT, vt("2026-11-24 10:00:03"), DS_TIMESTAMP,
         vts(1795514403000000)},
        {DS_TEXT, vt("2026-11-24T10:00:03.250Z"), DS_TIMESTAMP,
         vts(1795514403250000)},
        {DS_TEXT, vt("2026-11-24T12:00:03+02:00"), DS_TIMESTAMP,
         vts(1795514403000000)},
        {DS_TEXT, vt("1970-01-01"), DS_TIMESTAMP, vts(0)},
        {DS_TEXT, vt("not a time"), DS_TIMESTAMP, NUL},
        {DS_TEXT, vt("2026-13-01"), DS_TIMESTAMP, NUL},
        /* BOOLEAN */
        {DS_BOOLEAN, vb(1), DS_BIGINT, vi(1)},
        {DS_BOOLEAN, vb(0), DS_DOUBLE, vd(0.0)},
        {DS_BOOLEAN, vb(1), DS_DOUBLE, vd(1.0)},
        {DS_BOOLEAN, vb(1), DS_TEXT, vt("true")},
        {DS_BOOLEAN, vb(0), DS_TEXT, vt("false")},
        {DS_BOOLEAN, vb(1), DS_BOOLEAN, vb(1)},
        {DS_BOOLEAN, vb(1), DS_TIMESTAMP, vts(1)},
        /* TIMESTAMP */
        {DS_TIMESTAMP, vts(1795514403250000), DS_BIGINT, vi(1795514403250000)},
        {DS_TIMESTAMP, vts(1500000), DS_DOUBLE, vd(1500000.0)},
        {DS_TIMESTAMP, vts(1795514403250000), DS_TEXT,
         vt("2026-11-24 10:00:03.250000")},
        {DS_TIMESTAMP, vts(0), DS_TEXT, vt("1970-01-01 00:00:00")},
        {DS_TIMESTAMP, vts(-1), DS_TEXT, vt("1969-12-31 23:59:59.999999")},
        {DS_TIMESTAMP, vts(0), DS_BOOLEAN, vb(0)},
        {DS_TIMESTAMP, vts(5), DS_TIMESTAMP, vts(5)},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        spec s = {DS_X_CAST, 0, cases[i].to};
        expect1(s, cases[i].from, cases[i].in, cases[i].want);
        expect1(s, cases[i].from, NUL, NUL);
    }
}

Test(expr, value_to_text) {
    int types[3] = {DS_DOUBLE, DS_BOOLEAN, DS_TIMESTAMP};
    ds_chunk *c = mk_chunk(3, types, 1);
    put(c, 0, 0, vd(0.1));
    put(c, 1, 0, vb(0));
    put(c, 2, 0, vts(86400000000));
    ds_str s;
    cr_assert_eq(ds__value_to_text(DS_DOUBLE, &c->cols[0], 0, &arena, &s),
                 DS_OK);
    cr_expect(same_value((ds_value){.type = DS_TEXT, .u.s = s}, vt("0.1")));
    ds__value_to_text(DS_BOOLEAN, &c->cols[1], 0, &arena, &s);
    cr_expect(same_value((ds_value){.type = DS_TEXT, .u.s = s}, vt("false")));
    ds__value_to_text(DS_TIMESTAMP, &c->cols[2], 0, &arena, &s);
    cr_expect(same_value((ds_value){.type = DS_TEXT, .u.s = s},
                         vt("1970-01-02 00:00:00")));
    ds__chunk_free(c);
}

/* ----------------------------------------------------------------- || */

Test(expr, concat_matches_sqlite) {
    const char *texts[] = {"", "a", "héllo", " ", "x'y"};
    spec s = {DS_X_CONCAT, 0, DS_TEXT};
    for (size_t i = 0; i < 5; i++)
        for (size_t j = 0; j < 5; j++)
            oracle2(s, DS_TEXT, vt(texts[i]), DS_TEXT, vt(texts[j]));
    oracle2(s, DS_TEXT, NUL, DS_TEXT, vt("a"));
    oracle2(s, DS_TEXT, vt("a"), DS_TEXT, NUL);
}

Test(expr, concat_of_long_text_over_a_full_chunk) {
    int types[2] = {DS_TEXT, DS_TEXT};
    ds_chunk *c = mk_chunk(2, types, DS_CHUNK_ROWS);
    static char big[1000];
    memset(big, 'z', sizeof big - 1);
    for (int i = 0; i < DS_CHUNK_ROWS; i++) {
        put(c, 0, i, i % 5 == 0 ? NUL : vt(big + i % 900));
        put(c, 1, i, vt(i % 2 ? "!" : ""));
    }
    ds_expr *x = OP2(DS_X_CONCAT, DS_TEXT, COL(0, DS_TEXT), COL(1, DS_TEXT));
    const ds_vec *r = eval_ok(x, c);
    for (int i = 0; i < DS_CHUNK_ROWS; i++) {
        if (i % 5 == 0) {
            cr_expect(!ds__vec_valid(r, i));
            continue;
        }
        size_t n = strlen(big + i % 900) + (i % 2);
        cr_expect_eq(r->v.str[i].n, n, "row %d", i);
        cr_expect(r->v.str[i].n == 0 ||
                  r->v.str[i].p[r->v.str[i].n - 1] == (i % 2 ? '!' : 'z'));
    }
    ds__expr_free(x);
    ds__chunk_free(c);
}
