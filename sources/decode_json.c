/*
** decode_json.c - the JSON format of decode.h: one object per record, its
** fields matched to columns by name, converted straight into the vectors.
**
** Column names form a tree (ds_json_path): "a.b" is field b of the object
** in field a, and a JSON key with dots ("a.b") names the same path. A key
** matches a column exactly, or else ignoring ASCII case; an exact match
** beats one that ignores case, and among equals the last key wins. Missing
** fields are NULL, other fields are checked for syntax and ignored.
**
** Values: null is NULL in every type. TEXT takes strings (escapes decoded,
** \uXXXX and surrogate pairs to UTF-8), numbers as written, true/false,
** and objects or arrays as their JSON text. BIGINT takes whole numbers in
** range (1, 1.0, 1e3) and strings that parse strictly; DOUBLE numbers and
** strict strings; BOOLEAN true/false, 0/1 and ds__parse_bool strings;
** TIMESTAMP numbers of epoch seconds and ISO-8601 or epoch strings.
** Anything else is a bad row naming the column. decode.c splits the input
** into records and checks them first.
*/
#include "decode.h"

#include <stdio.h>
#include <strings.h>

#define MAX_DEPTH 256

struct ds_json_path {
    const char *seg; /* borrowed from d->names */
    size_t len;
    int col;   /* the column at this path, or -1 */
    int child; /* first child, or -1 */
    int next;  /* next sibling, or -1 */
};

/* What the current record gave a column. */
struct ds_json_col {
    int q;         /* how the key matched: 0 not yet, 1 ignoring case, 2 */
    int bad;       /* 0; 1 not of the type; 2 out of range */
    int quote;     /* show v in quotes (a string) */
    const char *v; /* borrowed from the record: the value that failed */
    size_t n;
};

int ds__json_init(ds_decoder *d) {
    int max = 1;
    for (int k = 0; k < d->ncols; k++)
        for (const char *p = d->names[k]; *p; p++)
            max += *p == '.';
    max += d->ncols;
    d->paths = ds_malloc(sizeof(ds_json_path) * (size_t)max);
    d->jcols = ds_malloc(sizeof(ds_json_col) * (size_t)d->ncols);
    if (!d->paths || !d->jcols)
        return DS_NOMEM;
    ds_json_path *t = d->paths;
    t[0] = (ds_json_path){"", 0, -1, -1, -1};
    d->npaths = 1;
    for (int k = 0; k < d->ncols; k++) {
        int node = 0;
        const char *seg = d->names[k];
        for (;;) {
            const char *dot = strchr(seg, '.');
            size_t len = dot ? (size_t)(dot - seg) : strlen(seg);
            int c = t[node].child, last = -1;
            while (c >= 0 && !(t[c].len == len && !memcmp(t[c].seg, seg, len)))
                last = c, c = t[c].next;
            if (c < 0) {
                c = d->npaths++;
                t[c] = (ds_json_path){seg, len, -1, -1, -1};
                if (last >= 0)
                    t[last].next = c;
                else
                    t[node].child = c;
            }
            node = c;
            if (!dot)
                break;
            seg = dot + 1;
        }
        if (t[node].col < 0)
            t[node].col = k;
    }
    return DS_OK;
}

/* The child of node that key k[0 .. n) names, with how it matched in *q;
   -1 when none. */
static int find_child(const ds_decoder *d, int node, const char *k, size_t n,
                      int *q) {
    const ds_json_path *t = d->paths;
    for (int c = t[node].child; c >= 0; c = t[c].next) {
        if (t[c].len == n && memcmp(t[c].seg, k, n) == 0) {
            *q = 2;
            return c;
        }
    }
    for (int c = t[node].child; c >= 0; c = t[c].next) {
        if (t[c].len == n && strncasecmp(t[c].seg, k, n) == 0) {
            *q = 1;
            return c;
        }
    }
    const char *dot = memchr(k, '.', n);
    if (!dot)
        return -1;
    size_t head = (size_t)(dot - k);
    int q1, q2;
    int c = find_child(d, node, k, head, &q1);
    if (c < 0 || t[c].child < 0)
        return -1;
    c = find_child(d, c, dot + 1, n - head - 1, &q2);
    *q = q1 < q2 ? q1 : q2;
    return c;
}

