/*
** gen_expr.c - random, type-correct expressions for the oracle's generator
** (gen.h). Expressions are built per type (BIGINT, DOUBLE, TEXT, BOOLEAN)
** so that dstream accepts them, and carry what is known of their values:
** a bound on the magnitude (BIGINT arithmetic and SUM must not overflow:
** dstream fails where SQLite turns to REAL) and, for DOUBLE, whether the
** values are exact binary fractions (SUM and AVG only over those, since a
** floating sum depends on the order). Forms where the contract differs
** from SQLite on purpose are never produced (docs/oracle.md).
*/
#include "gen.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

gexp gexp_mk(int type, double bound, int dbits, const char *fmt, ...) {
    gexp e = {NULL, type, bound, dbits, 0};
    obuf b = {0};
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *t = oalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(t, (size_t)n + 1, fmt, ap);
    va_end(ap);
    obuf_puts(&b, t);
    free(t);
    e.s = obuf_take(&b);
    return e;
}

void gexp_free(gexp *e) {
    free(e->s);
    e->s = NULL;
}

/* ------------------------------------------------------------- leaves */

static const char *text_lits[] = {"'a'", "'b'",   "''",    "'A'",
                                  "' '", "'ab'",  "'x y'", "'é'",
                                  "'%'", "'abc'", "'a b'", "'spark'"};

static gexp literal(gcx *cx, int type) {
    grng *r = cx->r;
    if (grng_pct(r, 3))
        return gexp_mk(type, 0, 0, "NULL");
    switch (type) {
    case DS_BIGINT: {
        static const int v[] = {0, 1, 2, 3, -1, -2, 5, 10, 100, -7, 4, 1000};
        int x = v[grng_int(r, 12)];
        return x < 0 ? gexp_mk(type, -x, 0, "(%d)", x)
                     : gexp_mk(type, x, 0, "%d", x);
    }
    case DS_DOUBLE: {
        static const struct {
            const char *t;
            double v;
            int dbits;
        } v[] = {
            {"0.5", 0.5, 1},       {"(-0.25)", 0.25, 2}, {"1.5", 1.5, 1},
            {"2.0", 2, 0},         {"0.125", 0.125, 3},  {"10.0", 10, 0},
            {"(-3.75)", 3.75, 2},  {"0.0", 0, 0},        {"0.1", 0.1, -1},
            {"3.14159", 3.15, -1}, {"1e10", 1e10, 0},    {"0.001", 0.001, -1}};
        int k = grng_int(r, grng_pct(r, 80) ? 8 : 12);
        return gexp_mk(type, v[k].v, v[k].dbits, "%s", v[k].t);
    }
    case DS_TEXT:
        return gexp_mk(type, 0, 0, "%s", text_lits[grng_int(r, 12)]);
    default:
        return gexp_mk(type, 1, 0, grng_pct(r, 50) ? "true" : "false");
    }
}

double gcol_bound(const gcol *c, int *dbits) {
    *dbits = -1;
    if (c->type == DS_BIGINT) {
        *dbits = 0;
        return c->profile == GP_SMALL    ? 5
               : c->profile == GP_MEDIUM ? 1e6
                                         : UNSAFE;
    }
    if (c->type == DS_DOUBLE) {
        if (c->profile == GP_SMALL) {
            *dbits = 2;
            return 10;
        }
        if (c->profile == GP_MEDIUM) {
            *dbits = 3;
            return 1.4e8;
        }
        return INFINITY;
    }
    return 1;
}

/* A value of type made from a column of another type, for schemas
   without a column of that type. */
