/*
** op_unnest.c - UNNEST(split(text, sep)): one output row per piece of each
** input row's text, like DStream's flatMap. The pieces are views into the
** input text (no copy); the input columns the query still needs are carried
** along. split follows PostgreSQL's string_to_array: every piece, empty
** ones included; an empty text gives no row; an empty separator gives the
** whole text as one piece; a NULL text or separator gives no row.
*/
#include "op.h"

typedef struct unnest_op {
    ds_op base;
    ds_expr *text, *sep; /* owned */
    int ncarry;
    int *carry;    /* owned: input column of each carried column */
    ds_chunk *out; /* owned */
} unnest_op;

static int unnest_open(ds_op *op, ds_opctx *ex) {
    (void)ex;
    unnest_op *u = (unnest_op *)op;
    int rc = ds__expr_prepare(u->text);
    if (!rc)
        rc = ds__expr_prepare(u->sep);
    if (rc)
        return rc;
    u->out = ds__chunk_new(op->ncols, op->types);
    return u->out ? DS_OK : DS_NOMEM;
}

/* Appends one output row: the carried values of input row i and piece. */
static int emit_piece(unnest_op *u, ds_opctx *ex, const ds_chunk *in, int i,
                      const char *p, size_t n) {
    ds_chunk *out = u->out;
    int r = out->n;
    for (int k = 0; k < u->ncarry; k++) {
        const ds_vec *s = &in->cols[u->carry[k]];
        ds_vec *d = &out->cols[k];
        switch (ds__type_width(s->type)) {
        case 1:
            d->v.b[r] = s->v.b[i];
            break;
        case 8:
            d->v.i64[r] = s->v.i64[i];
            break;
        default:
            d->v.str[r] = s->v.str[i];
        }
        ds__vec_put_valid(d, r, ds__vec_valid(s, i));
    }
    ds_vec *pv = &out->cols[u->ncarry];
    pv->v.str[r].p = p;
    pv->v.str[r].n = n;
    ds__vec_set_valid(pv, r);
    if (++out->n < DS_CHUNK_ROWS)
        return DS_OK;
    int rc = ds__op_push_next(&u->base, ex, out);
    out->n = 0;
    return rc;
}

static int unnest_push(ds_op *op, ds_opctx *ex, const ds_chunk *in) {
    unnest_op *u = (unnest_op *)op;
    const ds_vec *tv, *sv;
    int rc = ds__expr_eval(u->text, &ex->eval, in, &tv);
    if (!rc)
        rc = ds__expr_eval(u->sep, &ex->eval, in, &sv);
    if (rc)
        return rc;
    for (int i = 0; i < in->n && !rc; i++) {
        if (!ds__vec_valid(tv, i) || !ds__vec_valid(sv, i))
            continue;
        ds_str t = tv->v.str[i], s = sv->v.str[i];
        if (t.n == 0)
            continue;
        if (s.n == 0) {
            rc = emit_piece(u, ex, in, i, t.p, t.n);
            continue;
        }
        const char *p = t.p, *end = t.p + t.n;
        if (s.n == 1) {
            char c = s.p[0];
            for (;;) {
                const char *q = memchr(p, c, (size_t)(end - p));
                if (!q) {
                    rc = emit_piece(u, ex, in, i, p, (size_t)(end - p));
                    break;
                }
                if ((rc = emit_piece(u, ex, in, i, p, (size_t)(q - p))))
                    break;
                p = q + 1;
            }
            continue;
        }
        for (;;) {
            const char *q = (size_t)(end - p) >= s.n
                                ? memmem(p, (size_t)(end - p), s.p, s.n)
                                : NULL;
            if (!q) {
                rc = emit_piece(u, ex, in, i, p, (size_t)(end - p));
                break;
            }
            if ((rc = emit_piece(u, ex, in, i, p, (size_t)(q - p))))
                break;
            p = q + s.n;
        }
    }
    if (rc)
        return rc;
    /* the pieces view this chunk's text; pass them on before it changes */
    if (u->out->n) {
        rc = ds__op_push_next(op, ex, u->out);
        u->out->n = 0;
    }
    return rc;
}

static void unnest_close(ds_op *op) {
    unnest_op *u = (unnest_op *)op;
    ds__expr_free(u->text);
    ds__expr_free(u->sep);
    ds_free(u->carry);
    ds__chunk_free(u->out);
    ds__op_fini(op);
    ds_free(u);
}

static void unnest_explain(const ds_op *op, ds_strbuf *sb) {
    const unnest_op *u = (const unnest_op *)op;
    ds__strbuf_puts(sb, "split(");
    ds__expr_explain(u->text, NULL, sb);
    ds__strbuf_puts(sb, ", ");
    ds__expr_explain(u->sep, NULL, sb);
    ds__strbuf_puts(sb, ")");
    if (u->ncarry) {
        ds__strbuf_puts(sb, " carry");
        for (int k = 0; k < u->ncarry; k++)
            ds__strbuf_printf(sb, " #%d", u->carry[k]);
    }
}

static const ds_op_vtable unnest_vt = {"unnest",
                                       unnest_open,
                                       unnest_push,
                                       ds__op_default_punct,
                                       ds__op_default_advance,
                                       ds__op_default_flush,
                                       unnest_close,
                                       unnest_explain,
                                       NULL};

ds_op *ds__op_unnest_new(ds_expr *text, ds_expr *sep, int ncarry,
                         const int *carry, const int *in_types) {
    unnest_op *u = ds_malloc(sizeof *u);
    int *types = ds_malloc(sizeof(int) * (size_t)(ncarry + 1));
    int *cc = ds_malloc(sizeof(int) * (size_t)(ncarry + 1));
    if (!u || !types || !cc) {
        ds_free(u);
        ds_free(types);
        ds_free(cc);
        ds__expr_free(text);
        ds__expr_free(sep);
        return NULL;
    }
    memset(u, 0, sizeof *u);
    u->text = text;
    u->sep = sep;
    u->ncarry = ncarry;
    u->carry = cc;
    for (int k = 0; k < ncarry; k++) {
        cc[k] = carry[k];
        types[k] = in_types[carry[k]];
    }
    types[ncarry] = DS_TEXT;
    int rc = ds__op_init(&u->base, &unnest_vt, ncarry + 1, types);
    ds_free(types);
    if (rc) {
        unnest_close(&u->base);
        return NULL;
    }
    return &u->base;
}
