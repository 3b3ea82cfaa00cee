/*
** op.c - what every operator shares (op.h): the common fields, the
** default callbacks that pass time and punctuation on, view chunks, the
** pipeline of a query and its exec context.
*/
#include "op.h"

int ds__op_init(ds_op *op, const ds_op_vtable *vt, int ncols,
                const int *types) {
    op->vt = vt;
    op->next = NULL;
    op->ncols = ncols;
    op->names = NULL;
    op->types = ds_malloc(sizeof(int) * (size_t)(ncols ? ncols : 1));
    if (!op->types)
        return DS_NOMEM;
    if (ncols)
        memcpy(op->types, types, sizeof(int) * (size_t)ncols);
    return DS_OK;
}

void ds__op_fini(ds_op *op) {
    ds_free(op->types);
    op->types = NULL;
}

int ds__op_push_next(ds_op *op, ds_opctx *ex, const ds_chunk *c) {
    if (!op->next || c->n == 0)
        return DS_OK;
    return op->next->vt->x_push(op->next, ex, c);
}

int ds__op_default_open(ds_op *op, ds_opctx *ex) {
    (void)op;
    (void)ex;
    return DS_OK;
}

int ds__op_default_punct(ds_op *op, ds_opctx *ex) {
    return op->next ? op->next->vt->x_punct(op->next, ex) : DS_OK;
}

int ds__op_default_advance(ds_op *op, ds_opctx *ex, int64_t time) {
    return op->next ? op->next->vt->x_advance(op->next, ex, time) : DS_OK;
}

int ds__op_default_flush(ds_op *op, ds_opctx *ex) {
    return op->next ? op->next->vt->x_flush(op->next, ex) : DS_OK;
}

void ds__op_default_explain(const ds_op *op, ds_strbuf *sb) {
    (void)op;
    (void)sb;
}

ds_chunk *ds__view_new(int ncols) {
    ds_chunk *c = ds_malloc(sizeof *c);
    if (!c)
        return NULL;
    c->ncols = ncols;
    c->n = 0;
    c->next = NULL;
    c->cols = ds_malloc(sizeof(ds_vec) * (size_t)(ncols ? ncols : 1));
    if (!c->cols) {
        ds_free(c);
        return NULL;
    }
    memset(c->cols, 0, sizeof(ds_vec) * (size_t)(ncols ? ncols : 1));
    return c;
}

void ds__view_free(ds_chunk *c) {
    if (!c)
        return;
    ds_free(c->cols);
    ds_free(c);
}

/* ------------------------------------------------------------ pipeline */

void ds__pipeline_init(ds_pipeline *p) {
    p->nops = 0;
    p->ops = NULL;
}

int ds__pipeline_add(ds_pipeline *p, ds_op *op) {
    if (!op)
        return DS_NOMEM;
    ds_op **ops = ds_realloc(p->ops, sizeof(ds_op *) * (size_t)(p->nops + 1));
    if (!ops) {
        op->vt->x_close(op);
        return DS_NOMEM;
    }
    p->ops = ops;
    if (p->nops)
        p->ops[p->nops - 1]->next = op;
    p->ops[p->nops++] = op;
    return DS_OK;
}

void ds__pipeline_fini(ds_pipeline *p) {
    for (int i = 0; i < p->nops; i++)
        p->ops[i]->vt->x_close(p->ops[i]);
    ds_free(p->ops);
    p->ops = NULL;
    p->nops = 0;
}

int ds__pipeline_open(ds_pipeline *p, ds_opctx *ex) {
    for (int i = 0; i < p->nops; i++) {
        int rc = p->ops[i]->vt->x_open(p->ops[i], ex);
        if (rc)
            return rc;
    }
    return DS_OK;
}

int ds__pipeline_run_batch(ds_pipeline *p, ds_opctx *ex, const ds_batch *in) {
    if (!p->nops)
        return DS_OK;
    ds_op *head = p->ops[0];
    ex->eval.batch_time = ex->batch_time;
    ex->emit.batch = ex->batch;
    ex->emit.batch_time = ex->batch_time;
    ex->emit.has_window = 0;
    int rc = DS_OK;
    for (const ds_chunk *c = in ? in->head : NULL; c && !rc; c = c->next)
        rc = head->vt->x_push(head, ex, c);
    if (!rc)
        rc = head->vt->x_advance(head, ex, ex->batch_time);
    ds__arena_reset(&ex->arena);
    return rc;
}

