/*
** ast.c - the builders of the syntax tree, which the actions of grammar.y
** call (ast_dump.c prints the tree).
**
** Every node lives in the statement arena of the parse (ctx->arena). After
** an allocation failure a builder returns NULL and sets ctx->oom; builders
** return NULL at once while ctx->oom is set, so no one has to check their
** arguments, and driver.c ends the parse with DS_NOMEM. Identifiers and
** strings are decoded here (quotes removed, doubled quotes undone);
** positions are byte offsets into ctx->sql.
*/
#include "parser/ast.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "grammar.h"

/* ---------------------------------------------------------------- helpers */

void ds__parse_error(ds_parse_ctx *ctx, int off, const char *fmt, ...) {
    if (ctx->failed)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->err->msg, sizeof ctx->err->msg, fmt, ap);
    va_end(ap);
    ctx->err->off = off;
    ctx->failed = 1;
}

/* n zeroed bytes of the arena, or NULL with ctx->oom set. */
static void *alloc(ds_parse_ctx *ctx, size_t n) {
    void *p = ctx->oom ? NULL : ds__arena_alloc(ctx->arena, n);
    if (!p) {
        ctx->oom = 1;
        return NULL;
    }
    return memset(p, 0, n);
}

/* The array v of a list with room for one more of n items of size bytes:
   v itself, or a copy twice as large. */
static void *reserve(ds_parse_ctx *ctx, void *v, int n, int *cap, size_t size) {
    if (n < *cap)
        return v;
    int ncap = *cap ? *cap * 2 : 4;
    void *nv = alloc(ctx, (size_t)ncap * size);
    if (!nv)
        return NULL;
    if (n)
        memcpy(nv, v, (size_t)n * size);
    *cap = ncap;
    return nv;
}

static int tok_end(ds_token t) { return t.off + t.n; }
static int expr_end(const ds_ast_expr *e) { return e->off + e->len; }

/* The text of token t, decoded: a '...' string or a "..." or `...`
   identifier loses its quotes and its doubled quotes. */
static char *decode(ds_parse_ctx *ctx, ds_token t) {
    char q = t.n > 1 ? t.z[0] : 0;
    if (q != '\'' && q != '"' && q != '`') {
        char *s = alloc(ctx, (size_t)t.n + 1);
        return s ? memcpy(s, t.z, (size_t)t.n) : NULL;
    }
    char *s = alloc(ctx, (size_t)t.n);
    if (!s)
        return NULL;
    int j = 0;
    for (int i = 1; i < t.n - 1; i++) {
        s[j++] = t.z[i];
        if (t.z[i] == q)
            i++;
    }
    return s;
}

ds_name ds__ast_name(ds_parse_ctx *ctx, ds_token t) {
    ds_name n = {decode(ctx, t), t.off};
    return n;
}

ds_name ds__ast_string(ds_parse_ctx *ctx, ds_token t) {
    return ds__ast_name(ctx, t);
}

/* strtod() of the n bytes at z whatever the locale's decimal point. */
static double to_double(ds_parse_ctx *ctx, const char *z, int n) {
    const char *dp = localeconv()->decimal_point;
    size_t dn = strlen(dp), need = (size_t)n + dn + 1, j = 0;
    char small[128];
    char *buf = small;
    if (need > sizeof small && !(buf = ds_malloc(need))) {
        ctx->oom = 1;
        return 0;
    }
    for (int i = 0; i < n; i++) {
        if (z[i] == '.') {
            memcpy(buf + j, dp, dn);
            j += dn;
        } else {
            buf[j++] = z[i];
        }
    }
    buf[j] = 0;
    double d = strtod(buf, NULL);
    if (buf != small)
        ds_free(buf);
    return d;
}

/* ------------------------------------------------------------ expressions */

ds_ast_expr *ds__ast_expr_new(ds_parse_ctx *ctx, ds_ast_expr_kind kind, int off,
                              int end) {
    ds_ast_expr *e = alloc(ctx, sizeof *e);
    if (!e)
        return NULL;
    e->kind = kind;
    e->off = off;
    e->len = end - off;
    return e;
}

