/*
** decode.c - the shared part of the decoders (decode.h): options, the
** decoder object, splitting input into records, the checks every record
** goes through (length, byte order mark, blank, header, UTF-8), the TEXT
** format, and the conversions of text to numbers and timestamps that
** decode_csv.c and decode_json.c share.
*/
#include "decode.h"

#include <math.h>
#include <stdio.h>
#include <strings.h>

void ds__decode_opts_init(ds_decode_opts *o) {
    memset(o, 0, sizeof *o);
    o->format = DS_FORMAT_TEXT;
    o->delimiter = ',';
    o->max_line = 1 << 20;
}

int ds__decode_opts_set(ds_decode_opts *o, const char *key, const char *value,
                        char *errmsg, size_t errlen) {
    if (strcasecmp(key, "delimiter") == 0) {
        size_t n = strlen(value);
        char c = value[0];
        if (strcmp(value, "\\t") == 0 || strcasecmp(value, "tab") == 0) {
            c = '\t';
        } else if (n != 1 || (unsigned char)c >= 0x80) {
            snprintf(errmsg, errlen,
                     "delimiter must be one character, not '%.20s'", value);
            return DS_ERROR;
        }
        if (c == '"' || c == '\n' || c == '\r') {
            snprintf(errmsg, errlen,
                     "delimiter cannot be a quote or a "
                     "line break");
            return DS_ERROR;
        }
        o->delimiter = c;
        return DS_OK;
    }
    if (strcasecmp(key, "header") == 0) {
        int b;
        if (!ds__parse_bool(value, strlen(value), &b)) {
            snprintf(errmsg, errlen,
                     "header must be true or false, not "
                     "'%.20s'",
                     value);
            return DS_ERROR;
        }
        o->header = b;
        return DS_OK;
    }
    if (strcasecmp(key, "null") == 0) {
        o->null_str = value;
        return DS_OK;
    }
    if (strcasecmp(key, "max_line_bytes") == 0) {
        int64_t v;
        if (!ds__parse_int64(value, strlen(value), &v) || v <= 0 ||
            (uint64_t)v > SIZE_MAX / 2) {
            snprintf(errmsg, errlen,
                     "max_line_bytes must be a positive integer, not "
                     "'%.20s'",
                     value);
            return DS_ERROR;
        }
        o->max_line = (size_t)v;
        return DS_OK;
    }
    return DS_NOTFOUND;
}

/* ------------------------------------------------------------ decoder */

static const char *format_name(ds_format f) {
    return f == DS_FORMAT_CSV ? "CSV" : f == DS_FORMAT_JSON ? "JSON" : "TEXT";
}

static int check_opts(const ds_decode_opts *o, int ncols, const int *types,
                      char *errmsg, size_t errlen) {
    if (o->format == DS_FORMAT_TEXT && (ncols != 1 || types[0] != DS_TEXT)) {
        snprintf(errmsg, errlen,
                 "FORMAT TEXT needs exactly one TEXT column "
                 "(each line is one row); use FORMAT CSV or "
                 "JSON for more");
        return DS_ERROR;
    }
    if (o->format != DS_FORMAT_TEXT && o->format != DS_FORMAT_CSV &&
        o->format != DS_FORMAT_JSON) {
        snprintf(errmsg, errlen, "unknown format %d", (int)o->format);
        return DS_ERROR;
    }
    const char *csv_only = o->header             ? "header"
                           : o->null_str         ? "null"
                           : o->delimiter != ',' ? "delimiter"
                                                 : NULL;
    if (o->format != DS_FORMAT_CSV && csv_only) {
        snprintf(errmsg, errlen, "option %s is for FORMAT CSV, not %s",
                 csv_only, format_name(o->format));
        return DS_ERROR;
    }
    if (o->max_line == 0) {
        snprintf(errmsg, errlen, "max_line_bytes must be positive");
        return DS_ERROR;
    }
    if (ncols < 1) {
        snprintf(errmsg, errlen, "a stream needs at least one column");
        return DS_ERROR;
    }
    for (int k = 0; k < ncols; k++) {
        if (types[k] < DS_BIGINT || types[k] > DS_TIMESTAMP) {
            snprintf(errmsg, errlen, "column %d has no type", k + 1);
            return DS_ERROR;
        }
    }
    return DS_OK;
}

