/*
** rewrite.c - from dstream SQL to SQLite SQL, at the token level
** (oracle.h). SQLite runs the same query text except for what it has no
** form for: UNNEST(split(e, sep)) AS t(w) in FROM becomes a subquery over
** the table-valued function oracle_split (sqlite.c), batch_time becomes
** oracle_batch_time(), TIMESTAMP 'text' an integer of microseconds, CAST AS
** BOOLEAN/TIMESTAMP oracle_bool()/oracle_ts(), and a WINDOW clause is
** dropped (the rows of the window are what the tables hold). Also splits
** off ORDER BY and LIMIT, which the comparison treats specially.
*/
#include "oracle.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------ tokenizer */

enum { T_WORD, T_QWORD, T_STR, T_NUM, T_OP, T_LP, T_RP, T_COMMA, T_DOT };

typedef struct tok {
    int kind;
    size_t at, len; /* in the text */
    int depth;      /* parenthesis depth before the token */
} tok;

typedef struct toks {
    const char *text;
    int n, cap;
    tok *v;
} toks;

static void tok_add(toks *t, int kind, size_t at, size_t len, int depth) {
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->v = orealloc(t->v, sizeof(tok) * (size_t)t->cap);
    }
    t->v[t->n++] = (tok){kind, at, len, depth};
}

static void tokenize(const char *s, toks *t) {
    memset(t, 0, sizeof *t);
    t->text = s;
    size_t i = 0;
    int depth = 0;
    while (s[i]) {
        unsigned char c = (unsigned char)s[i];
        size_t j = i + 1;
        if (isspace(c)) {
            i++;
            continue;
        }
        if (c == '-' && s[i + 1] == '-') {
            while (s[i] && s[i] != '\n')
                i++;
            continue;
        }
        if (c == '/' && s[i + 1] == '*') {
            const char *e = strstr(s + i + 2, "*/");
            i = e ? (size_t)(e - s) + 2 : strlen(s);
            continue;
        }
        if (c == '\'' || c == '"' || c == '`') {
            for (;;) {
                if (!s[j])
                    break;
                if ((unsigned char)s[j] == c) {
                    if ((unsigned char)s[j + 1] == c) {
                        j += 2;
                        continue;
                    }
                    j++;
                    break;
                }
                j++;
            }
            tok_add(t, c == '\'' ? T_STR : T_QWORD, i, j - i, depth);
        } else if (isdigit(c) ||
                   (c == '.' && isdigit((unsigned char)s[i + 1]))) {
            while (isalnum((unsigned char)s[j]) || s[j] == '.' ||
                   ((s[j] == '+' || s[j] == '-') &&
                    (s[j - 1] == 'e' || s[j - 1] == 'E')))
                j++;
            tok_add(t, T_NUM, i, j - i, depth);
        } else if (isalpha(c) || c == '_' || c >= 0x80) {
            while (isalnum((unsigned char)s[j]) || s[j] == '_' || s[j] == '$' ||
                   (unsigned char)s[j] >= 0x80)
                j++;
            tok_add(t, T_WORD, i, j - i, depth);
        } else if (c == '(') {
            tok_add(t, T_LP, i, 1, depth++);
        } else if (c == ')') {
            tok_add(t, T_RP, i, 1, --depth);
        } else if (c == ',') {
            tok_add(t, T_COMMA, i, 1, depth);
        } else if (c == '.') {
            tok_add(t, T_DOT, i, 1, depth);
        } else {
            if (strchr("|<>!=", c) && strchr("|=>", s[i + 1]))
                j++;
            tok_add(t, T_OP, i, j - i, depth);
        }
        i = j;
    }
}

static int is_word(const toks *t, int k, const char *w) {
    return k >= 0 && k < t->n && t->v[k].kind == T_WORD &&
           t->v[k].len == strlen(w) &&
           strncasecmp(t->text + t->v[k].at, w, t->v[k].len) == 0;
}