ds_ast_expr *ds__ast_int(ds_parse_ctx *ctx, ds_token t) {
    ds_ast_expr *e = ds__ast_expr_new(ctx, DS_AE_INT, t.off, tok_end(t));
    if (!e)
        return NULL;
    uint64_t v = 0;
    for (int i = 0; i < t.n; i++) {
        unsigned d = (unsigned)(t.z[i] - '0');
        if (v > ((uint64_t)INT64_MAX - d) / 10) {
            /* too big for BIGINT: a DOUBLE, as in SQLite */
            e->kind = DS_AE_FLOAT;
            e->dval = to_double(ctx, t.z, t.n);
            return e;
        }
        v = v * 10 + d;
    }
    e->ival = (int64_t)v;
    return e;
}

ds_ast_expr *ds__ast_float(ds_parse_ctx *ctx, ds_token t) {
    ds_ast_expr *e = ds__ast_expr_new(ctx, DS_AE_FLOAT, t.off, tok_end(t));
    if (e)
        e->dval = to_double(ctx, t.z, t.n);
    return e;
}

ds_ast_expr *ds__ast_str(ds_parse_ctx *ctx, ds_token t) {
    ds_ast_expr *e = ds__ast_expr_new(ctx, DS_AE_STRING, t.off, tok_end(t));
    if (e)
        e->str = decode(ctx, t);
    return e;
}

ds_ast_expr *ds__ast_literal(ds_parse_ctx *ctx, ds_ast_expr_kind kind,
                             ds_token t) {
    ds_ast_expr *e = ds__ast_expr_new(ctx, kind, t.off, tok_end(t));
    if (e && kind == DS_AE_BOOL)
        e->ival = t.z[0] == 't' || t.z[0] == 'T';
    return e;
}

ds_ast_expr *ds__ast_typed_str(ds_parse_ctx *ctx, int type, ds_token kw,
                               ds_token str) {
    ds_ast_expr *e =
        ds__ast_expr_new(ctx, DS_AE_TYPED_STR, kw.off, tok_end(str));
    if (!e)
        return NULL;
    e->type = type;
    e->str = decode(ctx, str);
    return e;
}

ds_ast_expr *ds__ast_column(ds_parse_ctx *ctx, ds_token qualifier,
                            ds_token name) {
    int off = qualifier.n ? qualifier.off : name.off;
    ds_ast_expr *e = ds__ast_expr_new(ctx, DS_AE_COLUMN, off, tok_end(name));
    if (!e)
        return NULL;
    e->name = ds__ast_name(ctx, name);
    if (qualifier.n)
        e->qualifier = ds__ast_name(ctx, qualifier);
    return e;
}

ds_ast_expr *ds__ast_star(ds_parse_ctx *ctx, ds_token qualifier,
                          ds_token star) {
    int off = qualifier.n ? qualifier.off : star.off;
    ds_ast_expr *e = ds__ast_expr_new(ctx, DS_AE_STAR, off, tok_end(star));
    if (e && qualifier.n)
        e->qualifier = ds__ast_name(ctx, qualifier);
    return e;
}

/* Whether e is a number literal as written, without sign or parentheses. */
static int is_bare_number(ds_parse_ctx *ctx, const ds_ast_expr *e) {
    char c = ctx->sql[e->off];
    return (e->kind == DS_AE_INT || e->kind == DS_AE_FLOAT) &&
           ((c >= '0' && c <= '9') || c == '.');
}

/* Whether e is the literal 9223372036854775808, which only fits in a
   BIGINT with a minus before it. */
static int is_int_min_magnitude(ds_parse_ctx *ctx, const ds_ast_expr *e) {
    static const char digits[] = "9223372036854775808";
    const char *z = ctx->sql + e->off;
    int n = e->len;
    if (e->kind != DS_AE_FLOAT)
        return 0;
    while (n > 1 && *z == '0')
        z++, n--;
    return n == (int)sizeof digits - 1 && memcmp(z, digits, (size_t)n) == 0;
}

ds_ast_expr *ds__ast_unary(ds_parse_ctx *ctx, ds_ast_op op, ds_token optok,
                           ds_ast_expr *a) {
    if (ctx->oom)
        return NULL;
    if (op != DS_OP_NOT && is_bare_number(ctx, a)) {
        if (op == DS_OP_NEG && is_int_min_magnitude(ctx, a)) {
            a->kind = DS_AE_INT;
            a->ival = INT64_MIN;
            a->dval = 0;
        } else if (op == DS_OP_NEG && a->kind == DS_AE_INT) {
            a->ival = -a->ival;
        } else if (op == DS_OP_NEG) {
            a->dval = -a->dval;
        }
        a->len = expr_end(a) - optok.off;
        a->off = optok.off;
        return a;
    }
    ds_ast_expr *e = ds__ast_expr_new(ctx, DS_AE_UNARY, optok.off, expr_end(a));
    if (!e)
        return NULL;
    e->op = op;
    e->a = a;
    return e;
}