ds_decoder *ds__decoder_new(const ds_decode_opts *o, int ncols,
                            const char *const *names, const int *types,
                            char *errmsg, size_t errlen) {
    if (check_opts(o, ncols, types, errmsg, errlen))
        return NULL;
    ds_decoder *d = ds_malloc(sizeof *d);
    if (!d)
        goto nomem;
    memset(d, 0, sizeof *d);
    d->o = *o;
    d->o.null_str = NULL;
    d->ncols = ncols;
    d->at_start = 1;
    d->types = ds_malloc(sizeof(int) * (size_t)ncols);
    d->names = ds_malloc(sizeof(char *) * (size_t)ncols);
    if (d->names)
        memset(d->names, 0, sizeof(char *) * (size_t)ncols);
    if (!d->types || !d->names)
        goto nomem;
    memcpy(d->types, types, sizeof(int) * (size_t)ncols);
    for (int k = 0; k < ncols; k++) {
        const char *nm = names ? names[k] : "";
        d->names[k] = ds__strndup(nm, strlen(nm));
        if (!d->names[k])
            goto nomem;
    }
    if (o->null_str) {
        d->null_len = strlen(o->null_str);
        d->null_copy = ds__strndup(o->null_str, d->null_len);
        if (!d->null_copy)
            goto nomem;
        d->o.null_str = d->null_copy;
    }
    if (o->format == DS_FORMAT_JSON && ds__json_init(d))
        goto nomem;
    return d;
nomem:
    ds__decoder_free(d);
    snprintf(errmsg, errlen, "out of memory");
    return NULL;
}

void ds__decoder_free(ds_decoder *d) {
    if (!d)
        return;
    for (int k = 0; d->names && k < d->ncols; k++)
        ds_free(d->names[k]);
    ds_free(d->names);
    ds_free(d->types);
    ds_free(d->null_copy);
    ds_free(d->paths);
    ds_free(d->jcols);
    ds_free(d);
}

void ds__decoder_reset(ds_decoder *d) {
    d->at_start = 1;
    d->skipping = 0;
}

void ds__decoder_on_bad(ds_decoder *d, ds_bad_row_fn fn, void *user) {
    d->on_bad = fn;
    d->on_bad_user = user;
}

/* -------------------------------------------------------------- UTF-8 */

/* The offset of the first byte that is not part of valid UTF-8 (no
   overlong forms, no surrogates, nothing above U+10FFFF), or n. */
static size_t utf8_check(const unsigned char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        unsigned lo = 0x80, hi = 0xBF; /* range of the second byte */
        if (c >= 0xC2 && c <= 0xDF)
            len = 2;
        else if (c >= 0xE0 && c <= 0xEF)
            len = 3;
        else if (c >= 0xF0 && c <= 0xF4)
            len = 4;
        else
            return i;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
        else if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
        if (i + 1 >= n || s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (size_t k = 2; k < len; k++)
            if (i + k >= n || (s[i + k] & 0xC0) != 0x80)
                return i;
        i += len;
    }
    return n;
}

/* ------------------------------------------------------------ records */

static int is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int blank_record(const ds_decoder *d, const char *s, size_t n) {
    if (d->o.format == DS_FORMAT_CSV)
        return n == 0;
    if (d->o.format == DS_FORMAT_JSON) {
        for (size_t i = 0; i < n; i++)
            if (!is_blank(s[i]))
                return 0;
        return 1;
    }
    return 0;
}

