/*
** functions.c - the function table: every function name the SQL knows,
** whether it is a scalar, an aggregate or not supported yet, how many
** arguments it takes, and the typing rule that turns resolved arguments
** into a typed call node (runtime/expr_func.c evaluates it).
*/
#include "logical.h"

#include <strings.h>

static const ds_fninfo table[] = {
    {"lower", DS_FK_SCALAR, DS_FN_LOWER, 1, 1},
    {"upper", DS_FK_SCALAR, DS_FN_UPPER, 1, 1},
    {"length", DS_FK_SCALAR, DS_FN_LENGTH, 1, 1},
    {"substr", DS_FK_SCALAR, DS_FN_SUBSTR, 2, 3},
    {"substring", DS_FK_SCALAR, DS_FN_SUBSTR, 2, 3},
    {"trim", DS_FK_SCALAR, DS_FN_TRIM, 1, 2},
    {"ltrim", DS_FK_SCALAR, DS_FN_LTRIM, 1, 2},
    {"rtrim", DS_FK_SCALAR, DS_FN_RTRIM, 1, 2},
    {"replace", DS_FK_SCALAR, DS_FN_REPLACE, 3, 3},
    {"instr", DS_FK_SCALAR, DS_FN_INSTR, 2, 2},
    {"coalesce", DS_FK_SCALAR, DS_FN_COALESCE, 1, 64},
    {"ifnull", DS_FK_SCALAR, DS_FN_COALESCE, 2, 2},
    {"nullif", DS_FK_SCALAR, DS_FN_NULLIF, 2, 2},
    {"abs", DS_FK_SCALAR, DS_FN_ABS, 1, 1},
    {"round", DS_FK_SCALAR, DS_FN_ROUND, 1, 2},
    {"floor", DS_FK_SCALAR, DS_FN_FLOOR, 1, 1},
    {"ceil", DS_FK_SCALAR, DS_FN_CEIL, 1, 1},
    {"ceiling", DS_FK_SCALAR, DS_FN_CEIL, 1, 1},
    {"sqrt", DS_FK_SCALAR, DS_FN_SQRT, 1, 1},
    {"power", DS_FK_SCALAR, DS_FN_POWER, 2, 2},
    {"pow", DS_FK_SCALAR, DS_FN_POWER, 2, 2},
    {"ln", DS_FK_SCALAR, DS_FN_LN, 1, 1},
    {"exp", DS_FK_SCALAR, DS_FN_EXP, 1, 1},
    {"sign", DS_FK_SCALAR, DS_FN_SIGN, 1, 1},
    {"to_timestamp", DS_FK_SCALAR, DS_FN_TO_TIMESTAMP, 1, 1},
    {"epoch_ms", DS_FK_SCALAR, DS_FN_EPOCH_MS, 1, 1},
    {"count", DS_FK_AGGREGATE, DS_AGG_COUNT, 0, 1},
    {"sum", DS_FK_AGGREGATE, DS_AGG_SUM, 1, 1},
    {"avg", DS_FK_AGGREGATE, DS_AGG_AVG, 1, 1},
    {"min", DS_FK_AGGREGATE, DS_AGG_MIN, 1, 1},
    {"max", DS_FK_AGGREGATE, DS_AGG_MAX, 1, 1},
    {"split", DS_FK_UNNEST_ONLY, 0, 2, 2},
    {"stddev", DS_FK_LATER, 0, 1, 1},
    {"stddev_samp", DS_FK_LATER, 0, 1, 1},
    {"stddev_pop", DS_FK_LATER, 0, 1, 1},
    {"variance", DS_FK_LATER, 0, 1, 1},
    {"approx_count_distinct", DS_FK_LATER, 0, 1, 1},
    {"percentile_cont", DS_FK_LATER, 0, 1, 2},
    {"top_k", DS_FK_LATER, 0, 2, 2},
};

const ds_fninfo *ds__fn_lookup(const char *name) {
    for (size_t k = 0; k < sizeof table / sizeof table[0]; k++)
        if (strcasecmp(table[k].name, name) == 0)
            return &table[k];
    return NULL;
}

static void free_args(int nargs, ds_expr **args) {
    for (int k = 0; k < nargs; k++)
        ds__expr_free(args[k]);
    ds_free(args);
}

static int numeric(int t) { return t == DS_BIGINT || t == DS_DOUBLE; }

