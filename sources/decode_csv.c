/*
** decode_csv.c - the CSV format (RFC 4180) of decode.h: one record into one
** row, field by field, converting each into its column's vector.
**
** A field that starts with a quote is quoted: it ends at the next lone
** quote, "" inside stands for one quote, and delimiters and line breaks
** inside are text. A quote inside an unquoted field is just a character.
** NULL: an unquoted field equal to the null option, or without it an empty
** unquoted field; an empty field of a type other than TEXT is NULL however
** it is written. Numbers may have blanks around them; TEXT is kept as is.
** decode.c splits the input into records and checks them first.
*/
#include "decode.h"

#include <stdio.h>

/* Copies a quoted field's text, "" becoming ", into the arena. */
static const char *copy_text(ds_arena *arena, const char *s, size_t n, int esc,
                             size_t *outn) {
    char *p = ds__arena_alloc(arena, n);
    if (!p)
        return NULL;
    if (!esc) {
        memcpy(p, s, n);
        *outn = n;
        return p;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        p[k++] = s[i];
        if (s[i] == '"')
            i++; /* the second quote of "" */
    }
    *outn = k;
    return p;
}

/* Converts field s[0 .. n) into row `row` of column k. */
static int put_field(ds_decoder *d, ds_chunk *c, int row, int k, const char *s,
                     size_t n, int quoted, int esc, ds_arena *arena, char *why,
                     size_t whylen) {
    ds_vec *v = &c->cols[k];
    int type = v->type;
    if (!quoted &&
        (d->null_copy ? n == d->null_len && memcmp(s, d->null_copy, n) == 0
                      : n == 0)) {
        ds__vec_set_null(v, row);
        return DS_OK;
    }
    if (n == 0 && type != DS_TEXT) {
        ds__vec_set_null(v, row);
        return DS_OK;
    }
    int r = 1;
    switch (type) {
    case DS_TEXT: {
        ds_str *x = &v->v.str[row];
        x->p = "";
        x->n = 0;
        if (n && !(x->p = copy_text(arena, s, n, esc, &x->n)))
            return DS_NOMEM;
        break;
    }
    case DS_BIGINT:
        r = ds__decode_int64(s, n, &v->v.i64[row]);
        break;
    case DS_DOUBLE:
        r = ds__decode_double(s, n, &v->v.f64[row]);
        break;
    case DS_TIMESTAMP:
        r = ds__decode_timestamp(s, n, &v->v.i64[row]);
        break;
    default: {
        int b = 0;
        r = ds__parse_bool(s, n, &b);
        v->v.b[row] = (uint8_t)b;
    }
    }
    if (r <= 0) {
        ds__decode_why_value(why, whylen, d->names[k], type, s, n, 1, r < 0);
        return DS_ERROR;
    }
    ds__vec_set_valid(v, row);
    return DS_OK;
}

static const double pow10s[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

/*
** The common case of a BIGINT or DOUBLE field, parsed while it is scanned:
** an optional minus, up to 15 digits and for DOUBLE a point, up to the
** delimiter. The result is exact (a double from at most 15 digits divided
** by an exact power of ten is rounded once). Returns the end of the field,
** or NULL to leave the field to put_field.
*/
static const char *fast_number(ds_vec *v, int row, const char *p,
                               const char *end, char delim) {
    const char *q = p;
    int neg = q < end && *q == '-' && delim != '-', nd = 0, frac = -1;
    uint64_t m = 0;
    q += neg;
    for (; q < end && *q != delim; q++) {
        unsigned dg = (unsigned)(*q - '0');
        if (dg <= 9) {
            m = m * 10 + dg;
            nd++;
            frac += frac >= 0;
        } else if (*q == '.' && frac < 0 && v->type == DS_DOUBLE) {
            frac = 0;
        } else {
            break;
        }
    }
    if (nd == 0 || nd > 15 || (q < end && *q != delim))
        return NULL;
    if (v->type == DS_BIGINT) {
        v->v.i64[row] = neg ? -(int64_t)m : (int64_t)m;
    } else {
        double x = (double)m;
        if (frac > 0)
            x /= pow10s[frac];
        v->v.f64[row] = neg ? -x : x;
    }
    ds__vec_set_valid(v, row);
    return q;
}

/* A problem of the k-th field, named by its column when there is one. */
static void field_why(const ds_decoder *d, int k, const char *what, char *why,
                      size_t whylen) {
    if (k < d->ncols)
        snprintf(why, whylen, "column %s: %s", d->names[k], what);
    else
        snprintf(why, whylen, "field %d: %s", k + 1, what);
}

int ds__csv_decode(ds_decoder *d, const char *s, size_t n, ds_chunk *c,
                   ds_arena *arena, char *why, size_t whylen) {
    const char *p = s, *end = s + n;
    const char delim = d->o.delimiter;
    int row = c->n, k = 0, failed = 0;
    for (;;) {
        const char *f, *fe;
        int quoted = 0, esc = 0;
        if (p < end && *p == '"') {
            quoted = 1;
            f = ++p;
            for (;;) {
                const char *q = memchr(p, '"', (size_t)(end - p));
                if (!q) {
                    field_why(d, k, "unterminated quoted field", why, whylen);
                    return DS_ERROR;
                }
                if (q + 1 < end && q[1] == '"') {
                    esc = 1;
                    p = q + 2;
                    continue;
                }
                fe = q;
                p = q + 1;
                break;
            }
            if (p < end && *p != delim) {
                field_why(d, k, "text after the closing quote", why, whylen);
                return DS_ERROR;
            }
        } else {
            f = p;
            if (k < d->ncols && !failed &&
                (d->types[k] == DS_BIGINT || d->types[k] == DS_DOUBLE)) {
                const char *q = fast_number(&c->cols[k], row, p, end, delim);
                if (q && !(d->null_copy && (size_t)(q - p) == d->null_len &&
                           memcmp(p, d->null_copy, d->null_len) == 0)) {
                    p = q;
                    goto next;
                }
            }
            while (p < end && *p != delim)
                p++;
            fe = p;
        }
        if (k < d->ncols && !failed) {
            int rc = put_field(d, c, row, k, f, (size_t)(fe - f), quoted, esc,
                               arena, why, whylen);
            if (rc == DS_NOMEM)
                return rc;
            failed = rc != DS_OK; /* go on counting the fields */
        }
    next:
        k++;
        if (p >= end)
            break;
        p++; /* the delimiter */
    }
    if (k != d->ncols) {
        snprintf(why, whylen, "expected %d field%s, got %d", d->ncols,
                 d->ncols == 1 ? "" : "s", k);
        return DS_ERROR;
    }
    return failed ? DS_ERROR : DS_OK;
}
