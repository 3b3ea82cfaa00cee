/*
** planner.c - the planner's entry points (plan.h): runs the passes in
** order, each only while the previous one succeeded, and the helpers every
** pass uses for errors and text. Also plans INSERT ... VALUES rows and
** checks column definitions.
*/
#include "logical.h"

#include <stdio.h>
#include <strings.h>

int ds__name_eq(const char *a, const char *b) { return strcasecmp(a, b) == 0; }

int ds__plan_error(ds_planner *pl, int off, const char *fmt, ...) {
    if (pl->failed)
        return DS_ERROR;
    pl->failed = 1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pl->err->msg, sizeof pl->err->msg, fmt, ap);
    va_end(ap);
    pl->err->off = off;
    return DS_ERROR;
}

const char *ds__plan_text(ds_planner *pl, int off, int len) {
    const char *s =
        ds__arena_strndup(&pl->plan->arena, pl->sql + off, (size_t)len);
    return s ? s : "?";
}

char *ds__plan_strdup(ds_planner *pl, const char *s) {
    return ds__arena_strndup(&pl->plan->arena, s, strlen(s));
}

void ds__plan_free(ds_plan *p) {
    if (!p)
        return;
    ds__pipeline_fini(&p->pipeline);
    ds__arena_fini(&p->arena);
    ds_free(p);
}

/* The visible output columns, from the OUTPUT node. */
static int set_output(ds_planner *pl, const ds_lnode *out) {
    ds_plan *p = pl->plan;
    p->out.ncols = out->nout;
    p->out.cols =
        ds__arena_alloc(&p->arena, sizeof(ds_column) * (size_t)(out->nout + 1));
    if (!p->out.cols)
        return DS_NOMEM;
    for (int k = 0; k < out->nout; k++) {
        p->out.cols[k].name = (char *)out->names[k];
        p->out.cols[k].type = out->types[k];
    }
    return DS_OK;
}

int ds__plan_select(const ds_plan_env *env, const char *sql,
                    const ds_ast_select *sel, ds_plan **out,
                    ds_parse_error *err) {
    *out = NULL;
    ds_plan *p = ds_malloc(sizeof *p);
    if (!p)
        return DS_NOMEM;
    memset(p, 0, sizeof *p);
    ds__arena_init(&p->arena, 16 * 1024);
    ds__pipeline_init(&p->pipeline);
    ds_planner pl = {env, sql, p, err, 0};
    err->off = -1;
    err->msg[0] = 0;
    ds_lnode *root = NULL;
    int rc = ds__plan_logical(&pl, sel, &root);
    if (!rc)
        rc = ds__plan_rewrite(&pl, root);
    if (!rc)
        rc = set_output(&pl, root);
    if (!rc) {
        ds_strbuf sb;
        ds__strbuf_init(&sb);
        ds__plan_explain_logical(p, root, &sb);
        p->logical =
            sb.oom ? NULL
                   : ds__arena_strndup(&p->arena, ds__strbuf_cstr(&sb), sb.len);
        ds__strbuf_fini(&sb);
        if (!p->logical)
            rc = DS_NOMEM;
    }
    if (!rc)
        rc = ds__plan_physical(&pl, root);
    ds__lnode_free(root);
    if (rc) {
        ds__plan_free(p);
        if (rc == DS_ERROR && !pl.failed)
            rc = DS_NOMEM;
        return rc;
    }
    *out = p;
    return DS_OK;
}

int ds__plan_check_columns(const ds_ast_coldefs *cols, ds_parse_error *err) {
    for (int k = 0; cols && k < cols->n; k++) {
        for (int j = 0; j < k; j++) {
            if (ds__name_eq(cols->v[j].name.s, cols->v[k].name.s)) {
                snprintf(err->msg, sizeof err->msg, "duplicate column name: %s",
                         cols->v[k].name.s);
                err->off = cols->v[k].name.off;
                return DS_ERROR;
            }
        }
    }
    return DS_OK;
}

int ds__plan_values(const char *sql, const ds_ast_stmt *stmt,
                    const ds_schema *target, ds_batch **out,
                    ds_parse_error *err) {
    *out = NULL;
    int n = target->ncols;
    int *types = ds_malloc(sizeof(int) * (size_t)(n ? n : 1));
    ds_plan tmp;
    memset(&tmp, 0, sizeof tmp);
    ds__arena_init(&tmp.arena, 4096);
    ds_planner pl = {NULL, sql, &tmp, err, 0};
    ds_batch *b = NULL;
    int rc = DS_OK;
    if (!types) {
        rc = DS_NOMEM;
        goto done;
    }
    for (int k = 0; k < n; k++)
        types[k] = target->cols[k].type;
    b = ds__batch_new(n, types);
    if (!b) {
        rc = DS_NOMEM;
        goto done;
    }
    ds_scope empty = {0, NULL};
    ds_binder bd = {.pl = &pl, .scope = &empty, .clause = "VALUES"};
    for (int r = 0; r < stmt->nrows && !rc; r++) {
        const ds_ast_exprs *row = stmt->rows[r];
        if (row->n != n) {
            rc = ds__plan_error(&pl, row->n ? row->v[0]->off : stmt->off,
                                "%d values for %d columns", row->n, n);
            break;
        }
        ds_chunk *c = ds__batch_tail(b);
        if (!c) {
            rc = DS_NOMEM;
            break;
        }
        for (int k = 0; k < n && !rc; k++) {
            const ds_ast_expr *e = row->v[k];
            ds_expr *x = ds__bind(&bd, e);
            if (!x) {
                rc = pl.failed ? DS_ERROR : DS_NOMEM;
                break;
            }
            int t = x->type;
            int ok = t == DS_NULL || t == types[k] ||
                     (t == DS_BIGINT && types[k] == DS_DOUBLE) ||
                     (t == DS_TEXT && types[k] == DS_TIMESTAMP) ||
                     (t == DS_DOUBLE && types[k] == DS_BIGINT);
            if (!ok) {
                ds__expr_free(x);
                rc = ds__plan_error(&pl, e->off,
                                    "a %s value cannot go into "
                                    "column %s %s",
                                    ds_type_name(t), target->cols[k].name,
                                    ds_type_name(types[k]));
                break;
            }
            x = ds__coerce(x, types[k]);
            ds_value v;
            if (!x) {
                rc = DS_NOMEM;
            } else if (ds__expr_eval_const(x, &b->arena, &v, err->msg,
                                           sizeof err->msg)) {
                rc = ds__plan_error(&pl, e->off, "%s", err->msg);
            } else if (t == DS_TEXT && types[k] == DS_TIMESTAMP &&
                       v.type == DS_NULL) {
                rc = ds__plan_error(&pl, e->off, "invalid TIMESTAMP value");
            } else {
                ds__vec_put(&c->cols[k], c->n, &v);
            }
            ds__expr_free(x);
        }
        if (!rc) {
            c->n++;
            b->rows++;
        }
    }
done:
    ds_free(types);
    ds__arena_fini(&tmp.arena);
    if (rc) {
        ds__batch_free(b);
        return rc;
    }
    *out = b;
    return DS_OK;
}