int ds__pipeline_flush(ds_pipeline *p, ds_opctx *ex) {
    if (!p->nops)
        return DS_OK;
    int rc = p->ops[0]->vt->x_flush(p->ops[0], ex);
    ds__arena_reset(&ex->arena);
    return rc;
}

void ds__pipeline_metrics(const ds_pipeline *p, ds_opctx *ex) {
    ex->metrics.state_rows = 0;
    ex->metrics.state_bytes = 0;
    for (int i = 0; i < p->nops; i++)
        if (p->ops[i]->vt->x_metrics)
            p->ops[i]->vt->x_metrics(p->ops[i], &ex->metrics);
}

void ds__pipeline_explain(const ds_pipeline *p, ds_strbuf *sb) {
    for (int i = 0; i < p->nops; i++) {
        const ds_op *op = p->ops[i];
        ds__strbuf_printf(sb, "  %s%s", i ? "-> " : "", op->vt->name);
        ds_strbuf args;
        ds__strbuf_init(&args);
        op->vt->x_explain(op, &args);
        if (args.len)
            ds__strbuf_printf(sb, "(%s)", ds__strbuf_cstr(&args));
        ds__strbuf_fini(&args);
        ds__strbuf_putc(sb, '\n');
    }
}

void ds__exec_init(ds_opctx *ex) {
    memset(ex, 0, sizeof *ex);
    ds__arena_init(&ex->arena, 64 * 1024);
    ex->eval.arena = &ex->arena;
}

void ds__exec_fini(ds_opctx *ex) { ds__arena_fini(&ex->arena); }

/* -------------------------------------------- aggregating operators */

void *ds__aggop_alloc(size_t size, const ds_op_vtable *vt, size_t def_offset,
                      ds_aggdef *def) {
    char *o = ds_malloc(size);
    int n = def->nkeys + def->naggs;
    int *types = ds_malloc(sizeof(int) * (size_t)(n ? n : 1));
    if (!o || !types) {
        ds_free(o);
        ds_free(types);
        ds__aggdef_fini(def);
        return NULL;
    }
    memset(o, 0, size);
    ds_aggdef *mine = (ds_aggdef *)(o + def_offset);
    *mine = *def;
    memset(def, 0, sizeof *def);
    for (int k = 0; k < n; k++)
        types[k] = ds__aggdef_out_type(mine, k);
    int rc = ds__op_init((ds_op *)o, vt, n, types);
    ds_free(types);
    if (rc) {
        ds__aggdef_fini(mine);
        ds_free(o);
        return NULL;
    }
    return o;
}

int ds__aggop_prepare(ds_op *op, ds_aggdef *def, ds_agginput **ai,
                      ds_chunk **out) {
    int rc = ds__aggdef_prepare(def);
    if (rc)
        return rc;
    *ai = ds_malloc(sizeof **ai);
    *out = ds__chunk_new(op->ncols, op->types);
    return *ai && *out ? DS_OK : DS_NOMEM;
}

void ds__aggop_release(ds_op *op, ds_aggdef *def, ds_agginput *ai,
                       ds_chunk *out) {
    ds__aggdef_fini(def);
    ds_free(ai);
    ds__chunk_free(out);
    ds__op_fini(op);
    ds_free(op);
}

int ds__aggop_push_tab(ds_op *op, ds_opctx *ex, ds_aggtab *t, ds_chunk *out) {
    if (ds__aggtab_ensure_global_if_keyless(t))
        return DS_NOMEM;
    int64_t n = ds__aggtab_groups(t);
    for (int64_t from = 0; from < n; from += DS_CHUNK_ROWS) {
        int count = n - from < DS_CHUNK_ROWS ? (int)(n - from) : DS_CHUNK_ROWS;
        int rc = ds__aggtab_output(t, from, count, out);
        if (!rc)
            rc = ds__op_push_next(op, ex, out);
        if (rc)
            return rc;
    }
    return DS_OK;
}
