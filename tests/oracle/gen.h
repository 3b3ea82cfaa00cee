/*
** gen.h - the random case generator's own types, shared by gen.c (schemas,
** data, the loop, the minimizer) and gen_query.c (typed expressions and
** queries). The forms it avoids, and why, are listed in docs/oracle.md.
*/
#ifndef DS_ORACLE_GEN_H
#define DS_ORACLE_GEN_H

#include "oracle.h"

typedef struct grng {
    uint64_t s;
} grng;

uint64_t grng_next(grng *r);
int grng_int(grng *r, int n);   /* 0 .. n-1 */
int grng_pct(grng *r, int pct); /* true with pct % */

/* Column value profiles. */
enum {
    GP_SMALL,  /* BIGINT -5..5; DOUBLE quarters -10..10; TEXT short keys */
    GP_MEDIUM, /* BIGINT +-1e6; DOUBLE eighths +-1.3e8; TEXT sentences */
    GP_EXTREME /* BIGINT up to INT64 limits; DOUBLE any; TEXT specials */
};

typedef struct gcol {
    char name[16];
    int type;
    int profile;
    int null_pct;
} gcol;

/* The stream q of a case: ncols columns for expressions, then maybe an
   event-time column ts (TIMESTAMP), which expressions do not use. */
typedef struct gschema {
    int ncols;
    gcol cols[8];
    int windows;         /* the case's queries may have windows */
    int ts;              /* q has the TIMESTAMP column ts */
    int ts_null_pct;     /* NULL event times */
    int64_t interval_us; /* the batch interval */
    int64_t idle_us;     /* SET idle_timeout, or 0 for the default */
    int64_t base_us;     /* event time: the first batch's rows start here */
    int64_t step_us;     /* and move on this much per batch */
} gschema;

/* A generated expression and what is known of its values. */
typedef struct gexp {
    char *s; /* owned */
    int type;
    double bound; /* numbers: the largest magnitude */
    int dbits;    /* DOUBLE: values are multiples of 2^-dbits (exact sums);
                     -1: not known to be */
    int intlike;  /* DOUBLE: in fact a BIGINT expression (dstream types it
                     BIGINT, SQLite computes with integers) */
} gexp;

#define BIG_SAFE 4e18            /* BIGINT values stay within this */
#define EXACT 9007199254740992.0 /* 2^53 */
#define UNSAFE 1e19              /* a bound that forbids arithmetic */

/* The context of an expression: the input schema, or after GROUP BY the
   keys and aggregates. */
typedef struct gcx {
    grng *r;
    const gschema *sc;
    const char *unnest; /* the UNNEST column (TEXT), or NULL */
    int post;           /* after GROUP BY: keys and aggregates */
    int nkeys;
    const gexp *keys;
    double rows; /* the most rows an aggregate sees */
} gcx;

/* Builds an expression from printf-style text. */
gexp gexp_mk(int type, double bound, int dbits, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void gexp_free(gexp *e);
/* An expression of type with at most depth levels of operators. */
gexp gexp_gen(gcx *cx, int type, int depth);
/* A column of type (or a conversion of one, or a literal). */
gexp gexp_column(gcx *cx, int type);
/* An aggregate call of type (its argument over the input). */
gexp gexp_aggregate(gcx *cx, int type);
double gcol_bound(const gcol *c, int *dbits);

/* A query as parts, so that the minimizer can drop them. */
typedef struct gquery {
    int distinct;
    int nitems;
    char *items[8]; /* "expr AS cN" */
    char *from;
    char *where;
    int nkeys;
    char *keys[3];
    char *having;
    int norder;
    char *order[4];
    int limit, offset; /* -1: none */
    char *window;      /* "WINDOW ..." after FROM, or NULL */
    int late;          /* > 0: LATE INTO late<late>, read by a second query */
} gquery;

/* Generates query number idx over schema s (stream q) whose batches have
   at most rows rows, total rows in all. */
void gen_query(grng *r, const gschema *s, double rows, double total, int idx,
               gquery *q);
/* A WINDOW clause for q (gen_window.c); sets *agg when the window needs
   aggregates. NULL: none. */
char *gen_window(grng *r, const gschema *s, int idx, int *agg, int *late,
                 int *kind);
/* The SQL text (malloc'd). */
char *gquery_sql(const gquery *q);
void gquery_fini(gquery *q);
void gquery_copy(gquery *dst, const gquery *src);

#endif