static int is_kind(const toks *t, int k, int kind) {
    return k >= 0 && k < t->n && t->v[k].kind == kind;
}

/* The token after the parenthesis that opens at k closes. */
static int after_group(const toks *t, int k) {
    int d = t->v[k].depth;
    for (int j = k + 1; j < t->n; j++)
        if (t->v[j].kind == T_RP && t->v[j].depth == d)
            return j + 1;
    return t->n;
}

static char *tok_text(const toks *t, int a, int b) {
    /* the text from token a up to (not including) token b */
    if (a >= b)
        return ostrdup("");
    size_t s = t->v[a].at, e = t->v[b - 1].at + t->v[b - 1].len;
    return ostrndup(t->text + s, e - s);
}

/* -------------------------------------------------------------- edits */

typedef struct edit {
    size_t at, len;
    char *with; /* owned */
} edit;

typedef struct edits {
    int n, cap;
    edit *v;
} edits;

static void edit_add(edits *e, size_t at, size_t len, char *with) {
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 16;
        e->v = orealloc(e->v, sizeof(edit) * (size_t)e->cap);
    }
    e->v[e->n++] = (edit){at, len, with};
}

static int cmp_edit(const void *a, const void *b) {
    const edit *x = a, *y = b;
    return x->at < y->at ? -1 : x->at > y->at;
}

/* Applies the edits (which must not overlap) to text. */
static char *apply(const char *text, edits *e) {
    if (e->n)
        qsort(e->v, (size_t)e->n, sizeof(edit), cmp_edit);
    obuf b = {0};
    size_t at = 0;
    for (int k = 0; k < e->n; k++) {
        if (e->v[k].at < at)
            continue; /* overlapping: the first wins */
        obuf_add(&b, text + at, e->v[k].at - at);
        obuf_puts(&b, e->v[k].with);
        at = e->v[k].at + e->v[k].len;
    }
    obuf_puts(&b, text + at);
    for (int k = 0; k < e->n; k++)
        free(e->v[k].with);
    free(e->v);
    e->v = NULL;
    e->n = e->cap = 0;
    return obuf_take(&b);
}

/* -------------------------------------------------------- timestamps */