static gexp converted(gcx *cx, int type) {
    const gcol *c = &cx->sc->cols[grng_int(cx->r, cx->sc->ncols)];
    int dbits;
    double b = gcol_bound(c, &dbits);
    switch (type) {
    case DS_BIGINT:
        if (c->type == DS_TEXT)
            return gexp_mk(type, 1e4, 0, "length(%s)", c->name);
        if (c->type == DS_BOOLEAN)
            return gexp_mk(type, 1, 0, "CAST(%s AS BIGINT)", c->name);
        return gexp_mk(type, b < 9e18 ? b : UNSAFE, 0, "CAST(%s AS BIGINT)",
                       c->name);
    case DS_DOUBLE:
        if (c->type == DS_BIGINT || c->type == DS_BOOLEAN)
            return gexp_mk(type, c->type == DS_BOOLEAN ? 1 : b,
                           c->type == DS_BOOLEAN || b <= 1e12 ? 0 : -1,
                           "CAST(%s AS DOUBLE)", c->name);
        if (c->type == DS_TEXT)
            return gexp_mk(type, 1e4, 0, "CAST(length(%s) AS DOUBLE)", c->name);
        break;
    case DS_TEXT:
        if (c->type == DS_BIGINT)
            return gexp_mk(type, 0, 0, "CAST(%s AS TEXT)", c->name);
        break;
    case DS_BOOLEAN:
        if (c->type == DS_TEXT)
            return gexp_mk(type, 1, 0, "(%s < 'b')", c->name);
        if (c->type == DS_BIGINT || c->type == DS_DOUBLE)
            return gexp_mk(type, 1, 0, "(%s > 0)", c->name);
        break;
    }
    return literal(cx, type);
}

gexp gexp_column(gcx *cx, int type) {
    int idx[10], n = 0;
    for (int k = 0; k < cx->sc->ncols; k++)
        if (cx->sc->cols[k].type == type)
            idx[n++] = k;
    if (type == DS_TEXT && cx->unnest && grng_pct(cx->r, 50))
        return gexp_mk(DS_TEXT, 0, 0, "%s", cx->unnest);
    if (!n)
        return converted(cx, type);
    const gcol *c = &cx->sc->cols[idx[grng_int(cx->r, n)]];
    int dbits;
    double b = gcol_bound(c, &dbits);
    return gexp_mk(type, b, dbits, "%s", c->name);
}

/* gen, but not the bare NULL literal (whose type dstream infers from the
   context: coalesce(NULL, NULL) is TEXT, MIN(NULL) BIGINT). */
static gexp gen_nn(gcx *cx, int type, int depth) {
    for (int k = 0; k < 10; k++) {
        gexp e = gexp_gen(cx, type, depth);
        if (strcmp(e.s, "NULL") != 0)
            return e;
        gexp_free(&e);
    }
    return type == DS_TEXT ? gexp_mk(type, 0, 0, "'a'")
                           : gexp_mk(type, 1, 0, "1");
}

static gexp leaf(gcx *cx, int type) {
    if (cx->post) {
        int idx[3], n = 0;
        for (int k = 0; k < cx->nkeys; k++)
            if (cx->keys[k].type == type)
                idx[n++] = k;
        int p = grng_int(cx->r, 100);
        if (n && p < 40) {
            const gexp *k = &cx->keys[idx[grng_int(cx->r, n)]];
            gexp e = gexp_mk(type, k->bound, k->dbits, "%s", k->s);
            e.intlike = k->intlike;
            return e;
        }
        if (p < 85)
            return gexp_aggregate(cx, type);
        return literal(cx, type);
    }
    if (grng_pct(cx->r, type == DS_BOOLEAN ? 90 : 80))
        return gexp_column(cx, type);
    return literal(cx, type);
}

/* ---------------------------------------------------------- aggregates */

