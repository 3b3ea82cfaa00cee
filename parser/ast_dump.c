/*
** ast_dump.c - the syntax tree as one line of S-expressions, for debugging
** and for the golden tests of the grammar (tests/unit/test_grammar.c).
**
** Dump words are lowercase: (select (items ...) (from ...) (where ...));
** SQL spelled as in SQL is uppercase: operators (AND, IS-NULL, NOT-IN),
** literals (NULL, TRUE) and types (BIGINT). Columns are bare names, quoted
** with "" when they would read as something else; strings keep their SQL
** quotes; durations are microseconds with a "us" suffix. Empty clauses are
** left out, so the dump of a short statement stays short:
**
**     SELECT word, COUNT(*) AS n FROM q GROUP BY word
**     (select (items word (as (call COUNT *) n)) (from (stream q))
**             (group-by word))                       [on one line]
*/
#include "parser/ast.h"

#include <inttypes.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dstream.h"

#define puts_(sb, s) ds__strbuf_puts(sb, s)

/* A name, bare when it is a plain identifier that is not a literal. */
static void put_name(ds_strbuf *sb, const char *s) {
    int plain = s && *s && !(*s >= '0' && *s <= '9') && strcasecmp(s, "null") &&
                strcasecmp(s, "true") && strcasecmp(s, "false");
    for (const char *p = s; plain && *p; p++)
        plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                (*p >= '0' && *p <= '9') || *p == '_';
    if (plain) {
        puts_(sb, s);
        return;
    }
    ds__strbuf_putc(sb, '"');
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == '"')
            ds__strbuf_putc(sb, '"');
        ds__strbuf_putc(sb, *p);
    }
    ds__strbuf_putc(sb, '"');
}

static void put_string(ds_strbuf *sb, const char *s) {
    ds__strbuf_putc(sb, '\'');
    for (const char *p = s ? s : ""; *p; p++) {
        if (*p == '\'')
            ds__strbuf_putc(sb, '\'');
        ds__strbuf_putc(sb, *p);
    }
    ds__strbuf_putc(sb, '\'');
}

/* The shortest text that reads back as d, always with a '.' or exponent
   so that it cannot be taken for an integer. */
static void put_float(ds_strbuf *sb, double d) {
    char buf[64];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    char dp = localeconv()->decimal_point[0];
    for (char *p = buf; *p; p++)
        if (*p == dp)
            *p = '.';
    puts_(sb, buf);
    if (!strpbrk(buf, ".eni")) /* not 1.5, 1e+30, inf, nan */
        puts_(sb, ".0");
}

static const char *op_name(ds_ast_op op) {
    static const char *const names[] = {
        [DS_OP_NEG] = "-",   [DS_OP_PLUS] = "+", [DS_OP_NOT] = "NOT",
        [DS_OP_ADD] = "+",   [DS_OP_SUB] = "-",  [DS_OP_MUL] = "*",
        [DS_OP_DIV] = "/",   [DS_OP_MOD] = "%",  [DS_OP_CONCAT] = "||",
        [DS_OP_EQ] = "=",    [DS_OP_NE] = "<>",  [DS_OP_LT] = "<",
        [DS_OP_LE] = "<=",   [DS_OP_GT] = ">",   [DS_OP_GE] = ">=",
        [DS_OP_AND] = "AND", [DS_OP_OR] = "OR",
    };
    return (unsigned)op < sizeof names / sizeof names[0] ? names[op] : "?";
}

/* " e1 e2 ..." */
static void put_exprs(ds_strbuf *sb, const ds_ast_exprs *l) {
    for (int i = 0; l && i < l->n; i++) {
        ds__strbuf_putc(sb, ' ');
        ds__ast_dump_expr(l->v[i], sb);
    }
}

static void put_qualified(ds_strbuf *sb, const ds_ast_expr *e) {
    if (e->qualifier.s) {
        put_name(sb, e->qualifier.s);
        ds__strbuf_putc(sb, '.');
    }
}