/* ------------------------------------------------------------- parser */

typedef struct jp {
    ds_decoder *d;
    const char *s, *p, *end; /* the record, and where the parser is */
    ds_chunk *c;
    int row;
    ds_arena *arena;
    char *why;
    size_t whylen;
    int nomem;
    char key[256]; /* a key with escapes, decoded */
} jp;

static int syntax(jp *J, const char *what) {
    if (J->p >= J->end)
        snprintf(J->why, J->whylen,
                 "invalid JSON: unexpected end after "
                 "byte %zu",
                 (size_t)(J->end - J->s));
    else if (!what)
        snprintf(J->why, J->whylen, "invalid JSON at byte %zu: unexpected %s",
                 (size_t)(J->p - J->s) + 1,
                 *J->p > ' ' && *J->p < 0x7f ? (char[]){'\'', *J->p, '\'', 0}
                                             : "character");
    else
        snprintf(J->why, J->whylen, "invalid JSON at byte %zu: %s",
                 (size_t)(J->p - J->s) + 1, what);
    return 1;
}

static void ws(jp *J) {
    while (J->p < J->end &&
           (*J->p == ' ' || *J->p == '\t' || *J->p == '\n' || *J->p == '\r'))
        J->p++;
}

static int hex4(const char *p, const char *end, unsigned *u) {
    if (end - p < 4)
        return 0;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        unsigned h = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : 16;
        if (h == 16)
            return 0;
        v = v * 16 + h;
    }
    *u = v;
    return 1;
}

/* Scans a string at J->p (a quote): its raw text is [*a, *b); *esc when
   it holds escapes. Checks the escapes, surrogate pairs included. */