gexp gexp_aggregate(gcx *cx, int type) {
    grng *r = cx->r;
    gcx pre = *cx;
    pre.post = 0;
    for (int tries = 0; tries < 6; tries++) {
        int p = grng_int(r, 100);
        if (type == DS_BIGINT) {
            if (p < 25)
                return gexp_mk(type, cx->rows, 0, "COUNT(*)");
            if (p < 50) {
                static const int ts[] = {DS_BIGINT, DS_DOUBLE, DS_TEXT,
                                         DS_BOOLEAN};
                gexp a = gexp_gen(&pre, ts[grng_int(r, 4)], 2);
                gexp e = gexp_mk(type, cx->rows, 0, "COUNT(%s%s)",
                                 grng_pct(r, 40) ? "DISTINCT " : "", a.s);
                gexp_free(&a);
                return e;
            }
            gexp a = gen_nn(&pre, DS_BIGINT, 2);
            if (p < 75 && a.bound * cx->rows <= BIG_SAFE) {
                gexp e = gexp_mk(type, a.bound * cx->rows, 0, "SUM(%s)", a.s);
                gexp_free(&a);
                return e;
            }
            if (p >= 75) {
                gexp e = gexp_mk(type, a.bound, 0, "%s(%s)",
                                 grng_pct(r, 50) ? "MIN" : "MAX", a.s);
                gexp_free(&a);
                return e;
            }
            gexp_free(&a);
        } else if (type == DS_DOUBLE) {
            if (p < 30) {
                gexp a = gexp_gen(&pre, DS_BIGINT, 2);
                if (a.bound * cx->rows <= EXACT) {
                    gexp e = gexp_mk(type, a.bound, -1, "AVG(%s)", a.s);
                    gexp_free(&a);
                    return e;
                }
                gexp_free(&a);
                continue;
            }
            gexp a = gen_nn(&pre, DS_DOUBLE, 2);
            if (p < 70) {
                double scale = a.dbits >= 0 ? ldexp(1.0, a.dbits) : 0;
                if (a.dbits >= 0 && a.bound * scale * cx->rows <= EXACT) {
                    int sum = grng_pct(r, 50);
                    gexp e = gexp_mk(type, sum ? a.bound * cx->rows : a.bound,
                                     sum ? a.dbits : -1, "%s(%s)",
                                     sum ? "SUM" : "AVG", a.s);
                    e.intlike = sum && a.intlike;
                    gexp_free(&a);
                    return e;
                }
                gexp_free(&a);
                continue;
            }
            gexp e = gexp_mk(type, a.bound, a.dbits, "%s(%s)",
                             grng_pct(r, 50) ? "MIN" : "MAX", a.s);
            e.intlike = a.intlike;
            gexp_free(&a);
            return e;
        } else {
            gexp a = gen_nn(&pre, type, 2);
            gexp e = gexp_mk(type, a.bound, 0, "%s(%s)",
                             grng_pct(r, 50) ? "MIN" : "MAX", a.s);
            gexp_free(&a);
            return e;
        }
    }
    if (type == DS_BIGINT)
        return gexp_mk(type, cx->rows, 0, "COUNT(*)");
    gexp a = gen_nn(&pre, type, 1);
    gexp e = gexp_mk(type, a.bound, a.dbits, "MIN(%s)", a.s);
    e.intlike = a.intlike;
    gexp_free(&a);
    return e;
}

/* -------------------------------------------------------------- BIGINT */

