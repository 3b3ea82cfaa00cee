/*
** mem.h - allocation, arenas and growable strings.
**
** Every allocation in the library goes through ds_malloc/ds_realloc/ds_free
** (mem.c), which carry a test hook that makes the Nth allocation fail so that
** out-of-memory paths can be tested. An arena hands out memory that is freed
** all at once (statement arena, batch arena); a strbuf builds text.
*/
#ifndef DS_MEM_H
#define DS_MEM_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "dstream.h"

/* Test hook: the n-th allocation from now fails (n >= 1); 0 turns it off. */
void ds__mem_fail_after(int64_t n);

/* n zeroed bytes (ds_free them); large blocks come zeroed from the system
   without being touched. */
void *ds__calloc(size_t n);

/*
** Maps in the pages of a fresh allocation of n bytes at p in one system
** call, where touching them one by one would fault on each (about 10 us a
** page in a virtual machine). Only for large blocks; does nothing for
** small ones or where the system cannot.
*/
void ds__mem_prefault(void *p, size_t n);

/* Duplicates n bytes of s plus a NUL terminator; NULL on failure. */
char *ds__strndup(const char *s, size_t n);

typedef struct ds_arena_block ds_arena_block;

/* A bump allocator. Embedded by its owner: ds__arena_init / _fini. */
typedef struct ds_arena {
    ds_arena_block *head;  /* owned: the block being filled, then older ones */
    ds_arena_block *spare; /* owned: regular blocks kept by a reset */
    int nspare;
    size_t block_size; /* size of a regular block */
    size_t used_bytes; /* bytes handed out since the last reset */
} ds_arena;

void ds__arena_init(ds_arena *a, size_t block_size);
void ds__arena_fini(ds_arena *a);
/* Empties the arena; memory handed out before is invalid afterwards.
   Regular blocks (up to 256 of them) are kept for reuse, so that an arena
   filled and reset every batch does not go back to malloc each time. */
void ds__arena_reset(ds_arena *a);
/* n bytes aligned to 8, or NULL when allocation fails. */
void *ds__arena_alloc(ds_arena *a, size_t n);
/* A NUL-terminated copy of n bytes of s. */
char *ds__arena_strndup(ds_arena *a, const char *s, size_t n);
/* Bytes reserved by the arena's blocks (for state metrics). */
size_t ds__arena_bytes(const ds_arena *a);

/* Growable text; embedded by its owner: ds__strbuf_init / _fini. After an
   allocation failure the buffer stays as it was and .oom is set. */
typedef struct ds_strbuf {
    char *buf; /* owned; NUL-terminated when len > 0 or after _cstr() */
    size_t len, cap;
    int oom;
} ds_strbuf;

void ds__strbuf_init(ds_strbuf *s);
void ds__strbuf_fini(ds_strbuf *s);
void ds__strbuf_append(ds_strbuf *s, const char *p, size_t n);
void ds__strbuf_puts(ds_strbuf *s, const char *p);
void ds__strbuf_putc(ds_strbuf *s, char c);
/* Appends a duration in its shortest unit: 5s, 250ms, 3us. */
void ds__strbuf_duration(ds_strbuf *s, int64_t us);
void ds__strbuf_printf(ds_strbuf *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ds__strbuf_vprintf(ds_strbuf *s, const char *fmt, va_list ap);
/* The text so far, always NUL-terminated (an empty string when empty). */
const char *ds__strbuf_cstr(ds_strbuf *s);
/* Hands the buffer to the caller (free with ds_free) and empties s. */
char *ds__strbuf_take(ds_strbuf *s);

#endif