ds_ast_expr *ds__ast_binary(ds_parse_ctx *ctx, ds_ast_op op, ds_ast_expr *a,
                            ds_ast_expr *b) {
    if (ctx->oom)
        return NULL;
    ds_ast_expr *e = ds__ast_expr_new(ctx, DS_AE_BINARY, a->off, expr_end(b));
    if (!e)
        return NULL;
    e->op = op;
    e->a = a;
    e->b = b;
    return e;
}

ds_ast_expr *ds__ast_call(ds_parse_ctx *ctx, ds_token name, ds_ast_exprs *args,
                          int distinct, int star, ds_token rparen) {
    ds_ast_expr *e =
        ds__ast_expr_new(ctx, DS_AE_CALL, name.off, tok_end(rparen));
    if (!e)
        return NULL;
    e->name = ds__ast_name(ctx, name);
    e->args = args;
    e->distinct = distinct;
    e->star = star;
    return e;
}

ds_ast_expr *ds__ast_case(ds_parse_ctx *ctx, ds_token kw, ds_ast_expr *operand,
                          ds_ast_exprs *arms, ds_ast_expr *els, ds_token end) {
    ds_ast_expr *e = ds__ast_expr_new(ctx, DS_AE_CASE, kw.off, tok_end(end));
    if (!e)
        return NULL;
    e->a = operand;
    e->args = arms;
    e->b = els;
    return e;
}

ds_ast_expr *ds__ast_cast(ds_parse_ctx *ctx, ds_token kw, ds_ast_expr *a,
                          int type, ds_token rparen) {
    ds_ast_expr *e = ds__ast_expr_new(ctx, DS_AE_CAST, kw.off, tok_end(rparen));
    if (!e)
        return NULL;
    e->a = a;
    e->type = type;
    return e;
}

ds_ast_expr *ds__ast_in(ds_parse_ctx *ctx, ds_ast_expr *a, int negated,
                        ds_ast_exprs *list, ds_token rparen) {
    if (ctx->oom)
        return NULL;
    ds_ast_expr *e = ds__ast_expr_new(ctx, DS_AE_IN, a->off, tok_end(rparen));
    if (!e)
        return NULL;
    e->a = a;
    e->negated = negated;
    e->args = list;
    return e;
}

ds_ast_expr *ds__ast_between(ds_parse_ctx *ctx, ds_ast_expr *a, int negated,
                             ds_ast_expr *lo, ds_ast_expr *hi) {
    if (ctx->oom)
        return NULL;
    ds_ast_expr *e = ds__ast_expr_new(ctx, DS_AE_BETWEEN, a->off, expr_end(hi));
    if (!e)
        return NULL;
    e->a = a;
    e->negated = negated;
    e->b = lo;
    e->c = hi;
    return e;
}

ds_ast_expr *ds__ast_like(ds_parse_ctx *ctx, ds_ast_expr *a, int negated,
                          ds_ast_expr *pattern, ds_ast_expr *escape) {
    if (ctx->oom)
        return NULL;
    int end = expr_end(escape ? escape : pattern);
    ds_ast_expr *e = ds__ast_expr_new(ctx, DS_AE_LIKE, a->off, end);
    if (!e)
        return NULL;
    e->a = a;
    e->negated = negated;
    e->b = pattern;
    e->c = escape;
    return e;
}

ds_ast_expr *ds__ast_isnull(ds_parse_ctx *ctx, ds_ast_expr *a, int negated,
                            ds_token last) {
    if (ctx->oom)
        return NULL;
    ds_ast_expr *e = ds__ast_expr_new(ctx, DS_AE_ISNULL, a->off, tok_end(last));
    if (!e)
        return NULL;
    e->a = a;
    e->negated = negated;
    return e;
}

