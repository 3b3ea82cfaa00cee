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
#include <criterion/criterion.h>
#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/expr.h"

static ds_arena arena;
static ds_eval_ctx ctx;
static sqlite3 *db;

static void setup(void) {
    ds__arena_init(&arena, 4096);
    memset(&ctx, 0, sizeof ctx);
    ctx.arena = &arena;
    cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
    sqlite3_exec(db, "PRAGMA case_sensitive_like = ON", NULL, NULL, NULL);
}

static void teardown(void) {
    ds__arena_fini(&arena);
    sqlite3_close(db);
}

TestSuite(expr, .init = setup, .fini = teardown);

/* ------------------------------------------------------------ values */

static ds_value vi(int64_t i) {
    ds_value v = {.type = DS_BIGINT};
    v.u.i = i;
    return v;
}
static ds_value vd(double d) {
    ds_value v = {.type = DS_DOUBLE};
    v.u.d = d;
    return v;
}
static ds_value vt(const char *s) {
    ds_value v = {.type = DS_TEXT};
    v.u.s.p = s;
    v.u.s.n = strlen(s);
    return v;
}
static ds_value vb(int b) {
    ds_value v = {.type = DS_BOOLEAN};
    v.u.i = b;
    return v;
}
static ds_value vts(int64_t us) {
    ds_value v = {.type = DS_TIMESTAMP};
    v.u.i = us;
    return v;
}
static const ds_value NUL = {.type = DS_NULL};

static int same_value(ds_value a, ds_value b) {
    if (a.type != b.type)
        return 0;
    switch (a.type) {
    case DS_NULL:
        return 1;
    case DS_DOUBLE:
        return a.u.d == b.u.d || (isnan(a.u.d) && isnan(b.u.d));
    case DS_TEXT:
        return a.u.s.n == b.u.s.n &&
               (a.u.s.n == 0 || !memcmp(a.u.s.p, b.u.s.p, a.u.s.n));
    default:
        return a.u.i == b.u.i;
    }
}

/* A printable form, for messages (static buffers, rotating). */
static const char *show(ds_value v) {
    static char bufs[4][300];
    static int k;
    char *b = bufs[k++ & 3];
    switch (v.type) {
    case DS_NULL:
        return "NULL";
    case DS_DOUBLE:
        snprintf(b, 300, "%.17g (double)", v.u.d);
        break;
    case DS_TEXT:
        snprintf(b, 300, "'%.*s' (text)", (int)(v.u.s.n > 250 ? 250 : v.u.s.n),
                 v.u.s.p);
        break;
    case DS_BOOLEAN:
        snprintf(b, 300, "%s", v.u.i ? "TRUE" : "FALSE");
        break;
    default:
        snprintf(b, 300, "%" PRId64 " (type %d)", v.u.i, v.type);
    }
    return b;
}

/* ------------------------------------------------------------- nodes */

static ds_expr *K(ds_value v, int type) { return ds__expr_const(&v, type); }
static ds_expr *KI(int64_t i) { return K(vi(i), DS_BIGINT); }
static ds_expr *KD(double d) { return K(vd(d), DS_DOUBLE); }
static ds_expr *KT(const char *s) { return K(vt(s), DS_TEXT); }
static ds_expr *KB(int b) { return K(vb(b), DS_BOOLEAN); }
static ds_expr *KN(int type) { return K(NUL, type); }
static ds_expr *COL(int c, int type) { return ds__expr_col(c, type); }

static ds_expr *OP1(ds_xkind k, int type, ds_expr *a) {
    return ds__expr_new(k, type, 1, &a);
}
static ds_expr *OP2(ds_xkind k, int type, ds_expr *a, ds_expr *b) {
    ds_expr *args[2] = {a, b};
    return ds__expr_new(k, type, 2, args);
}
static ds_expr *NODE(ds_xkind k, int type, int n, ...) {
    ds_expr *args[16];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        args[i] = va_arg(ap, ds_expr *);
    va_end(ap);
    return ds__expr_new(k, type, n, args);
}
static ds_expr *CALL(ds_fn fn, int type, int n, ...) {
    ds_expr *args[16];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        args[i] = va_arg(ap, ds_expr *);
    va_end(ap);
    return ds__expr_call(fn, type, n, args);
}

