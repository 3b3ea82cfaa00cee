/*
** decode.c - the decoders of decode.h: the TEXT format here; CSV and JSON
** records are parsed field by field into the column vectors.
*/
#include "decode.h"

#include <stdio.h>

struct ds_decoder {
    ds_decode_opts o;
    int ncols;
    int *types; /* owned */
    int at_start; /* no record of the current input seen yet */
};

void ds__decode_opts_init(ds_decode_opts *o) {
    memset(o, 0, sizeof *o);
    o->format = DS_FORMAT_TEXT;
    o->delimiter = ',';
    o->max_line = 1 << 20;
}

ds_decoder *ds__decoder_new(const ds_decode_opts *o, int ncols,
                            const char *const *names, const int *types,
                            char *errmsg, size_t errlen) {
    (void)names;
    if (o->format == DS_FORMAT_TEXT && (ncols != 1 || types[0] != DS_TEXT)) {
        snprintf(errmsg, errlen, "FORMAT TEXT needs exactly one TEXT column "
                 "(each line is one row); use FORMAT CSV or JSON for more");
        return NULL;
    }
    if (o->format != DS_FORMAT_TEXT) {
        snprintf(errmsg, errlen, "not supported yet: FORMAT %s",
                 o->format == DS_FORMAT_CSV ? "CSV" : "JSON");
        return NULL;
    }
    ds_decoder *d = ds_malloc(sizeof *d);
    int *t = ds_malloc(sizeof(int) * (size_t)ncols);
    if (!d || !t) {
        ds_free(d);
        ds_free(t);
        snprintf(errmsg, errlen, "out of memory");
        return NULL;
    }
    d->o = *o;
    d->ncols = ncols;
    memcpy(t, types, sizeof(int) * (size_t)ncols);
    d->types = t;
    d->at_start = 1;
    return d;
}

void ds__decoder_free(ds_decoder *d) {
    if (!d)
        return;
    ds_free(d->types);
    ds_free(d);
}

void ds__decoder_reset(ds_decoder *d) { d->at_start = 1; }

int ds__decode_line(ds_decoder *d, const char *line, size_t n, ds_batch *out,
                    char *why, size_t whylen) {
    if (n > d->o.max_line) {
        snprintf(why, whylen, "line longer than max_line_bytes (%zu)",
                 d->o.max_line);
        return DS_ERROR;
    }
    d->at_start = 0;
    ds_chunk *c = ds__batch_tail(out);
    if (!c)
        return DS_NOMEM;
    char *p = NULL;
    if (n) {
        p = ds__arena_alloc(&out->arena, n);
        if (!p)
            return DS_NOMEM;
        memcpy(p, line, n);
    }
    ds_vec *v = &c->cols[0];
    v->v.str[c->n].p = p ? p : "";
    v->v.str[c->n].n = n;
    ds__vec_set_valid(v, c->n);
    c->n++;
    out->rows++;
    return DS_OK;
}

int ds__decode_text(ds_decoder *d, const char *text, size_t len,
                    ds_batch *out, int64_t *bad) {
    size_t i = 0;
    char why[256];
    while (i < len) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - text) : len;
        size_t n = end - i;
        if (n && text[i + n - 1] == '\r')
            n--;
        int rc = ds__decode_line(d, text + i, n, out, why, sizeof why);
        if (rc == DS_NOMEM)
            return rc;
        if (rc == DS_ERROR)
            (*bad)++;
        i = end + 1;
    }
    return DS_OK;
}
