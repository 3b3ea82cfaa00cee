/*
** print.c - the three output formats of the dstream program (print.h).
*/
#include "print.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* print_result holds the stream's lock for a whole emission, so the
   characters go out without taking it again each time */
#define fputc fputc_unlocked
#define fputs fputs_unlocked
#define fwrite fwrite_unlocked

int parse_mode(const char *s) {
    if (!strcmp(s, "table"))
        return OUT_TABLE;
    if (!strcmp(s, "csv"))
        return OUT_CSV;
    if (!strcmp(s, "json"))
        return OUT_JSON;
    return -1;
}

const char *mode_name(out_mode m) {
    return m == OUT_CSV ? "csv" : m == OUT_JSON ? "json" : "table";
}

static void json_string(FILE *f, const char *s, size_t n) {
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':
            fputs("\\\"", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\r':
            fputs("\\r", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        default:
            if (c < 0x20)
                fprintf(f, "\\u%04x", c);
            else
                fputc(c, f);
        }
    }
    fputc('"', f);
}

/* The shortest decimal that reads back as d. */
static void json_double(FILE *f, double d) {
    char buf[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    fputs(buf, f);
}

static void json_time(FILE *f, const char *key, int64_t us) {
    char buf[32];
    fprintf(f, ",\"%s\":\"%s\"", key, ds_format_timestamp(us, buf));
}

static void print_json(printer *p, const ds_result *r) {
    FILE *f = p->out;
    int q = ds_result_query_id(r);
    if (q) {
        fprintf(f, "{\"query\":%d,\"batch\":%lld", q,
                (long long)ds_result_batch(r));
        json_time(f, "time", ds_result_batch_time(r));
        if (ds_result_has_window(r)) {
            json_time(f, "window_start", ds_result_window_start(r));
            json_time(f, "window_end", ds_result_window_end(r));
        }
        fputs(",\"rows\":[", f);
    } else {
        fputs("{\"rows\":[", f);
    }
    int nc = ds_result_column_count(r);
    int64_t nr = ds_result_row_count(r);
    for (int64_t i = 0; i < nr; i++) {
        fputs(i ? ",{" : "{", f);
        for (int c = 0; c < nc; c++) {
            const char *name = ds_result_column_name(r, c);
            if (c)
                fputc(',', f);
            json_string(f, name, strlen(name));
            fputc(':', f);
            if (ds_result_is_null(r, i, c)) {
                fputs("null", f);
                continue;
            }
            size_t n;
            const char *t = ds_result_text(r, i, c, &n);
            switch (ds_result_column_type(r, c)) {
            case DS_BIGINT:
            case DS_BOOLEAN:
                fwrite(t, 1, n, f);
                break;
            case DS_DOUBLE: {
                double d = ds_result_double(r, i, c);
                if (isfinite(d))
                    json_double(f, d);
                else
                    json_string(f, t, n);
                break;
            }
            default:
                json_string(f, t, n);
            }
        }
        fputc('}', f);
    }
    fputs("]}\n", f);
}

static void csv_field(FILE *f, const char *s, size_t n) {
    int quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote) {
        fwrite(s, 1, n, f);
        return;
    }
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            fputc('"', f);
        fputc(s[i], f);
    }
    fputc('"', f);
}

static void print_csv(printer *p, const ds_result *r) {
    int nc = ds_result_column_count(r);
    int64_t nr = ds_result_row_count(r);
    if (ds_result_query_id(r) == 0) { /* a statement's rows: named */
        for (int c = 0; c < nc; c++) {
            const char *name = ds_result_column_name(r, c);
            if (c)
                fputc(',', p->out);
            csv_field(p->out, name, strlen(name));
        }
        fputc('\n', p->out);
    }
    int type[64]; /* only text can need quotes; numbers never do */
    for (int c = 0; c < nc && c < 64; c++)
        type[c] = ds_result_column_type(r, c);
    for (int64_t i = 0; i < nr; i++) {
        for (int c = 0; c < nc; c++) {
            if (c)
                fputc(',', p->out);
            int ty = c < 64 ? type[c] : DS_TEXT;
            if (ty == DS_DOUBLE || ty == DS_TIMESTAMP) { /* no copy */
                if (ds_result_is_null(r, i, c))
                    continue;
                char buf[40];
                if (ty == DS_DOUBLE)
                    fwrite(buf, 1,
                           (size_t)ds_format_double(ds_result_double(r, i, c),
                                                    buf),
                           p->out);
                else
                    fputs(ds_format_timestamp(ds_result_int64(r, i, c), buf),
                          p->out);
                continue;
            }
            size_t n;
            const char *t = ds_result_text(r, i, c, &n);
            if (t && ty == DS_TEXT)
                csv_field(p->out, t, n);
            else if (t)
                fwrite(t, 1, n, p->out);
        }
        fputc('\n', p->out);
    }
}

