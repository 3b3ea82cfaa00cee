/*
** expr.h - vectorized scalar expressions.
**
** The planner resolves SQL expressions into a tree of ds_expr nodes whose
** types are fixed and whose operands already have matching types (it
** inserts DS_X_CAST where SQL converts implicitly). The runtime evaluates a
** tree over a whole chunk at a time: each node writes its result vector,
** which it owns, and returns it; a column reference returns the input
** vector itself. Semantics follow SQLite (design section 3): integer
** division truncates, x/0 and x%0 are NULL, three-valued logic, bytewise
** text comparison, case-sensitive LIKE; BIGINT overflow is an error naming
** the expression.
**
** Files: expr.c (tree building, evaluation driver, arithmetic, comparison,
** logic, CASE, IN, CAST), expr_func.c (the scalar functions), expr_like.c
** (LIKE matching).
*/
#ifndef DS_EXPR_H
#define DS_EXPR_H

#include "chunk.h"

typedef enum ds_xkind {
    DS_X_COL,          /* col: input column index */
    DS_X_CONST,        /* konst */
    DS_X_BATCH_TIME,   /* TIMESTAMP: ctx->batch_time */
    DS_X_WINDOW_START, /* TIMESTAMP: ctx->window_start */
    DS_X_WINDOW_END,   /* TIMESTAMP: ctx->window_end */
    DS_X_NEG,          /* BIGINT or DOUBLE */
    DS_X_NOT,          /* BOOLEAN */
    DS_X_ADD,          /* BIGINT or DOUBLE; both args of the node's type */
    DS_X_SUB,
    DS_X_MUL,
    DS_X_DIV,
    DS_X_MOD,
    DS_X_CONCAT, /* TEXT || TEXT */
    DS_X_EQ,     /* BOOLEAN; both args of one type (any) */
    DS_X_NE,
    DS_X_LT,
    DS_X_LE,
    DS_X_GT,
    DS_X_GE,
    DS_X_AND, /* BOOLEAN, three-valued */
    DS_X_OR,
    DS_X_IS_NULL, /* BOOLEAN, never NULL */
    DS_X_IS_NOT_NULL,
    DS_X_LIKE, /* args: text, pattern[, escape]; BOOLEAN */
    DS_X_IN,   /* args[0] IN (args[1..]); all one type; BOOLEAN */
    DS_X_CASE, /* args: when1, then1, ... [, else]; see has_else */
    DS_X_CAST, /* args[0] converted to the node's type */
    DS_X_CALL, /* fn(args) */
} ds_xkind;

/* Scalar functions (expr_func.c). Argument types are fixed by the planner
   as each comment says; "num" is BIGINT or DOUBLE. */
typedef enum ds_fn {
    DS_FN_LOWER,  /* (TEXT) -> TEXT, ASCII letters only as SQLite */
    DS_FN_UPPER,  /* (TEXT) -> TEXT */
    DS_FN_LENGTH, /* (TEXT) -> BIGINT, in UTF-8 characters */
    DS_FN_SUBSTR, /* (TEXT, BIGINT[, BIGINT]) -> TEXT, SQLite rules */
    DS_FN_TRIM,   /* (TEXT[, TEXT chars]) -> TEXT */
    DS_FN_LTRIM,
    DS_FN_RTRIM,
    DS_FN_REPLACE,      /* (TEXT, TEXT, TEXT) -> TEXT */
    DS_FN_INSTR,        /* (TEXT, TEXT) -> BIGINT, 1-based char position */
    DS_FN_COALESCE,     /* (T, T, ...) -> T: first non-NULL */
    DS_FN_NULLIF,       /* (T, T) -> T */
    DS_FN_ABS,          /* (num) -> num; abs(INT64_MIN) is an overflow */
    DS_FN_ROUND,        /* (num[, BIGINT digits]) -> DOUBLE, SQLite rules */
    DS_FN_FLOOR,        /* (num) -> num */
    DS_FN_CEIL,         /* (num) -> num */
    DS_FN_SQRT,         /* (DOUBLE) -> DOUBLE; negative -> NULL */
    DS_FN_POWER,        /* (DOUBLE, DOUBLE) -> DOUBLE */
    DS_FN_LN,           /* (DOUBLE) -> DOUBLE; <= 0 -> NULL */
    DS_FN_EXP,          /* (DOUBLE) -> DOUBLE */
    DS_FN_SIGN,         /* (num) -> BIGINT */
    DS_FN_TO_TIMESTAMP, /* (DOUBLE epoch seconds) -> TIMESTAMP */
    DS_FN_EPOCH_MS,     /* (TIMESTAMP) -> BIGINT milliseconds */
    DS_FN_COUNT_        /* number of functions */
} ds_fn;

typedef struct ds_expr ds_expr;

struct ds_expr {
    ds_xkind kind;
    int type;       /* result type: DS_BIGINT ... DS_TIMESTAMP */
    int col;        /* DS_X_COL */
    ds_value konst; /* DS_X_CONST (text owned by the plan's arena) */
    ds_fn fn;       /* DS_X_CALL */
    int has_else;   /* DS_X_CASE */
    int nargs;
    ds_expr **args;    /* owned children */
    const char *label; /* the expression's SQL text, for error messages;
                          borrowed from the plan's arena; may be NULL */
    /* evaluation state, set up by ds__expr_prepare */
    ds_vec out; /* owned result vector (not for DS_X_COL) */
    int prepared;
    void *aux; /* owned per-kind helper state (IN hash set, ...) */
};

/* Where an evaluation gets its time values and puts the text it makes. */
typedef struct ds_eval_ctx {
    ds_arena *arena; /* borrowed: text results live here until the
                        owner resets it (after the batch) */
    int64_t batch_time;
    int64_t window_start, window_end;
    char errmsg[256]; /* set when evaluation fails */
} ds_eval_ctx;

