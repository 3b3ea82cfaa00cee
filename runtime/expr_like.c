/*
** expr_like.c - LIKE: the matcher, and the LIKE node of the evaluator
** (expr.h).
**
** LIKE is case-sensitive (PostgreSQL, Spark; SQLite with
** case_sensitive_like=ON): '%' matches any run of characters, '_' exactly
** one UTF-8 character, and the optional ESCAPE character makes the next
** pattern character literal (a pattern that ends with it matches nothing,
** as in SQLite). Characters are read the way SQLite reads them.
**
** A constant pattern is compiled once, in ds__expr_prepare: a pattern of
** literals and '%' only becomes its literal segments, matched with memcmp
** and a substring search ('abc', 'abc%', '%abc', '%abc%', 'a%b%c'); a
** pattern with '_' goes through ds__like_match row by row. Nothing is
** allocated per row. Also ds__expr_find, the substring search that the
** text functions share.
*/
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include "expr.h"

#include <stdio.h>
#include <string.h>

#define NWORDS(n) (((n) + 63) >> 6)

typedef const unsigned char uc;

/* Reads one character as sqlite3Utf8Read: a lead byte >= 0xC0 takes the
   continuation bytes after it; bad sequences read as U+FFFD. */
static uint32_t utf8_read(uc **pp, uc *end) {
    uc *p = *pp;
    uint32_t c = *p++;
    if (c >= 0xC0) {
        c = c < 0xE0   ? c & 0x1F
            : c < 0xF0 ? c & 0x0F
            : c < 0xF8 ? c & 0x07
            : c < 0xFC ? c & 0x03
            : c < 0xFE ? c & 0x01
                       : 0;
        while (p < end && (*p & 0xC0) == 0x80)
            c = (c << 6) + (0x3F & *p++);
        if (c < 0x80 || (c & 0xFFFFF800) == 0xD800 ||
            (c & 0xFFFFFFFE) == 0xFFFE)
            c = 0xFFFD;
    }
    *pp = p;
    return c;
}

/*
** Wildcard matching with one backtracking point: on a mismatch, the last
** '%' takes one more character of s. That is enough for '%' and '_'.
*/
int ds__like_match(const char *pat, size_t np, const char *s, size_t ns,
                   int escape) {
    uc *p = (uc *)pat, *pe = p + np, *t = (uc *)s, *te = t + ns;
    uc *star_p = NULL, *star_t = NULL;
    for (;;) {
        if (p < pe) {
            uc *q = p;
            uint32_t c = utf8_read(&q, pe);
            if (escape && c == (uint32_t)escape) {
                if (q >= pe)
                    return 0; /* a trailing escape never matches */
                c = utf8_read(&q, pe);
            } else if (c == '%') {
                star_p = p = q;
                star_t = t;
                continue;
            } else if (c == '_') {
                if (t < te) {
                    t = (uc *)ds__expr_utf8_next((const char *)t,
                                                 (const char *)te);
                    p = q;
                    continue;
                }
                goto backtrack;
            }
            if (t < te) {
                uc *u = t;
                if (utf8_read(&u, te) == c) {
                    t = u;
                    p = q;
                    continue;
                }
            }
        } else if (t >= te) {
            return 1;
        }
    backtrack:
        if (!star_p || star_t >= te)
            return 0;
        star_t =
            (uc *)ds__expr_utf8_next((const char *)star_t, (const char *)te);
        t = star_t;
        p = star_p;
    }
}

const char *ds__expr_find(const char *h, size_t n, const char *s, size_t m) {
    if (m == 0)
        return h;
    if (m > n)
        return NULL;
    if (n >= 256 && m > 2)
        return memmem(h, n, s, m); /* linear time on long text */
    const char *end = h + (n - m) + 1;
    for (const char *p = h; (p = memchr(p, s[0], (size_t)(end - p))); p++)
        if (memcmp(p + 1, s + 1, m - 1) == 0)
            return p;
    return NULL;
}

/* -------------------------------------------------- compiled patterns */

enum {
    LP_NULL,     /* the pattern or the escape is NULL: every row NULL */
    LP_BAD_ESC,  /* the escape is not one character: an error */
    LP_NEVER,    /* ends with the escape: no row matches */
    LP_ANY,      /* only '%': every non-NULL row matches */
    LP_EXACT,    /* seg[0] */
    LP_PREFIX,   /* seg[0]% */
    LP_SUFFIX,   /* %seg[0] */
    LP_CONTAINS, /* %seg[0]% */
    LP_SEGMENTS, /* [seg0]%seg1%...%[segN] */
    LP_GENERAL   /* has '_': ds__like_match */
};

