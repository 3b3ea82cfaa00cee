/*
** complete.c - tab completion in the shell (complete.h). The word before
** the cursor is completed from keywords, functions, types, stream names
** and column names (after FROM, JOIN, INTO and DESCRIBE: stream names
** only); at the start of a line that begins with '.', from dot-commands.
** One match is inserted with a space after it; several insert their
** common prefix, or are listed when there is none to add.
*/
#include "complete.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "repl.h"

static const char *const keywords[] = {
    "ALL", "AND", "AS", "ASC", "BETWEEN", "BIGINT", "BOOLEAN", "BY", "CASE",
    "CAST", "CHANGES", "COUNT", "CREATE", "CSV", "DAY", "DAYS", "DESC",
    "DESCRIBE", "DISTINCT", "DOUBLE", "DROP", "ELSE", "EMIT", "END", "ESCAPE",
    "EXISTS", "EXPLAIN", "FALSE", "FILE", "FINAL", "FIRST", "FORMAT", "FROM",
    "GAP", "GROUP", "HAVING", "HOPPING", "HOUR", "HOURS", "IF", "IN", "INSERT",
    "INTEGER", "INTO", "IS", "JOIN", "JSON", "LAST", "LATE", "LIKE", "LIMIT",
    "LISTEN", "METRICS", "MILLISECOND", "MILLISECONDS", "MINUTE", "MINUTES",
    "NOT", "NULL", "NULLS", "OFFSET", "ON", "OR", "ORDER", "QUERIES", "QUERY",
    "QUEUE", "SECOND", "SECONDS", "SELECT", "SESSION", "SET", "SETTINGS",
    "SHOW", "SINK", "SINKS", "SIZE", "SLIDE", "SLIDING", "SOCKET", "SQLITE",
    "STDIN", "STOP", "STREAM", "STREAMS", "TABLE", "TABLES", "TEXT", "THEN",
    "TIMESTAMP", "TO", "TRUE", "TUMBLING", "UNBOUNDED", "UNNEST", "VALUES",
    "VARCHAR", "WATERMARK", "WHEN", "WHERE", "WINDOW", "WITH",
    /* functions, settings and columns every query has */
    "abs", "avg", "batch_interval", "batch_time", "ceil", "coalesce",
    "epoch_ms", "floor", "ifnull", "instr", "length", "lower", "ltrim", "max",
    "min", "nullif", "replace", "round", "rows_per_batch", "rtrim", "split",
    "sqrt", "substr", "sum", "to_timestamp", "trim", "upper", "window_end",
    "window_start", NULL};

static const char *const dots[] = {".exit",    ".help",    ".mode",  ".output",
                                   ".queries", ".quit",    ".read",  ".stats",
                                   ".stop",    ".streams", ".timer", NULL};

typedef struct words {
    char **v;
    int n, cap;
} words;

static void add(words *w, const char *s, size_t n) {
    for (int k = 0; k < w->n; k++)
        if (strlen(w->v[k]) == n && !strncasecmp(w->v[k], s, n))
            return;
    if (w->n == w->cap) {
        int cap = w->cap ? 2 * w->cap : 32;
        char **v = realloc(w->v, sizeof *v * (size_t)cap);
        if (!v)
            return;
        w->v = v;
        w->cap = cap;
    }
    char *copy = strndup(s, n);
    if (copy)
        w->v[w->n++] = copy;
}

static void words_free(words *w) {
    for (int k = 0; k < w->n; k++)
        free(w->v[k]);
    free(w->v);
}

/* A result receiver: the first column of every row (SHOW STREAMS' name,
   DESCRIBE's column). */
static int collect(void *user, const ds_result *r) {
    words *w = user;
    for (int64_t i = 0; i < ds_result_row_count(r); i++) {
        size_t n;
        const char *t = ds_result_text(r, i, 0, &n);
        if (t)
            add(w, t, n);
    }
    return 0;
}

/* The names of the streams, and (cols not NULL) of their columns. */
static void names(repl *r, words *streams, words *cols) {
    session_capture(&r->s, "SHOW STREAMS;", collect, streams);
    for (int k = 0; cols && k < streams->n; k++) {
        strbuf sql = {0};
        sb_add(&sql, "DESCRIBE \"", 10);
        for (const char *p = streams->v[k]; *p; p++) /* "" in a name */
            sb_add(&sql, *p == '"' ? "\"\"" : p, *p == '"' ? 2 : 1);
        sb_add(&sql, "\";", 2);
        if (sql.s)
            session_capture(&r->s, sql.s, collect, cols);
        sb_fini(&sql);
    }
}

static int word_char(char c) {
    return isalnum((unsigned char)c) || c == '_' || (c & 0x80);
}

/* The word that ends before position end of s, upper-cased into w. */
static void word_before(const char *s, size_t end, char *w, size_t cap) {
    while (end > 0 && !word_char(s[end - 1]))
        end--;
    size_t start = end;
    while (start > 0 && word_char(s[start - 1]))
        start--;
    size_t n = 0;
    for (size_t i = start; i < end && n + 1 < cap; i++)
        w[n++] = (char)toupper((unsigned char)s[i]);
    w[n] = 0;
}