/* Builds a node: the nargs children in args become owned by it (the array
   itself is copied; it stays the caller's). NULL on allocation failure or
   when a child is NULL (the children are then freed). */
ds_expr *ds__expr_new(ds_xkind kind, int type, int nargs, ds_expr **args);
ds_expr *ds__expr_col(int col, int type);
ds_expr *ds__expr_const(const ds_value *v, int type); /* v->type may be
                                                         DS_NULL */
ds_expr *ds__expr_call(ds_fn fn, int type, int nargs, ds_expr **args);
ds_expr *ds__expr_cast(ds_expr *a, int type);
void ds__expr_free(ds_expr *x);

/* Allocates the result vectors of the whole tree. DS_OK or DS_NOMEM. */
int ds__expr_prepare(ds_expr *x);

/*
** Evaluates x over the n rows of in. *out receives the result vector,
** borrowed from x or from in, valid until x is evaluated again or in
** changes. Returns DS_OK, or DS_ERROR with ctx->errmsg set (BIGINT
** overflow), or DS_NOMEM.
*/
int ds__expr_eval(ds_expr *x, ds_eval_ctx *ctx, const ds_chunk *in,
                  const ds_vec **out);

/* 1 if x depends on no input column and no time value. */
int ds__expr_is_constant(const ds_expr *x);

/*
** Evaluates a constant tree once, into *v (text copied into arena).
** Returns DS_OK or DS_ERROR (ctx errmsg) as ds__expr_eval.
*/
int ds__expr_eval_const(ds_expr *x, ds_arena *arena, ds_value *v, char *errmsg,
                        size_t errlen);

/* The node's printable name for EXPLAIN ("+", "lower", "CAST", ...). */
const char *ds__expr_op_name(const ds_expr *x);
/* A deterministic rendering of the tree for EXPLAIN, with column names
   taken from names[] (may be NULL: "#3"). */
void ds__expr_explain(const ds_expr *x, const char *const *names,
                      ds_strbuf *sb);

/* LIKE matching (expr_like.c): 1 match, 0 no match. escape is 0 for none. */
int ds__like_match(const char *pat, size_t np, const char *s, size_t ns,
                   int escape);

/* The function's SQL name ("lower"). */
const char *ds__fn_name(ds_fn fn);

/* Evaluates a DS_X_CALL node whose arguments are already evaluated
   (expr_func.c). */
int ds__fn_eval(ds_expr *x, ds_eval_ctx *ctx, int n, const ds_vec **argv);

/* Text of a value for CAST(x AS TEXT) and ||: numbers as SQLite prints
   them, timestamps ISO, booleans 'true'/'false'... written to arena. */
int ds__value_to_text(int type, const ds_vec *v, int i, ds_arena *arena,
                      ds_str *out);

/* ------------------------------------------------------------------
** Internal to runtime/expr*.c: the pieces the evaluator's files share.
** Besides the files named above: expr_ops.c (arithmetic, comparison,
** logic, ||), expr_cast.c (CAST) and expr_explain.c (EXPLAIN).
*/

/* Per-node evaluation state behind ds_expr.aux, made by ds__expr_prepare
   for every node with arguments (expr.c). */
typedef struct ds_xstate {
    const ds_vec **argv;   /* owned array of nargs argument results */
    void *kstate;          /* owned per-kind state: LIKE pattern, IN set,
                              CASE scratch */
    void (*kfree)(void *); /* frees kstate */
} ds_xstate;

/* Evaluates the operator nodes (NEG ... IS_NOT_NULL, CONCAT) over argument
   vectors already evaluated, into x->out (expr_ops.c). */
int ds__expr_eval_op(ds_expr *x, ds_eval_ctx *ctx, int n, const ds_vec **argv);
/* Evaluates a DS_X_CAST node into x->out (expr_cast.c). */
int ds__expr_eval_cast(ds_expr *x, ds_eval_ctx *ctx, int n,
                       const ds_vec **argv);
/* Compiles a constant LIKE pattern into the node's state (expr_like.c);
   DS_OK or DS_NOMEM. */
int ds__like_prepare(ds_expr *x);
/* Evaluates a DS_X_LIKE node into x->out (expr_like.c). */
int ds__like_eval(ds_expr *x, ds_eval_ctx *ctx, int n, const ds_vec **argv);

/* The first occurrence of s[0..m) in h[0..n), or NULL; h when m is 0
   (expr_like.c). Fast on short text, linear on long text. */
const char *ds__expr_find(const char *h, size_t n, const char *s, size_t m);

/* Sets ctx->errmsg to "integer overflow in '<label>'" and returns
   DS_ERROR. */
int ds__expr_overflow(ds_eval_ctx *ctx, const ds_expr *x);

/* r[] = AND of the validity of the nv vectors over rows 0..n-1; the bits
   of the last word past n are cleared. */
void ds__expr_valid_and(uint64_t *r, const ds_vec *const *v, int nv, int n);

/* Clears the validity bits past row n in the last word of valid. */
static inline void ds__expr_valid_tail(uint64_t *valid, int n) {
    if (n & 63)
        valid[n >> 6] &= ((uint64_t)1 << (n & 63)) - 1;
}

/* The UTF-8 character after the one at p (p < end), skipped as SQLite
   does: a lead byte >= 0xC0 takes the continuation bytes after it. */
static inline const char *ds__expr_utf8_next(const char *p, const char *end) {
    if ((unsigned char)*p++ >= 0xC0)
        while (p < end && ((unsigned char)*p & 0xC0) == 0x80)
            p++;
    return p;
}

#endif