static int string(jp *J, const char **a, const char **b, int *esc) {
    const char *p = ++J->p, *end = J->end;
    *a = p;
    *esc = 0;
    for (;;) {
        while (p < end && *p != '"' && *p != '\\' && (unsigned char)*p >= 0x20)
            p++;
        J->p = p;
        if (p >= end)
            return syntax(J, NULL);
        if (*p == '"')
            break;
        if (*p != '\\')
            return syntax(J, "control character in a string");
        *esc = 1;
        if (++p >= end) {
            J->p = p;
            return syntax(J, NULL);
        }
        unsigned u, lo;
        switch (*p) {
        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
            p++;
            break;
        case 'u':
            if (!hex4(p + 1, end, &u))
                return syntax(J, "invalid \\u escape");
            p += 5;
            if (u >= 0xDC00 && u <= 0xDFFF)
                return syntax(J, "unpaired surrogate in \\u escape");
            if (u >= 0xD800 && u <= 0xDBFF) {
                if (end - p < 2 || p[0] != '\\' || p[1] != 'u' ||
                    !hex4(p + 2, end, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                    return syntax(J, "unpaired surrogate in \\u escape");
                p += 6;
            }
            break;
        default:
            return syntax(J, "invalid escape");
        }
    }
    *b = p;
    J->p = p + 1;
    return 0;
}

/* Decodes the checked string text [a, b) into out (at most b - a bytes);
   returns the length. */
static size_t unescape(const char *a, const char *b, char *out) {
    size_t k = 0;
    while (a < b) {
        if (*a != '\\') {
            out[k++] = *a++;
            continue;
        }
        char c = a[1];
        a += 2;
        unsigned u, lo;
        switch (c) {
        case 'b':
            out[k++] = '\b';
            break;
        case 'f':
            out[k++] = '\f';
            break;
        case 'n':
            out[k++] = '\n';
            break;
        case 'r':
            out[k++] = '\r';
            break;
        case 't':
            out[k++] = '\t';
            break;
        case 'u':
            hex4(a, b, &u);
            a += 4;
            if (u >= 0xD800 && u <= 0xDBFF) {
                hex4(a + 2, b, &lo);
                a += 6;
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
            }
            if (u < 0x80) {
                out[k++] = (char)u;
            } else if (u < 0x800) {
                out[k++] = (char)(0xC0 | u >> 6);
                out[k++] = (char)(0x80 | (u & 0x3F));
            } else if (u < 0x10000) {
                out[k++] = (char)(0xE0 | u >> 12);
                out[k++] = (char)(0x80 | (u >> 6 & 0x3F));
                out[k++] = (char)(0x80 | (u & 0x3F));
            } else {
                out[k++] = (char)(0xF0 | u >> 18);
                out[k++] = (char)(0x80 | (u >> 12 & 0x3F));
                out[k++] = (char)(0x80 | (u >> 6 & 0x3F));
                out[k++] = (char)(0x80 | (u & 0x3F));
            }
            break;
        default: /* " \ / */
            out[k++] = c;
        }
    }
    return k;
}

/* Scans a number at J->p; *is_int when it has no fraction or exponent. */
static int number(jp *J, int *is_int) {
    const char *p = J->p, *e = J->end;
    *is_int = 1;
    if (p < e && *p == '-')
        p++;
    if (p < e && *p == '0') {
        p++;
    } else if (p < e && *p >= '1' && *p <= '9') {
        while (p < e && (unsigned)(*p - '0') <= 9)
            p++;
    } else {
        J->p = p;
        return syntax(J, "invalid number");
    }
    if (p < e && *p == '.') {
        *is_int = 0;
        if (++p >= e || (unsigned)(*p - '0') > 9) {
            J->p = p;
            return syntax(J, "invalid number");
        }
        while (p < e && (unsigned)(*p - '0') <= 9)
            p++;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        *is_int = 0;
        if (++p < e && (*p == '+' || *p == '-'))
            p++;
        if (p >= e || (unsigned)(*p - '0') > 9) {
            J->p = p;
            return syntax(J, "invalid number");
        }
        while (p < e && (unsigned)(*p - '0') <= 9)
            p++;
    }
    J->p = p;
    return 0;
}

/*
** A number with a fraction or an exponent (valid JSON) as a BIGINT: 1 when
** it is a whole number in range, 0 when it is not whole, -1 when it is too
** big. The value is digits D times 10^x; only D's nonzero span matters.
*/
static int whole_number(const char *s, size_t n, int64_t *out) {
    size_t i = 0, e = n;
    int neg = s[0] == '-';
    i += (size_t)neg;
    const char *ex = NULL;
    for (size_t k = i; k < n; k++)
        if (s[k] == 'e' || s[k] == 'E')
            ex = s + k, e = k;
    long x = 0; /* the exponent, clamped */
    if (ex) {
        size_t k = (size_t)(ex - s) + 1;
        int eneg = s[k] == '-';
        k += s[k] == '-' || s[k] == '+';
        for (; k < n; k++)
            if (x < 1000000)
                x = x * 10 + (s[k] - '0');
        x = eneg ? -x : x;
    }
    /* digit j of D is at position j of the mantissa, skipping the point;
       its power of ten is x + intlen - 1 - j */
    const char *dot = memchr(s + i, '.', e - i);
    long intlen = (long)((dot ? (size_t)(dot - s) : e) - i);
    long first = -1, last = -1, j = 0;
    for (size_t k = i; k < e; k++) {
        if (s[k] == '.')
            continue;
        if (s[k] != '0') {
            if (first < 0)
                first = j;
            last = j;
        }
        j++;
    }
    if (first < 0) {
        *out = 0;
        return 1;
    }
    if (x + intlen - 1 - last < 0)
        return 0;
    if (x + intlen - 1 - first > 18)
        return -1;
    uint64_t v = 0;
    j = 0;
    for (size_t k = i; k < e; k++) {
        if (s[k] == '.')
            continue;
        if (j >= first && j <= last)
            v = v * 10 + (uint64_t)(s[k] - '0');
        j++;
    }
    for (long p = x + intlen - 1 - last; p > 0; p--) {
        if (v > UINT64_MAX / 10)
            return -1;
        v *= 10;
    }
    if (v > (uint64_t)INT64_MAX + (uint64_t)neg)
        return -1;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 1;
}

/* ------------------------------------------------------------- values */

/* 1 when a value matched with q is to be the column's (not beaten by an
   earlier exact match); the column is then NULL until set. */
static int take(jp *J, int col, int q) {
    ds_json_col *jc = &J->d->jcols[col];
    if (q < jc->q)
        return 0;
    jc->q = q;
    jc->bad = 0;
    ds__vec_set_null(&J->c->cols[col], J->row);
    return 1;
}

static int put_bad(jp *J, int col, const char *v, size_t n, int quote,
                   int range) {
    ds_json_col *jc = &J->d->jcols[col];
    jc->bad = range ? 2 : 1;
    jc->quote = quote;
    jc->v = v;
    jc->n = n;
    return 0;
}

static int put_text(jp *J, int col, const char *p, size_t n, int copy) {
    ds_vec *v = &J->c->cols[col];
    if (copy && n) {
        char *t = ds__arena_alloc(J->arena, n);
        if (!t) {
            J->nomem = 1;
            return 1;
        }
        memcpy(t, p, n);
        p = t;
    }
    v->v.str[J->row] = (ds_str){p, n};
    ds__vec_set_valid(v, J->row);
    return 0;
}

/* Converts t[0 .. n), a number as written or the text of a string, into
   a non-TEXT column; 1, 0 or -1 as the ds__decode_ functions. */
static int convert(jp *J, int col, const char *t, size_t n, int num,
                   int is_int) {
    ds_vec *v = &J->c->cols[col];
    int row = J->row, r, b = 0;
    switch (v->type) {
    case DS_BIGINT:
        r = num && !is_int ? whole_number(t, n, &v->v.i64[row])
                           : ds__decode_int64(t, n, &v->v.i64[row]);
        break;
    case DS_DOUBLE:
        r = ds__decode_double(t, n, &v->v.f64[row]);
        break;
    case DS_TIMESTAMP:
        r = num ? ds__decode_epoch(t, n, &v->v.i64[row])
                : ds__decode_timestamp(t, n, &v->v.i64[row]);
        break;
    default:
        if (num) {
            r = n == 1 && (t[0] == '0' || t[0] == '1');
            b = t[0] == '1';
        } else {
            r = ds__parse_bool(t, n, &b);
        }
        v->v.b[row] = (uint8_t)b;
    }
    if (r > 0)
        ds__vec_set_valid(v, row);
    return r;
}

static int put_string(jp *J, int col, const char *a, const char *b, int esc) {
    size_t n = (size_t)(b - a);
    if (J->c->cols[col].type == DS_TEXT) {
        if (!esc || !n)
            return put_text(J, col, a, n, 1);
        char *t = ds__arena_alloc(J->arena, n);
        if (!t) {
            J->nomem = 1;
            return 1;
        }
        return put_text(J, col, t, unescape(a, b, t), 0);
    }
    char buf[128];
    const char *t = a;
    size_t tn = n;
    if (esc) {
        if (n > sizeof buf)
            return put_bad(J, col, a, n, 1, 0);
        tn = unescape(a, b, buf);
        t = buf;
    }
    int r = tn ? convert(J, col, t, tn, 0, 0) : 0;
    return r > 0 ? 0 : put_bad(J, col, a, n, 1, r < 0);
}

static int object(jp *J, int node, int q, int depth);
static int array(jp *J, int depth);

/* Parses any value at J->p for path node (-1: none), matched with q. */
static int value(jp *J, int node, int q, int depth) {
    ws(J);
    if (J->p >= J->end)
        return syntax(J, NULL);
    ds_decoder *d = J->d;
    int col = node >= 0 ? d->paths[node].col : -1;
    if (col >= 0 && !take(J, col, q))
        col = -1;
    const char *start = J->p;
    int is_int, text = col >= 0 && d->types[col] == DS_TEXT;
    switch (*J->p) {
    case '{':
    case '[': {
        int obj = *J->p == '{';
        if (depth >= MAX_DEPTH)
            return syntax(J, "nested too deep");
        int sub = node >= 0 && d->paths[node].child >= 0 ? node : -1;
        if (obj ? object(J, sub, q, depth + 1) : array(J, depth + 1))
            return 1;
        if (col < 0)
            return 0;
        if (text)
            return put_text(J, col, start, (size_t)(J->p - start), 1);
        return put_bad(J, col, obj ? "an object" : "an array", obj ? 9 : 8, 0,
                       0);
    }
    case '"': {
        const char *a, *b;
        int esc;
        if (string(J, &a, &b, &esc))
            return 1;
        return col >= 0 ? put_string(J, col, a, b, esc) : 0;
    }
    case 't':
    case 'f':
    case 'n': {
        const char *w = *J->p == 't' ? "true" : *J->p == 'f' ? "false" : "null";
        size_t n = strlen(w);
        if ((size_t)(J->end - J->p) < n || memcmp(J->p, w, n) != 0)
            return syntax(J, NULL);
        J->p += n;
        if (col < 0 || w[0] == 'n')
            return 0; /* take() made it NULL */
        if (text)
            return put_text(J, col, w, n, 0);
        if (d->types[col] == DS_BOOLEAN)
            return convert(J, col, w, n, 0, 0), 0;
        return put_bad(J, col, w, n, 0, 0);
    }
    default:
        if (*J->p != '-' && (unsigned)(*J->p - '0') > 9)
            return syntax(J, NULL);
        if (number(J, &is_int))
            return 1;
        if (col < 0)
            return 0;
        size_t n = (size_t)(J->p - start);
        if (text)
            return put_text(J, col, start, n, 1);
        int r = convert(J, col, start, n, 1, is_int);
        return r > 0 ? 0 : put_bad(J, col, start, n, 0, r < 0);
    }
}

static int object(jp *J, int node, int q, int depth) {
    J->p++; /* { */
    ws(J);
    if (J->p < J->end && *J->p == '}') {
        J->p++;
        return 0;
    }
    for (;;) {
        ws(J);
        if (J->p >= J->end || *J->p != '"')
            return syntax(J, J->p < J->end ? "expected a key in quotes" : NULL);
        const char *a, *b;
        int esc, kq = 0, child = -1;
        if (string(J, &a, &b, &esc))
            return 1;
        if (node >= 0) {
            size_t n = (size_t)(b - a);
            if (!esc)
                child = find_child(J->d, node, a, n, &kq);
            else if (n <= sizeof J->key)
                child =
                    find_child(J->d, node, J->key, unescape(a, b, J->key), &kq);
        }
        ws(J);
        if (J->p >= J->end || *J->p != ':')
            return syntax(J, J->p < J->end ? "expected ':'" : NULL);
        J->p++;
        if (value(J, child, kq < q ? kq : q, depth))
            return 1;
        ws(J);
        if (J->p < J->end && *J->p == ',') {
            J->p++;
            continue;
        }
        if (J->p < J->end && *J->p == '}') {
            J->p++;
            return 0;
        }
        return syntax(J, J->p < J->end ? "expected ',' or '}'" : NULL);
    }
}

static int array(jp *J, int depth) {
    J->p++; /* [ */
    ws(J);
    if (J->p < J->end && *J->p == ']') {
        J->p++;
        return 0;
    }
    for (;;) {
        if (value(J, -1, 0, depth))
            return 1;
        ws(J);
        if (J->p < J->end && *J->p == ',') {
            J->p++;
            continue;
        }
        if (J->p < J->end && *J->p == ']') {
            J->p++;
            return 0;
        }
        return syntax(J, J->p < J->end ? "expected ',' or ']'" : NULL);
    }
}

int ds__json_decode(ds_decoder *d, const char *s, size_t n, ds_chunk *c,
                    ds_arena *arena, char *why, size_t whylen) {
    jp J; /* J.key is scratch: not cleared */
    J.d = d;
    J.s = J.p = s;
    J.end = s + n;
    J.c = c;
    J.row = c->n;
    J.arena = arena;
    J.why = why;
    J.whylen = whylen;
    J.nomem = 0;
    for (int k = 0; k < d->ncols; k++) {
        d->jcols[k].q = 0;
        d->jcols[k].bad = 0;
        ds__vec_set_null(&c->cols[k], J.row);
    }
    ws(&J);
    int obj = J.p < J.end && *J.p == '{';
    int rc = obj ? object(&J, 0, 2, 1) : value(&J, -1, 0, 0);
    if (J.nomem)
        return DS_NOMEM;
    if (rc)
        return DS_ERROR;
    ws(&J);
    if (!obj) {
        snprintf(why, whylen, "not a JSON object");
        return DS_ERROR;
    }
    if (J.p < J.end) {
        syntax(&J, "text after the object");
        return DS_ERROR;
    }
    for (int k = 0; k < d->ncols; k++) {
        const ds_json_col *jc = &d->jcols[k];
        if (jc->bad) {
            ds__decode_why_value(why, whylen, d->names[k], d->types[k], jc->v,
                                 jc->n, jc->quote, jc->bad == 2);
            return DS_ERROR;
        }
    }
    return DS_OK;
}