ds_ast_expr *ds__ast_paren(ds_parse_ctx *ctx, ds_token lp, ds_ast_expr *e,
                           ds_token rp) {
    if (ctx->oom)
        return NULL;
    e->off = lp.off;
    e->len = tok_end(rp) - lp.off;
    return e;
}

/* ------------------------------------------------------------------ lists */

ds_ast_exprs *ds__ast_exprs_add(ds_parse_ctx *ctx, ds_ast_exprs *list,
                                ds_ast_expr *e) {
    if (!list && !(list = alloc(ctx, sizeof *list)))
        return NULL;
    ds_ast_expr **v = reserve(ctx, list->v, list->n, &list->cap, sizeof *v);
    if (!v)
        return NULL;
    list->v = v;
    v[list->n++] = e;
    return list;
}

ds_ast_items *ds__ast_items_add(ds_parse_ctx *ctx, ds_ast_items *list,
                                ds_ast_expr *e, ds_name alias) {
    if (!list && !(list = alloc(ctx, sizeof *list)))
        return NULL;
    ds_ast_item *v = reserve(ctx, list->v, list->n, &list->cap, sizeof *v);
    if (!v)
        return NULL;
    list->v = v;
    v[list->n++] = (ds_ast_item){e, alias};
    return list;
}

ds_ast_names *ds__ast_names_add(ds_parse_ctx *ctx, ds_ast_names *list,
                                ds_name n) {
    if (!list && !(list = alloc(ctx, sizeof *list)))
        return NULL;
    ds_name *v = reserve(ctx, list->v, list->n, &list->cap, sizeof *v);
    if (!v)
        return NULL;
    list->v = v;
    v[list->n++] = n;
    return list;
}

ds_ast_froms *ds__ast_froms_add(ds_parse_ctx *ctx, ds_ast_froms *list,
                                const ds_ast_from *f) {
    if (ctx->oom || (!list && !(list = alloc(ctx, sizeof *list))))
        return NULL;
    ds_ast_from *v = reserve(ctx, list->v, list->n, &list->cap, sizeof *v);
    if (!v)
        return NULL;
    list->v = v;
    v[list->n++] = *f;
    return list;
}

ds_ast_orders *ds__ast_orders_add(ds_parse_ctx *ctx, ds_ast_orders *list,
                                  ds_ast_expr *e, int desc, int nulls) {
    if (!list && !(list = alloc(ctx, sizeof *list)))
        return NULL;
    ds_ast_order *v = reserve(ctx, list->v, list->n, &list->cap, sizeof *v);
    if (!v)
        return NULL;
    list->v = v;
    v[list->n++] = (ds_ast_order){e, desc, nulls};
    return list;
}

ds_ast_coldefs *ds__ast_coldefs_add(ds_parse_ctx *ctx, ds_ast_coldefs *list,
                                    ds_name name, int type, int type_off) {
    if (!list && !(list = alloc(ctx, sizeof *list)))
        return NULL;
    ds_ast_coldef *v = reserve(ctx, list->v, list->n, &list->cap, sizeof *v);
    if (!v)
        return NULL;
    list->v = v;
    v[list->n++] = (ds_ast_coldef){name, type, type_off};
    return list;
}

ds_ast_options *ds__ast_options_add(ds_parse_ctx *ctx, ds_ast_options *list,
                                    ds_name key, ds_ast_expr *value,
                                    int is_duration) {
    if (!list && !(list = alloc(ctx, sizeof *list)))
        return NULL;
    ds_ast_option *v = reserve(ctx, list->v, list->n, &list->cap, sizeof *v);
    if (!v)
        return NULL;
    list->v = v;
    v[list->n++] = (ds_ast_option){key, value, is_duration};
    return list;
}

/* ------------------------------------------------------- types and time */

int ds__ast_type(ds_parse_ctx *ctx, ds_token t) {
    static const struct {
        const char *name;
        int type;
    } types[] = {
        {"bigint", DS_BIGINT},  {"int", DS_BIGINT},
        {"integer", DS_BIGINT}, {"double", DS_DOUBLE},
        {"real", DS_DOUBLE},    {"float", DS_DOUBLE},
        {"text", DS_TEXT},      {"varchar", DS_TEXT},
        {"string", DS_TEXT},    {"boolean", DS_BOOLEAN},
        {"bool", DS_BOOLEAN},   {"timestamp", DS_TIMESTAMP},
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strncasecmp(t.z, types[i].name, (size_t)t.n) == 0 &&
            types[i].name[t.n] == 0)
            return types[i].type;
    ds__parse_error(ctx, t.off, "unknown type '%.*s'", t.n, t.z);
    return -1;
}

