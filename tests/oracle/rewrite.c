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
        osort(e->v, (size_t)e->n, sizeof(edit), cmp_edit);
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

/*
** FROM src [AS] a, UNNEST(split(e, sep)) [AS] t[(w)] becomes
** FROM (SELECT a.*, u.value AS w FROM src AS a, oracle_split(e, sep) AS u)
** AS a, and t.x becomes a.x in the rest of the query.
*/
static int rewrite_unnest(const toks *t, int k, int mode, edits *ed,
                          char **alias_from, char **alias_to, char *err,
                          size_t errlen) {
    int lp = k + 1, end = otok_after(t, k + 1);
    if (!otok_word(t, lp + 1, "split") || !otok_is(t, lp + 2, T_LP)) {
        snprintf(err, errlen, "UNNEST of anything but split(...)");
        return 1;
    }
    int sp_end = otok_after(t, lp + 2); /* after split's ')' */
    int comma = -1;
    for (int j = lp + 3; j < sp_end - 1; j++)
        if (t->v[j].kind == T_COMMA && t->v[j].depth == t->v[lp + 2].depth + 1)
            comma = j;
    if (comma < 0) {
        snprintf(err, errlen, "split() needs two arguments");
        return 1;
    }
    char *e0 = otok_text(t, lp + 3, comma);
    char *sep0 = otok_text(t, comma + 1, sp_end - 1);
    char *e = orw_sqlite_mode(e0, ORW_PLAIN, err, errlen);
    char *sep = e ? orw_sqlite_mode(sep0, ORW_PLAIN, err, errlen) : NULL;
    free(e0);
    free(sep0);
    if (!e || !sep) {
        free(e);
        return 1;
    }
    int j = end;
    if (otok_word(t, j, "AS"))
        j++;
    char *talias = NULL, *col = NULL;
    if (otok_is(t, j, T_WORD) || otok_is(t, j, T_QWORD)) {
        talias = otok_text(t, j, j + 1);
        j++;
        if (otok_is(t, j, T_LP)) {
            col = otok_text(t, j + 1, j + 2);
            j = otok_after(t, j);
        }
    }
    if (!col)
        col = ostrdup(talias ? talias : "unnest");
    /* the FROM item before the comma */
    int c = k - 1, from = -1;
    if (otok_is(t, c, T_COMMA))
        for (int i = c - 1; i >= 0; i--)
            if (otok_word(t, i, "FROM") && t->v[i].depth == t->v[k].depth) {
                from = i;
                break;
            }
    if (from < 0 || c - from < 2 || c - from > 4) {
        snprintf(err, errlen, "UNNEST must follow one stream: FROM s, UNNEST");
        free(e), free(sep), free(talias), free(col);
        return 1;
    }
    char *src = otok_text(t, from + 1, c);
    char *a = otok_text(t, c - 1, c); /* the alias, or the stream's name */
    obuf b = {0};
    obuf_printf(&b, "(SELECT %s.*, oracle_u.value AS %s", a, col);
    if (mode == ORW_IDS)
        obuf_printf(&b,
                    ", %s.rowid AS oracle_rid, oracle_u.rowid AS "
                    "oracle_piece",
                    a);
    obuf_printf(&b, " FROM %s, oracle_split(%s, %s) AS oracle_u", src, e, sep);
    if (mode == ORW_PICK)
        obuf_printf(&b, " WHERE oracle_pick(%s.rowid, oracle_u.rowid)", a);
    obuf_printf(&b, ") AS %s", a);
    size_t at = t->v[from + 1].at;
    edit_add(ed, at, t->v[j - 1].at + t->v[j - 1].len - at, obuf_take(&b));
    *alias_from = talias;
    *alias_to = a;
    free(e), free(sep), free(col), free(src);
    return 0;
}

/* ----------------------------------------------------------- rewrite */

char *orw_sqlite(const char *sql, char *err, size_t errlen) {
    return orw_sqlite_mode(sql, ORW_PLAIN, err, errlen);
}