/* ------------------------------------------------------------ chunks */

static ds_chunk *mk_chunk(int ncols, const int *types, int n) {
    ds_chunk *c = ds__chunk_new(ncols, types);
    cr_assert(c);
    c->n = n;
    for (int k = 0; k < ncols; k++)
        memset(c->cols[k].valid, 0, sizeof c->cols[k].valid);
    return c;
}

static void put(ds_chunk *c, int col, int row, ds_value v) {
    ds__vec_put(&c->cols[col], row, &v);
}

/* Row i of a result vector as a value. */
static ds_value get(const ds_vec *v, int i) { return ds__vec_get(v, i); }

/* Evaluates x over c; asserts success. */
static const ds_vec *eval_ok(ds_expr *x, const ds_chunk *c) {
    const ds_vec *r = NULL;
    int rc = ds__expr_eval(x, &ctx, c, &r);
    cr_assert_eq(rc, DS_OK, "eval failed: %d %s", rc, ctx.errmsg);
    return r;
}

/* -------------------------------------------------- the three ways */

/* What to build over the arguments. */
typedef struct spec {
    ds_xkind kind;
    ds_fn fn; /* DS_X_CALL */
    int type; /* result type */
} spec;

static ds_expr *build(spec s, int nargs, ds_expr **args) {
    if (s.kind == DS_X_CALL)
        return ds__expr_call(s.fn, s.type, nargs, args);
    return ds__expr_new(s.kind, s.type, nargs, args);
}

#define ROWS_3WAY 131 /* two words and a bit */

/*
** Evaluates s over the argument values (types[k] gives each one's type,
** NULL values included) as constants, then as columns of a chunk where
** every third row has only NULL arguments, and checks that the two agree.
** Returns the status; *out gets the value (text in the test arena).
*/
static int eval3(spec s, int nargs, const int *types, const ds_value *vals,
                 ds_value *out) {
    ds_expr *args[8];
    char err1[256] = "";
    for (int k = 0; k < nargs; k++)
        args[k] = K(vals[k], types[k]);
    ds_expr *x = build(s, nargs, args);
    cr_assert(x);
    int rc1 = ds__expr_eval_const(x, &arena, out, err1, sizeof err1);
    ds__expr_free(x);

    ds_value nulls_v = NUL;
    for (int k = 0; k < nargs; k++)
        args[k] = KN(types[k]);
    x = build(s, nargs, args);
    int rcn = ds__expr_eval_const(x, &arena, &nulls_v, NULL, 0);
    ds__expr_free(x);

    ds_chunk *c = mk_chunk(nargs, types, ROWS_3WAY);
    for (int i = 0; i < ROWS_3WAY; i++)
        for (int k = 0; k < nargs; k++)
            put(c, k, i, i % 3 == 1 ? NUL : vals[k]);
    for (int k = 0; k < nargs; k++)
        args[k] = COL(k, types[k]);
    x = build(s, nargs, args);
    const ds_vec *r = NULL;
    ctx.errmsg[0] = 0;
    int rc2 = ds__expr_eval(x, &ctx, c, &r);
    if (rcn == DS_OK) {
        cr_expect_eq(rc1, rc2, "constant rc %d (%s), vector rc %d (%s)", rc1,
                     err1, rc2, ctx.errmsg);
        if (rc1 == DS_ERROR && rc2 == DS_ERROR)
            cr_expect_str_eq(err1, ctx.errmsg);
    }
    if (rc1 == DS_OK && rc2 == DS_OK) {
        for (int i = 0; i < ROWS_3WAY; i++) {
            ds_value want = i % 3 == 1 ? nulls_v : *out;
            ds_value got = get(r, i);
            if (!same_value(got, want)) {
                cr_expect_fail("row %d: vector %s, constant %s", i, show(got),
                               show(want));
                break;
            }
        }
    }
    ds__expr_free(x);
    ds__chunk_free(c);
    return rc1;
}

/* ------------------------------------------------------------ oracle */