void ds__ast_dump_expr(const ds_ast_expr *e, ds_strbuf *sb) {
    if (!e) {
        puts_(sb, "?");
        return;
    }
    const char *no = e->negated ? "NOT-" : "";
    switch (e->kind) {
    case DS_AE_INT:
        ds__strbuf_printf(sb, "%" PRId64, e->ival);
        break;
    case DS_AE_FLOAT:
        put_float(sb, e->dval);
        break;
    case DS_AE_STRING:
        put_string(sb, e->str);
        break;
    case DS_AE_NULL:
        puts_(sb, "NULL");
        break;
    case DS_AE_BOOL:
        puts_(sb, e->ival ? "TRUE" : "FALSE");
        break;
    case DS_AE_COLUMN:
        put_qualified(sb, e);
        put_name(sb, e->name.s);
        break;
    case DS_AE_STAR:
        put_qualified(sb, e);
        ds__strbuf_putc(sb, '*');
        break;
    case DS_AE_UNARY:
        ds__strbuf_printf(sb, "(%s ", op_name(e->op));
        ds__ast_dump_expr(e->a, sb);
        ds__strbuf_putc(sb, ')');
        break;
    case DS_AE_BINARY:
        ds__strbuf_printf(sb, "(%s ", op_name(e->op));
        ds__ast_dump_expr(e->a, sb);
        ds__strbuf_putc(sb, ' ');
        ds__ast_dump_expr(e->b, sb);
        ds__strbuf_putc(sb, ')');
        break;
    case DS_AE_CALL:
        puts_(sb, "(call ");
        put_name(sb, e->name.s);
        puts_(sb, e->distinct ? " DISTINCT" : "");
        puts_(sb, e->star ? " *" : "");
        put_exprs(sb, e->args);
        ds__strbuf_putc(sb, ')');
        break;
    case DS_AE_CASE:
        puts_(sb, "(CASE");
        if (e->a) {
            ds__strbuf_putc(sb, ' ');
            ds__ast_dump_expr(e->a, sb);
        }
        for (int i = 0; e->args && i + 1 < e->args->n; i += 2) {
            puts_(sb, " (WHEN ");
            ds__ast_dump_expr(e->args->v[i], sb);
            ds__strbuf_putc(sb, ' ');
            ds__ast_dump_expr(e->args->v[i + 1], sb);
            ds__strbuf_putc(sb, ')');
        }
        if (e->b) {
            puts_(sb, " (ELSE ");
            ds__ast_dump_expr(e->b, sb);
            ds__strbuf_putc(sb, ')');
        }
        ds__strbuf_putc(sb, ')');
        break;
    case DS_AE_CAST:
        puts_(sb, "(CAST ");
        ds__ast_dump_expr(e->a, sb);
        ds__strbuf_printf(sb, " %s)", ds_type_name(e->type));
        break;
    case DS_AE_IN:
        ds__strbuf_printf(sb, "(%sIN ", no);
        ds__ast_dump_expr(e->a, sb);
        put_exprs(sb, e->args);
        ds__strbuf_putc(sb, ')');
        break;
    case DS_AE_BETWEEN:
        ds__strbuf_printf(sb, "(%sBETWEEN ", no);
        ds__ast_dump_expr(e->a, sb);
        ds__strbuf_putc(sb, ' ');
        ds__ast_dump_expr(e->b, sb);
        ds__strbuf_putc(sb, ' ');
        ds__ast_dump_expr(e->c, sb);
        ds__strbuf_putc(sb, ')');
        break;
    case DS_AE_LIKE:
        ds__strbuf_printf(sb, "(%sLIKE ", no);
        ds__ast_dump_expr(e->a, sb);
        ds__strbuf_putc(sb, ' ');
        ds__ast_dump_expr(e->b, sb);
        if (e->c) {
            puts_(sb, " (ESCAPE ");
            ds__ast_dump_expr(e->c, sb);
            ds__strbuf_putc(sb, ')');
        }
        ds__strbuf_putc(sb, ')');
        break;
    case DS_AE_ISNULL:
        puts_(sb, e->negated ? "(IS-NOT-NULL " : "(IS-NULL ");
        ds__ast_dump_expr(e->a, sb);
        ds__strbuf_putc(sb, ')');
        break;
    case DS_AE_TYPED_STR:
        ds__strbuf_printf(sb, "(%s ", ds_type_name(e->type));
        put_string(sb, e->str);
        ds__strbuf_putc(sb, ')');
        break;
    }
}