/* The candidates for prefix (n bytes), given the word before it. */
static void candidates(repl *r, const char *prefix, size_t n,
                       const char *before, int dot, words *out) {
    if (dot) {
        for (int k = 0; dots[k]; k++)
            if (!strncmp(dots[k], prefix, n))
                add(out, dots[k], strlen(dots[k]));
        return;
    }
    int streams_only = !strcmp(before, "FROM") || !strcmp(before, "JOIN") ||
                       !strcmp(before, "INTO") || !strcmp(before, "DESCRIBE");
    words streams = {0}, cols = {0};
    names(r, &streams, streams_only ? NULL : &cols);
    for (int k = 0; k < streams.n; k++)
        if (!strncasecmp(streams.v[k], prefix, n))
            add(out, streams.v[k], strlen(streams.v[k]));
    for (int k = 0; k < cols.n; k++)
        if (!strncasecmp(cols.v[k], prefix, n))
            add(out, cols.v[k], strlen(cols.v[k]));
    if (!streams_only && n > 0) {
        int lower = islower((unsigned char)prefix[0]);
        for (int k = 0; keywords[k]; k++) {
            if (strncasecmp(keywords[k], prefix, n))
                continue;
            char kw[32];
            size_t len = strlen(keywords[k]);
            for (size_t i = 0; i <= len && i < sizeof kw; i++)
                kw[i] = lower ? (char)tolower((unsigned char)keywords[k][i])
                              : keywords[k][i];
            add(out, kw, len);
        }
    }
    words_free(&streams);
    words_free(&cols);
}

static int by_name(const void *a, const void *b) {
    return strcasecmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the matches under the line being edited. */
static void list(const words *w) {
    struct winsize ws;
    size_t width = 80, longest = 1;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        width = ws.ws_col;
    for (int k = 0; k < w->n; k++)
        if (strlen(w->v[k]) > longest)
            longest = strlen(w->v[k]);
    size_t per = width / (longest + 2);
    if (per == 0)
        per = 1;
    fputs("\n", stdout);
    for (int k = 0; k < w->n; k++) {
        int last = (size_t)(k + 1) % per == 0 || k + 1 == w->n;
        printf("%-*s%s", last ? 0 : (int)(longest + 2), w->v[k],
               last ? "\n" : "");
    }
    fflush(stdout);
}

static unsigned char complete(EditLine *el, int ch) {
    (void)ch;
    repl *r = NULL;
    el_get(el, EL_CLIENTDATA, &r);
    const LineInfo *li = el_line(el);
    if (!r || !li)
        return CC_ERROR;
    const char *start = li->cursor;
    while (start > li->buffer && word_char(start[-1]))
        start--;
    int dot = !r->stmt.len && start > li->buffer && start[-1] == '.';
    for (const char *p = li->buffer; dot && p < start - 1; p++)
        dot = *p == ' ' || *p == '\t'; /* only blanks before the '.' */
    if (dot)
        start--;
    size_t n = (size_t)(li->cursor - start);
    char *prefix = strndup(start, n);
    strbuf before_text = {0}; /* the statement so far, for the context */
    if (r->stmt.s)
        sb_add(&before_text, r->stmt.s, r->stmt.len);
    sb_add(&before_text, li->buffer, (size_t)(start - li->buffer));
    char before[32] = "";
    if (before_text.s)
        word_before(before_text.s, before_text.len, before, sizeof before);
    sb_fini(&before_text);
    if (!prefix)
        return CC_ERROR;
    words w = {0};
    candidates(r, prefix, n, before, dot, &w);
    unsigned char rc = CC_REFRESH;
    if (w.n == 0) {
        rc = CC_REFRESH_BEEP;
    } else if (w.n == 1) {
        el_insertstr(el, w.v[0] + n);
        el_insertstr(el, " ");
    } else {
        size_t common = strlen(w.v[0]);
        for (int k = 1; k < w.n; k++) {
            size_t i = 0;
            while (i < common && w.v[k][i] &&
                   tolower((unsigned char)w.v[k][i]) ==
                       tolower((unsigned char)w.v[0][i]))
                i++;
            common = i;
        }
        if (common > n) {
            char *add_text = strndup(w.v[0] + n, common - n);
            if (add_text)
                el_insertstr(el, add_text);
            free(add_text);
        } else {
            qsort(w.v, (size_t)w.n, sizeof *w.v, by_name);
            list(&w);
            rc = CC_REDISPLAY;
        }
    }
    words_free(&w);
    free(prefix);
    return rc;
}

void complete_install(EditLine *el) {
    /* the wide call: el_set copies the names with wcsdup and never frees
       them */
    el_wset(el, EL_ADDFN, L"dstream-complete",
            L"complete keywords, streams and columns", complete);
    el_set(el, EL_BIND, "^I", "dstream-complete", NULL);
}