/* A SQL literal of v (of type). */
static void sql_lit(ds_value v, char *b, size_t cap) {
    switch (v.type) {
    case DS_NULL:
        snprintf(b, cap, "NULL");
        break;
    case DS_DOUBLE:
        if (isinf(v.u.d))
            snprintf(b, cap, "%s1e999", v.u.d < 0 ? "-" : "");
        else {
            snprintf(b, cap, "%.17g", v.u.d);
            if (!strpbrk(b, ".en"))
                strncat(b, ".0", cap - strlen(b) - 1);
        }
        break;
    case DS_TEXT: {
        int hex = 0;
        for (size_t i = 0; i < v.u.s.n; i++)
            hex |= (unsigned char)v.u.s.p[i] >= 0x80 || v.u.s.p[i] == '\'';
        size_t o = 0;
        if (hex) {
            o += (size_t)snprintf(b, cap, "CAST(X'");
            for (size_t i = 0; i < v.u.s.n && o + 3 < cap; i++)
                o += (size_t)snprintf(b + o, cap - o, "%02X",
                                      (unsigned char)v.u.s.p[i]);
            snprintf(b + o, cap - o, "' AS TEXT)");
        } else {
            snprintf(b, cap, "'%.*s'", (int)v.u.s.n, v.u.s.p);
        }
        break;
    }
    default:
        snprintf(b, cap, "%" PRId64, v.u.i);
    }
}

/* Runs "SELECT <sql>" in SQLite: the value (text copied into the test
   arena), or DS_ERROR. */
static int sqlite_value(const char *sql, ds_value *v) {
    char q[2048];
    sqlite3_stmt *st;
    snprintf(q, sizeof q, "SELECT %s", sql);
    cr_assert_eq(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK, "%s: %s",
                 q, sqlite3_errmsg(db));
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(st);
        return DS_ERROR;
    }
    switch (sqlite3_column_type(st, 0)) {
    case SQLITE_NULL:
        *v = NUL;
        break;
    case SQLITE_INTEGER:
        *v = vi(sqlite3_column_int64(st, 0));
        break;
    case SQLITE_FLOAT:
        *v = vd(sqlite3_column_double(st, 0));
        break;
    default: {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        v->type = DS_TEXT;
        v->u.s.p = ds__arena_strndup(&arena, t, n);
        v->u.s.n = n;
    }
    }
    sqlite3_finalize(st);
    return DS_OK;
}

/* Our value against SQLite's: BOOLEAN and TIMESTAMP compare as integers. */
static int same_as_sqlite(ds_value ours, ds_value theirs) {
    if (ours.type == DS_BOOLEAN || ours.type == DS_TIMESTAMP)
        ours.type = DS_BIGINT;
    if (ours.type == DS_DOUBLE && theirs.type == DS_BIGINT)
        return ours.u.d == (double)theirs.u.i;
    return same_value(ours, theirs);
}

/* The SQL of s over the literals. */
static void sql_of(spec s, int nargs, const ds_value *vals, char *sql,
                   size_t cap) {
    char a[8][600];
    for (int k = 0; k < nargs; k++)
        sql_lit(vals[k], a[k], sizeof a[k]);
    switch (s.kind) {
    case DS_X_CALL: {
        size_t o = (size_t)snprintf(sql, cap, "%s(", ds__fn_name(s.fn));
        for (int k = 0; k < nargs; k++)
            o +=
                (size_t)snprintf(sql + o, cap - o, "%s%s", k ? ", " : "", a[k]);
        snprintf(sql + o, cap - o, ")");
        break;
    }
    case DS_X_NEG:
        snprintf(sql, cap, "-(%s)", a[0]);
        break;
    case DS_X_NOT:
        snprintf(sql, cap, "NOT (%s)", a[0]);
        break;
    case DS_X_IS_NULL:
    case DS_X_IS_NOT_NULL:
        snprintf(sql, cap, "(%s) %s", a[0],
                 s.kind == DS_X_IS_NULL ? "IS NULL" : "IS NOT NULL");
        break;
    case DS_X_LIKE:
        if (nargs > 2)
            snprintf(sql, cap, "(%s) LIKE (%s) ESCAPE (%s)", a[0], a[1], a[2]);
        else
            snprintf(sql, cap, "(%s) LIKE (%s)", a[0], a[1]);
        break;
    case DS_X_CAST:
        snprintf(sql, cap, "CAST(%s AS %s)", a[0],
                 s.type == DS_BIGINT   ? "INTEGER"
                 : s.type == DS_DOUBLE ? "REAL"
                                       : "TEXT");
        break;
    default: {
        ds_expr tmp = {.kind = s.kind};
        snprintf(sql, cap, "(%s) %s (%s)", a[0], ds__expr_op_name(&tmp), a[1]);
    }
    }
}

