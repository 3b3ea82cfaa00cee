/*
** sqlparts.c - what a query says, at the token level (oracle.h): the
** tokenizer that rewrite.c also uses, ISO-8601 timestamps, and the parts of
** a SELECT that the window model (wmodel.c) needs: the WINDOW clause, the
** stream and alias in FROM, UNNEST, WHERE and the GROUP BY keys. dstream's
** own grammar is parser/grammar.y; this reads only what the oracle needs.
*/
#include "oracle.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------ tokenizer */

static void tok_add(toks *t, int kind, size_t at, size_t len, int depth) {
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->v = orealloc(t->v, sizeof(tok) * (size_t)t->cap);
    }
    t->v[t->n++] = (tok){kind, at, len, depth};
}

void otok_split(const char *s, toks *t) {
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

int otok_word(const toks *t, int k, const char *w) {
    return k >= 0 && k < t->n && t->v[k].kind == T_WORD &&
           t->v[k].len == strlen(w) &&
           strncasecmp(t->text + t->v[k].at, w, t->v[k].len) == 0;
}

int otok_is(const toks *t, int k, int kind) {
    return k >= 0 && k < t->n && t->v[k].kind == kind;
}

/* The token after the parenthesis that opens at k closes. */
int otok_after(const toks *t, int k) {
    int d = t->v[k].depth;
    for (int j = k + 1; j < t->n; j++)
        if (t->v[j].kind == T_RP && t->v[j].depth == d)
            return j + 1;
    return t->n;
}

char *otok_text(const toks *t, int a, int b) {
    /* the text from token a up to (not including) token b */
    if (a >= b)
        return ostrdup("");
    size_t s = t->v[a].at, e = t->v[b - 1].at + t->v[b - 1].len;
    return ostrndup(t->text + s, e - s);
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
char *otok_str(const toks *t, int k) {
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

/* -------------------------------------------------------------- WINDOW */

static const char *window_kinds[] = {"TUMBLING", "SLIDING", "HOPPING",
                                     "SESSION",  "COUNT",   "UNBOUNDED"};

/* The end of the WINDOW clause that starts at token k, or -1. */
int otok_window_end(const toks *t, int k) {
    int j = k + 1, kind = -1;
    for (int w = 0; w < 6; w++)
        if (otok_word(t, j, window_kinds[w]))
            kind = w;
    if (kind < 0)
        return -1;
    j++;
    if (kind != 5 && otok_is(t, j, T_LP))
        j = otok_after(t, j);
    if (otok_word(t, j, "ON")) {
        j += 2;
        if (otok_word(t, j, "WATERMARK"))
            j += 3;
        if (otok_word(t, j, "LATE"))
            j += 3;
    }
    if (otok_word(t, j, "EMIT"))
        j += 2;
    return j;
}

int orw_has_window(const char *sql) {
    toks t;
    otok_split(sql, &t);
    int found = 0;
    for (int k = 0; k < t.n && !found; k++)
        if (otok_word(&t, k, "WINDOW") && t.v[k].depth == 0 &&
            otok_window_end(&t, k) > 0)
            found = 1;
    free(t.v);
    return found;
}

/* ------------------------------------------------------ window clause */

/* Microseconds of the duration at token k (a number and a unit); the
   token after it in *next. -1 when it is not a duration. */
static int64_t duration(const toks *t, int k, int *next) {
    if (!otok_is(t, k, T_NUM) || !otok_is(t, k + 1, T_WORD))
        return -1;
    double v = strtod(t->text + t->v[k].at, NULL);
    const char *u = t->text + t->v[k + 1].at;
    size_t n = t->v[k + 1].len;
    if (n > 1 && (u[n - 1] == 's' || u[n - 1] == 'S'))
        n--;
    static const struct {
        const char *name;
        double us;
    } units[] = {{"microsecond", 1}, {"millisecond", 1e3}, {"second", 1e6},
                 {"minute", 60e6},   {"hour", 3600e6},     {"day", 86400e6}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strlen(units[i].name) == n &&
            strncasecmp(u, units[i].name, n) == 0) {
            *next = k + 2;
            return llround(v * units[i].us);
        }
    return -1;
}

static char *name_at(const toks *t, int k) {
    if (otok_is(t, k, T_QWORD)) {
        char *s = ostrndup(t->text + t->v[k].at + 1, t->v[k].len - 2);
        return s;
    }
    return otok_text(t, k, k + 1);
}

/* The WINDOW clause at token k (WINDOW). */
static int parse_window(const toks *t, int k, owin *w, char *err,
                        size_t errlen) {
    static const char *kinds[] = {"TUMBLING", "SLIDING", "HOPPING",
                                  "SESSION",  "COUNT",   "UNBOUNDED"};
    static const int codes[] = {OW_TUMBLING, OW_SLIDING, OW_SLIDING,
                                OW_SESSION,  OW_COUNT,   OW_UNBOUNDED};
    int j = k + 1;
    for (int i = 0; i < 6; i++)
        if (otok_word(t, j, kinds[i]))
            w->kind = codes[i];
    if (!w->kind) {
        snprintf(err, errlen, "unknown window kind");
        return 1;
    }
    j++;
    if (w->kind != OW_UNBOUNDED) {
        int end = otok_is(t, j, T_LP) ? otok_after(t, j) : -1;
        j++;
        while (end > 0 && j < end - 1) {
            int64_t *to = otok_word(t, j, "SLIDE") ? &w->slide : &w->size;
            if (!otok_word(t, j, "SIZE") && !otok_word(t, j, "SLIDE") &&
                !otok_word(t, j, "GAP"))
                break;
            j++;
            if (w->kind == OW_COUNT && otok_is(t, j, T_NUM))
                *to = strtoll(t->text + t->v[j++].at, NULL, 10);
            else if ((*to = duration(t, j, &j)) < 0)
                break;
            if (otok_is(t, j, T_COMMA))
                j++;
        }
        if (end < 0 || j != end - 1 || w->size <= 0) {
            snprintf(err, errlen, "cannot read the window's size");
            return 1;
        }
        j = end;
    }
    if (w->slide <= 0)
        w->slide = w->size;
    if (otok_word(t, j, "ON")) {
        w->on = name_at(t, j + 1);
        j += 2;
        if (otok_word(t, j, "WATERMARK") &&
            (w->delay = duration(t, j + 1, &j)) < 0) {
            snprintf(err, errlen, "cannot read the WATERMARK delay");
            return 1;
        }
        if (otok_word(t, j, "LATE") && otok_word(t, j + 1, "INTO")) {
            w->late_into = name_at(t, j + 2);
            j += 3;
        }
    }
    if (otok_word(t, j, "EMIT"))
        w->emit_changes = otok_word(t, j + 1, "CHANGES");
    if (w->delay < 0)
        w->delay = 0;
    return 0;
}

/* --------------------------------------------------------------- parts */

void oparts_fini(oparts *p) {
    free(p->w.on);
    free(p->w.late_into);
    free(p->stream);
    free(p->alias);
    free(p->unnest);
    free(p->from);
    free(p->where);
    free(p->nowhere);
    for (int k = 0; k < p->nkeys; k++)
        free(p->keys[k]);
    free(p->keys);
    memset(p, 0, sizeof *p);
}

static int is_column(const ocase *c, const char *stream, const char *name) {
    int s = c ? ocase_stream(c, stream) : -1;
    if (s < 0)
        return 0;
    for (int k = 0; k < c->streams[s].ncols; k++)
        if (strcasecmp(c->streams[s].cols[k].name, name) == 0)
            return 1;
    return 0;
}

/* The select item whose alias (AS name) is name: its expression. */
static char *item_by_alias(const toks *t, int from, int to, const char *name) {
    for (int a = from, k = from; k <= to; k++) {
        if (k < to && !(t->v[k].kind == T_COMMA && t->v[k].depth == 0))
            continue;
        if (k - a >= 3 && otok_word(t, k - 2, "AS")) {
            char *al = name_at(t, k - 1);
            int same = strcasecmp(al, name) == 0;
            free(al);
            if (same)
                return otok_text(t, a, k - 2);
        }
        a = k + 1;
    }
    return NULL;
}

/* The select item number n (1-based), without its alias. */
static char *item_at(const toks *t, int from, int to, int n) {
    for (int a = from, k = from, i = 1; k <= to; k++) {
        if (k < to && !(t->v[k].kind == T_COMMA && t->v[k].depth == 0))
            continue;
        if (i++ == n)
            return otok_text(
                t, a, k - 2 >= a && otok_word(t, k - 2, "AS") ? k - 2 : k);
        a = k + 1;
    }
    return NULL;
}

/* The end of the clause that starts at token k: the next clause. */
static int clause_end(const int *clause, int n, int k, int end) {
    for (int i = 0; i < n; i++)
        if (clause[i] > k && clause[i] < end)
            end = clause[i];
    return end;
}

int orw_parts(const char *sql, const ocase *c, oparts *p, char *err,
              size_t errlen) {
    memset(p, 0, sizeof *p);
    toks t;
    otok_split(sql, &t);
    /* the clauses at depth 0 */
    int sel = -1, from = -1, win = -1, where = -1, group = -1;
    int clause[16], nclause = 0;
    static const char *stops[] = {"WINDOW", "EMIT",  "WHERE", "GROUP",
                                  "HAVING", "ORDER", "LIMIT"};
    for (int k = 0; k < t.n; k++) {
        if (t.v[k].depth != 0 || t.v[k].kind != T_WORD)
            continue;
        if (sel < 0 && otok_word(&t, k, "SELECT"))
            sel = k;
        else if (from < 0 && otok_word(&t, k, "FROM"))
            from = k;
        for (int i = 0; i < 7 && from >= 0 && nclause < 16; i++)
            if (otok_word(&t, k, stops[i]))
                clause[nclause++] = k;
        if (from >= 0 && win < 0 && otok_word(&t, k, "WINDOW"))
            win = k;
        else if (from >= 0 && where < 0 && otok_word(&t, k, "WHERE"))
            where = k;
        else if (from >= 0 && group < 0 && otok_word(&t, k, "GROUP") &&
                 otok_word(&t, k + 1, "BY"))
            group = k;
    }
    int rc = 0;
    if (sel < 0 || from < 0) {
        snprintf(err, errlen, "no SELECT ... FROM");
        rc = 1;
        goto done;
    }
    if (win >= 0 && (rc = parse_window(&t, win, &p->w, err, errlen)) != 0)
        goto done;
    /* FROM stream [[AS] alias] [, UNNEST(...) [AS] t(col)] */
    int fend = clause_end(clause, nclause, from, t.n);
    p->from = otok_text(&t, from + 1, fend);
    p->stream = name_at(&t, from + 1);
    int a = from + 2;
    if (otok_word(&t, a, "AS"))
        a++;
    if (a < fend && (otok_is(&t, a, T_WORD) || otok_is(&t, a, T_QWORD)) &&
        !otok_word(&t, a, "UNNEST"))
        p->alias = name_at(&t, a);
    else
        p->alias = ostrdup(p->stream);
    for (int k = from + 1; k < fend; k++)
        if (otok_word(&t, k, "UNNEST") && otok_is(&t, k + 1, T_LP)) {
            int j = otok_after(&t, k + 1);
            if (otok_word(&t, j, "AS"))
                j++;
            if (otok_is(&t, j + 1, T_LP))
                p->unnest = name_at(&t, j + 2);
            else if (j < fend)
                p->unnest = name_at(&t, j);
            else
                p->unnest = ostrdup("unnest");
        }
    if (where >= 0) {
        int wend = clause_end(clause, nclause, where, t.n);
        p->where = otok_text(&t, where + 1, wend);
        obuf b = {0};
        obuf_add(&b, sql, t.v[where].at);
        if (wend < t.n)
            obuf_puts(&b, sql + t.v[wend].at);
        p->nowhere = obuf_take(&b);
    } else {
        p->nowhere = ostrdup(sql);
    }
    int distinct = otok_word(&t, sel + 1, "DISTINCT");
    if (group < 0 && distinct) {
        /* SELECT DISTINCT is GROUP BY every item: those are the keys (of
           a SESSION or COUNT window) */
        for (int n = 1;; n++) {
            char *e = item_at(&t, sel + 2, from, n);
            if (!e)
                break;
            p->keys =
                orealloc(p->keys, sizeof(char *) * (size_t)(p->nkeys + 1));
            p->keys[p->nkeys++] = e;
        }
    }
    if (group >= 0) {
        int gend = clause_end(clause, nclause, group, t.n), ifrom = sel + 1;
        if (distinct)
            ifrom++;
        for (int s0 = group + 2, k = s0; k <= gend; k++) {
            if (k < gend && !(t.v[k].kind == T_COMMA && t.v[k].depth == 0))
                continue;
            char *term = otok_text(&t, s0, k), *e = NULL;
            if (k - s0 == 1 && otok_is(&t, s0, T_NUM))
                e = item_at(&t, ifrom, from, atoi(term));
            else if (k - s0 == 1 && !is_column(c, p->stream, term) &&
                     !(p->unnest && strcasecmp(p->unnest, term) == 0))
                e = item_by_alias(&t, ifrom, from, term);
            p->keys =
                orealloc(p->keys, sizeof(char *) * (size_t)(p->nkeys + 1));
            p->keys[p->nkeys++] = e ? e : term;
            if (e)
                free(term);
            s0 = k + 1;
        }
    }
done:
    free(t.v);
    if (rc)
        oparts_fini(p);
    return rc;
}