static int digits(const char **s, int n, int *out) {
    int v = 0;
    for (int k = 0; k < n; k++) {
        if (!isdigit((unsigned char)**s))
            return 0;
        v = v * 10 + (*(*s)++ - '0');
    }
    *out = v;
    return 1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int orw_parse_ts(const char *s, int64_t *us) {
    int Y, M, D, h = 0, mi = 0, sec = 0;
    int64_t frac = 0, off = 0;
    while (*s == ' ')
        s++;
    if (!digits(&s, 4, &Y) || *s++ != '-' || !digits(&s, 2, &M) ||
        *s++ != '-' || !digits(&s, 2, &D) || M < 1 || M > 12 || D < 1 || D > 31)
        return 0;
    if ((*s == ' ' || *s == 'T') && isdigit((unsigned char)s[1])) {
        s++;
        if (!digits(&s, 2, &h) || *s++ != ':' || !digits(&s, 2, &mi))
            return 0;
        if (*s == ':') {
            s++;
            if (!digits(&s, 2, &sec))
                return 0;
            if (*s == '.') {
                s++;
                int nd = 0;
                for (; isdigit((unsigned char)*s); s++)
                    if (nd < 6)
                        frac = frac * 10 + (*s - '0'), nd++;
                if (!nd)
                    return 0;
                for (; nd < 6; nd++)
                    frac *= 10;
            }
        }
        if (*s == 'Z') {
            s++;
        } else if (*s == '+' || *s == '-') {
            int sign = *s++ == '-' ? -1 : 1, oh, om = 0;
            if (!digits(&s, 2, &oh))
                return 0;
            if (*s == ':')
                s++;
            if (isdigit((unsigned char)*s) && !digits(&s, 2, &om))
                return 0;
            off = sign * (int64_t)(oh * 3600 + om * 60);
        }
    }
    while (*s == ' ')
        s++;
    if (*s)
        return 0;
    int64_t secs =
        days_from_civil(Y, M, D) * 86400 + h * 3600 + mi * 60 + sec - off;
    *us = secs * 1000000 + frac;
    return 1;
}

/* The value of a string token, quotes removed and '' undoubled. */
static char *str_value(const toks *t, int k) {
    const char *s = t->text + t->v[k].at + 1;
    size_t n = t->v[k].len >= 2 ? t->v[k].len - 2 : 0;
    obuf b = {0};
    for (size_t i = 0; i < n; i++) {
        obuf_add(&b, s + i, 1);
        if (s[i] == '\'' && i + 1 < n && s[i + 1] == '\'')
            i++;
    }
    return obuf_take(&b);
}

/* ------------------------------------------------------------ UNNEST */

char *orw_sqlite(const char *sql, char *err, size_t errlen);

/*
** FROM src [AS] a, UNNEST(split(e, sep)) [AS] t[(w)] becomes
** FROM (SELECT a.*, u.value AS w FROM src AS a, oracle_split(e, sep) AS u)
** AS a, and t.x becomes a.x in the rest of the query.
*/
static int rewrite_unnest(const toks *t, int k, edits *ed, char **alias_from,
                          char **alias_to, char *err, size_t errlen) {
    int lp = k + 1, end = after_group(t, k + 1);
    if (!is_word(t, lp + 1, "split") || !is_kind(t, lp + 2, T_LP)) {
        snprintf(err, errlen, "UNNEST of anything but split(...)");
        return 1;
    }
    int sp_end = after_group(t, lp + 2); /* after split's ')' */
    int comma = -1;
    for (int j = lp + 3; j < sp_end - 1; j++)
        if (t->v[j].kind == T_COMMA && t->v[j].depth == t->v[lp + 2].depth + 1)
            comma = j;
    if (comma < 0) {
        snprintf(err, errlen, "split() needs two arguments");
        return 1;
    }
    char *e0 = tok_text(t, lp + 3, comma);
    char *sep0 = tok_text(t, comma + 1, sp_end - 1);
    char *e = orw_sqlite(e0, err, errlen);
    char *sep = e ? orw_sqlite(sep0, err, errlen) : NULL;
    free(e0);
    free(sep0);
    if (!e || !sep) {
        free(e);
        return 1;
    }
    int j = end;
    if (is_word(t, j, "AS"))
        j++;
    char *talias = NULL, *col = NULL;
    if (is_kind(t, j, T_WORD) || is_kind(t, j, T_QWORD)) {
        talias = tok_text(t, j, j + 1);
        j++;
        if (is_kind(t, j, T_LP)) {
            col = tok_text(t, j + 1, j + 2);
            j = after_group(t, j);
        }
    }
    if (!col)
        col = ostrdup(talias ? talias : "unnest");
    /* the FROM item before the comma */
    int c = k - 1, from = -1;
    if (is_kind(t, c, T_COMMA))
        for (int i = c - 1; i >= 0; i--)
            if (is_word(t, i, "FROM") && t->v[i].depth == t->v[k].depth) {
                from = i;
                break;
            }
    if (from < 0 || c - from < 2 || c - from > 4) {
        snprintf(err, errlen, "UNNEST must follow one stream: FROM s, UNNEST");
        free(e), free(sep), free(talias), free(col);
        return 1;
    }
    char *src = tok_text(t, from + 1, c);
    char *a = tok_text(t, c - 1, c); /* the alias, or the stream's name */
    obuf b = {0};
    obuf_printf(&b,
                "(SELECT %s.*, oracle_u.value AS %s FROM %s, "
                "oracle_split(%s, %s) AS oracle_u) AS %s",
                a, col, src, e, sep, a);
    size_t at = t->v[from + 1].at;
    edit_add(ed, at, t->v[j - 1].at + t->v[j - 1].len - at, obuf_take(&b));
    *alias_from = talias;
    *alias_to = a;
    free(e), free(sep), free(col), free(src);
    return 0;
}

/* ----------------------------------------------------------- rewrite */

static const char *window_kinds[] = {"TUMBLING", "SLIDING", "HOPPING",
                                     "SESSION",  "COUNT",   "UNBOUNDED"};

/* The end of the WINDOW clause that starts at token k, or -1. */
static int window_end(const toks *t, int k) {
    int j = k + 1, kind = -1;
    for (int w = 0; w < 6; w++)
        if (is_word(t, j, window_kinds[w]))
            kind = w;
    if (kind < 0)
        return -1;
    j++;
    if (kind != 5 && is_kind(t, j, T_LP))
        j = after_group(t, j);
    if (is_word(t, j, "ON")) {
        j += 2;
        if (is_word(t, j, "WATERMARK"))
            j += 3;
        if (is_word(t, j, "LATE"))
            j += 3;
    }
    if (is_word(t, j, "EMIT"))
        j += 2;
    return j;
}

int orw_has_window(const char *sql) {
    toks t;
    tokenize(sql, &t);
    int found = 0;
    for (int k = 0; k < t.n && !found; k++)
        if (is_word(&t, k, "WINDOW") && t.v[k].depth == 0 &&
            window_end(&t, k) > 0)
            found = 1;
    free(t.v);
    return found;
}

char *orw_sqlite(const char *sql, char *err, size_t errlen) {
    toks t;
    tokenize(sql, &t);
    edits ed = {0};
    char *alias_from[8], *alias_to[8];
    int naliases = 0, rc = 0;
    for (int k = 0; k < t.n && !rc; k++) {
        tok *x = &t.v[k];
        if (x->kind != T_WORD)
            continue;
        int after_dot = is_kind(&t, k - 1, T_DOT);
        int call = is_kind(&t, k + 1, T_LP);
        if (is_word(&t, k, "WINDOW") && x->depth == 0) {
            int e = window_end(&t, k);
            if (e > 0) {
                size_t stop = e < t.n ? t.v[e].at : strlen(sql);
                edit_add(&ed, x->at, stop - x->at, ostrdup(" "));
                k = e - 1;
            }
        } else if (!after_dot && !call &&
                   (is_word(&t, k, "batch_time") ||
                    is_word(&t, k, "window_start") ||
                    is_word(&t, k, "window_end"))) {
            obuf b = {0};
            obuf_printf(&b, "oracle_%.*s()", (int)x->len, sql + x->at);
            edit_add(&ed, x->at, x->len, obuf_take(&b));
        } else if (is_word(&t, k, "TIMESTAMP") && is_kind(&t, k + 1, T_STR)) {
            char *v = str_value(&t, k + 1);
            int64_t us;
            if (!orw_parse_ts(v, &us)) {
                snprintf(err, errlen, "bad TIMESTAMP literal '%s'", v);
                rc = 1;
            } else {
                obuf b = {0};
                obuf_printf(&b, "%lld", (long long)us);
                size_t e = t.v[k + 1].at + t.v[k + 1].len;
                edit_add(&ed, x->at, e - x->at, obuf_take(&b));
            }
            free(v);
            k++;
        } else if (is_word(&t, k, "CAST") && call) {
            int end = after_group(&t, k + 1) - 1; /* the ')' */
            int ty = end - 1, as = end - 2;
            if (is_kind(&t, ty, T_RP)) { /* VARCHAR(10) */
                for (as = ty - 1; as > k && !is_kind(&t, as, T_LP); as--)
                    ;
                ty = as - 1;
                as = ty - 1;
            }
            if (!is_word(&t, as, "AS") || t.v[as].depth != x->depth + 1)
                continue;
            int type = ocase_type(sql + t.v[ty].at, t.v[ty].len);
            const char *fn = type == DS_BOOLEAN     ? "oracle_bool("
                             : type == DS_TIMESTAMP ? "oracle_ts("
                                                    : NULL;
            if (fn) {
                edit_add(&ed, x->at, t.v[k + 1].at + 1 - x->at, ostrdup(fn));
                edit_add(&ed, t.v[as].at, t.v[end].at - t.v[as].at,
                         ostrdup(""));
            } else if (type >= 0) {
                const char *nm = type == DS_BIGINT   ? "INTEGER"
                                 : type == DS_DOUBLE ? "REAL"
                                                     : "TEXT";
                size_t e = t.v[end - 1].at + t.v[end - 1].len;
                edit_add(&ed, t.v[ty].at, e - t.v[ty].at, ostrdup(nm));
            }
        } else if (is_word(&t, k, "UNNEST") && call && naliases < 8) {
            char *from = NULL, *to = NULL;
            rc = rewrite_unnest(&t, k, &ed, &from, &to, err, errlen);
            if (!rc) {
                alias_from[naliases] = from;
                alias_to[naliases++] = to;
                k = after_group(&t, k + 1) - 1;
            }
        }
    }
    /* t.w -> a.w after an UNNEST ... AS t(w) */
    for (int k = 0; k < t.n && !rc; k++) {
        if (!is_kind(&t, k + 1, T_DOT) || t.v[k].kind != T_WORD)
            continue;
        for (int a = 0; a < naliases; a++)
            if (alias_from[a] && strlen(alias_from[a]) == t.v[k].len &&
                strncasecmp(alias_from[a], sql + t.v[k].at, t.v[k].len) == 0)
                edit_add(&ed, t.v[k].at, t.v[k].len, ostrdup(alias_to[a]));
    }
    for (int a = 0; a < naliases; a++) {
        free(alias_from[a]);
        free(alias_to[a]);
    }
    char *out = apply(sql, &ed);
    free(t.v);
    if (rc) {
        free(out);
        return NULL;
    }
    return out;
}

/* ----------------------------------------------------- ORDER BY, LIMIT */

void oorder_fini(oorder *o) {
    for (int k = 0; k < o->nkeys; k++)
        free(o->keys[k]);
    free(o->keys);
    free(o->limit);
    free(o->offset);
    free(o->bare);
    memset(o, 0, sizeof *o);
}

int orw_order(const char *sql, oorder *o) {
    memset(o, 0, sizeof *o);
    toks t;
    tokenize(sql, &t);
    int order = -1, limit = -1, offset = -1;
    for (int k = 0; k < t.n; k++) {
        if (t.v[k].depth != 0)
            continue;
        if (is_word(&t, k, "ORDER") && is_word(&t, k + 1, "BY"))
            order = k;
        else if (is_word(&t, k, "LIMIT"))
            limit = k;
        else if (is_word(&t, k, "OFFSET") && limit >= 0)
            offset = k;
    }
    if (limit >= 0 && limit < order)
        limit = offset = -1;
    int stop = limit >= 0 ? limit : t.n;
    if (order >= 0) {
        o->has_order = 1;
        int start = order + 2;
        for (int k = start; k <= stop; k++) {
            if (k < stop && !(t.v[k].kind == T_COMMA && t.v[k].depth == 0))
                continue;
            int e = k;
            if (is_word(&t, e - 1, "FIRST") || is_word(&t, e - 1, "LAST"))
                e -= 2;
            if (is_word(&t, e - 1, "ASC") || is_word(&t, e - 1, "DESC"))
                e--;
            o->keys =
                orealloc(o->keys, sizeof(char *) * (size_t)(o->nkeys + 1));
            o->keys[o->nkeys++] = tok_text(&t, start, e);
            start = k + 1;
        }
    }
    if (limit >= 0) {
        o->has_limit = 1;
        int lend = offset >= 0 ? offset : t.n;
        o->limit = tok_text(&t, limit + 1, lend);
        if (offset >= 0)
            o->offset = tok_text(&t, offset + 1, t.n);
        o->bare = ostrndup(sql, t.v[limit].at);
    } else {
        o->bare = ostrdup(sql);
    }
    free(t.v);
    return 0;
}