/* Display width of UTF-8 text: one per character. */
static size_t width(const char *s, size_t n) {
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)s[i] & 0xc0) != 0x80;
    return w;
}

static void rule(FILE *f, int nc, const size_t *w) {
    for (int c = 0; c < nc; c++) {
        fputc('+', f);
        for (size_t k = 0; k < w[c] + 2; k++)
            fputc('-', f);
    }
    fputs("+\n", f);
}

static void cell(FILE *f, const char *s, size_t n, size_t w, int right) {
    size_t pad = w - width(s, n);
    fputs("| ", f);
    if (right)
        for (size_t k = 0; k < pad; k++)
            fputc(' ', f);
    fwrite(s, 1, n, f);
    if (!right)
        for (size_t k = 0; k < pad; k++)
            fputc(' ', f);
    fputc(' ', f);
}

static void print_table(printer *p, const ds_result *r) {
    FILE *f = p->out;
    int q = ds_result_query_id(r);
    int nc = ds_result_column_count(r);
    int64_t nr = ds_result_row_count(r);
    if (q && !p->quiet) {
        char t[32], ws[32], we[32];
        fprintf(f, "-- query %d, batch %lld, time %s", q,
                (long long)ds_result_batch(r),
                ds_format_timestamp(ds_result_batch_time(r), t));
        if (ds_result_has_window(r))
            fprintf(f, ", window [%s, %s)",
                    ds_format_timestamp(ds_result_window_start(r), ws),
                    ds_format_timestamp(ds_result_window_end(r), we));
        fprintf(f, ", %lld row%s\n", (long long)nr, nr == 1 ? "" : "s");
    }
    size_t *w = calloc((size_t)nc + 1, sizeof *w);
    if (!w)
        return;
    for (int c = 0; c < nc; c++) {
        const char *name = ds_result_column_name(r, c);
        w[c] = width(name, strlen(name));
        for (int64_t i = 0; i < nr; i++) {
            size_t n;
            const char *t = ds_result_text(r, i, c, &n);
            size_t cw = t ? width(t, n) : 4;
            if (cw > w[c])
                w[c] = cw;
        }
    }
    if (nc) {
        rule(f, nc, w);
        for (int c = 0; c < nc; c++) {
            const char *name = ds_result_column_name(r, c);
            cell(f, name, strlen(name), w[c], 0);
        }
        fputs("|\n", f);
        rule(f, nc, w);
        for (int64_t i = 0; i < nr; i++) {
            for (int c = 0; c < nc; c++) {
                size_t n;
                const char *t = ds_result_text(r, i, c, &n);
                int type = ds_result_column_type(r, c);
                int right = type == DS_BIGINT || type == DS_DOUBLE;
                if (t)
                    cell(f, t, n, w[c], right);
                else
                    cell(f, "NULL", 4, w[c], 0);
            }
            fputs("|\n", f);
        }
        if (nr)
            rule(f, nc, w);
    }
    free(w);
}

int print_result(void *user, const ds_result *r) {
    printer *p = user;
    if (p->hold)
        p->hold(p->hook_user);
    p->emissions++;
    flockfile(p->out);
    switch (p->mode) {
    case OUT_JSON:
        print_json(p, r);
        break;
    case OUT_CSV:
        print_csv(p, r);
        break;
    default:
        print_table(p, r);
    }
    funlockfile(p->out);
    fflush(p->out);
    if (p->release)
        p->release(p->hook_user);
    return 0;
}
