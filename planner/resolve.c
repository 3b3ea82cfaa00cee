/*
** resolve.c - the binder: resolves the names in a SQL expression against
** the query's scope, fixes every node's type with SQL's implicit
** conversions made explicit (CAST nodes), and builds the typed ds_expr tree
** the runtime evaluates. In an aggregate query the expressions after the
** aggregate are rewritten over its output: aggregate calls become
** references to aggregate columns, and grouped expressions references to
** key columns. Works with functions.c (the function table) and logical.c.
*/
#include "logical.h"

#include <stdio.h>

/* ds__expr_new copies the array of children it is given (and owns the
   children); these arrays are the planner's own, freed here. */
static ds_expr *make(ds_xkind kind, int type, int nargs, ds_expr **args) {
    ds_expr *x = ds__expr_new(kind, type, nargs, args);
    ds_free(args);
    return x;
}

/* ------------------------------------------------------- tree utilities */

int ds__expr_equal(const ds_expr *a, const ds_expr *b) {
    if (a->kind != b->kind || a->type != b->type || a->nargs != b->nargs)
        return 0;
    switch (a->kind) {
    case DS_X_COL:
        if (a->col != b->col)
            return 0;
        break;
    case DS_X_CONST:
        if (a->konst.type != b->konst.type)
            return 0;
        if (a->konst.type == DS_TEXT) {
            if (ds__str_cmp(a->konst.u.s, b->konst.u.s))
                return 0;
        } else if (a->konst.type == DS_DOUBLE) {
            if (a->konst.u.d != b->konst.u.d)
                return 0;
        } else if (a->konst.type != DS_NULL && a->konst.u.i != b->konst.u.i) {
            return 0;
        }
        break;
    case DS_X_CALL:
        if (a->fn != b->fn)
            return 0;
        break;
    case DS_X_CASE:
        if (a->has_else != b->has_else)
            return 0;
        break;
    default:
        break;
    }
    for (int k = 0; k < a->nargs; k++)
        if (!ds__expr_equal(a->args[k], b->args[k]))
            return 0;
    return 1;
}

ds_expr *ds__expr_copy(const ds_expr *x) {
    ds_expr **args = NULL;
    if (x->nargs) {
        args = ds_malloc(sizeof(ds_expr *) * (size_t)x->nargs);
        if (!args)
            return NULL;
        for (int k = 0; k < x->nargs; k++) {
            args[k] = ds__expr_copy(x->args[k]);
            if (!args[k]) {
                while (k--)
                    ds__expr_free(args[k]);
                ds_free(args);
                return NULL;
            }
        }
    }
    ds_expr *c = make(x->kind, x->type, x->nargs, args);
    if (!c)
        return NULL;
    c->col = x->col;
    c->konst = x->konst;
    c->fn = x->fn;
    c->has_else = x->has_else;
    c->label = x->label;
    return c;
}

/* Gives every NULL-typed node of x the type `type` (a NULL literal takes
   the type its context wants). */
static void fix_null(ds_expr *x, int type) {
    if (x->type != DS_NULL)
        return;
    x->type = type;
    if (x->kind == DS_X_CONST)
        return;
    if (x->kind == DS_X_CASE) {
        for (int k = 1; k < x->nargs; k += 2)
            fix_null(x->args[k], type);
        if (x->has_else)
            fix_null(x->args[x->nargs - 1], type);
    } else {
        for (int k = 0; k < x->nargs; k++)
            fix_null(x->args[k], type);
    }
}

ds_expr *ds__coerce(ds_expr *x, int type) {
    if (!x)
        return NULL;
    if (x->type == DS_NULL) {
        fix_null(x, type);
        return x;
    }
    if (x->type == type)
        return x;
    return ds__expr_cast(x, type);
}

static int is_numeric(int t) { return t == DS_BIGINT || t == DS_DOUBLE; }

/* The type two operands of a comparison, IN, CASE or COALESCE meet at, or
   -1 if they cannot. */
static int common_type(int a, int b) {
    if (a == DS_NULL)
        return b;
    if (b == DS_NULL || a == b)
        return a;
    if (is_numeric(a) && is_numeric(b))
        return DS_DOUBLE;
    if ((a == DS_TIMESTAMP && b == DS_TEXT) ||
        (a == DS_TEXT && b == DS_TIMESTAMP))
        return DS_TIMESTAMP;
    if ((a == DS_BOOLEAN && is_numeric(b)) ||
        (b == DS_BOOLEAN && is_numeric(a)))
        return a == DS_BOOLEAN ? b : a;
    return -1;
}