int64_t ds__ast_duration(ds_parse_ctx *ctx, ds_ast_expr *number,
                         ds_token unit) {
    static const struct {
        const char *name;
        int64_t us;
    } units[] = {
        {"microsecond", 1},         {"millisecond", 1000},
        {"second", 1000000},        {"minute", 60 * 1000000LL},
        {"hour", 3600 * 1000000LL}, {"day", 86400 * 1000000LL},
    };
    if (ctx->oom)
        return 0;
    int64_t mult = 0;
    size_t n = (size_t)unit.n;
    if (n > 1 && (unit.z[n - 1] == 's' || unit.z[n - 1] == 'S'))
        n--; /* SECONDS */
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strncasecmp(unit.z, units[i].name, n) == 0 && units[i].name[n] == 0)
            mult = units[i].us;
    if (!mult) {
        ds__parse_error(ctx, unit.off, "unknown time unit '%.*s'", unit.n,
                        unit.z);
        return 0;
    }
    /* 0x1p63: INT64_MAX + 1, the first double that does not fit */
    int64_t us = 0;
    int is_int = number->kind == DS_AE_INT;
    double d = is_int ? 0 : number->dval * (double)mult;
    int big = is_int ? __builtin_mul_overflow(number->ival, mult, &us)
                     : !(d < 0x1p63);
    if (!is_int && !big)
        us = (int64_t)llround(d);
    if (is_int ? number->ival <= 0 : (!(number->dval > 0) || (!big && us <= 0)))
        ds__parse_error(ctx, number->off, "duration must be positive");
    else if (big)
        ds__parse_error(ctx, number->off, "duration is too large");
    else
        return us;
    return 0;
}

ds_ast_expr *ds__ast_duration_expr(ds_parse_ctx *ctx, ds_ast_expr *number,
                                   ds_token unit) {
    int64_t us = ds__ast_duration(ctx, number, unit);
    if (ctx->oom)
        return NULL;
    number->kind = DS_AE_INT;
    number->ival = us;
    number->dval = 0;
    number->len = tok_end(unit) - number->off;
    return number;
}

/* ------------------------------------------------------------ FROM, WINDOW */

ds_ast_from *ds__ast_from_stream(ds_parse_ctx *ctx, ds_name name,
                                 ds_name alias) {
    ds_ast_from *f = alloc(ctx, sizeof *f);
    if (!f)
        return NULL;
    f->kind = DS_FROM_STREAM;
    f->off = name.off;
    f->name = name;
    f->alias = alias;
    return f;
}

ds_ast_from *ds__ast_from_unnest(ds_parse_ctx *ctx, ds_token kw, ds_ast_expr *e,
                                 ds_name alias, ds_ast_names *columns) {
    ds_ast_from *f = alloc(ctx, sizeof *f);
    if (!f)
        return NULL;
    f->kind = DS_FROM_UNNEST;
    f->off = kw.off;
    f->expr = e;
    f->alias = alias;
    f->columns = columns;
    return f;
}

ds_ast_froms *ds__ast_froms_join(ds_parse_ctx *ctx, ds_ast_froms *list,
                                 ds_ast_join_kind join, ds_ast_from *f,
                                 ds_ast_expr *on) {
    if (ctx->oom)
        return NULL;
    f->join = join;
    f->on = on;
    return ds__ast_froms_add(ctx, list, f);
}

ds_ast_window *ds__ast_window_new(ds_parse_ctx *ctx, ds_window_kind kind,
                                  int off) {
    ds_ast_window *w = alloc(ctx, sizeof *w);
    if (!w)
        return NULL;
    w->kind = kind;
    w->off = off;
    w->watermark = -1;
    return w;
}

/* A row count of a COUNT window: a positive BIGINT. */
static int64_t rows(ds_parse_ctx *ctx, const ds_ast_expr *e) {
    if (e->kind != DS_AE_INT)
        ds__parse_error(ctx, e->off, "row count is too large");
    else if (e->ival <= 0)
        ds__parse_error(ctx, e->off, "row count must be positive");
    return e->kind == DS_AE_INT ? e->ival : 0;
}

