/*
** expr_explain.c - the printable forms of expression trees for EXPLAIN
** (expr.h): operator names and a deterministic rendering such as
** (lower(line) = 'spark'), with text quoted SQL-style.
*/
#include "expr.h"

const char *ds__expr_op_name(const ds_expr *x) {
    switch (x->kind) {
    case DS_X_COL:
        return "column";
    case DS_X_CONST:
        return "constant";
    case DS_X_BATCH_TIME:
        return "batch_time";
    case DS_X_WINDOW_START:
        return "window_start";
    case DS_X_WINDOW_END:
        return "window_end";
    case DS_X_NEG:
    case DS_X_SUB:
        return "-";
    case DS_X_NOT:
        return "NOT";
    case DS_X_ADD:
        return "+";
    case DS_X_MUL:
        return "*";
    case DS_X_DIV:
        return "/";
    case DS_X_MOD:
        return "%";
    case DS_X_CONCAT:
        return "||";
    case DS_X_EQ:
        return "=";
    case DS_X_NE:
        return "<>";
    case DS_X_LT:
        return "<";
    case DS_X_LE:
        return "<=";
    case DS_X_GT:
        return ">";
    case DS_X_GE:
        return ">=";
    case DS_X_AND:
        return "AND";
    case DS_X_OR:
        return "OR";
    case DS_X_IS_NULL:
        return "IS NULL";
    case DS_X_IS_NOT_NULL:
        return "IS NOT NULL";
    case DS_X_LIKE:
        return "LIKE";
    case DS_X_IN:
        return "IN";
    case DS_X_CASE:
        return "CASE";
    case DS_X_CAST:
        return "CAST";
    case DS_X_CALL:
        return ds__fn_name(x->fn);
    }
    return "?";
}

static void put_quoted(ds_strbuf *sb, ds_str s) {
    ds__strbuf_putc(sb, '\'');
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] == '\'')
            ds__strbuf_putc(sb, '\'');
        ds__strbuf_putc(sb, s.p[i]);
    }
    ds__strbuf_putc(sb, '\'');
}

static void explain_value(const ds_value *v, ds_strbuf *sb) {
    char buf[DS_NUMBUF];
    switch (v->type) {
    case DS_NULL:
        ds__strbuf_puts(sb, "NULL");
        break;
    case DS_TEXT:
        put_quoted(sb, v->u.s);
        break;
    case DS_BOOLEAN:
        ds__strbuf_puts(sb, v->u.i ? "TRUE" : "FALSE");
        break;
    case DS_TIMESTAMP:
        ds__fmt_timestamp(v->u.i, buf);
        ds__strbuf_printf(sb, "TIMESTAMP '%s'", buf);
        break;
    case DS_DOUBLE:
        ds__fmt_double(v->u.d == 0 ? 0.0 : v->u.d, buf);
        ds__strbuf_puts(sb, buf);
        break;
    default:
        ds__fmt_int(v->u.i, buf);
        ds__strbuf_puts(sb, buf);
    }
}

static void explain_args(const ds_expr *x, int from, const char *const *names,
                         ds_strbuf *sb) {
    for (int k = from; k < x->nargs; k++) {
        if (k > from)
            ds__strbuf_puts(sb, ", ");
        ds__expr_explain(x->args[k], names, sb);
    }
}

void ds__expr_explain(const ds_expr *x, const char *const *names,
                      ds_strbuf *sb) {
    switch (x->kind) {
    case DS_X_COL:
        if (names && names[x->col])
            ds__strbuf_puts(sb, names[x->col]);
        else
            ds__strbuf_printf(sb, "#%d", x->col);
        return;
    case DS_X_CONST:
        explain_value(&x->konst, sb);
        return;
    case DS_X_BATCH_TIME:
    case DS_X_WINDOW_START:
    case DS_X_WINDOW_END:
        ds__strbuf_puts(sb, ds__expr_op_name(x));
        return;
    case DS_X_NEG:
    case DS_X_NOT:
        ds__strbuf_printf(sb, "(%s ", ds__expr_op_name(x));
        ds__expr_explain(x->args[0], names, sb);
        ds__strbuf_putc(sb, ')');
        return;
    case DS_X_IS_NULL:
    case DS_X_IS_NOT_NULL:
        ds__strbuf_putc(sb, '(');
        ds__expr_explain(x->args[0], names, sb);
        ds__strbuf_printf(sb, " %s)", ds__expr_op_name(x));
        return;
    case DS_X_LIKE:
        ds__strbuf_putc(sb, '(');
        ds__expr_explain(x->args[0], names, sb);
        ds__strbuf_puts(sb, " LIKE ");
        ds__expr_explain(x->args[1], names, sb);
        if (x->nargs > 2) {
            ds__strbuf_puts(sb, " ESCAPE ");
            ds__expr_explain(x->args[2], names, sb);
        }
        ds__strbuf_putc(sb, ')');
        return;
    case DS_X_IN:
        ds__strbuf_putc(sb, '(');
        ds__expr_explain(x->args[0], names, sb);
        ds__strbuf_puts(sb, " IN (");
        explain_args(x, 1, names, sb);
        ds__strbuf_puts(sb, "))");
        return;
    case DS_X_CASE: {
        int nwhen = (x->nargs - (x->has_else ? 1 : 0)) / 2;
        ds__strbuf_puts(sb, "CASE");
        for (int k = 0; k < nwhen; k++) {
            ds__strbuf_puts(sb, " WHEN ");
            ds__expr_explain(x->args[2 * k], names, sb);
            ds__strbuf_puts(sb, " THEN ");
            ds__expr_explain(x->args[2 * k + 1], names, sb);
        }
        if (x->has_else) {
            ds__strbuf_puts(sb, " ELSE ");
            ds__expr_explain(x->args[x->nargs - 1], names, sb);
        }
        ds__strbuf_puts(sb, " END");
        return;
    }
    case DS_X_CAST:
        ds__strbuf_puts(sb, "CAST(");
        ds__expr_explain(x->args[0], names, sb);
        ds__strbuf_printf(sb, " AS %s)", ds_type_name(x->type));
        return;
    case DS_X_CALL:
        ds__strbuf_printf(sb, "%s(", ds__fn_name(x->fn));
        explain_args(x, 0, names, sb);
        ds__strbuf_putc(sb, ')');
        return;
    default:
        /* the binary operators */
        ds__strbuf_putc(sb, '(');
        ds__expr_explain(x->args[0], names, sb);
        ds__strbuf_printf(sb, " %s ", ds__expr_op_name(x));
        ds__expr_explain(x->args[1], names, sb);
        ds__strbuf_putc(sb, ')');
    }
}
