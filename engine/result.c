/*
** result.c - ds_result: one emission (or one statement's rows) as the
** callback sees it, with column accessors. A result lives on the stack of
** ds__result_deliver and is valid only during the callback.
*/
#include "engine.h"

struct ds_result {
    int query_id;
    const ds_emit *emit;
    const ds_schema *schema;
    const ds_batch *rows;
    const ds_chunk **chunks; /* chunk k holds rows k*DS_CHUNK_ROWS.. */
    ds_arena *text;          /* formatted numbers for ds_result_text */
};

int ds__result_deliver(ds_result_fn cb, void *user, int query_id,
                       const ds_emit *emit, const ds_schema *schema,
                       const ds_batch *rows) {
    int64_t nchunks = (rows->rows + DS_CHUNK_ROWS - 1) / DS_CHUNK_ROWS;
    const ds_chunk *small[16];
    const ds_chunk **chunks =
        nchunks <= 16 ? small : ds_malloc(sizeof(ds_chunk *) * (size_t)nchunks);
    if (!chunks)
        return DS_NOMEM;
    int64_t k = 0;
    for (const ds_chunk *c = rows->head; c && k < nchunks; c = c->next)
        chunks[k++] = c;
    ds_arena text;
    ds__arena_init(&text, 4096);
    ds_result r = {query_id, emit, schema, rows, chunks, &text};
    int rc = cb(user, &r);
    ds__arena_fini(&text);
    if (chunks != small)
        ds_free(chunks);
    return rc;
}

int ds_result_query_id(const ds_result *r) { return r->query_id; }
int64_t ds_result_batch(const ds_result *r) { return r->emit->batch; }
int64_t ds_result_batch_time(const ds_result *r) { return r->emit->batch_time; }
int ds_result_has_window(const ds_result *r) { return r->emit->has_window; }
int64_t ds_result_window_start(const ds_result *r) {
    return r->emit->window_start;
}
int64_t ds_result_window_end(const ds_result *r) { return r->emit->window_end; }
int ds_result_column_count(const ds_result *r) { return r->schema->ncols; }

const char *ds_result_column_name(const ds_result *r, int col) {
    if (col < 0 || col >= r->schema->ncols)
        return NULL;
    return r->schema->cols[col].name;
}

int ds_result_column_type(const ds_result *r, int col) {
    if (col < 0 || col >= r->schema->ncols)
        return DS_NULL;
    return r->schema->cols[col].type;
}

int64_t ds_result_row_count(const ds_result *r) { return r->rows->rows; }

/* The vector and row index of (row, col), or NULL when out of range. */
static const ds_vec *cell(const ds_result *r, int64_t row, int col, int *i) {
    if (row < 0 || row >= r->rows->rows || col < 0 || col >= r->schema->ncols)
        return NULL;
    const ds_chunk *c = r->chunks[row / DS_CHUNK_ROWS];
    *i = (int)(row % DS_CHUNK_ROWS);
    return &c->cols[col];
}

int ds_result_is_null(const ds_result *r, int64_t row, int col) {
    int i;
    const ds_vec *v = cell(r, row, col, &i);
    return !v || !ds__vec_valid(v, i);
}

int64_t ds_result_int64(const ds_result *r, int64_t row, int col) {
    int i;
    const ds_vec *v = cell(r, row, col, &i);
    if (!v || !ds__vec_valid(v, i))
        return 0;
    switch (v->type) {
    case DS_DOUBLE:
        return ds__double_to_int64(v->v.f64[i]);
    case DS_TEXT:
        return ds__text_to_int64(v->v.str[i].p, v->v.str[i].n);
    case DS_BOOLEAN:
        return v->v.b[i];
    default:
        return v->v.i64[i];
    }
}

double ds_result_double(const ds_result *r, int64_t row, int col) {
    int i;
    const ds_vec *v = cell(r, row, col, &i);
    if (!v || !ds__vec_valid(v, i))
        return 0.0;
    switch (v->type) {
    case DS_DOUBLE:
        return v->v.f64[i];
    case DS_TEXT:
        return ds__text_to_double(v->v.str[i].p, v->v.str[i].n);
    case DS_BOOLEAN:
        return v->v.b[i];
    default:
        return (double)v->v.i64[i];
    }
}

const char *ds_result_text(const ds_result *r, int64_t row, int col,
                           size_t *len) {
    int i;
    const ds_vec *v = cell(r, row, col, &i);
    if (!v || !ds__vec_valid(v, i)) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (v->type == DS_TEXT) {
        /* text in a batch is not NUL-terminated: hand out a copy that is */
        ds_str s = v->v.str[i];
        char *p = ds__arena_strndup(r->text, s.p, s.n);
        if (len)
            *len = s.n;
        return p;
    }
    char buf[DS_NUMBUF];
    int n = ds__fmt_value(v->type,
                          v->type == DS_BOOLEAN  ? v->v.b[i]
                          : v->type == DS_DOUBLE ? 0
                                                 : v->v.i64[i],
                          v->type == DS_DOUBLE ? v->v.f64[i] : 0.0, buf);
    if (len)
        *len = (size_t)n;
    return ds__arena_strndup(r->text, buf, (size_t)n);
}
