/*
** chunk.h - columnar data: vectors, chunks and batches.
**
** A vector holds up to DS_CHUNK_ROWS values of one type plus a validity
** bitmap (bit set = not NULL). A chunk is one vector per column over the
** same rows; operators process a chunk at a time. A batch is the list of
** chunks that one stream received in one batch interval, with the arena
** that holds their strings; it is freed when the batch is done.
**
** Works with value.h (the scalar types), expr.h (which evaluates over
** chunks) and op.h (operators push chunks to each other).
*/
#ifndef DS_CHUNK_H
#define DS_CHUNK_H

#include <stdint.h>
#include <string.h>

#include "mem.h"
#include "value.h"

#define DS_CHUNK_ROWS 2048
#define DS_VALID_WORDS (DS_CHUNK_ROWS / 64)

typedef struct ds_vec {
    int type;                       /* DS_BIGINT ... DS_TIMESTAMP */
    uint64_t valid[DS_VALID_WORDS]; /* bit i set: row i is not NULL */
    union {
        int64_t *i64; /* BIGINT, TIMESTAMP */
        double *f64;  /* DOUBLE */
        ds_str *str;  /* TEXT: views into an arena or input buffer */
        uint8_t *b;   /* BOOLEAN: 0 or 1 */
        void *raw;
    } v; /* owned: DS_CHUNK_ROWS elements */
} ds_vec;

static inline int ds__vec_valid(const ds_vec *v, int i) {
    return (int)((v->valid[i >> 6] >> (i & 63)) & 1);
}
static inline void ds__vec_set_valid(ds_vec *v, int i) {
    v->valid[i >> 6] |= (uint64_t)1 << (i & 63);
}
static inline void ds__vec_set_null(ds_vec *v, int i) {
    v->valid[i >> 6] &= ~((uint64_t)1 << (i & 63));
}
static inline void ds__vec_put_valid(ds_vec *v, int i, int ok) {
    uint64_t bit = (uint64_t)1 << (i & 63);
    v->valid[i >> 6] = ok ? v->valid[i >> 6] | bit : v->valid[i >> 6] & ~bit;
}
static inline void ds__vec_all_valid(ds_vec *v) {
    memset(v->valid, 0xff, sizeof v->valid);
}

/* Size in bytes of one element of the type. */
size_t ds__type_width(int type);

/* Allocates the vector's data; returns DS_OK or DS_NOMEM. */
int ds__vec_init(ds_vec *v, int type);
void ds__vec_fini(ds_vec *v);
/* Reads row i as a value (text borrowed from the vector). */
ds_value ds__vec_get(const ds_vec *v, int i);
/* Writes value x (of the vector's type, or NULL) at row i; text is stored
   as the view given, not copied. */
void ds__vec_put(ds_vec *v, int i, const ds_value *x);

/* A chunk: ncols vectors of the same n rows. */
typedef struct ds_chunk {
    int ncols;
    int n;                 /* rows in use, <= DS_CHUNK_ROWS */
    ds_vec *cols;          /* owned array of ncols vectors */
    struct ds_chunk *next; /* next chunk of a batch */
} ds_chunk;

/* A new empty chunk with vectors of the given types; NULL on failure. */
ds_chunk *ds__chunk_new(int ncols, const int *types);
void ds__chunk_free(ds_chunk *c);
/*
** Copies row `row` of src to the end of dst (same column types); text is
** copied into arena when arena is not NULL, else shared.
** Returns DS_OK or DS_NOMEM.
*/
int ds__chunk_append_row(ds_chunk *dst, const ds_chunk *src, int row,
                         ds_arena *arena);
/* Copies the rows src[from .. from+count) to the end of dst; the caller
   makes sure they fit. Text handled as in ds__chunk_append_row. */
int ds__chunk_append_rows(ds_chunk *dst, const ds_chunk *src, int from,
                          int count, ds_arena *arena);

/*
** A batch: the rows of one stream for one batch interval, as a list of
** full chunks (the last one may be partial). Owns its chunks and its arena.
*/
typedef struct ds_batch {
    int ncols;
    int *types;            /* owned copy */
    ds_chunk *head, *tail; /* owned */
    ds_chunk *spare;       /* owned: emptied chunks kept for reuse */
    int nspare;
    int64_t rows;
    ds_arena arena;   /* text of the rows */
    int64_t bad_rows; /* rows a decoder rejected for this batch */
} ds_batch;

ds_batch *ds__batch_new(int ncols, const int *types);
void ds__batch_free(ds_batch *b);
/* Drops every row and resets the arena; the batch can be filled again
   (up to 64 emptied chunks and the arena's blocks are kept for that). */
void ds__batch_clear(ds_batch *b);
/* The chunk rows can be appended to: the tail, or a new one when the tail
   is full. NULL on allocation failure. */
ds_chunk *ds__batch_tail(ds_batch *b);
/* Appends every row of c to b, copying text into b's arena. */
int ds__batch_append_chunk(ds_batch *b, const ds_chunk *c);
/* Appends every row of src to dst (same types), copying text. */
int ds__batch_append_batch(ds_batch *dst, const ds_batch *src);

#endif
