/*
** case.c - the .case file format of the oracle (docs/oracle.md): reading a
** case into an ocase (oracle.h) and writing one back, which is how the
** random generator prints a reproducer. Line oriented: a directive word at
** the start of a line, SQL blocks that end at a blank line, data rows as SQL
** tuples.
*/
#include "oracle.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int ocase_type(const char *s, size_t n) {
    static const struct {
        const char *name;
        int type;
    } names[] = {{"BIGINT", DS_BIGINT},  {"INT", DS_BIGINT},
                 {"INTEGER", DS_BIGINT}, {"DOUBLE", DS_DOUBLE},
                 {"REAL", DS_DOUBLE},    {"FLOAT", DS_DOUBLE},
                 {"TEXT", DS_TEXT},      {"VARCHAR", DS_TEXT},
                 {"STRING", DS_TEXT},    {"BOOLEAN", DS_BOOLEAN},
                 {"BOOL", DS_BOOLEAN},   {"TIMESTAMP", DS_TIMESTAMP}};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (strlen(names[k].name) == n && strncasecmp(names[k].name, s, n) == 0)
            return names[k].type;
    return -1;
}

int ocase_stream(const ocase *c, const char *name) {
    for (int k = 0; k < c->nstreams; k++)
        if (strcasecmp(c->streams[k].name, name) == 0)
            return k;
    return -1;
}

void ocase_fini(ocase *c) {
    free(c->path);
    free(c->name);
    for (int k = 0; k < c->nsettings; k++)
        free(c->settings[k]);
    free(c->settings);
    for (int k = 0; k < c->nstreams; k++) {
        ostream *s = &c->streams[k];
        for (int j = 0; j < s->ncols; j++)
            free(s->cols[j].name);
        free(s->cols);
        free(s->name);
        free(s->sql);
        free(s->sqlite_sql);
    }
    free(c->streams);
    for (int k = 0; k < c->nbatches; k++) {
        for (int j = 0; j < c->batches[k].n; j++)
            free(c->batches[k].chunks[j].rows);
        free(c->batches[k].chunks);
    }
    free(c->batches);
    for (int k = 0; k < c->nqueries; k++) {
        oquery *q = &c->queries[k];
        free(q->sql);
        free(q->sqlite_sql);
        free(q->error);
        free(q->known_bug);
        free(q->expect);
    }
    free(c->queries);
    memset(c, 0, sizeof *c);
}

/* ------------------------------------------------------------- reading */

typedef struct parser {
    ocase *c;
    const char *name;
    char *err;
    size_t errlen;
    int line;
} parser;

