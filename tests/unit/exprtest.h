/*
** exprtest.h - the harness of the expression tests (test_expr.c,
** test_expr_text.c): value and node builders, chunks, evaluation three ways
** (constants, columns with NULLs, SQLite) and the comparisons.
*/
#ifndef DS_TEST_EXPRTEST_H
#define DS_TEST_EXPRTEST_H

#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-variable"

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

/* values that make the arithmetic interesting */
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

static const double DBLS[] = {0.0,      -0.0,      1.0,    -1.0,    0.5,
                              2.5,      -2.5,      3.75,   1e300,   -1e300,
                              1e-300,   7.0,       -7.9,   1e20,    0.1,
                              INFINITY, -INFINITY, 9.3e18, -9.3e18, 123456.789};
#define NDBLS (sizeof DBLS / sizeof DBLS[0])

#endif