ds_expr *ds__fn_build(ds_binder *b, const ds_fninfo *fi, int off, int nargs,
                      ds_expr **args) {
    ds_fn fn = (ds_fn)fi->fn;
    int type = DS_TEXT;
    const char *bad = NULL; /* what the wrong argument should have been */
    int bad_type = 0;
    for (int k = 0; k < nargs; k++)
        if (!args[k]) {
            free_args(nargs, args);
            return NULL;
        }
    switch (fn) {
    case DS_FN_LOWER:
    case DS_FN_UPPER:
    case DS_FN_TRIM:
    case DS_FN_LTRIM:
    case DS_FN_RTRIM:
    case DS_FN_REPLACE:
        for (int k = 0; k < nargs; k++)
            args[k] = ds__coerce(args[k], DS_TEXT);
        type = DS_TEXT;
        break;
    case DS_FN_LENGTH:
    case DS_FN_INSTR:
        for (int k = 0; k < nargs; k++)
            args[k] = ds__coerce(args[k], DS_TEXT);
        type = DS_BIGINT;
        break;
    case DS_FN_SUBSTR:
        args[0] = ds__coerce(args[0], DS_TEXT);
        for (int k = 1; k < nargs; k++) {
            if (args[k]->type != DS_NULL && !numeric(args[k]->type)) {
                bad = "a number";
                bad_type = args[k]->type;
            }
            args[k] = ds__coerce(args[k], DS_BIGINT);
        }
        type = DS_TEXT;
        break;
    case DS_FN_COALESCE:
    case DS_FN_NULLIF: {
        int t = DS_NULL;
        for (int k = 0; k < nargs && !bad; k++) {
            int a = args[k]->type;
            if (t == DS_NULL || a == DS_NULL || a == t)
                t = t == DS_NULL ? a : t;
            else if (numeric(a) && numeric(t))
                t = DS_DOUBLE;
            else if ((a == DS_TEXT && t == DS_TIMESTAMP) ||
                     (t == DS_TEXT && a == DS_TIMESTAMP))
                t = DS_TIMESTAMP;
            else {
                bad = "arguments of one type";
                bad_type = a;
            }
        }
        if (t == DS_NULL)
            t = DS_TEXT;
        for (int k = 0; k < nargs && !bad; k++)
            args[k] = ds__coerce(args[k], t);
        type = t;
        break;
    }
    case DS_FN_ABS:
    case DS_FN_FLOOR:
    case DS_FN_CEIL:
    case DS_FN_SIGN:
        if (args[0]->type == DS_NULL)
            args[0] = ds__coerce(args[0], DS_BIGINT);
        if (!numeric(args[0]->type)) {
            bad = "a number";
            bad_type = args[0]->type;
        }
        type = fn == DS_FN_SIGN ? DS_BIGINT : args[0]->type;
        break;
    case DS_FN_ROUND:
        if (args[0]->type != DS_NULL && !numeric(args[0]->type)) {
            bad = "a number";
            bad_type = args[0]->type;
        }
        args[0] = ds__coerce(args[0], DS_DOUBLE);
        if (nargs > 1) {
            if (args[1]->type != DS_NULL && !numeric(args[1]->type)) {
                bad = "a number";
                bad_type = args[1]->type;
            }
            args[1] = ds__coerce(args[1], DS_BIGINT);
        }
        type = DS_DOUBLE;
        break;
    case DS_FN_SQRT:
    case DS_FN_POWER:
    case DS_FN_LN:
    case DS_FN_EXP:
    case DS_FN_TO_TIMESTAMP:
        for (int k = 0; k < nargs; k++) {
            if (args[k]->type != DS_NULL && !numeric(args[k]->type)) {
                bad = "a number";
                bad_type = args[k]->type;
            }
            args[k] = ds__coerce(args[k], DS_DOUBLE);
        }
        type = fn == DS_FN_TO_TIMESTAMP ? DS_TIMESTAMP : DS_DOUBLE;
        break;
    case DS_FN_EPOCH_MS:
        if (args[0]->type != DS_NULL && args[0]->type != DS_TIMESTAMP &&
            args[0]->type != DS_TEXT) {
            bad = "a TIMESTAMP";
            bad_type = args[0]->type;
        }
        args[0] = ds__coerce(args[0], DS_TIMESTAMP);
        type = DS_BIGINT;
        break;
    default:
        break;
    }
    for (int k = 0; k < nargs; k++)
        if (!args[k]) {
            free_args(nargs, args);
            return NULL;
        }
    if (bad) {
        free_args(nargs, args);
        if (!b->quiet)
            ds__plan_error(b->pl, off, "%s() needs %s, got %s", fi->name, bad,
                           ds_type_name(bad_type));
        return NULL;
    }
    ds_expr *x = ds__expr_call(fn, type, nargs, args); /* copies args */
    ds_free(args);
    return x;
}