static gexp gen_bigint(gcx *cx, int d) {
    grng *r = cx->r;
    for (int tries = 0; tries < 8; tries++) {
        int p = grng_int(r, 100);
        if (p < 30) { /* + - * */
            static const char ops[] = "+-*";
            char op = ops[grng_int(r, 3)];
            gexp a = gexp_gen(cx, DS_BIGINT, d - 1),
                 b = gexp_gen(cx, DS_BIGINT, d - 1);
            double bd = op == '*' ? a.bound * b.bound : a.bound + b.bound;
            if (bd <= BIG_SAFE) {
                gexp e = gexp_mk(DS_BIGINT, bd, 0, "(%s %c %s)", a.s, op, b.s);
                gexp_free(&a), gexp_free(&b);
                return e;
            }
            gexp_free(&a), gexp_free(&b);
        } else if (p < 40) { /* / % */
            gexp a = gexp_gen(cx, DS_BIGINT, d - 1),
                 b = gexp_gen(cx, DS_BIGINT, d - 1);
            if (a.bound < 9e18) {
                int div = grng_pct(r, 50);
                gexp e =
                    gexp_mk(DS_BIGINT, div ? a.bound : fmin(a.bound, b.bound),
                            0, "(%s %c %s)", a.s, div ? '/' : '%', b.s);
                gexp_free(&a), gexp_free(&b);
                return e;
            }
            gexp_free(&a), gexp_free(&b);
        } else if (p < 48) { /* - abs */
            gexp a = gexp_gen(cx, DS_BIGINT, d - 1);
            if (a.bound < 9e18) {
                gexp e = gexp_mk(DS_BIGINT, a.bound, 0,
                                 grng_pct(r, 50) ? "(-%s)" : "abs(%s)", a.s);
                gexp_free(&a);
                return e;
            }
            gexp_free(&a);
        } else if (p < 54) { /* sign floor ceil */
            int num = grng_pct(r, 50) ? DS_BIGINT : DS_DOUBLE;
            gexp a = gexp_gen(cx, num, d - 1);
            static const char *fn[] = {"sign", "floor", "ceil"};
            int f = num == DS_BIGINT ? grng_int(r, 3) : 0;
            gexp e =
                gexp_mk(DS_BIGINT, f ? a.bound : 1, 0, "%s(%s)", fn[f], a.s);
            gexp_free(&a);
            return e;
        } else if (p < 64) { /* length instr */
            gexp a = gexp_gen(cx, DS_TEXT, d - 1);
            if (grng_pct(r, 60)) {
                gexp e = gexp_mk(DS_BIGINT, 1e4, 0, "length(%s)", a.s);
                gexp_free(&a);
                return e;
            }
            gexp b = gexp_gen(cx, DS_TEXT, d - 1);
            gexp e = gexp_mk(DS_BIGINT, 1e4, 0, "instr(%s, %s)", a.s, b.s);
            gexp_free(&a), gexp_free(&b);
            return e;
        } else if (p < 70) { /* CAST */
            static const int from[] = {DS_DOUBLE, DS_BOOLEAN, DS_TEXT};
            int t = from[grng_int(r, 3)];
            gexp a = gexp_gen(cx, t, d - 1);
            double bd = t == DS_BOOLEAN                    ? 1
                        : t == DS_DOUBLE && a.bound < 9e18 ? a.bound
                                                           : UNSAFE;
            gexp e = gexp_mk(DS_BIGINT, bd, 0, "CAST(%s AS BIGINT)", a.s);
            gexp_free(&a);
            return e;
        } else if (p < 80) { /* CASE */
            /* a THEN branch that is not NULL (a CASE of only NULLs is
               covered by cases/group_by_null_type.case) */
            gexp c = gexp_gen(cx, DS_BOOLEAN, d - 1),
                 a = gen_nn(cx, DS_BIGINT, d - 1);
            gexp e;
            if (grng_pct(r, 30)) {
                e = gexp_mk(DS_BIGINT, a.bound, 0, "CASE WHEN %s THEN %s END",
                            c.s, a.s);
            } else {
                gexp b = gexp_gen(cx, DS_BIGINT, d - 1);
                e = gexp_mk(DS_BIGINT, fmax(a.bound, b.bound), 0,
                            "CASE WHEN %s THEN %s ELSE %s END", c.s, a.s, b.s);
                gexp_free(&b);
            }
            gexp_free(&c), gexp_free(&a);
            return e;
        } else if (p < 90) { /* coalesce nullif */
            gexp a = gen_nn(cx, DS_BIGINT, d - 1),
                 b = gexp_gen(cx, DS_BIGINT, d - 1);
            gexp e = gexp_mk(DS_BIGINT, fmax(a.bound, b.bound), 0, "%s(%s, %s)",
                             grng_pct(r, 50) ? "coalesce" : "nullif", a.s, b.s);
            gexp_free(&a), gexp_free(&b);
            return e;
        } else {
            return leaf(cx, DS_BIGINT);
        }
    }
    return literal(cx, DS_BIGINT);
}

/* -------------------------------------------------------------- DOUBLE */