ds_ast_window *ds__ast_window(ds_parse_ctx *ctx, ds_window_kind kind,
                              ds_token kw, ds_ast_expr *size,
                              ds_ast_expr *slide) {
    ds_ast_window *w = ds__ast_window_new(ctx, kind, kw.off);
    if (!w)
        return NULL;
    if (size) {
        w->size = kind == DS_WIN_COUNT ? rows(ctx, size) : size->ival;
        w->size_off = size->off;
    }
    if (slide) {
        w->slide = kind == DS_WIN_COUNT ? rows(ctx, slide) : slide->ival;
        w->slide_off = slide->off;
    }
    return w;
}

ds_ast_window *ds__ast_window_on(ds_parse_ctx *ctx, ds_ast_window *w,
                                 ds_name column, ds_ast_expr *watermark,
                                 ds_name late_into) {
    if (ctx->oom)
        return NULL;
    w->on = column;
    if (watermark) {
        w->watermark = watermark->ival;
        w->watermark_off = watermark->off;
    }
    w->late_into = late_into;
    return w;
}

/* ----------------------------------------------------------------- SELECT */

ds_ast_select *ds__ast_select_new(ds_parse_ctx *ctx, int off) {
    ds_ast_select *s = alloc(ctx, sizeof *s);
    if (s)
        s->off = off;
    return s;
}

ds_ast_select *ds__ast_select(ds_parse_ctx *ctx, ds_token kw, int distinct,
                              ds_ast_items *items, ds_ast_froms *from,
                              ds_ast_window *window, ds_ast_choice emit,
                              ds_ast_expr *where, ds_ast_exprs *group_by,
                              ds_ast_expr *having, ds_ast_orders *order_by,
                              ds_ast_limit limit) {
    ds_ast_select *s = ds__ast_select_new(ctx, kw.off);
    if (!s)
        return NULL;
    s->distinct = distinct;
    s->items = items;
    s->from = from;
    s->window = window;
    s->emit = (ds_emit_mode)emit.value;
    s->emit_off = emit.off;
    s->where = where;
    s->group_by = group_by;
    s->having = having;
    s->order_by = order_by;
    s->limit = limit.limit;
    s->offset = limit.offset;
    return s;
}

/* ------------------------------------------------------------- statements */

ds_ast_stmt *ds__ast_stmt_new(ds_parse_ctx *ctx, ds_stmt_kind kind, int off) {
    ds_ast_stmt *s = alloc(ctx, sizeof *s);
    if (!s)
        return NULL;
    s->kind = kind;
    s->off = off;
    return s;
}

void ds__ast_stmt_done(ds_parse_ctx *ctx, ds_ast_stmt *s, int end) {
    if (ctx->oom || ctx->failed) /* a statement with an error is not kept */
        return;
    /* the text ends with the last token before the ';' */
    int i = s->off, last = s->off, type;
    while (i < end) {
        int n = ds__lex(ctx->sql + i, &type);
        if (n == 0)
            break;
        i += n;
        if (type != TK_SPACE)
            last = i;
    }
    s->len = last - s->off;
    ds_ast_stmts *l = ctx->stmts;
    ds_ast_stmt **v = reserve(ctx, l->v, l->n, &l->cap, sizeof *v);
    if (!v)
        return;
    l->v = v;
    v[l->n++] = s;
}

void ds__ast_stmt_add_row(ds_parse_ctx *ctx, ds_ast_stmt *s,
                          ds_ast_exprs *row) {
    if (ctx->oom)
        return;
    ds_ast_exprs **v = reserve(ctx, s->rows, s->nrows, &s->cap_rows, sizeof *v);
    if (!v)
        return;
    s->rows = v;
    v[s->nrows++] = row;
}

ds_ast_stmt *ds__ast_query(ds_parse_ctx *ctx, ds_stmt_kind kind, ds_token kw,
                           ds_ast_select *sel) {
    if (ctx->oom)
        return NULL;
    ds_ast_stmt *s = ds__ast_stmt_new(ctx, kind, kw.n ? kw.off : sel->off);
    if (s)
        s->select = sel;
    return s;
}

