/*
** util.c - small helpers of the dstream program (util.h).
*/
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *read_all(FILE *f) {
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                errno = ENOMEM;
                return NULL;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    if (buf && ferror(f)) {
        int err = errno ? errno : EIO;
        free(buf);
        errno = err;
        return NULL;
    }
    if (buf)
        buf[n] = 0;
    return buf;
}

char *read_path(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0)
        return NULL;
    if (S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *text = read_all(f);
    int err = errno;
    fclose(f);
    errno = err;
    return text;
}

int sb_add(strbuf *b, const char *p, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s)
            return -1;
        b->s = s;
        b->cap = cap;
    }
    memcpy(b->s + b->len, p, n);
    b->len += n;
    b->s[b->len] = 0;
    return 0;
}

void sb_clear(strbuf *b) {
    b->len = 0;
    if (b->s)
        b->s[0] = 0;
}

void sb_fini(strbuf *b) {
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

void first_word(const char *sql, size_t len, char *word, size_t cap) {
    size_t i = 0, n = 0;
    while (i < len) {
        if (isspace((unsigned char)sql[i])) {
            i++;
        } else if (sql[i] == '-' && i + 1 < len && sql[i + 1] == '-') {
            while (i < len && sql[i] != '\n')
                i++;
        } else if (sql[i] == '/' && i + 1 < len && sql[i + 1] == '*') {
            i += 2;
            while (i + 1 < len && !(sql[i] == '*' && sql[i + 1] == '/'))
                i++;
            i += 2;
        } else {
            break;
        }
    }
    while (i < len && n + 1 < cap &&
           (isalnum((unsigned char)sql[i]) || sql[i] == '_'))
        word[n++] = (char)toupper((unsigned char)sql[i++]);
    word[n] = 0;
}