/* ----------------------------------------------------------------- SELECT */

/* " (tag e)" when e is there. */
static void put_clause(ds_strbuf *sb, const char *tag, const ds_ast_expr *e) {
    if (!e)
        return;
    ds__strbuf_printf(sb, " (%s ", tag);
    ds__ast_dump_expr(e, sb);
    ds__strbuf_putc(sb, ')');
}

static void put_from(ds_strbuf *sb, const ds_ast_from *f) {
    static const char *const joins[] = {[DS_JOIN_COMMA] = "",
                                        [DS_JOIN_INNER] = "(join ",
                                        [DS_JOIN_LEFT] = "(left-join ",
                                        [DS_JOIN_CROSS] = "(cross-join "};
    puts_(sb, joins[f->join]);
    if (f->kind == DS_FROM_STREAM) {
        puts_(sb, "(stream ");
        put_name(sb, f->name.s);
    } else {
        puts_(sb, "(unnest ");
        ds__ast_dump_expr(f->expr, sb);
    }
    if (f->alias.s) {
        ds__strbuf_putc(sb, ' ');
        put_name(sb, f->alias.s);
    }
    if (f->columns) {
        puts_(sb, " (");
        for (int i = 0; i < f->columns->n; i++) {
            puts_(sb, i ? " " : "");
            put_name(sb, f->columns->v[i].s);
        }
        ds__strbuf_putc(sb, ')');
    }
    ds__strbuf_putc(sb, ')');
    if (f->on) {
        ds__strbuf_putc(sb, ' ');
        ds__ast_dump_expr(f->on, sb);
    }
    puts_(sb, f->join != DS_JOIN_COMMA ? ")" : "");
}

static void put_window(ds_strbuf *sb, const ds_ast_window *w) {
    static const char *const kinds[] = {
        [DS_WIN_NONE] = "none",       [DS_WIN_TUMBLING] = "tumbling",
        [DS_WIN_SLIDING] = "sliding", [DS_WIN_SESSION] = "session",
        [DS_WIN_COUNT] = "count",     [DS_WIN_UNBOUNDED] = "unbounded"};
    const char *unit = w->kind == DS_WIN_COUNT ? "" : "us";
    ds__strbuf_printf(sb, " (window %s", kinds[w->kind]);
    if (w->kind != DS_WIN_UNBOUNDED)
        ds__strbuf_printf(sb, " (%s %" PRId64 "%s)",
                          w->kind == DS_WIN_SESSION ? "gap" : "size", w->size,
                          unit);
    if (w->slide)
        ds__strbuf_printf(sb, " (slide %" PRId64 "%s)", w->slide, unit);
    if (w->on.s) {
        puts_(sb, " (on ");
        put_name(sb, w->on.s);
        ds__strbuf_putc(sb, ')');
    }
    if (w->watermark >= 0)
        ds__strbuf_printf(sb, " (watermark %" PRId64 "us)", w->watermark);
    if (w->late_into.s) {
        puts_(sb, " (late-into ");
        put_name(sb, w->late_into.s);
        ds__strbuf_putc(sb, ')');
    }
    ds__strbuf_putc(sb, ')');
}

