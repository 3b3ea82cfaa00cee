/*
** op_project.c - computes the select list: one expression per output
** column. The output chunk views the expressions' result vectors (or the
** input's, for plain column references) without copying.
*/
#include "op.h"

typedef struct project_op {
    ds_op base;
    int nexprs;
    ds_expr **exprs; /* owned */
    ds_chunk *view;  /* owned view chunk */
} project_op;

static int project_open(ds_op *op, ds_opctx *ex) {
    (void)ex;
    project_op *p = (project_op *)op;
    for (int k = 0; k < p->nexprs; k++) {
        int rc = ds__expr_prepare(p->exprs[k]);
        if (rc)
            return rc;
    }
    p->view = ds__view_new(p->nexprs);
    return p->view ? DS_OK : DS_NOMEM;
}

static int project_push(ds_op *op, ds_opctx *ex, const ds_chunk *in) {
    project_op *p = (project_op *)op;
    for (int k = 0; k < p->nexprs; k++) {
        const ds_vec *v;
        int rc = ds__expr_eval(p->exprs[k], &ex->eval, in, &v);
        if (rc)
            return rc;
        p->view->cols[k] = *v;
    }
    p->view->n = in->n;
    return ds__op_push_next(op, ex, p->view);
}

static void project_close(ds_op *op) {
    project_op *p = (project_op *)op;
    for (int k = 0; k < p->nexprs; k++)
        ds__expr_free(p->exprs[k]);
    ds_free(p->exprs);
    ds__view_free(p->view);
    ds__op_fini(op);
    ds_free(p);
}

static void project_explain(const ds_op *op, ds_strbuf *sb) {
    const project_op *p = (const project_op *)op;
    for (int k = 0; k < p->nexprs; k++) {
        if (k)
            ds__strbuf_puts(sb, ", ");
        ds__expr_explain(p->exprs[k], NULL, sb);
    }
}

static const ds_op_vtable project_vt = {"project",
                                        project_open,
                                        project_push,
                                        ds__op_default_punct,
                                        ds__op_default_advance,
                                        ds__op_default_flush,
                                        project_close,
                                        project_explain,
                                        NULL};

ds_op *ds__op_project_new(int nexprs, ds_expr **exprs) {
    project_op *p = ds_malloc(sizeof *p);
    int *types = ds_malloc(sizeof(int) * (size_t)(nexprs ? nexprs : 1));
    if (!p || !types) {
        for (int k = 0; k < nexprs; k++)
            ds__expr_free(exprs[k]);
        ds_free(exprs);
        ds_free(p);
        ds_free(types);
        return NULL;
    }
    memset(p, 0, sizeof *p);
    for (int k = 0; k < nexprs; k++)
        types[k] = exprs[k]->type;
    p->nexprs = nexprs;
    p->exprs = exprs;
    int rc = ds__op_init(&p->base, &project_vt, nexprs, types);
    ds_free(types);
    if (rc) {
        project_close(&p->base);
        return NULL;
    }
    return &p->base;
}