/* A number for a DOUBLE context: a DOUBLE, or a BIGINT that is exact as a
   double (an implicit conversion must not meet a BIGINT beyond 2^53: dstream
   compares in DOUBLE, SQLite exactly); a bigger one is CAST explicitly. */
static gexp numeric(gcx *cx, int d) {
    if (grng_pct(cx->r, 60))
        return gexp_gen(cx, DS_DOUBLE, d);
    gexp a = gexp_gen(cx, DS_BIGINT, d);
    if (a.bound <= EXACT) {
        a.type = DS_DOUBLE;
        a.dbits = 0;
        a.intlike = 1;
        return a;
    }
    gexp e = gexp_mk(DS_DOUBLE, a.bound, -1, "CAST(%s AS DOUBLE)", a.s);
    gexp_free(&a);
    return e;
}

/* Makes a an expression that is a DOUBLE in both engines. */
static void as_double(gexp *a) {
    if (!a->intlike)
        return;
    gexp e = gexp_mk(DS_DOUBLE, a->bound, a->dbits, "CAST(%s AS DOUBLE)", a->s);
    free(a->s);
    *a = e;
}

/* Branches of CASE, coalesce or nullif: when some are BIGINT expressions
   and some DOUBLE, dstream's result is DOUBLE for every row while SQLite
   keeps each value's class (the text of 100 is '100', not '100.0'; 7/2 is
   3): the BIGINT ones are cast. Returns the result's intlike. */
static int branches(gexp *a, gexp *b) {
    if (a->intlike && b->intlike)
        return 1;
    as_double(a);
    as_double(b);
    return 0;
}

static int join_bits(const gexp *a, const gexp *b) {
    return a->dbits < 0 || b->dbits < 0 ? -1
           : a->dbits > b->dbits        ? a->dbits
                                        : b->dbits;
}