typedef struct like_pat {
    int kind;
    int escape;       /* code point, 0 for none */
    int anchor_start; /* no '%' before the first segment */
    int anchor_end;   /* no '%' after the last segment */
    int nseg;
    ds_str *seg; /* views into lit */
    ds_str pat;  /* LP_GENERAL: the pattern (the plan's text) */
    char *lit;   /* the literal bytes, unescaped */
} like_pat;      /* one allocation: the struct, seg[], lit[] */

static void like_free(void *p) { ds_free(p); }

/* Reads the escape text: 1 and *esc when it is one character. */
static int read_escape(ds_str e, int *esc) {
    if (e.n == 0 || ds__expr_utf8_next(e.p, e.p + e.n) != e.p + e.n)
        return 0;
    uc *p = (uc *)e.p;
    *esc = (int)utf8_read(&p, p + e.n);
    return 1;
}

static like_pat *compile(ds_str pat, int escape) {
    size_t nseg_max = pat.n / 2 + 2;
    like_pat *lp =
        ds_malloc(sizeof *lp + sizeof(ds_str) * nseg_max + pat.n + 1);
    if (!lp)
        return NULL;
    memset(lp, 0, sizeof *lp);
    lp->escape = escape;
    lp->pat = pat;
    lp->seg = (ds_str *)(lp + 1);
    lp->lit = (char *)(lp->seg + nseg_max);
    char *out = lp->lit;
    uc *p = (uc *)pat.p, *pe = p + pat.n;
    int open = 0;    /* a segment is being written */
    int any_pct = 0; /* the pattern has a '%' */
    lp->anchor_start = 1;
    while (p < pe) {
        uc *q = p;
        uint32_t c = utf8_read(&q, pe);
        if (escape && c == (uint32_t)escape) {
            if (q >= pe) {
                lp->kind = LP_NEVER;
                return lp;
            }
            p = q;
            (void)utf8_read(&q, pe);
        } else if (c == '%') {
            if (open)
                lp->seg[lp->nseg - 1].n =
                    (size_t)(out - lp->seg[lp->nseg - 1].p);
            else if (lp->nseg == 0)
                lp->anchor_start = 0;
            open = 0;
            any_pct = 1;
            p = q;
            continue;
        } else if (c == '_') {
            lp->kind = LP_GENERAL;
            return lp;
        }
        if (!open) {
            lp->seg[lp->nseg].p = out;
            lp->nseg++;
            open = 1;
        }
        memcpy(out, p, (size_t)(q - p));
        out += q - p;
        p = q;
    }
    if (open)
        lp->seg[lp->nseg - 1].n = (size_t)(out - lp->seg[lp->nseg - 1].p);
    lp->anchor_end = open;
    if (!any_pct)
        lp->kind = LP_EXACT; /* nseg is 0 for '' */
    else if (lp->nseg == 0)
        lp->kind = LP_ANY;
    else if (lp->nseg == 1 && lp->anchor_start)
        lp->kind = LP_PREFIX;
    else if (lp->nseg == 1 && lp->anchor_end)
        lp->kind = LP_SUFFIX;
    else if (lp->nseg == 1)
        lp->kind = LP_CONTAINS;
    else
        lp->kind = LP_SEGMENTS;
    return lp;
}

int ds__like_prepare(ds_expr *x) {
    ds_xstate *st = x->aux;
    if (x->args[1]->kind != DS_X_CONST ||
        (x->nargs > 2 && x->args[2]->kind != DS_X_CONST))
        return DS_OK; /* matched row by row */
    const ds_value *pv = &x->args[1]->konst;
    const ds_value *ev = x->nargs > 2 ? &x->args[2]->konst : NULL;
    like_pat *lp;
    int escape = 0;
    if (pv->type == DS_NULL || (ev && ev->type == DS_NULL)) {
        lp = compile((ds_str){"", 0}, 0);
        if (lp)
            lp->kind = LP_NULL;
    } else if (ev && !read_escape(ev->u.s, &escape)) {
        lp = compile((ds_str){"", 0}, 0);
        if (lp)
            lp->kind = LP_BAD_ESC;
    } else {
        lp = compile(pv->u.s, escape);
    }
    if (!lp)
        return DS_NOMEM;
    st->kstate = lp;
    st->kfree = like_free;
    return DS_OK;
}

static inline int seg_eq(const char *s, ds_str g) {
    return g.n == 0 || memcmp(s, g.p, g.n) == 0;
}