static void put_select(ds_strbuf *sb, const ds_ast_select *s) {
    puts_(sb, s->distinct ? "(select distinct (items" : "(select (items");
    for (int i = 0; s->items && i < s->items->n; i++) {
        const ds_ast_item *it = &s->items->v[i];
        ds__strbuf_putc(sb, ' ');
        puts_(sb, it->alias.s ? "(as " : "");
        ds__ast_dump_expr(it->expr, sb);
        if (it->alias.s) {
            ds__strbuf_putc(sb, ' ');
            put_name(sb, it->alias.s);
            ds__strbuf_putc(sb, ')');
        }
    }
    ds__strbuf_putc(sb, ')');
    if (s->from) {
        puts_(sb, " (from");
        for (int i = 0; i < s->from->n; i++) {
            ds__strbuf_putc(sb, ' ');
            put_from(sb, &s->from->v[i]);
        }
        ds__strbuf_putc(sb, ')');
    }
    if (s->window)
        put_window(sb, s->window);
    if (s->emit != DS_EMIT_DEFAULT)
        puts_(sb,
              s->emit == DS_EMIT_CHANGES ? " (emit changes)" : " (emit final)");
    put_clause(sb, "where", s->where);
    if (s->group_by) {
        puts_(sb, " (group-by");
        put_exprs(sb, s->group_by);
        ds__strbuf_putc(sb, ')');
    }
    put_clause(sb, "having", s->having);
    if (s->order_by) {
        puts_(sb, " (order-by");
        for (int i = 0; i < s->order_by->n; i++) {
            const ds_ast_order *o = &s->order_by->v[i];
            puts_(sb, o->desc ? " (desc " : " (asc ");
            ds__ast_dump_expr(o->expr, sb);
            puts_(sb, o->nulls == 1   ? " nulls-first)"
                      : o->nulls == 2 ? " nulls-last)"
                                      : ")");
        }
        ds__strbuf_putc(sb, ')');
    }
    put_clause(sb, "limit", s->limit);
    put_clause(sb, "offset", s->offset);
    ds__strbuf_putc(sb, ')');
}

/* ------------------------------------------------------------- statements */

static void put_value(ds_strbuf *sb, const ds_ast_expr *v, int is_duration) {
    ds__ast_dump_expr(v, sb);
    puts_(sb, is_duration ? "us" : "");
}

static void put_create_tail(ds_strbuf *sb, const ds_ast_stmt *s) {
    static const char *const formats[] = {[DS_FMT_DEFAULT] = "",
                                          [DS_FMT_TEXT] = " (format text)",
                                          [DS_FMT_CSV] = " (format csv)",
                                          [DS_FMT_JSON] = " (format json)"};
    puts_(sb, formats[s->format]);
    if (s->options) {
        puts_(sb, " (with");
        for (int i = 0; i < s->options->n; i++) {
            const ds_ast_option *o = &s->options->v[i];
            puts_(sb, " (");
            put_name(sb, o->key.s);
            ds__strbuf_putc(sb, ' ');
            put_value(sb, o->value, o->is_duration);
            ds__strbuf_putc(sb, ')');
        }
        ds__strbuf_putc(sb, ')');
    }
}

static void put_create(ds_strbuf *sb, const ds_ast_stmt *s) {
    static const char *const sources[] = {[DS_SRC_NONE] = "",
                                          [DS_SRC_SOCKET] = "socket",
                                          [DS_SRC_SOCKET_LISTEN] =
                                              "socket-listen",
                                          [DS_SRC_FILE] = "file",
                                          [DS_SRC_QUEUE] = "queue",
                                          [DS_SRC_STDIN] = "stdin"};
    static const char *const sinks[] = {[DS_SINK_FILE] = "file",
                                        [DS_SINK_SQLITE] = "sqlite",
                                        [DS_SINK_STDOUT] = "stdout"};
    ds__strbuf_printf(sb, "(create-%s ",
                      s->kind == DS_STMT_CREATE_STREAM  ? "stream"
                      : s->kind == DS_STMT_CREATE_TABLE ? "table"
                                                        : "sink");
    put_name(sb, s->name.s);
    puts_(sb, s->if_not_exists ? " if-not-exists" : "");
    if (s->columns) {
        puts_(sb, " (columns");
        for (int i = 0; i < s->columns->n; i++) {
            puts_(sb, " (");
            put_name(sb, s->columns->v[i].name.s);
            ds__strbuf_printf(sb, " %s)", ds_type_name(s->columns->v[i].type));
        }
        ds__strbuf_putc(sb, ')');
    }
    if (s->kind == DS_STMT_CREATE_SINK) {
        ds__strbuf_printf(sb, " (sink %s", sinks[s->sink]);
    } else if (s->source == DS_SRC_NONE) {
        puts_(sb, " (as ");
        if (s->select)
            put_select(sb, s->select);
        puts_(sb, "))");
        return;
    } else {
        ds__strbuf_printf(sb, " (source %s", sources[s->source]);
    }
    if (s->target.s) {
        ds__strbuf_putc(sb, ' ');
        put_string(sb, s->target.s);
    }
    if (s->table.s) {
        puts_(sb, " (table ");
        put_name(sb, s->table.s);
        ds__strbuf_putc(sb, ')');
    }
    ds__strbuf_putc(sb, ')');
    put_create_tail(sb, s);
    ds__strbuf_putc(sb, ')');
}