static gexp gen_double(gcx *cx, int d) {
    grng *r = cx->r;
    int p = grng_int(r, 100);
    if (p < 30) { /* + - * / % */
        static const char ops[] = "+-*/%";
        char op = ops[grng_int(r, 5)];
        gexp a = numeric(cx, d - 1), b = numeric(cx, d - 1);
        double bd = op == '*' ? a.bound * b.bound : a.bound + b.bound;
        int bits = op == '*' && a.dbits >= 0 && b.dbits >= 0 ? a.dbits + b.dbits
                   : op == '+' || op == '-'                  ? join_bits(&a, &b)
                                                             : -1;
        int intlike = a.intlike && b.intlike;
        if (intlike) { /* integer arithmetic in both engines */
            if (op == '/')
                bd = a.bound;
            else if (op == '%')
                bd = fmin(a.bound, b.bound);
            if (bd > BIG_SAFE) {
                as_double(&a);
                intlike = 0;
            }
        }
        if (!intlike && (op == '/' || op == '%'))
            bd = INFINITY;
        gexp e = gexp_mk(DS_DOUBLE, bd, bits, "(%s %c %s)", a.s, op, b.s);
        e.intlike = intlike;
        gexp_free(&a), gexp_free(&b);
        return e;
    }
    if (p < 42) { /* sqrt ln exp power */
        static const char *fn[] = {"sqrt", "ln", "exp", "power", "pow"};
        int f = grng_int(r, 5);
        gexp a = numeric(cx, d - 1);
        gexp e;
        if (f >= 3) {
            gexp b = numeric(cx, d - 1);
            /* unary minus of 0.0 is +0.0 in both (cases/negate_zero.case) */
            e = gexp_mk(DS_DOUBLE, INFINITY, -1, "%s(%s, %s)", fn[f], a.s, b.s);
            gexp_free(&b);
        } else {
            e = gexp_mk(DS_DOUBLE, INFINITY, -1, "%s(%s)", fn[f], a.s);
        }
        gexp_free(&a);
        return e;
    }
    if (p < 50) { /* round */
        gexp a = numeric(cx, d - 1);
        gexp e = grng_pct(r, 50)
                     ? gexp_mk(DS_DOUBLE, a.bound + 1, -1, "round(%s)", a.s)
                     : gexp_mk(DS_DOUBLE, a.bound + 1, -1, "round(%s, %d)", a.s,
                               grng_int(r, 5));
        gexp_free(&a);
        return e;
    }
    if (p < 60) { /* abs floor ceil - */
        static const char *fn[] = {"abs(%s)", "floor(%s)", "ceil(%s)", "(-%s)"};
        int f = grng_int(r, 4);
        gexp a = gexp_gen(cx, DS_DOUBLE, d - 1);
        int bits = f == 1 || f == 2 ? (a.dbits >= 0 ? 0 : -1) : a.dbits;
        gexp e = gexp_mk(DS_DOUBLE, a.bound + 1, bits, fn[f], a.s);
        e.intlike = a.intlike;
        gexp_free(&a);
        return e;
    }
    if (p < 66) { /* CAST */
        int t = grng_pct(r, 70) ? DS_BIGINT : DS_TEXT;
        gexp a = gexp_gen(cx, t, d - 1);
        gexp e =
            t == DS_BIGINT
                ? gexp_mk(DS_DOUBLE, a.bound, a.bound <= 1e12 ? 0 : -1,
                          "CAST(%s AS DOUBLE)", a.s)
                : gexp_mk(DS_DOUBLE, INFINITY, -1, "CAST(%s AS DOUBLE)", a.s);
        gexp_free(&a);
        return e;
    }
    if (p < 76) { /* CASE */
        gexp c = gexp_gen(cx, DS_BOOLEAN, d - 1);
        gexp a = numeric(cx, d - 1), b = numeric(cx, d - 1);
        if (strcmp(a.s, "NULL") == 0) {
            gexp_free(&a);
            a = gexp_mk(DS_DOUBLE, 0.5, 1, "0.5");
        }
        int intlike = branches(&a, &b);
        gexp e = gexp_mk(DS_DOUBLE, fmax(a.bound, b.bound), join_bits(&a, &b),
                         "CASE WHEN %s THEN %s ELSE %s END", c.s, a.s, b.s);
        e.intlike = intlike;
        gexp_free(&c), gexp_free(&a), gexp_free(&b);
        return e;
    }
    if (p < 84) { /* coalesce nullif */
        gexp a = numeric(cx, d - 1), b = numeric(cx, d - 1);
        if (strcmp(a.s, "NULL") == 0) {
            gexp_free(&a);
            a = gexp_mk(DS_DOUBLE, 0.5, 1, "0.5");
        }
        int intlike = branches(&a, &b);
        gexp e = gexp_mk(DS_DOUBLE, fmax(a.bound, b.bound), join_bits(&a, &b),
                         "%s(%s, %s)", grng_pct(r, 50) ? "coalesce" : "nullif",
                         a.s, b.s);
        e.intlike = intlike;
        gexp_free(&a), gexp_free(&b);
        return e;
    }
    return leaf(cx, DS_DOUBLE);
}

/* ---------------------------------------------------------------- TEXT */

static const char *trim_sets[] = {"' '", "'a'", "'ab'", "'x '", "'é'", "''"};

/* Can x become text the same way in both engines? A BOOLEAN cannot
   ('true' against 1); a DOUBLE can: dstream prints it digit for digit as
   SQLite's printf does (cases/double_to_text.case). */
static int text_safe(const gexp *x) { return x->type != DS_BOOLEAN; }

/* A value for a text function: TEXT, or now and then a number. */
static gexp textish(gcx *cx, int d) {
    if (grng_pct(cx->r, 85))
        return gexp_gen(cx, DS_TEXT, d);
    gexp a = gexp_gen(cx, grng_pct(cx->r, 60) ? DS_BIGINT : DS_DOUBLE, d);
    if (text_safe(&a))
        return a;
    gexp_free(&a);
    return gexp_gen(cx, DS_TEXT, d);
}

