/*
** agg.h - grouped aggregation state: a hash table of groups with one
** columnar state array per aggregate.
**
** A ds_aggtab is the partial aggregate of some rows: of one batch (per-batch
** queries), of one pane or slice of a window, or of everything so far
** (UNBOUNDED). Tables of the same shape combine with ds__aggtab_merge, which
** is how a window is computed from its panes (design section 8: partial
** aggregate per batch, then combine). Group keys and text values are copied
** into memory the table owns, so a table outlives the batches it saw.
**
** Used by op_aggregate.c (per batch) and the window operators.
*/
#ifndef DS_AGG_H
#define DS_AGG_H

#include "expr.h"

/* Files: agg.c (definitions, the group table, adding rows), agg_merge.c
   (combining tables, output), agg_state.h (the table's layout, shared with
   the sliding-window state of slide.c). */

typedef enum ds_aggfn {
    DS_AGG_COUNT_STAR,
    DS_AGG_COUNT,
    DS_AGG_COUNT_DISTINCT,
    DS_AGG_SUM,
    DS_AGG_AVG,
    DS_AGG_MIN,
    DS_AGG_MAX,
} ds_aggfn;

/* One aggregate of a query: which function, over which input expression. */
typedef struct ds_aggspec {
    ds_aggfn fn;
    int arg_type;      /* type of arg (DS_NULL for COUNT(*)) */
    int result_type;   /* BIGINT for counts, DOUBLE for AVG, ... */
    ds_expr *arg;      /* owned; NULL for COUNT(*) */
    const char *label; /* SQL text, for errors and EXPLAIN; borrowed */
} ds_aggspec;

/* The shape shared by every table of one aggregation. */
typedef struct ds_aggdef {
    int nkeys;
    ds_expr **keys; /* owned key expressions */
    int *key_types; /* owned */
    int naggs;
    ds_aggspec *aggs; /* owned array */
} ds_aggdef;

typedef struct ds_aggtab ds_aggtab;

/* Frees the definition's expressions and arrays (not def itself). */
void ds__aggdef_fini(ds_aggdef *def);
/* Prepares the definition's expressions for evaluation. */
int ds__aggdef_prepare(ds_aggdef *def);
/* "keys=[..] aggs=[..]" for EXPLAIN (op_aggregate.c). */
void ds__aggdef_explain(const ds_aggdef *def, ds_strbuf *sb);
/* Output column types: the keys, then one per aggregate. */
int ds__aggdef_out_type(const ds_aggdef *def, int col);

/* A new empty table of shape def (borrowed; must outlive the table). */
ds_aggtab *ds__aggtab_new(const ds_aggdef *def);
void ds__aggtab_free(ds_aggtab *t);
/* Drops every group; keeps the allocated capacity. */
void ds__aggtab_clear(ds_aggtab *t);
int64_t ds__aggtab_groups(const ds_aggtab *t);
/* Bytes held by the table, for state metrics. */
size_t ds__aggtab_bytes(const ds_aggtab *t);

/* Most keys and aggregates one aggregation may have. */
#define DS_AGG_MAX_KEYS 32
#define DS_AGG_MAX_AGGS 64

/*
** The inputs of an aggregation evaluated once over one chunk: key and
** argument vectors (borrowed from the expressions or the chunk) and each
** row's key hash. Large (hashes for a whole chunk): keep one per operator.
*/
typedef struct ds_agginput {
    int n;
    const ds_vec *keys[DS_AGG_MAX_KEYS];
    const ds_vec *args[DS_AGG_MAX_AGGS]; /* NULL for COUNT(*) */
    uint64_t hash[DS_CHUNK_ROWS];
} ds_agginput;

/* Evaluates def's key and argument expressions over in. DS_OK, DS_ERROR
   (ctx->errmsg) or DS_NOMEM. */
int ds__agg_eval(const ds_aggdef *def, ds_eval_ctx *ctx, const ds_chunk *in,
                 ds_agginput *ai);

/*
** Adds rows of evaluated input to the table: the nsel rows listed in sel,
** or every row when sel is NULL. Returns DS_OK, DS_ERROR (errmsg: overflow
** in SUM) or DS_NOMEM.
*/
int ds__aggtab_add(ds_aggtab *t, const ds_agginput *ai, const uint16_t *sel,
                   int nsel, char *errmsg, size_t errlen);

/*
** Adds the rows of chunk in to the table: ds__agg_eval, then
** ds__aggtab_add of every row. ai is scratch space.
*/
int ds__aggtab_update(ds_aggtab *t, ds_eval_ctx *ctx, const ds_chunk *in,
                      ds_agginput *ai);

/*
** Combines every group of src into dst (same def): counts and sums add,
** MIN/MAX compare, distinct sets unite. Returns DS_OK, DS_ERROR (errmsg:
** SUM overflow) or DS_NOMEM.
*/
int ds__aggtab_merge(ds_aggtab *dst, const ds_aggtab *src, char *errmsg,
                     size_t errlen);

/*
** Makes sure the table has exactly one group with no key (the group of an
** aggregate without GROUP BY, which exists even over no rows).
*/
int ds__aggtab_ensure_global(ds_aggtab *t);
/* The same, for a table whose definition has no keys; else nothing. */
int ds__aggtab_ensure_global_if_keyless(ds_aggtab *t);

/* Tracks which groups rows are added to (for EMIT CHANGES). */
int ds__aggtab_track(ds_aggtab *t);
/* Group g was added to since the last ds__aggtab_untouch. */
int ds__aggtab_touched(const ds_aggtab *t, int64_t g);
void ds__aggtab_untouch(ds_aggtab *t);

/* Writes the final values of the count groups listed in groups into out,
   as ds__aggtab_output does for a range. */
int ds__aggtab_output_groups(const ds_aggtab *t, const int64_t *groups,
                             int count, ds_chunk *out);

/*
** Writes the final values of groups [from, from + count) into out:
** key columns first, then one column per aggregate. out must have
** nkeys + naggs columns of the output types; count <= DS_CHUNK_ROWS. Text
** points into the table (valid until it changes).
*/
int ds__aggtab_output(const ds_aggtab *t, int64_t from, int count,
                      ds_chunk *out);

#endif