static const char *tname(int t) {
    return t == DS_NULL ? "NULL" : ds_type_name(t);
}

/* ------------------------------------------------------------- binding */

static ds_expr *fail(ds_binder *b, int off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static ds_expr *fail(ds_binder *b, int off, const char *fmt, ...) {
    if (b->quiet)
        return NULL;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ds__plan_error(b->pl, off, "%s", msg);
    return NULL;
}

static ds_expr *labeled(ds_binder *b, ds_expr *x, const ds_ast_expr *e) {
    if (x && !x->label)
        x->label = ds__plan_text(b->pl, e->off, e->len);
    return x;
}

static ds_expr *node2(ds_xkind kind, int type, ds_expr *a, ds_expr *c) {
    if (!a || !c) {
        ds__expr_free(a);
        ds__expr_free(c);
        return NULL;
    }
    ds_expr **args = ds_malloc(sizeof(ds_expr *) * 2);
    if (!args) {
        ds__expr_free(a);
        ds__expr_free(c);
        return NULL;
    }
    args[0] = a;
    args[1] = c;
    return make(kind, type, 2, args);
}

static ds_expr *node1(ds_xkind kind, int type, ds_expr *a) {
    if (!a)
        return NULL;
    ds_expr **args = ds_malloc(sizeof(ds_expr *));
    if (!args) {
        ds__expr_free(a);
        return NULL;
    }
    args[0] = a;
    return make(kind, type, 1, args);
}

static ds_expr *bind_column(ds_binder *b, const ds_ast_expr *e) {
    const char *q = e->qualifier.s, *name = e->name.s;
    int found = -1;
    for (int k = 0; k < b->scope->n; k++) {
        const ds_scope_col *c = &b->scope->cols[k];
        if (!ds__name_eq(c->name, name))
            continue;
        if (q && (!c->qual || !ds__name_eq(c->qual, q)))
            continue;
        if (found >= 0)
            return fail(b, e->off, "ambiguous column name: %s", name);
        found = k;
    }
    if (found >= 0)
        return ds__expr_col(found, b->scope->cols[found].type);
    if (!q && ds__name_eq(name, "batch_time"))
        return ds__expr_new(DS_X_BATCH_TIME, DS_TIMESTAMP, 0, NULL);
    if (!q && (ds__name_eq(name, "window_start") ||
               ds__name_eq(name, "window_end"))) {
        if (!b->has_window)
            return fail(b, e->off,
                        "%s can only be used after a time window "
                        "(TUMBLING, SLIDING, SESSION or UNBOUNDED): in "
                        "SELECT, HAVING or ORDER BY",
                        name);
        return ds__expr_new(ds__name_eq(name, "window_start")
                                ? DS_X_WINDOW_START
                                : DS_X_WINDOW_END,
                            DS_TIMESTAMP, 0, NULL);
    }
    if (q)
        return fail(b, e->off, "no such column: %s.%s", q, name);
    return fail(b, e->off, "no such column: %s", name);
}

static ds_expr *bind_literal(ds_binder *b, const ds_ast_expr *e) {
    ds_value v;
    memset(&v, 0, sizeof v);
    switch (e->kind) {
    case DS_AE_INT:
        v.type = DS_BIGINT;
        v.u.i = e->ival;
        break;
    case DS_AE_FLOAT:
        v.type = DS_DOUBLE;
        v.u.d = e->dval;
        break;
    case DS_AE_STRING: /* the plan outlives the syntax tree */
        v.type = DS_TEXT;
        v.u.s.p = ds__plan_strdup(b->pl, e->str);
        v.u.s.n = strlen(e->str);
        if (!v.u.s.p)
            return NULL;
        break;
    case DS_AE_BOOL:
        v.type = DS_BOOLEAN;
        v.u.i = e->ival != 0;
        break;
    case DS_AE_TYPED_STR:
        if (e->type == DS_TIMESTAMP) {
            v.type = DS_TIMESTAMP;
            if (!ds__parse_timestamp(e->str, strlen(e->str), &v.u.i))
                return fail(b, e->off, "invalid TIMESTAMP literal '%s'",
                            e->str);
            break;
        }
        v.type = DS_TEXT;
        v.u.s.p = ds__plan_strdup(b->pl, e->str);
        v.u.s.n = strlen(e->str);
        return ds__coerce(ds__expr_const(&v, DS_TEXT), e->type);
    default: /* NULL */
        v.type = DS_NULL;
        return ds__expr_const(&v, DS_NULL);
    }
    return ds__expr_const(&v, v.type);
}

static ds_expr *bind_arith(ds_binder *b, const ds_ast_expr *e, ds_expr *l,
                           ds_expr *r) {
    static const char *ops[] = {[DS_OP_ADD] = "+",
                                [DS_OP_SUB] = "-",
                                [DS_OP_MUL] = "*",
                                [DS_OP_DIV] = "/",
                                [DS_OP_MOD] = "%"};
    int lt = l->type, rt = r->type;
    if ((lt != DS_NULL && !is_numeric(lt)) ||
        (rt != DS_NULL && !is_numeric(rt))) {
        ds__expr_free(l);
        ds__expr_free(r);
        return fail(b, e->off, "operator %s cannot be applied to %s and %s",
                    ops[e->op], tname(lt), tname(rt));
    }
    int t = (lt == DS_DOUBLE || rt == DS_DOUBLE) ? DS_DOUBLE : DS_BIGINT;
    static const ds_xkind kinds[] = {[DS_OP_ADD] = DS_X_ADD,
                                     [DS_OP_SUB] = DS_X_SUB,
                                     [DS_OP_MUL] = DS_X_MUL,
                                     [DS_OP_DIV] = DS_X_DIV,
                                     [DS_OP_MOD] = DS_X_MOD};
    return node2(kinds[e->op], t, ds__coerce(l, t), ds__coerce(r, t));
}

static ds_expr *bind_compare(ds_binder *b, int off, ds_xkind kind, ds_expr *l,
                             ds_expr *r) {
    int t = common_type(l->type, r->type);
    if (t < 0) {
        int lt = l->type, rt = r->type;
        ds__expr_free(l);
        ds__expr_free(r);
        return fail(b, off, "cannot compare %s with %s", tname(lt), tname(rt));
    }
    if (t == DS_NULL)
        t = DS_BIGINT;
    return node2(kind, DS_BOOLEAN, ds__coerce(l, t), ds__coerce(r, t));
}

static ds_expr *need_bool(ds_binder *b, int off, const char *what, ds_expr *x) {
    if (!x)
        return NULL;
    if (x->type == DS_BOOLEAN || x->type == DS_NULL)
        return ds__coerce(x, DS_BOOLEAN);
    int t = x->type;
    ds__expr_free(x);
    return fail(b, off, "%s needs a BOOLEAN operand, got %s", what, tname(t));
}

static ds_expr *bind_binary(ds_binder *b, const ds_ast_expr *e) {
    ds_expr *l = ds__bind(b, e->a);
    if (!l)
        return NULL;
    ds_expr *r = ds__bind(b, e->b);
    if (!r) {
        ds__expr_free(l);
        return NULL;
    }
    switch (e->op) {
    case DS_OP_ADD:
    case DS_OP_SUB:
    case DS_OP_MUL:
    case DS_OP_DIV:
    case DS_OP_MOD:
        return bind_arith(b, e, l, r);
    case DS_OP_CONCAT:
        return node2(DS_X_CONCAT, DS_TEXT, ds__coerce(l, DS_TEXT),
                     ds__coerce(r, DS_TEXT));
    case DS_OP_AND:
    case DS_OP_OR: {
        const char *w = e->op == DS_OP_AND ? "AND" : "OR";
        l = need_bool(b, e->a->off, w, l);
        r = need_bool(b, e->b->off, w, r);
        return node2(e->op == DS_OP_AND ? DS_X_AND : DS_X_OR, DS_BOOLEAN, l, r);
    }
    default: {
        static const ds_xkind cmp[] = {
            [DS_OP_EQ] = DS_X_EQ, [DS_OP_NE] = DS_X_NE, [DS_OP_LT] = DS_X_LT,
            [DS_OP_LE] = DS_X_LE, [DS_OP_GT] = DS_X_GT, [DS_OP_GE] = DS_X_GE};
        return bind_compare(b, e->off, cmp[e->op], l, r);
    }
    }
}

static ds_expr *bind_unary(ds_binder *b, const ds_ast_expr *e) {
    ds_expr *a = ds__bind(b, e->a);
    if (!a)
        return NULL;
    if (e->op == DS_OP_NOT)
        return node1(DS_X_NOT, DS_BOOLEAN, need_bool(b, e->a->off, "NOT", a));
    if (a->type == DS_NULL)
        a = ds__coerce(a, DS_BIGINT);
    if (!is_numeric(a->type)) {
        int t = a->type;
        ds__expr_free(a);
        return fail(b, e->off, "unary %s cannot be applied to %s",
                    e->op == DS_OP_NEG ? "-" : "+", tname(t));
    }
    if (e->op == DS_OP_PLUS)
        return a;
    return node1(DS_X_NEG, a->type, a);
}

static ds_expr *bind_between(ds_binder *b, const ds_ast_expr *e) {
    ds_expr *x = ds__bind(b, e->a);
    if (!x)
        return NULL;
    ds_expr *x2 = ds__expr_copy(x);
    ds_expr *lo = ds__bind(b, e->b);
    ds_expr *hi = lo ? ds__bind(b, e->c) : NULL;
    if (!x2 || !lo || !hi) {
        ds__expr_free(x);
        ds__expr_free(x2);
        ds__expr_free(lo);
        return NULL;
    }
    ds_expr *ge = bind_compare(b, e->off, DS_X_GE, x, lo);
    ds_expr *le = ge ? bind_compare(b, e->off, DS_X_LE, x2, hi) : NULL;
    if (!ge || !le) {
        if (!ge) {
            ds__expr_free(x2);
            ds__expr_free(hi);
        }
        ds__expr_free(ge);
        return NULL;
    }
    ds_expr *both = node2(DS_X_AND, DS_BOOLEAN, ge, le);
    return e->negated ? node1(DS_X_NOT, DS_BOOLEAN, both) : both;
}

static ds_expr *bind_in(ds_binder *b, const ds_ast_expr *e) {
    int n = e->args ? e->args->n : 0;
    ds_expr **args = ds_malloc(sizeof(ds_expr *) * (size_t)(n + 1));
    if (!args)
        return NULL;
    int got = 0, t = DS_NULL;
    for (int k = 0; k <= n; k++) {
        const ds_ast_expr *ae = k ? e->args->v[k - 1] : e->a;
        args[k] = ds__bind(b, ae);
        if (!args[k])
            goto fail;
        got++;
        int nt = common_type(t, args[k]->type);
        if (nt < 0) {
            fail(b, ae->off, "IN list item of type %s does not match %s",
                 tname(args[k]->type), tname(t));
            goto fail;
        }
        t = nt;
    }
    if (t == DS_NULL)
        t = DS_BIGINT;
    for (int k = 0; k <= n; k++)
        args[k] = ds__coerce(args[k], t);
    ds_expr *in = make(DS_X_IN, DS_BOOLEAN, n + 1, args);
    return e->negated ? node1(DS_X_NOT, DS_BOOLEAN, in) : in;
fail:
    while (got--)
        ds__expr_free(args[got]);
    ds_free(args);
    return NULL;
}

static ds_expr *bind_like(ds_binder *b, const ds_ast_expr *e) {
    int n = e->c ? 3 : 2;
    ds_expr **args = ds_malloc(sizeof(ds_expr *) * 3);
    if (!args)
        return NULL;
    const ds_ast_expr *src[3] = {e->a, e->b, e->c};
    for (int k = 0; k < n; k++) {
        args[k] = ds__coerce(ds__bind(b, src[k]), DS_TEXT);
        if (!args[k]) {
            while (k--)
                ds__expr_free(args[k]);
            ds_free(args);
            return NULL;
        }
    }
    ds_expr *like = make(DS_X_LIKE, DS_BOOLEAN, n, args);
    return e->negated ? node1(DS_X_NOT, DS_BOOLEAN, like) : like;
}

static ds_expr *bind_case(ds_binder *b, const ds_ast_expr *e) {
    int arms = e->args ? e->args->n / 2 : 0;
    int n = arms * 2 + (e->b ? 1 : 0);
    ds_expr **args = ds_malloc(sizeof(ds_expr *) * (size_t)(n ? n : 1));
    if (!args)
        return NULL;
    int got = 0, t = DS_NULL;
    ds_expr *operand = NULL;
    if (e->a && !(operand = ds__bind(b, e->a)))
        goto fail;
    for (int k = 0; k < arms; k++) {
        const ds_ast_expr *w = e->args->v[2 * k], *th = e->args->v[2 * k + 1];
        ds_expr *cond = ds__bind(b, w);
        if (!cond)
            goto fail;
        if (operand) {
            ds_expr *op2 = ds__expr_copy(operand);
            cond = op2 ? bind_compare(b, w->off, DS_X_EQ, op2, cond) : NULL;
        } else {
            cond = need_bool(b, w->off, "CASE WHEN", cond);
        }
        if (!cond)
            goto fail;
        args[got++] = cond;
        ds_expr *val = ds__bind(b, th);
        if (!val)
            goto fail;
        args[got++] = val;
        int nt = common_type(t, val->type);
        if (nt < 0) {
            fail(b, th->off, "CASE branches have different types: %s and %s",
                 tname(t), tname(val->type));
            goto fail;
        }
        t = nt;
    }
    if (e->b) {
        ds_expr *val = ds__bind(b, e->b);
        if (!val)
            goto fail;
        args[got++] = val;
        int nt = common_type(t, val->type);
        if (nt < 0) {
            fail(b, e->b->off, "CASE branches have different types: %s and %s",
                 tname(t), tname(val->type));
            goto fail;
        }
        t = nt;
    }
    ds__expr_free(operand);
    operand = NULL;
    if (t != DS_NULL) {
        for (int k = 1; k < got; k += 2)
            args[k] = ds__coerce(args[k], t);
        if (e->b)
            args[got - 1] = ds__coerce(args[got - 1], t);
    }
    ds_expr *c = make(DS_X_CASE, t, got, args);
    if (c)
        c->has_else = e->b != NULL;
    return c;
fail:
    ds__expr_free(operand);
    while (got--)
        ds__expr_free(args[got]);
    ds_free(args);
    return NULL;
}

int ds__is_aggregate_call(const ds_ast_expr *e) {
    if (e->kind != DS_AE_CALL)
        return 0;
    const ds_fninfo *fi = ds__fn_lookup(e->name.s);
    if (!fi || fi->kind != DS_FK_AGGREGATE)
        return 0;
    return 1;
}

int ds__has_aggregate(const ds_ast_expr *e) {
    if (!e)
        return 0;
    if (ds__is_aggregate_call(e))
        return 1;
    if (ds__has_aggregate(e->a) || ds__has_aggregate(e->b) ||
        ds__has_aggregate(e->c))
        return 1;
    for (int k = 0; e->args && k < e->args->n; k++)
        if (ds__has_aggregate(e->args->v[k]))
            return 1;
    return 0;
}

/* COUNT/SUM/AVG/MIN/MAX: the argument is bound over the input columns and
   the call becomes a reference to the aggregate's output column. */
static ds_expr *bind_aggregate(ds_binder *b, const ds_ast_expr *e) {
    const ds_fninfo *fi = ds__fn_lookup(e->name.s);
    int nargs = e->args ? e->args->n : 0;
    if (b->in_agg)
        return fail(b, e->off, "aggregate functions cannot be nested");
    if (!b->post)
        return fail(b, e->off, "aggregate functions are not allowed in %s",
                    b->clause);
    ds_aggspec sp;
    memset(&sp, 0, sizeof sp);
    sp.fn = (ds_aggfn)fi->fn;
    sp.label = ds__plan_text(b->pl, e->off, e->len);
    if (e->star) {
        if (sp.fn != DS_AGG_COUNT)
            return fail(b, e->off, "%s(*) is not allowed; only COUNT(*)",
                        fi->name);
        sp.fn = DS_AGG_COUNT_STAR;
        sp.arg_type = DS_NULL;
        sp.result_type = DS_BIGINT;
    } else {
        if (nargs != 1)
            return fail(b, e->off,
                        "wrong number of arguments to function "
                        "%s()",
                        fi->name);
        if (e->distinct && (sp.fn == DS_AGG_SUM || sp.fn == DS_AGG_AVG))
            return fail(b, e->off, "not supported yet: %s(DISTINCT ...)",
                        fi->name);
        if (e->distinct && sp.fn == DS_AGG_COUNT)
            sp.fn = DS_AGG_COUNT_DISTINCT;
        ds_binder sub = *b;
        sub.post = 0;
        sub.in_agg = 1;
        sub.has_window = 0;
        sub.clause = "an aggregate's argument";
        sp.arg = ds__bind(&sub, e->args->v[0]);
        if (!sp.arg)
            return NULL;
        int t = sp.arg->type;
        if (sp.fn == DS_AGG_SUM || sp.fn == DS_AGG_AVG) {
            if (t == DS_NULL)
                sp.arg = ds__coerce(sp.arg, t = DS_BIGINT);
            if (!is_numeric(t)) {
                ds__expr_free(sp.arg);
                return fail(b, e->off, "%s() needs a number, got %s", fi->name,
                            tname(t));
            }
        } else if (t == DS_NULL) {
            sp.arg = ds__coerce(sp.arg, t = DS_BIGINT);
        }
        sp.arg_type = t;
        sp.result_type =
            sp.fn == DS_AGG_AVG ? DS_DOUBLE
            : (sp.fn == DS_AGG_COUNT || sp.fn == DS_AGG_COUNT_DISTINCT)
                ? DS_BIGINT
                : t;
    }
    ds_aggdef *def = b->agg;
    for (int k = 0; k < def->naggs; k++) {
        const ds_aggspec *o = &def->aggs[k];
        if (o->fn == sp.fn &&
            ((!o->arg && !sp.arg) ||
             (o->arg && sp.arg && ds__expr_equal(o->arg, sp.arg)))) {
            ds__expr_free(sp.arg);
            return ds__expr_col(def->nkeys + k, o->result_type);
        }
    }
    if (def->naggs == b->agg_cap) {
        int cap = b->agg_cap ? b->agg_cap * 2 : 8;
        ds_aggspec *na =
            ds_realloc(def->aggs, sizeof(ds_aggspec) * (size_t)cap);
        if (!na) {
            ds__expr_free(sp.arg);
            return NULL;
        }
        def->aggs = na;
        b->agg_cap = cap;
    }
    def->aggs[def->naggs++] = sp;
    return ds__expr_col(def->nkeys + def->naggs - 1, sp.result_type);
}

static ds_expr *bind_call(ds_binder *b, const ds_ast_expr *e) {
    const ds_fninfo *fi = ds__fn_lookup(e->name.s);
    int nargs = e->args ? e->args->n : 0;
    if (!fi)
        return fail(b, e->name.off, "no such function: %s", e->name.s);
    if (fi->kind == DS_FK_AGGREGATE)
        return bind_aggregate(b, e);
    if (fi->kind == DS_FK_LATER)
        return fail(b, e->off, "not supported yet: %s()", fi->name);
    if (fi->kind == DS_FK_UNNEST_ONLY)
        return fail(b, e->off,
                    "%s() returns an array and can only be used "
                    "in UNNEST(...) in FROM",
                    fi->name);
    if (e->star || e->distinct)
        return fail(b, e->off,
                    "%s in a call of %s(), which is not an "
                    "aggregate",
                    e->star ? "*" : "DISTINCT", fi->name);
    if (nargs < fi->min_args || nargs > fi->max_args)
        return fail(b, e->off, "wrong number of arguments to function %s()",
                    fi->name);
    ds_expr **args = ds_malloc(sizeof(ds_expr *) * (size_t)(nargs ? nargs : 1));
    if (!args)
        return NULL;
    for (int k = 0; k < nargs; k++) {
        args[k] = ds__bind(b, e->args->v[k]);
        if (!args[k]) {
            while (k--)
                ds__expr_free(args[k]);
            ds_free(args);
            return NULL;
        }
    }
    return ds__fn_build(b, fi, e->off, nargs, args);
}

/* In an aggregate query: the key column e is, or -1. */
static int match_key(ds_binder *b, const ds_ast_expr *e) {
    if (!b->agg->nkeys)
        return -1;
    ds_binder sub = *b;
    sub.post = 0;
    sub.quiet = 1;
    sub.has_window = 0;
    ds_expr *x = ds__bind(&sub, e);
    if (!x)
        return -1;
    if (x->type == DS_NULL) /* as the keys were: a NULL is a BIGINT key */
        x = ds__coerce(x, DS_BIGINT);
    int found = -1;
    for (int k = 0; k < b->agg->nkeys && found < 0; k++)
        if (ds__expr_equal(x, b->agg->keys[k]))
            found = k;
    ds__expr_free(x);
    return found;
}

static int is_time_name(const ds_ast_expr *e) {
    return e->kind == DS_AE_COLUMN && !e->qualifier.s &&
           (ds__name_eq(e->name.s, "batch_time") ||
            ds__name_eq(e->name.s, "window_start") ||
            ds__name_eq(e->name.s, "window_end"));
}

/* The expression of the select-list alias that e names, if e is not an
   input column; NULL if none. */
static const ds_ast_expr *alias_of(const ds_binder *b, const ds_ast_expr *e) {
    if (e->kind != DS_AE_COLUMN || e->qualifier.s || b->in_alias)
        return NULL;
    for (int k = 0; k < b->scope->n; k++)
        if (ds__name_eq(b->scope->cols[k].name, e->name.s))
            return NULL;
    for (int k = 0; k < b->naliases; k++)
        if (ds__name_eq(b->alias_names[k], e->name.s))
            return b->alias_exprs[k];
    return NULL;
}

ds_expr *ds__bind(ds_binder *b, const ds_ast_expr *e) {
    const ds_ast_expr *aliased = alias_of(b, e);
    if (aliased) {
        b->in_alias = 1;
        ds_expr *x = ds__bind(b, aliased);
        b->in_alias = 0;
        return x;
    }
    if (b->post && !b->in_agg && e->kind != DS_AE_CALL) {
        int k = match_key(b, e);
        if (k >= 0)
            return ds__expr_col(k, b->agg->key_types[k]);
        if (e->kind == DS_AE_COLUMN && !is_time_name(e))
            return fail(b, e->off,
                        "column '%s' must appear in the GROUP BY "
                        "clause or be used in an aggregate function",
                        e->name.s);
    } else if (b->post && !b->in_agg && !ds__is_aggregate_call(e)) {
        int k = match_key(b, e);
        if (k >= 0)
            return ds__expr_col(k, b->agg->key_types[k]);
    }
    ds_expr *x = NULL;
    switch (e->kind) {
    case DS_AE_INT:
    case DS_AE_FLOAT:
    case DS_AE_STRING:
    case DS_AE_NULL:
    case DS_AE_BOOL:
    case DS_AE_TYPED_STR:
        x = bind_literal(b, e);
        break;
    case DS_AE_COLUMN:
        if (b->post && !b->in_agg) { /* a time value after the aggregate */
            ds_binder sub = *b;
            sub.post = 0;
            x = bind_column(&sub, e);
            if (x && x->kind == DS_X_COL) {
                ds__expr_free(x);
                x = fail(b, e->off,
                         "column '%s' must appear in the GROUP "
                         "BY clause or be used in an aggregate function",
                         e->name.s);
            }
        } else {
            x = bind_column(b, e);
        }
        break;
    case DS_AE_STAR:
        return fail(b, e->off,
                    "* can only be used in the select list or in "
                    "COUNT(*)");
    case DS_AE_UNARY:
        x = bind_unary(b, e);
        break;
    case DS_AE_BINARY:
        x = bind_binary(b, e);
        break;
    case DS_AE_CALL:
        x = bind_call(b, e);
        break;
    case DS_AE_CASE:
        x = bind_case(b, e);
        break;
    case DS_AE_CAST: {
        ds_expr *a = ds__bind(b, e->a);
        x = a ? ds__coerce(a, e->type) : NULL;
        break;
    }
    case DS_AE_IN:
        x = bind_in(b, e);
        break;
    case DS_AE_BETWEEN:
        x = bind_between(b, e);
        break;
    case DS_AE_LIKE:
        x = bind_like(b, e);
        break;
    case DS_AE_ISNULL: {
        ds_expr *a = ds__bind(b, e->a);
        if (a && a->type == DS_NULL)
            a = ds__coerce(a, DS_BIGINT);
        x = node1(e->negated ? DS_X_IS_NOT_NULL : DS_X_IS_NULL, DS_BOOLEAN, a);
        break;
    }
    }
    return labeled(b, x, e);
}

ds_expr *ds__bind_condition(ds_binder *b, const ds_ast_expr *e) {
    ds_expr *x = ds__bind(b, e);
    if (!x)
        return NULL;
    if (x->type == DS_BOOLEAN || x->type == DS_NULL)
        return ds__coerce(x, DS_BOOLEAN);
    int t = x->type;
    ds__expr_free(x);
    return fail(b, e->off, "%s needs a BOOLEAN condition, got %s", b->clause,
                tname(t));
}