static gexp gen_text(gcx *cx, int d) {
    grng *r = cx->r;
    int p = grng_int(r, 100);
    gexp a = textish(cx, d - 1), e;
    if (p < 12) {
        e = gexp_mk(DS_TEXT, 0, 0, "%s(%s)",
                    grng_pct(r, 50) ? "lower" : "upper", a.s);
    } else if (p < 24) {
        static const char *fn[] = {"trim", "ltrim", "rtrim"};
        const char *f = fn[grng_int(r, 3)];
        e = grng_pct(r, 50) ? gexp_mk(DS_TEXT, 0, 0, "%s(%s)", f, a.s)
                            : gexp_mk(DS_TEXT, 0, 0, "%s(%s, %s)", f, a.s,
                                      trim_sets[grng_int(r, 6)]);
    } else if (p < 32) {
        /* SQLite's replace(x, '', y) returns x itself, a number stays a
           number: an empty pattern only on TEXT */
        int k = grng_int(r, 12);
        if (a.type != DS_TEXT && strcmp(text_lits[k], "''") == 0)
            k = 0;
        e = gexp_mk(DS_TEXT, 0, 0, "replace(%s, %s, %s)", a.s, text_lits[k],
                    text_lits[grng_int(r, 12)]);
    } else if (p < 44) {
        static const int st[] = {1, 2, 0, -1, -2, 3, 10};
        int s0 = st[grng_int(r, 7)];
        if (grng_pct(r, 50))
            e = gexp_mk(DS_TEXT, 0, 0, "substr(%s, %d)", a.s, s0);
        else
            e = gexp_mk(DS_TEXT, 0, 0, "substr(%s, %d, %d)", a.s, s0,
                        grng_int(r, 6) - 1);
    } else if (p < 60) {
        gexp b = textish(cx, d - 1);
        e = gexp_mk(DS_TEXT, 0, 0, "(%s || %s)", a.s, b.s);
        gexp_free(&b);
    } else if (p < 66) {
        gexp b = gexp_gen(cx, grng_pct(r, 50) ? DS_BIGINT : DS_DOUBLE, d - 1);
        if (!text_safe(&b)) {
            gexp_free(&b);
            b = gexp_gen(cx, DS_BIGINT, d - 1);
        }
        e = gexp_mk(DS_TEXT, 0, 0, "CAST(%s AS TEXT)", b.s);
        gexp_free(&b);
    } else if (p < 76) {
        gexp c = gexp_gen(cx, DS_BOOLEAN, d - 1),
             b = gen_nn(cx, DS_TEXT, d - 1);
        e = gexp_mk(DS_TEXT, 0, 0, "CASE WHEN %s THEN %s ELSE %s END", c.s,
                    a.type == DS_TEXT ? a.s : "'n'", b.s);
        gexp_free(&c), gexp_free(&b);
    } else if (p < 86 && a.type == DS_TEXT && strcmp(a.s, "NULL") != 0) {
        gexp b = gexp_gen(cx, DS_TEXT, d - 1);
        e = gexp_mk(DS_TEXT, 0, 0, "%s(%s, %s)",
                    grng_pct(r, 50) ? "coalesce" : "nullif", a.s, b.s);
        gexp_free(&b);
    } else {
        e = leaf(cx, DS_TEXT);
    }
    gexp_free(&a);
    return e;
}

/* ------------------------------------------------------------- BOOLEAN */

static const char *like_pats[] = {"'a%'",   "'%b'",   "'_'",   "'%'",
                                  "''",     "'%a%'",  "'A%'",  "'a_'",
                                  "'%!%%'", "'x!_y'", "'%é%'", "'_b%'"};

/* Two operands that dstream can compare. */
static void comparable(gcx *cx, int d, gexp *a, gexp *b) {
    static const int ts[] = {DS_BIGINT,  DS_DOUBLE, DS_TEXT,
                             DS_BOOLEAN, DS_BIGINT, DS_TEXT};
    int t = ts[grng_int(cx->r, 6)];
    if (t == DS_DOUBLE) {
        *a = numeric(cx, d);
        *b = numeric(cx, d);
    } else {
        *a = gexp_gen(cx, t, d);
        *b = gexp_gen(cx, t, d);
    }
}

