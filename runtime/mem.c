/*
** mem.c - ds_malloc and friends, the arena and the string builder
** declared in mem.h.
*/
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static int64_t fail_countdown; /* 0: off; else allocations until failure */

void ds__mem_fail_after(int64_t n) { fail_countdown = n > 0 ? n : 0; }

static int should_fail(void) {
    if (fail_countdown == 0)
        return 0;
    return --fail_countdown == 0;
}

void *ds_malloc(size_t n) {
    if (should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *ds__calloc(size_t n) {
    if (should_fail())
        return NULL;
    return calloc(1, n ? n : 1);
}

void *ds_realloc(void *p, size_t n) {
    if (should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

void ds_free(void *p) { free(p); }

void ds__mem_prefault(void *p, size_t n) {
#ifdef MADV_POPULATE_WRITE
    const uintptr_t page = 4096;
    if (n < 4 * page)
        return;
    uintptr_t a = ((uintptr_t)p + page - 1) & ~(page - 1);
    uintptr_t e = ((uintptr_t)p + n) & ~(page - 1);
    if (e > a)
        (void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)n;
#endif
}

char *ds__strndup(const char *s, size_t n) {
    char *d = ds_malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

/* ---------------------------------------------------------------- arena */

struct ds_arena_block {
    ds_arena_block *next; /* older block */
    size_t size, used;
    _Alignas(8) char data[];
};

#define MAX_SPARE 256

void ds__arena_init(ds_arena *a, size_t block_size) {
    a->head = NULL;
    a->spare = NULL;
    a->nspare = 0;
    a->block_size = block_size ? block_size : 64 * 1024;
    a->used_bytes = 0;
}

static void free_list(ds_arena_block *b) {
    while (b) {
        ds_arena_block *next = b->next;
        ds_free(b);
        b = next;
    }
}

void ds__arena_fini(ds_arena *a) {
    free_list(a->head);
    free_list(a->spare);
    a->head = a->spare = NULL;
    a->nspare = 0;
    a->used_bytes = 0;
}

void ds__arena_reset(ds_arena *a) {
    ds_arena_block *b = a->head;
    while (b) {
        ds_arena_block *next = b->next;
        if (b->size == a->block_size && a->nspare < MAX_SPARE) {
            b->next = a->spare;
            a->spare = b;
            a->nspare++;
        } else {
            ds_free(b);
        }
        b = next;
    }
    a->head = NULL;
    a->used_bytes = 0;
}

/* A fresh regular block: a kept one, or a new one. */
static ds_arena_block *regular_block(ds_arena *a) {
    ds_arena_block *b = a->spare;
    if (b) {
        a->spare = b->next;
        a->nspare--;
    } else {
        b = ds_malloc(sizeof *b + a->block_size);
        if (!b)
            return NULL;
        b->size = a->block_size;
    }
    b->used = 0;
    return b;
}

void *ds__arena_alloc(ds_arena *a, size_t n) {
    n = (n + 7) & ~(size_t)7;
    ds_arena_block *b = a->head;
    if (!b || b->size - b->used < n) {
        if (n > a->block_size / 4) {
            /* a large piece gets its own block, kept behind the current
               one so that the current one goes on being filled */
            ds_arena_block *nb = ds_malloc(sizeof *nb + n);
            if (!nb)
                return NULL;
            nb->size = n;
            nb->used = n;
            if (b) {
                nb->next = b->next;
                b->next = nb;
            } else {
                nb->next = NULL;
                a->head = nb;
            }
            a->used_bytes += n;
            return nb->data;
        }
        ds_arena_block *nb = regular_block(a);
        if (!nb)
            return NULL;
        nb->next = b;
        a->head = b = nb;
    }
    void *p = b->data + b->used;
    b->used += n;
    a->used_bytes += n;
    return p;
}

char *ds__arena_strndup(ds_arena *a, const char *s, size_t n) {
    char *d = ds__arena_alloc(a, n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

size_t ds__arena_bytes(const ds_arena *a) {
    size_t n = 0;
    for (const ds_arena_block *b = a->head; b; b = b->next)
        n += sizeof *b + b->size;
    for (const ds_arena_block *b = a->spare; b; b = b->next)
        n += sizeof *b + b->size;
    return n;
}

/* -------------------------------------------------------------- strbuf */

void ds__strbuf_init(ds_strbuf *s) { memset(s, 0, sizeof *s); }

void ds__strbuf_fini(ds_strbuf *s) {
    ds_free(s->buf);
    memset(s, 0, sizeof *s);
}

static int grow(ds_strbuf *s, size_t extra) {
    if (s->len + extra + 1 <= s->cap)
        return 1;
    size_t cap = s->cap ? s->cap * 2 : 64;
    while (cap < s->len + extra + 1)
        cap *= 2;
    char *nb = ds_realloc(s->buf, cap);
    if (!nb) {
        s->oom = 1;
        return 0;
    }
    s->buf = nb;
    s->cap = cap;
    return 1;
}

void ds__strbuf_append(ds_strbuf *s, const char *p, size_t n) {
    if (!grow(s, n))
        return;
    memcpy(s->buf + s->len, p, n);
    s->len += n;
    s->buf[s->len] = 0;
}

void ds__strbuf_puts(ds_strbuf *s, const char *p) {
    ds__strbuf_append(s, p, strlen(p));
}

void ds__strbuf_putc(ds_strbuf *s, char c) { ds__strbuf_append(s, &c, 1); }

void ds__strbuf_vprintf(ds_strbuf *s, const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0) {
        va_end(ap2);
        return;
    }
    if ((size_t)n < sizeof small) {
        ds__strbuf_append(s, small, (size_t)n);
    } else if (grow(s, (size_t)n)) {
        vsnprintf(s->buf + s->len, (size_t)n + 1, fmt, ap2);
        s->len += (size_t)n;
    }
    va_end(ap2);
}

void ds__strbuf_duration(ds_strbuf *s, int64_t us) {
    if (us % 1000000 == 0)
        ds__strbuf_printf(s, "%llds", (long long)(us / 1000000));
    else if (us % 1000 == 0)
        ds__strbuf_printf(s, "%lldms", (long long)(us / 1000));
    else
        ds__strbuf_printf(s, "%lldus", (long long)us);
}

void ds__strbuf_printf(ds_strbuf *s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    ds__strbuf_vprintf(s, fmt, ap);
    va_end(ap);
}

const char *ds__strbuf_cstr(ds_strbuf *s) { return s->buf ? s->buf : ""; }

char *ds__strbuf_take(ds_strbuf *s) {
    char *b = s->buf;
    if (!b)
        b = ds__strndup("", 0);
    memset(s, 0, sizeof *s);
    return b;
}