char *orw_sqlite_mode(const char *sql, int mode, char *err, size_t errlen) {
    toks t;
    otok_split(sql, &t);
    edits ed = {0};
    char *alias_from[8], *alias_to[8];
    int naliases = 0, rc = 0;
    for (int k = 0; k < t.n && !rc; k++) {
        tok *x = &t.v[k];
        if (x->kind != T_WORD)
            continue;
        int after_dot = otok_is(&t, k - 1, T_DOT);
        int call = otok_is(&t, k + 1, T_LP);
        if (otok_word(&t, k, "WINDOW") && x->depth == 0) {
            int e = otok_window_end(&t, k);
            if (e > 0) {
                size_t stop = e < t.n ? t.v[e].at : strlen(sql);
                edit_add(&ed, x->at, stop - x->at, ostrdup(" "));
                k = e - 1;
            }
        } else if (!after_dot && !call &&
                   (otok_word(&t, k, "batch_time") ||
                    otok_word(&t, k, "window_start") ||
                    otok_word(&t, k, "window_end"))) {
            obuf b = {0};
            obuf_printf(&b, "oracle_%.*s()", (int)x->len, sql + x->at);
            edit_add(&ed, x->at, x->len, obuf_take(&b));
        } else if (otok_word(&t, k, "TIMESTAMP") && otok_is(&t, k + 1, T_STR)) {
            char *v = otok_str(&t, k + 1);
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
        } else if (otok_word(&t, k, "CAST") && call) {
            int end = otok_after(&t, k + 1) - 1; /* the ')' */
            int ty = end - 1, as = end - 2;
            if (otok_is(&t, ty, T_RP)) { /* VARCHAR(10) */
                for (as = ty - 1; as > k && !otok_is(&t, as, T_LP); as--)
                    ;
                ty = as - 1;
                as = ty - 1;
            }
            if (!otok_word(&t, as, "AS") || t.v[as].depth != x->depth + 1)
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
        } else if (otok_word(&t, k, "UNNEST") && call && naliases < 8) {
            char *from = NULL, *to = NULL;
            rc = rewrite_unnest(&t, k, mode, &ed, &from, &to, err, errlen);
            if (!rc) {
                alias_from[naliases] = from;
                alias_to[naliases++] = to;
                k = otok_after(&t, k + 1) - 1;
            }
        }
    }
    /* t.w -> a.w after an UNNEST ... AS t(w) */
    for (int k = 0; k < t.n && !rc; k++) {
        if (!otok_is(&t, k + 1, T_DOT) || t.v[k].kind != T_WORD)
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
    for (int k = 0; k < o->nkeys; k++) {
        free(o->keys[k]);
        free(o->dirs[k]);
    }
    free(o->keys);
    free(o->dirs);
    free(o->limit);
    free(o->offset);
    free(o->bare);
    memset(o, 0, sizeof *o);
}

int orw_order(const char *sql, oorder *o) {
    memset(o, 0, sizeof *o);
    toks t;
    otok_split(sql, &t);
    int order = -1, limit = -1, offset = -1;
    for (int k = 0; k < t.n; k++) {
        if (t.v[k].depth != 0)
            continue;
        if (otok_word(&t, k, "ORDER") && otok_word(&t, k + 1, "BY"))
            order = k;
        else if (otok_word(&t, k, "LIMIT"))
            limit = k;
        else if (otok_word(&t, k, "OFFSET") && limit >= 0)
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
            if (otok_word(&t, e - 1, "FIRST") || otok_word(&t, e - 1, "LAST"))
                e -= 2;
            if (otok_word(&t, e - 1, "ASC") || otok_word(&t, e - 1, "DESC"))
                e--;
            o->keys =
                orealloc(o->keys, sizeof(char *) * (size_t)(o->nkeys + 1));
            o->dirs =
                orealloc(o->dirs, sizeof(char *) * (size_t)(o->nkeys + 1));
            o->dirs[o->nkeys] = otok_text(&t, e, k);
            o->keys[o->nkeys++] = otok_text(&t, start, e);
            start = k + 1;
        }
    }
    if (limit >= 0) {
        o->has_limit = 1;
        int lend = offset >= 0 ? offset : t.n;
        o->limit = otok_text(&t, limit + 1, lend);
        if (offset >= 0)
            o->offset = otok_text(&t, offset + 1, t.n);
        o->bare = ostrndup(sql, t.v[limit].at);
    } else {
        o->bare = ostrdup(sql);
    }
    free(t.v);
    return 0;
}