static int text_decode(const char *s, size_t n, ds_chunk *c, ds_arena *arena) {
    ds_str *v = &c->cols[0].v.str[c->n];
    v->p = "";
    v->n = n;
    if (n) {
        char *p = ds__arena_alloc(arena, n);
        if (!p)
            return DS_NOMEM;
        memcpy(p, s, n);
        v->p = p;
    }
    ds__vec_set_valid(&c->cols[0], c->n);
    return DS_OK;
}

int ds__decode_line(ds_decoder *d, const char *line, size_t n, ds_batch *out,
                    char *why, size_t whylen) {
    if (n > d->o.max_line) {
        /* first, so that a record is too long before its end arrives */
        d->at_start = 0;
        snprintf(why, whylen, "record longer than max_line_bytes (%zu)",
                 d->o.max_line);
        return DS_ERROR;
    }
    if (d->at_start && n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
        line += 3;
        n -= 3;
    }
    if (blank_record(d, line, n))
        return DS_DECODE_SKIPPED;
    if (d->at_start) {
        d->at_start = 0;
        if (d->o.header && d->o.format == DS_FORMAT_CSV)
            return DS_DECODE_SKIPPED;
    }
    size_t bad = utf8_check((const unsigned char *)line, n);
    if (bad < n) {
        snprintf(why, whylen, "invalid UTF-8 at byte %zu", bad + 1);
        return DS_ERROR;
    }
    ds_chunk *prev = out->tail;
    ds_chunk *c = ds__batch_tail(out);
    if (!c)
        return DS_NOMEM;
    int rc;
    if (d->o.format == DS_FORMAT_CSV)
        rc = ds__csv_decode(d, line, n, c, &out->arena, why, whylen);
    else if (d->o.format == DS_FORMAT_JSON)
        rc = ds__json_decode(d, line, n, c, &out->arena, why, whylen);
    else
        rc = text_decode(line, n, c, &out->arena);
    if (rc == DS_OK) {
        c->n++;
        out->rows++;
    } else if (c != prev && c->n == 0) {
        /* no empty chunk is left at the end of a batch */
        if (prev)
            prev->next = NULL;
        else
            out->head = NULL;
        out->tail = prev;
        ds__chunk_free(c);
    }
    return rc;
}

/* Where the next record ends. */
enum { REC_FOUND, REC_MORE, REC_LONG };

/*
** Finds the end of the CSV record starting at text[i] when it holds a
** quote: line breaks inside a quoted field (one that starts with a quote)
** belong to the record. A quoted field that is still open after max_line
** bytes, or at the end of the input, cannot be right: the record then ends
** at the first line break, and the field parser says what is wrong.
*/
static int csv_record_end(const ds_decoder *d, const char *text, size_t i,
                          size_t len, int eof, const char *nl, size_t *end) {
    size_t limit = d->o.max_line + 2 < len - i ? i + d->o.max_line + 2 : len;
    char delim = d->o.delimiter;
    int start = 1, open = 0;
    size_t j = i;
    while (j < limit && !open) {
        char ch = text[j];
        if (ch == '"' && start) {
            for (j++;; j += 2) {
                const char *q = memchr(text + j, '"', limit - j);
                if (!q) {
                    open = 1;
                    break;
                }
                j = (size_t)(q - text);
                if (j + 1 == len && !eof)
                    return REC_MORE; /* "" or the end? */
                if (j + 1 >= limit || text[j + 1] != '"')
                    break;
            }
            j++;
            start = 0;
            continue;
        }
        if (ch == '\n') {
            *end = j;
            return REC_FOUND;
        }
        start = ch == delim;
        j++;
    }
    if (limit == len && !eof)
        return REC_MORE;
    if (limit == len && !open) {
        *end = len;
        return REC_FOUND;
    }
    /* a quote still open, or no end within max_line: the first line break
       ends the record */
    if (nl) {
        *end = (size_t)(nl - text);
        return REC_FOUND;
    }
    if (limit < len)
        return REC_LONG;
    *end = len;
    return REC_FOUND;
}