static gexp gen_bool(gcx *cx, int d) {
    grng *r = cx->r;
    int p = grng_int(r, 100);
    gexp a, b, e;
    if (p < 30) {
        static const char *ops[] = {"=", "<>", "<", "<=", ">", ">=", "!="};
        comparable(cx, d - 1, &a, &b);
        e = gexp_mk(DS_BOOLEAN, 1, 0, "(%s %s %s)", a.s, ops[grng_int(r, 7)],
                    b.s);
        gexp_free(&a), gexp_free(&b);
    } else if (p < 45) {
        a = gexp_gen(cx, DS_BOOLEAN, d - 1);
        b = gexp_gen(cx, DS_BOOLEAN, d - 1);
        e = gexp_mk(DS_BOOLEAN, 1, 0, "(%s %s %s)", a.s,
                    grng_pct(r, 50) ? "AND" : "OR", b.s);
        gexp_free(&a), gexp_free(&b);
    } else if (p < 52) {
        a = gexp_gen(cx, DS_BOOLEAN, d - 1);
        e = gexp_mk(DS_BOOLEAN, 1, 0, "(NOT %s)", a.s);
        gexp_free(&a);
    } else if (p < 62) {
        static const int ts[] = {DS_BIGINT, DS_DOUBLE, DS_TEXT, DS_BOOLEAN};
        a = gexp_gen(cx, ts[grng_int(r, 4)], d - 1);
        e = gexp_mk(DS_BOOLEAN, 1, 0, "(%s IS %sNULL)", a.s,
                    grng_pct(r, 50) ? "NOT " : "");
        gexp_free(&a);
    } else if (p < 70) {
        comparable(cx, d - 1, &a, &b);
        gexp c = a.type == DS_DOUBLE ? numeric(cx, d - 1)
                                     : gexp_gen(cx, a.type, d - 1);
        e = gexp_mk(DS_BOOLEAN, 1, 0, "(%s %sBETWEEN %s AND %s)", a.s,
                    grng_pct(r, 30) ? "NOT " : "", b.s, c.s);
        gexp_free(&a), gexp_free(&b), gexp_free(&c);
    } else if (p < 80) {
        comparable(cx, d - 1, &a, &b);
        obuf l = {0};
        obuf_puts(&l, b.s);
        int n = grng_int(r, 3);
        for (int k = 0; k < n; k++) {
            gexp c =
                a.type == DS_DOUBLE ? numeric(cx, 0) : gexp_gen(cx, a.type, 0);
            obuf_printf(&l, ", %s", c.s);
            gexp_free(&c);
        }
        char *list = obuf_take(&l);
        e = gexp_mk(DS_BOOLEAN, 1, 0, "(%s %sIN (%s))", a.s,
                    grng_pct(r, 30) ? "NOT " : "", list);
        free(list);
        gexp_free(&a), gexp_free(&b);
    } else if (p < 90) {
        a = textish(cx, d - 1);
        int k = grng_int(r, 12);
        e = gexp_mk(DS_BOOLEAN, 1, 0, "(%s %sLIKE %s%s)", a.s,
                    grng_pct(r, 25) ? "NOT " : "", like_pats[k],
                    k >= 8 || grng_pct(r, 10) ? " ESCAPE '!'" : "");
        gexp_free(&a);
    } else {
        e = leaf(cx, DS_BOOLEAN);
    }
    return e;
}

gexp gexp_gen(gcx *cx, int type, int depth) {
    if (depth <= 0 || grng_pct(cx->r, 25))
        return leaf(cx, type);
    switch (type) {
    case DS_BIGINT:
        return gen_bigint(cx, depth);
    case DS_DOUBLE:
        return gen_double(cx, depth);
    case DS_TEXT:
        return gen_text(cx, depth);
    default:
        return gen_bool(cx, depth);
    }
}