ds_ast_stmt *ds__ast_create(ds_parse_ctx *ctx, ds_stmt_kind kind, ds_token kw,
                            int if_not_exists, ds_name name) {
    ds_ast_stmt *s = ds__ast_stmt_new(ctx, kind, kw.off);
    if (!s)
        return NULL;
    s->if_not_exists = if_not_exists;
    s->name = name;
    return s;
}

ds_ast_stmt *ds__ast_create_source(ds_parse_ctx *ctx, ds_ast_stmt *s,
                                   ds_ast_coldefs *columns, ds_ast_source src,
                                   ds_ast_choice format,
                                   ds_ast_options *options) {
    if (ctx->oom)
        return NULL;
    s->columns = columns;
    s->source = src.kind;
    if (src.path.n)
        s->target = ds__ast_string(ctx, src.path);
    s->target_off = src.path.n ? src.path.off : src.off;
    s->format = (ds_format_kind)format.value;
    s->format_off = format.off;
    s->options = options;
    return s;
}

ds_ast_stmt *ds__ast_create_as(ds_parse_ctx *ctx, ds_ast_stmt *s,
                               ds_ast_select *sel) {
    if (ctx->oom)
        return NULL;
    s->source = DS_SRC_NONE;
    s->select = sel;
    return s;
}

ds_ast_stmt *ds__ast_create_sink(ds_parse_ctx *ctx, ds_ast_stmt *s,
                                 ds_sink_kind kind, ds_token path,
                                 ds_name table, ds_ast_choice format,
                                 ds_ast_options *options) {
    if (ctx->oom)
        return NULL;
    s->sink = kind;
    if (path.n) {
        s->target = ds__ast_string(ctx, path);
        s->target_off = path.off;
    }
    s->table = table;
    s->format = (ds_format_kind)format.value;
    s->format_off = format.off;
    s->options = options;
    return s;
}

ds_ast_stmt *ds__ast_insert(ds_parse_ctx *ctx, ds_token kw, ds_name name,
                            ds_ast_exprs *row, ds_ast_select *sel) {
    ds_stmt_kind kind = row ? DS_STMT_INSERT_VALUES : DS_STMT_INSERT_SELECT;
    ds_ast_stmt *s = ds__ast_stmt_new(ctx, kind, kw.off);
    if (!s)
        return NULL;
    s->name = name;
    s->select = sel;
    if (row)
        ds__ast_stmt_add_row(ctx, s, row);
    return s;
}

ds_ast_stmt *ds__ast_drop(ds_parse_ctx *ctx, ds_token kw, ds_object_kind object,
                          int if_exists, ds_name name) {
    ds_ast_stmt *s = ds__ast_stmt_new(ctx, DS_STMT_DROP, kw.off);
    if (!s)
        return NULL;
    s->object = object;
    s->if_exists = if_exists;
    s->name = name;
    return s;
}

ds_ast_stmt *ds__ast_show(ds_parse_ctx *ctx, ds_token kw, ds_show_kind what) {
    ds_ast_stmt *s = ds__ast_stmt_new(ctx, DS_STMT_SHOW, kw.off);
    if (s)
        s->show = what;
    return s;
}

ds_ast_stmt *ds__ast_describe(ds_parse_ctx *ctx, ds_token kw, ds_name name) {
    ds_ast_stmt *s = ds__ast_stmt_new(ctx, DS_STMT_DESCRIBE, kw.off);
    if (s)
        s->name = name;
    return s;
}

ds_ast_stmt *ds__ast_set(ds_parse_ctx *ctx, ds_token kw, ds_name name,
                         ds_ast_expr *value, int is_duration) {
    ds_ast_stmt *s = ds__ast_stmt_new(ctx, DS_STMT_SET, kw.off);
    if (!s)
        return NULL;
    s->name = name;
    s->value = value;
    s->value_is_duration = is_duration;
    return s;
}

ds_ast_stmt *ds__ast_stop_query(ds_parse_ctx *ctx, ds_token kw, ds_token id) {
    ds_ast_expr *n = ds__ast_int(ctx, id);
    ds_ast_stmt *s = ds__ast_stmt_new(ctx, DS_STMT_STOP_QUERY, kw.off);
    if (!s)
        return NULL;
    if (n->kind != DS_AE_INT)
        ds__parse_error(ctx, id.off, "query id is too large");
    s->query_id = n->ival;
    return s;
}