static int record_end(const ds_decoder *d, const char *text, size_t i,
                      size_t len, int eof, size_t *end) {
    const char *nl = memchr(text + i, '\n', len - i);
    if (d->o.format == DS_FORMAT_CSV) {
        const char *stop = nl ? nl : text + len;
        if (memchr(text + i, '"', (size_t)(stop - (text + i))))
            return csv_record_end(d, text, i, len, eof, nl, end);
    }
    if (nl) {
        *end = (size_t)(nl - text);
        return REC_FOUND;
    }
    if (!eof)
        return len - i > d->o.max_line + 1 ? REC_LONG : REC_MORE;
    *end = len;
    return REC_FOUND;
}

static void count_bad(ds_decoder *d, ds_batch *out, int64_t *bad,
                      const char *rec, size_t n, const char *why) {
    (*bad)++;
    out->bad_rows++;
    if (n > d->o.max_line)
        n = d->o.max_line; /* the start of a record that is too long */
    if (d->on_bad)
        d->on_bad(d->on_bad_user, rec, n, why);
}

int ds__decode_buffer(ds_decoder *d, const char *text, size_t len, int eof,
                      int64_t max_rows, ds_batch *out, int64_t *bad,
                      size_t *used) {
    char why[256];
    int64_t rows0 = out->rows;
    size_t i = 0;
    int rc = DS_OK;
    while (i < len && (max_rows <= 0 || out->rows - rows0 < max_rows)) {
        if (d->skipping) {
            const char *nl = memchr(text + i, '\n', len - i);
            if (!nl) {
                i = len;
                break;
            }
            i = (size_t)(nl - text) + 1;
            d->skipping = 0;
            continue;
        }
        size_t end = len;
        int r = record_end(d, text, i, len, eof, &end);
        if (r == REC_MORE)
            break;
        if (r == REC_LONG) {
            snprintf(why, sizeof why, "record longer than max_line_bytes (%zu)",
                     d->o.max_line);
            count_bad(d, out, bad, text + i, len - i, why);
            d->at_start = 0;
            d->skipping = 1;
            i = len;
            break;
        }
        size_t n = end - i;
        if (n && text[end - 1] == '\r')
            n--;
        rc = ds__decode_line(d, text + i, n, out, why, sizeof why);
        if (rc == DS_NOMEM)
            break;
        if (rc == DS_ERROR)
            count_bad(d, out, bad, text + i, n, why);
        rc = DS_OK;
        i = end + 1;
    }
    *used = i < len ? i : len;
    return rc;
}

int ds__decode_text(ds_decoder *d, const char *text, size_t len, ds_batch *out,
                    int64_t *bad) {
    size_t used;
    return ds__decode_buffer(d, text, len, 1, 0, out, bad, &used);
}

/* -------------------------------------------------------- conversions */

int ds__decode_int64(const char *s, size_t n, int64_t *out) {
    /* the common case: up to 18 digits, maybe a minus, no blanks */
    size_t i = n && s[0] == '-';
    if (n > i && n - i <= 18) {
        int64_t v = 0;
        size_t k = i;
        while (k < n && (unsigned)(s[k] - '0') <= 9)
            v = v * 10 + (s[k++] - '0');
        if (k == n) {
            *out = i ? -v : v;
            return 1;
        }
    }
    if (ds__parse_int64(s, n, out))
        return 1;
    /* digits that overflow are out of range, anything else is not a number */
    size_t a = 0, b = n;
    while (a < b && is_blank(s[a]))
        a++;
    while (b > a && is_blank(s[b - 1]))
        b--;
    if (a < b && (s[a] == '-' || s[a] == '+'))
        a++;
    if (a == b)
        return 0;
    for (size_t k = a; k < b; k++)
        if ((unsigned)(s[k] - '0') > 9)
            return 0;
    return -1;
}