static int perr(parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int perr(parser *p, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(p->err, p->errlen, "%s:%d: %s", p->name, p->line, msg);
    return 1;
}

static const char *skip_ws(const char *s) {
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

static char *trimmed(const char *s, size_t n) {
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return ostrndup(s, n);
}

/* The word at s (letters, digits, _ and -); its length. */
static size_t word_len(const char *s) {
    size_t n = 0;
    while (isalnum((unsigned char)s[n]) || s[n] == '_' || s[n] == '-')
        n++;
    return n;
}

/* "batch_interval = N UNIT" or "idle_timeout TO N UNIT": N UNIT in *us. */
static int parse_interval(parser *p, const char *set, int64_t *us) {
    const char *s = strchr(set, '=');
    if (!s) {
        const char *to = strcasestr(set, " to ");
        s = to ? to + 3 : NULL;
    }
    if (!s)
        return perr(p, "cannot read the batch interval: %s", set);
    char *end;
    double v = strtod(s + 1, &end);
    end = (char *)skip_ws(end);
    double unit = 1e6;
    if (strncasecmp(end, "millisecond", 11) == 0 ||
        strncasecmp(end, "ms", 2) == 0)
        unit = 1e3;
    else if (strncasecmp(end, "minute", 6) == 0)
        unit = 60e6;
    else if (strncasecmp(end, "hour", 4) == 0)
        unit = 3600e6;
    else if (strncasecmp(end, "day", 3) == 0)
        unit = 86400e6;
    *us = (int64_t)(v * unit + 0.5);
    return 0;
}

static int add_columns(parser *p, ostream *s, const char *text) {
    /* "(a BIGINT, b TEXT)" */
    const char *q = skip_ws(text);
    if (*q != '(')
        return perr(p, "stream %s: a column list in parentheses", s->name);
    q++;
    for (;;) {
        q = skip_ws(q);
        size_t n = word_len(q);
        if (!n)
            return perr(p, "stream %s: a column name", s->name);
        char *name = ostrndup(q, n);
        q = skip_ws(q + n);
        size_t tn = word_len(q);
        int type = ocase_type(q, tn);
        if (type < 0) {
            free(name);
            return perr(p, "stream %s: unknown type '%.*s'", s->name, (int)tn,
                        q);
        }
        q = skip_ws(q + tn);
        s->cols = orealloc(s->cols, sizeof(ocol) * (size_t)(s->ncols + 1));
        s->cols[s->ncols].name = name;
        s->cols[s->ncols].type = type;
        s->ncols++;
        if (*q == ',') {
            q++;
            continue;
        }
        if (*q == ')')
            break;
        return perr(p, "stream %s: ',' or ')' after a column", s->name);
    }
    return 0;
}

static ochunk *chunk_for(parser *p, int stream) {
    ocase *c = p->c;
    obatch *b = &c->batches[c->nbatches - 1];
    for (int k = 0; k < b->n; k++)
        if (b->chunks[k].stream == stream)
            return &b->chunks[k];
    b->chunks = orealloc(b->chunks, sizeof(ochunk) * (size_t)(b->n + 1));
    ochunk *ch = &b->chunks[b->n++];
    ch->stream = stream;
    ch->rows = NULL;
    return ch;
}

static void chunk_append(ochunk *ch, const char *text) {
    char *t = trimmed(text, strlen(text));
    if (!*t) {
        free(t);
        return;
    }
    if (!ch->rows) {
        ch->rows = t;
        return;
    }
    obuf b = {0};
    obuf_puts(&b, ch->rows);
    /* rows on several lines: "(1), (2)," then "(3)" */
    size_t n = b.n;
    while (n && isspace((unsigned char)b.s[n - 1]))
        n--;
    if (n && b.s[n - 1] != ',')
        obuf_puts(&b, ",");
    obuf_puts(&b, " ");
    obuf_puts(&b, t);
    free(t);
    free(ch->rows);
    ch->rows = obuf_take(&b);
}

static int first_queue(const ocase *c) {
    for (int k = 0; k < c->nstreams; k++)
        if (!c->streams[k].derived)
            return k;
    return -1;
}

enum { B_NONE, B_DATA, B_SQL, B_COLS, B_EXPECT };

/* Ends the current SQL or column-list block. */
static int end_block(parser *p, int block, obuf *sql, char **target,
                     ostream *cols) {
    char *txt = trimmed(sql->s ? sql->s : "", sql->n);
    free(obuf_take(sql));
    size_t n = strlen(txt);
    while (n && (txt[n - 1] == ';' || isspace((unsigned char)txt[n - 1])))
        txt[--n] = 0;
    int rc = 0;
    if (block == B_COLS)
        rc = add_columns(p, cols, txt);
    else if (target) {
        *target = txt;
        txt = NULL;
    }
    free(txt);
    return rc;
}

/* A time in an expect-windows line: 1.5s, 250ms, 3us, -2s (from the
   epoch) or 'ISO-8601'. Returns the text after it, or NULL. */
static const char *expect_time(const char *s, int64_t *us) {
    s = skip_ws(s);
    if (*s == '\'') {
        const char *e = strchr(s + 1, '\'');
        if (!e)
            return NULL;
        char *t = ostrndup(s + 1, (size_t)(e - s - 1));
        int ok = orw_parse_ts(t, us);
        free(t);
        return ok ? e + 1 : NULL;
    }
    char *end;
    double v = strtod(s, &end);
    if (end == s)
        return NULL;
    double unit = strncmp(end, "ms", 2) == 0   ? 1e3
                  : strncmp(end, "us", 2) == 0 ? 1
                  : *end == 's'                ? 1e6
                                               : -1;
    if (unit < 0)
        return NULL;
    *us = llround(v * unit);
    return end + (unit == 1e6 ? 1 : 2);
}

/* "batch K: [S, E) [S, E) ...", "batch K: -" (no window), "late N". */
static int expect_line(parser *p, oquery *q, const char *line) {
    const char *s = skip_ws(line);
    if (strncmp(s, "late", 4) == 0) {
        q->expect_late = atoi(s + 4);
        return 0;
    }
    char *end;
    if (strncmp(s, "batch", 5) != 0)
        return perr(p, "expect-windows: 'batch K: ...' or 'late N'");
    long k = strtol(s + 5, &end, 10);
    s = skip_ws(end);
    if (*s++ != ':' || k < 1)
        return perr(p, "expect-windows: 'batch K:'");
    for (;;) {
        s = skip_ws(s);
        if (!*s)
            return 0;
        oexpect x = {k, 0, 0, 0};
        if (*s == '-') {
            s++;
        } else if (*s == '[') {
            x.has_window = 1;
            s = expect_time(s + 1, &x.start);
            if (s && *(s = skip_ws(s)) == ',')
                s = expect_time(s + 1, &x.end);
            else
                s = NULL;
            if (!s || *(s = skip_ws(s)) != ')')
                return perr(p, "expect-windows: a window is [start, end)");
            s++;
        } else {
            return perr(p, "expect-windows: a window [start, end) or -");
        }
        q->expect =
            orealloc(q->expect, sizeof(oexpect) * (size_t)(q->nexpect + 1));
        q->expect[q->nexpect++] = x;
    }
}

static void add_setting(parser *p, const char *rest) {
    ocase *c = p->c;
    obuf b = {0};
    obuf_printf(&b, "SET %s;", rest);
    c->settings =
        orealloc(c->settings, sizeof(char *) * (size_t)(c->nsettings + 1));
    c->settings[c->nsettings++] = obuf_take(&b);
}

/* "stream NAME (cols)" or "stream NAME AS SELECT ..." */
static int add_stream(parser *p, const char *rest, int *block, obuf *sql,
                      char ***target, ostream **cols) {
    ocase *c = p->c;
    size_t nl = word_len(rest);
    if (!nl)
        return perr(p, "stream: a name");
    char *sname = ostrndup(rest, nl);
    if (ocase_stream(c, sname) >= 0) {
        perr(p, "stream %s declared twice", sname);
        free(sname);
        return 1;
    }
    c->streams =
        orealloc(c->streams, sizeof(ostream) * (size_t)(c->nstreams + 1));
    ostream *st = &c->streams[c->nstreams++];
    memset(st, 0, sizeof *st);
    st->name = sname;
    st->line = p->line;
    const char *r = skip_ws(rest + nl);
    if (strncasecmp(r, "AS", 2) == 0 &&
        (isspace((unsigned char)r[2]) || !r[2])) {
        st->derived = 1;
        *block = B_SQL;
        *target = &st->sql;
        obuf_puts(sql, skip_ws(r + 2));
    } else {
        *block = B_COLS;
        *cols = st;
        obuf_puts(sql, r);
    }
    obuf_puts(sql, "\n");
    return 0;
}

int ocase_parse(ocase *c, const char *name, const char *text, char *err,
                size_t errlen) {
    memset(c, 0, sizeof *c);
    c->name = ostrdup(name);
    c->interval_us = 1000000;
    c->idle_us = 5000000;
    c->check_names = 1;
    parser p = {c, name, err, errlen, 0};
    int block = B_NONE;   /* what the following lines extend */
    ochunk *chunk = NULL; /* B_DATA */
    obuf sql = {0};       /* B_SQL, B_COLS */
    char **target = NULL; /* B_SQL: where the text goes */
    ostream *cols = NULL; /* B_COLS */
    int last_sqlable = 0; /* 1: a query, 2: a derived stream */
    char *known_bug = NULL;
    int asan_only = 0;
    int rc = 0;
    const char *s = text;
    while (*s && !rc) {
        const char *eol = strchr(s, '\n');
        size_t len = eol ? (size_t)(eol - s) : strlen(s);
        char *line = ostrndup(s, len);
        if (len && line[len - 1] == '\r')
            line[len - 1] = 0;
        s = eol ? eol + 1 : s + len;
        p.line++;
        const char *t = skip_ws(line);
        int blank = *t == 0;
        int cont = !blank && (t != line || *t == '(');
        if (line[0] == '#') {
            free(line);
            continue;
        }
        if (block == B_SQL) {
            if (blank) {
                rc = end_block(&p, block, &sql, target, cols);
                block = B_NONE;
            } else {
                obuf_puts(&sql, line);
                obuf_puts(&sql, "\n");
            }
            free(line);
            continue;
        }
        if (block == B_EXPECT) {
            if (blank)
                block = B_NONE;
            else
                rc = expect_line(&p, &c->queries[c->nqueries - 1], line);
            free(line);
            continue;
        }
        if (block == B_COLS || block == B_DATA) {
            if (cont) {
                if (block == B_DATA) {
                    chunk_append(chunk, line);
                } else {
                    obuf_puts(&sql, line);
                    obuf_puts(&sql, "\n");
                }
                free(line);
                continue;
            }
            if (block == B_COLS)
                rc = end_block(&p, block, &sql, NULL, cols);
            block = B_NONE;
        }
        if (blank || rc) {
            free(line);
            continue;
        }
        if (cont) {
            rc = perr(&p, "an indented line outside a block");
            free(line);
            continue;
        }
        size_t wl = word_len(t);
        char *word = ostrndup(t, wl);
        const char *rest = skip_ws(t + wl);
        if (strcmp(word, "set") == 0) {
            add_setting(&p, rest);
            if (strncasecmp(rest, "batch_interval", 14) == 0)
                rc = parse_interval(&p, rest, &c->interval_us);
            else if (strncasecmp(rest, "idle_timeout", 12) == 0)
                rc = parse_interval(&p, rest, &c->idle_us);
        } else if (strcmp(word, "stream") == 0) {
            rc = add_stream(&p, rest, &block, &sql, &target, &cols);
            if (!rc && block == B_SQL)
                last_sqlable = 2;
        } else if (strcmp(word, "batch") == 0) {
            c->batches = orealloc(c->batches,
                                  sizeof(obatch) * (size_t)(c->nbatches + 1));
            obatch *b = &c->batches[c->nbatches++];
            memset(b, 0, sizeof *b);
            b->line = p.line;
            int q = first_queue(c);
            if (q < 0) {
                rc = perr(&p, "batch before any stream");
            } else {
                chunk = chunk_for(&p, q);
                chunk_append(chunk, rest);
                block = B_DATA;
            }
        } else if (strcmp(word, "rows") == 0) {
            size_t nl = word_len(rest);
            char *sname = ostrndup(rest, nl);
            int k = ocase_stream(c, sname);
            if (!c->nbatches)
                rc = perr(&p, "rows before the first batch");
            else if (k < 0 || c->streams[k].derived)
                rc = perr(&p, "rows: no queue stream '%s'", sname);
            else {
                chunk = chunk_for(&p, k);
                chunk_append(chunk, rest + nl);
                block = B_DATA;
            }
            free(sname);
        } else if (strcmp(word, "query") == 0) {
            c->queries = orealloc(c->queries,
                                  sizeof(oquery) * (size_t)(c->nqueries + 1));
            oquery *q = &c->queries[c->nqueries++];
            memset(q, 0, sizeof *q);
            q->line = p.line;
            q->known_bug = known_bug;
            q->asan_only = asan_only;
            q->expect_late = -1;
            known_bug = NULL;
            asan_only = 0;
            if (strncmp(rest, "error", 5) == 0) {
                q->error = trimmed(rest + 5, strlen(rest + 5));
                if (!*q->error)
                    rc = perr(&p, "query error: the expected message");
            } else if (*rest) {
                rc = perr(&p, "query: unexpected '%s'", rest);
            }
            block = B_SQL;
            target = &q->sql;
            last_sqlable = 1;
        } else if (strcmp(word, "sqlite") == 0) {
            target = NULL;
            if (last_sqlable == 1)
                target = &c->queries[c->nqueries - 1].sqlite_sql;
            else if (last_sqlable == 2)
                target = &c->streams[c->nstreams - 1].sqlite_sql;
            else
                rc = perr(&p, "sqlite: no query or derived stream before it");
            if (target && *target)
                rc = perr(&p, "sqlite: given twice");
            block = B_SQL;
            obuf_puts(&sql, rest);
            obuf_puts(&sql, "\n");
        } else if (strcmp(word, "expect-windows") == 0) {
            if (!c->nqueries || c->queries[c->nqueries - 1].expect_line)
                rc = perr(&p, "expect-windows: after a query, once");
            else
                c->queries[c->nqueries - 1].expect_line = p.line;
            block = B_EXPECT;
        } else if (strcmp(word, "no-check-names") == 0) {
            c->check_names = 0;
        } else if (strcmp(word, "known-bug") == 0 ||
                   strcmp(word, "known-bug-asan") == 0) {
            free(known_bug);
            known_bug = trimmed(rest, strlen(rest));
            asan_only = strcmp(word, "known-bug-asan") == 0;
            if (!*known_bug)
                rc = perr(&p, "known-bug: a description");
        } else {
            rc = perr(&p, "unknown directive '%s'", word);
        }
        free(word);
        free(line);
    }
    if (!rc && (block == B_SQL || block == B_COLS))
        rc = end_block(&p, block, &sql, target, cols);
    free(obuf_take(&sql));
    if (!rc && known_bug)
        rc = perr(&p, "known-bug without a query after it");
    free(known_bug);
    for (int k = 0; !rc && k < c->nqueries; k++)
        if (!c->queries[k].sql || !*c->queries[k].sql) {
            p.line = c->queries[k].line;
            rc = perr(&p, "query without SQL");
        }
    for (int k = 0; !rc && k < c->nstreams; k++)
        if (c->streams[k].derived &&
            (!c->streams[k].sql || !*c->streams[k].sql)) {
            p.line = c->streams[k].line;
            rc = perr(&p, "derived stream without SQL");
        }
    return rc;
}

int ocase_read(ocase *c, const char *path, char *err, size_t errlen) {
    memset(c, 0, sizeof *c);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open", path);
        return 1;
    }
    obuf b = {0};
    char tmp[4096];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        obuf_add(&b, tmp, n);
    fclose(f);
    char *text = obuf_take(&b);
    int rc = ocase_parse(c, path, text, err, errlen);
    free(text);
    free(c->path);
    c->path = ostrdup(path);
    return rc;
}

/* ------------------------------------------------------------- writing */

static void write_block(FILE *out, const char *head, const char *sql) {
    fprintf(out, "%s\n", head);
    /* a blank line would end the block early: drop blank lines */
    for (const char *s = sql; *s;) {
        const char *eol = strchr(s, '\n');
        size_t n = eol ? (size_t)(eol - s) : strlen(s);
        const char *t = s;
        while (t < s + n && isspace((unsigned char)*t))
            t++;
        if (t < s + n)
            fprintf(out, "%.*s\n", (int)n, s);
        s = eol ? eol + 1 : s + n;
    }
    fprintf(out, "\n");
}

void ocase_write(const ocase *c, FILE *out) {
    if (c->name)
        fprintf(out, "# %s\n", c->name);
    for (int k = 0; k < c->nsettings; k++) {
        const char *s = c->settings[k];
        size_t n = strlen(s);
        if (strncasecmp(s, "SET ", 4) == 0)
            s += 4, n -= 4;
        if (n && s[n - 1] == ';')
            n--;
        fprintf(out, "set %.*s\n", (int)n, s);
    }
    if (!c->check_names)
        fprintf(out, "no-check-names\n");
    for (int k = 0; k < c->nstreams; k++) {
        const ostream *s = &c->streams[k];
        if (s->late)
            continue; /* made by dstream for a LATE INTO */
        if (s->derived) {
            fprintf(out, "\n");
            char head[256];
            snprintf(head, sizeof head, "stream %s AS", s->name);
            write_block(out, head, s->sql);
            if (s->sqlite_sql)
                write_block(out, "sqlite", s->sqlite_sql);
            continue;
        }
        fprintf(out, "stream %s (", s->name);
        for (int j = 0; j < s->ncols; j++)
            fprintf(out, "%s%s %s", j ? ", " : "", s->cols[j].name,
                    ds_type_name(s->cols[j].type));
        fprintf(out, ")\n");
    }
    fprintf(out, "\n");
    for (int k = 0; k < c->nqueries; k++) {
        const oquery *q = &c->queries[k];
        if (q->known_bug)
            fprintf(out, "known-bug%s %s\n", q->asan_only ? "-asan" : "",
                    q->known_bug);
        char head[512];
        snprintf(head, sizeof head, "query%s%s", q->error ? " error " : "",
                 q->error ? q->error : "");
        write_block(out, head, q->sql);
        if (q->sqlite_sql)
            write_block(out, "sqlite", q->sqlite_sql);
    }
    /* expect-windows blocks are not written: a reproducer's schedule is
       the model's */
    int q0 = first_queue(c);
    for (int k = 0; k < c->nbatches; k++) {
        const obatch *b = &c->batches[k];
        const char *main_rows = NULL;
        for (int j = 0; j < b->n; j++)
            if (b->chunks[j].stream == q0)
                main_rows = b->chunks[j].rows;
        fprintf(out, "batch%s%s\n", main_rows ? " " : "",
                main_rows ? main_rows : "");
        for (int j = 0; j < b->n; j++)
            if (b->chunks[j].stream != q0 && b->chunks[j].rows)
                fprintf(out, "rows %s %s\n",
                        c->streams[b->chunks[j].stream].name,
                        b->chunks[j].rows);
    }
}