void ds__ast_dump_stmt(const ds_ast_stmt *s, ds_strbuf *sb) {
    static const char *const objects[] = {[DS_OBJ_STREAM] = "stream",
                                          [DS_OBJ_TABLE] = "table",
                                          [DS_OBJ_SINK] = "sink"};
    static const char *const shows[] = {
        [DS_SHOW_STREAMS] = "streams", [DS_SHOW_QUERIES] = "queries",
        [DS_SHOW_SINKS] = "sinks",     [DS_SHOW_TABLES] = "tables",
        [DS_SHOW_METRICS] = "metrics", [DS_SHOW_SETTINGS] = "settings"};
    switch (s->kind) {
    case DS_STMT_SELECT:
        put_select(sb, s->select);
        break;
    case DS_STMT_EXPLAIN:
        puts_(sb, "(explain ");
        put_select(sb, s->select);
        ds__strbuf_putc(sb, ')');
        break;
    case DS_STMT_CREATE_STREAM:
    case DS_STMT_CREATE_TABLE:
    case DS_STMT_CREATE_SINK:
        put_create(sb, s);
        break;
    case DS_STMT_INSERT_VALUES:
    case DS_STMT_INSERT_SELECT:
        puts_(sb, "(insert ");
        put_name(sb, s->name.s);
        if (s->select) {
            ds__strbuf_putc(sb, ' ');
            put_select(sb, s->select);
        } else {
            puts_(sb, " (values");
            for (int i = 0; i < s->nrows; i++) {
                puts_(sb, " (");
                for (int j = 0; s->rows[i] && j < s->rows[i]->n; j++) {
                    puts_(sb, j ? " " : "");
                    ds__ast_dump_expr(s->rows[i]->v[j], sb);
                }
                ds__strbuf_putc(sb, ')');
            }
            ds__strbuf_putc(sb, ')');
        }
        ds__strbuf_putc(sb, ')');
        break;
    case DS_STMT_DROP:
        ds__strbuf_printf(sb, "(drop %s ", objects[s->object]);
        put_name(sb, s->name.s);
        puts_(sb, s->if_exists ? " if-exists)" : ")");
        break;
    case DS_STMT_SHOW:
        ds__strbuf_printf(sb, "(show %s)", shows[s->show]);
        break;
    case DS_STMT_DESCRIBE:
        puts_(sb, "(describe ");
        put_name(sb, s->name.s);
        ds__strbuf_putc(sb, ')');
        break;
    case DS_STMT_SET:
        puts_(sb, "(set ");
        put_name(sb, s->name.s);
        ds__strbuf_putc(sb, ' ');
        put_value(sb, s->value, s->value_is_duration);
        ds__strbuf_putc(sb, ')');
        break;
    case DS_STMT_STOP_QUERY:
        ds__strbuf_printf(sb, "(stop-query %" PRId64 ")", s->query_id);
        break;
    }
}