static const double pow10s[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* The exact fast path (Clinger): a decimal of at most 15 significant digits
   times a power of ten up to 22 is rounded once. Else strtod decides. */
int ds__decode_double(const char *s, size_t n, double *out) {
    size_t i = 0;
    while (i < n && is_blank(s[i]))
        i++;
    while (n > i && is_blank(s[n - 1]))
        n--;
    int neg = 0, sig = 0, exp10 = 0, digits = 0;
    uint64_t m = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    for (; i < n && (unsigned)(s[i] - '0') <= 9; i++, digits++) {
        if (m || s[i] != '0')
            sig++;
        m = m * 10 + (uint64_t)(s[i] - '0');
        if (sig > 15)
            goto slow;
    }
    if (i < n && s[i] == '.') {
        for (i++; i < n && (unsigned)(s[i] - '0') <= 9; i++, digits++) {
            if (m || s[i] != '0')
                sig++;
            m = m * 10 + (uint64_t)(s[i] - '0');
            exp10--;
            if (sig > 15)
                goto slow;
        }
    }
    if (i != n || digits == 0 || exp10 < -22)
        goto slow; /* an exponent, or not a number: the careful way */
    double v = (double)m;
    v = exp10 < 0 ? v / pow10s[-exp10] : v;
    *out = neg ? -v : v;
    return 1;
slow:;
    double v2;
    if (!ds__parse_double(s, n, &v2))
        return 0;
    if (isinf(v2))
        return -1;
    *out = v2;
    return 1;
}

int ds__decode_epoch(const char *s, size_t n, int64_t *us) {
    size_t i = 0;
    while (i < n && is_blank(s[i]))
        i++;
    while (n > i && is_blank(s[n - 1]))
        n--;
    int neg = 0, digits = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    uint64_t secs = 0;
    int64_t frac = 0;
    int over = 0;
    for (; i < n && (unsigned)(s[i] - '0') <= 9; i++, digits++) {
        secs = secs * 10 + (uint64_t)(s[i] - '0');
        if (secs > (uint64_t)(INT64_MAX / 1000000))
            over = 1, secs = 0;
    }
    if (i < n && s[i] == '.') {
        int fd = 0;
        for (i++; i < n && (unsigned)(s[i] - '0') <= 9; i++, digits++)
            if (fd++ < 6)
                frac = frac * 10 + (s[i] - '0');
        for (; fd < 6; fd++)
            frac *= 10;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E') && digits) {
        double v;
        int r = ds__decode_double(s, n, &v);
        if (r <= 0)
            return r;
        v = v * 1e6;
        if (!(v > -9.2e18 && v < 9.2e18))
            return -1;
        *us = (int64_t)llround(v);
        return 1;
    }
    if (i != n || digits == 0)
        return 0;
    uint64_t v = secs * 1000000 + (uint64_t)frac;
    if (over || v > (uint64_t)INT64_MAX)
        return -1;
    *us = neg ? -(int64_t)v : (int64_t)v;
    return 1;
}

int ds__decode_timestamp(const char *s, size_t n, int64_t *us) {
    if (ds__parse_timestamp(s, n, us))
        return 1;
    return ds__decode_epoch(s, n, us);
}

static const char *type_name(int type) {
    switch (type) {
    case DS_BIGINT:
        return "BIGINT";
    case DS_DOUBLE:
        return "DOUBLE";
    case DS_BOOLEAN:
        return "BOOLEAN";
    case DS_TIMESTAMP:
        return "TIMESTAMP";
    default:
        return "TEXT";
    }
}

void ds__decode_why_value(char *why, size_t whylen, const char *col, int type,
                          const char *v, size_t n, int quote, int range) {
    const size_t max = 40;
    const char *more = "";
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)v[n] & 0xC0) == 0x80)
            n--; /* do not cut a character */
        more = "...";
    }
    snprintf(why, whylen, "column %s: %s%.*s%s%s is %s %s", col,
             quote ? "'" : "", (int)n, v, more, quote ? "'" : "",
             range ? "out of range for" : "not a", type_name(type));
}