/* eval3, then the same in SQLite; both must give the same value. */
static void oracle(spec s, int nargs, const int *types, const ds_value *vals) {
    char sql[4096];
    ds_value ours, theirs;
    sql_of(s, nargs, vals, sql, sizeof sql);
    int rc = eval3(s, nargs, types, vals, &ours);
    int src = sqlite_value(sql, &theirs);
    cr_expect_eq(rc, src, "%s: rc %d (%s), sqlite rc %d", sql, rc, ctx.errmsg,
                 src);
    if (rc == DS_OK && src == DS_OK)
        cr_expect(same_as_sqlite(ours, theirs), "%s: ours %s, sqlite %s", sql,
                  show(ours), show(theirs));
}

static void oracle1(spec s, int t0, ds_value a) {
    int types[1] = {t0};
    ds_value vals[1] = {a};
    oracle(s, 1, types, vals);
}
static void oracle2(spec s, int t0, ds_value a, int t1, ds_value b) {
    int types[2] = {t0, t1};
    ds_value vals[2] = {a, b};
    oracle(s, 2, types, vals);
}
static void oracle3(spec s, int t0, ds_value a, int t1, ds_value b, int t2,
                    ds_value c) {
    int types[3] = {t0, t1, t2};
    ds_value vals[3] = {a, b, c};
    oracle(s, 3, types, vals);
}

/* eval3 of a case with a known answer (no SQLite equivalent). */
static void expect3(spec s, int nargs, const int *types, const ds_value *vals,
                    ds_value want) {
    ds_value got;
    int rc = eval3(s, nargs, types, vals, &got);
    cr_expect_eq(rc, DS_OK, "rc %d: %s", rc, ctx.errmsg);
    if (rc == DS_OK)
        cr_expect(same_value(got, want), "got %s, want %s", show(got),
                  show(want));
}
static void expect1(spec s, int t0, ds_value a, ds_value want) {
    int types[1] = {t0};
    ds_value vals[1] = {a};
    expect3(s, 1, types, vals, want);
}
static void expect2(spec s, int t0, ds_value a, int t1, ds_value b,
                    ds_value want) {
    int types[2] = {t0, t1};
    ds_value vals[2] = {a, b};
    expect3(s, 2, types, vals, want);
}

/* A small deterministic random generator. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* -------------------------------------------------------- arithmetic */

static const int64_t INTS[] = {0,
                               1,
                               -1,
                               2,
                               -2,
                               3,
                               -3,
                               7,
                               -7,
                               10,
                               -10,
                               1000,
                               -1000,
                               123456789,
                               -987654321,
                               3037000499,
                               -3037000499,
                               INT64_MAX,
                               INT64_MIN,
                               INT64_MAX - 1,
                               INT64_MIN + 1};
#define NINTS (sizeof INTS / sizeof INTS[0])

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

static const double DBLS[] = {0.0,      -0.0,      1.0,    -1.0,    0.5,
                              2.5,      -2.5,      3.75,   1e300,   -1e300,
                              1e-300,   7.0,       -7.9,   1e20,    0.1,
                              INFINITY, -INFINITY, 9.3e18, -9.3e18, 123456.789};
#define NDBLS (sizeof DBLS / sizeof DBLS[0])

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

/* ds__fmt_double prints as SQLite 3.40's "%!.15g", digit for digit. */
Test(expr, cast_double_to_text_fuzz_matches_sqlite) {
    for (int k = 0; k < 3000; k++) {
        double d;
        switch (k % 4) {
        case 0: {
            uint64_t bits = rnd();
            memcpy(&d, &bits, sizeof d);
            if (!isfinite(d))
                continue;
            break;
        }
        case 1:
            d = (double)(int64_t)(rnd() % 2000001 - 1000000) / 1000.0;
            break;
        case 2:
            d = (double)(int64_t)(rnd() % 100000) *
                pow(10, (int)(rnd() % 40) - 20);
            break;
        default:
            d = (double)(int64_t)rnd();
        }
        oracle1((spec){DS_X_CAST, 0, DS_TEXT}, DS_DOUBLE, vd(d));
    }
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
