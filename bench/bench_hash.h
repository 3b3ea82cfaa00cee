/*
** bench_hash.h - a fast string hash and a table of strings to dense ids.
** Part of bench.h's family (see there).
*/
#ifndef DS_BENCH_HASH_H
#define DS_BENCH_HASH_H

#include "bench.h"

/* ------------------------------------------------------------ hashing */

/* A fast hash of a short string (wyhash-like mixing of 8-byte words). */
static inline uint64_t hash_bytes(const char *s, size_t n) {
    const uint64_t k = 0x9E3779B97F4A7C15ull;
    uint64_t h = 0x243F6A8885A308D3ull ^ (n * k);
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * k;
        h ^= h >> 29;
        s += 8;
        n -= 8;
    }
    if (n) {
        uint64_t w = 0;
        memcpy(&w, s, n);
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    h *= 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 31);
}

/*
** A set of strings mapped to dense ids 0, 1, 2, ... in order of first
** sight (open addressing, linear probing). The strings are borrowed: they
** point into a mapped input that outlives the table.
*/
typedef struct {
    const char *s;
    uint32_t len;
    uint32_t id; /* UINT32_MAX: empty slot */
    uint64_t hash;
} sid_slot;

typedef struct {
    sid_slot *slots;
    size_t mask, count;
    const char **str; /* by id */
    uint32_t *len;    /* by id */
} sid_map;

B_UNUSED static void sid_init(sid_map *m, size_t cap_pow2) {
    m->slots = xmalloc(cap_pow2 * sizeof *m->slots);
    for (size_t i = 0; i < cap_pow2; i++)
        m->slots[i].id = UINT32_MAX;
    m->mask = cap_pow2 - 1;
    m->count = 0;
    m->str = xmalloc(cap_pow2 * sizeof *m->str);
    m->len = xmalloc(cap_pow2 * sizeof *m->len);
}

B_UNUSED static void sid_fini(sid_map *m) {
    free(m->slots);
    free(m->str);
    free(m->len);
}

static void sid_grow(sid_map *m) {
    size_t cap = (m->mask + 1) * 2;
    sid_slot *old = m->slots;
    size_t oldcap = m->mask + 1;
    m->slots = xmalloc(cap * sizeof *m->slots);
    for (size_t i = 0; i < cap; i++)
        m->slots[i].id = UINT32_MAX;
    m->mask = cap - 1;
    for (size_t i = 0; i < oldcap; i++) {
        if (old[i].id == UINT32_MAX)
            continue;
        size_t j = old[i].hash & m->mask;
        while (m->slots[j].id != UINT32_MAX)
            j = (j + 1) & m->mask;
        m->slots[j] = old[i];
    }
    free(old);
    m->str = xrealloc(m->str, cap * sizeof *m->str);
    m->len = xrealloc(m->len, cap * sizeof *m->len);
}

/* The id of s[0..n), added if new. */
static inline uint32_t sid_get(sid_map *m, const char *s, size_t n) {
    uint64_t h = hash_bytes(s, n);
    size_t j = h & m->mask;
    for (;;) {
        sid_slot *sl = &m->slots[j];
        if (sl->id == UINT32_MAX)
            break;
        if (sl->hash == h && sl->len == n && memcmp(sl->s, s, n) == 0)
            return sl->id;
        j = (j + 1) & m->mask;
    }
    if ((m->count + 1) * 2 > m->mask + 1) {
        sid_grow(m);
        return sid_get(m, s, n);
    }
    uint32_t id = (uint32_t)m->count++;
    m->slots[j] = (sid_slot){s, (uint32_t)n, id, h};
    m->str[id] = s;
    m->len[id] = (uint32_t)n;
    return id;
}

#endif /* DS_BENCH_HASH_H */