/* Matches s against a pattern of literal segments and '%'. */
static int seg_match(const like_pat *lp, const char *s, size_t ns) {
    const char *lo = s, *hi = s + ns;
    int first = 0, last = lp->nseg;
    if (lp->anchor_start) {
        ds_str g = lp->seg[0];
        if (ns < g.n || !seg_eq(s, g))
            return 0;
        lo += g.n;
        first = 1;
    }
    if (lp->anchor_end && last > first) {
        ds_str g = lp->seg[last - 1];
        if ((size_t)(hi - lo) < g.n || !seg_eq(hi - g.n, g))
            return 0;
        hi -= g.n;
        last--;
    }
    for (int k = first; k < last; k++) {
        ds_str g = lp->seg[k];
        const char *f = ds__expr_find(lo, (size_t)(hi - lo), g.p, g.n);
        if (!f)
            return 0;
        lo = f + g.n;
    }
    return 1;
}

/* The valid rows of the text vector, as ds_str s and row i. */
#define ROWS(...)                                                              \
    for (int w = 0; w < nw; w++)                                               \
        for (uint64_t b_ = o->valid[w]; b_; b_ &= b_ - 1) {                    \
            int i = (w << 6) + __builtin_ctzll(b_);                            \
            ds_str s = a->v.str[i];                                            \
            r[i] = (uint8_t)(__VA_ARGS__);                                     \
        }

static void like_vec(const like_pat *lp, const ds_vec *a, ds_vec *o, int n) {
    int nw = NWORDS(n);
    uint8_t *r = o->v.b;
    ds_str g = lp->nseg ? lp->seg[0] : (ds_str){"", 0};
    switch (lp->kind) {
    case LP_NEVER:
        memset(r, 0, (size_t)n);
        break;
    case LP_ANY:
        memset(r, 1, (size_t)n);
        break;
    case LP_EXACT:
        ROWS(s.n == g.n && seg_eq(s.p, g))
        break;
    case LP_PREFIX:
        ROWS(s.n >= g.n && seg_eq(s.p, g))
        break;
    case LP_SUFFIX:
        ROWS(s.n >= g.n && seg_eq(s.p + s.n - g.n, g))
        break;
    case LP_CONTAINS:
        ROWS(ds__expr_find(s.p, s.n, g.p, g.n) != NULL)
        break;
    case LP_SEGMENTS:
        ROWS(seg_match(lp, s.p, s.n))
        break;
    default:
        ROWS(ds__like_match(lp->pat.p, lp->pat.n, s.p, s.n, lp->escape))
    }
}

static int bad_escape(ds_eval_ctx *ctx) {
    snprintf(ctx->errmsg, sizeof ctx->errmsg,
             "ESCAPE expression must be a single character");
    return DS_ERROR;
}

int ds__like_eval(ds_expr *x, ds_eval_ctx *ctx, int n, const ds_vec **argv) {
    const like_pat *lp = ((ds_xstate *)x->aux)->kstate;
    const ds_vec *a = argv[0];
    ds_vec *o = &x->out;
    int nw = NWORDS(n);
    if (lp) {
        if (lp->kind == LP_BAD_ESC && n > 0)
            return bad_escape(ctx);
        if (lp->kind == LP_NULL || lp->kind == LP_BAD_ESC) {
            memset(o->valid, 0, sizeof(uint64_t) * (size_t)nw);
            return DS_OK;
        }
        memcpy(o->valid, a->valid, sizeof(uint64_t) * (size_t)nw);
        ds__expr_valid_tail(o->valid, n);
        like_vec(lp, a, o, n);
        return DS_OK;
    }
    /* a pattern (or escape) that changes from row to row; SQLite checks
       the escape of every row, even where the other arguments are NULL */
    const ds_vec *e = x->nargs > 2 ? argv[2] : NULL;
    if (e)
        for (int w = 0; w < nw; w++)
            for (uint64_t b = e->valid[w]; b; b &= b - 1) {
                int i = (w << 6) + __builtin_ctzll(b), esc;
                if (i < n && !read_escape(e->v.str[i], &esc))
                    return bad_escape(ctx);
            }
    ds__expr_valid_and(o->valid, argv, x->nargs, n);
    for (int w = 0; w < nw; w++)
        for (uint64_t b = o->valid[w]; b; b &= b - 1) {
            int i = (w << 6) + __builtin_ctzll(b), esc = 0;
            ds_str s = a->v.str[i], p = argv[1]->v.str[i];
            if (e)
                read_escape(e->v.str[i], &esc);
            o->v.b[i] = (uint8_t)ds__like_match(p.p, p.n, s.p, s.n, esc);
        }
    return DS_OK;
}
