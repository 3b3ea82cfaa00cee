/*
** ast.h - the syntax tree of dstream SQL, and the parser's entry points.
**
** The lexer (lexer.re) cuts SQL text into tokens that are views into the
** text; the grammar (grammar.y) calls the builders of ast.c, which allocate
** every node in the statement arena given to ds__parse(). Nothing in the
** tree is freed on its own: the arena owns it all. Positions are byte
** offsets into the SQL text so that the planner can report errors there.
**
** The parser knows nothing of streams, types or the runtime: names stay
** names, function calls stay generic calls, and durations are kept as
** microseconds.
*/
#ifndef DS_AST_H
#define DS_AST_H

#include <stddef.h>
#include <stdint.h>

#include "../runtime/mem.h"

/* A token: a view into the SQL text, and where it starts. */
typedef struct ds_token {
    const char *z; /* borrowed from the SQL text */
    int n;
    int off;
} ds_token;

/* An identifier or string, decoded (quotes removed, '' and "" undone),
   NUL-terminated, in the arena. */
typedef struct ds_name {
    char *s; /* arena */
    int off; /* where it starts in the SQL text */
} ds_name;

/* ------------------------------------------------------------ expressions */

typedef enum ds_ast_expr_kind {
    DS_AE_INT,    /* ival */
    DS_AE_FLOAT,  /* dval */
    DS_AE_STRING, /* str */
    DS_AE_NULL,
    DS_AE_BOOL,      /* ival 0/1 */
    DS_AE_COLUMN,    /* name, qualifier (may be NULL): [qualifier.]name */
    DS_AE_STAR,      /* * or qualifier.* in a select list */
    DS_AE_UNARY,     /* op, a */
    DS_AE_BINARY,    /* op, a, b */
    DS_AE_CALL,      /* name, args (NULL for f()), distinct, star for f(*) */
    DS_AE_CASE,      /* a (operand or NULL), args = when/then pairs, b = else */
    DS_AE_CAST,      /* a, type */
    DS_AE_IN,        /* a, args, negated */
    DS_AE_BETWEEN,   /* a, b (low), c (high), negated */
    DS_AE_LIKE,      /* a, b (pattern), c (escape or NULL), negated */
    DS_AE_ISNULL,    /* a, negated (IS NOT NULL) */
    DS_AE_TYPED_STR, /* type, str: TIMESTAMP '2026-11-24 10:00:00' */
} ds_ast_expr_kind;

/* Operators of DS_AE_UNARY and DS_AE_BINARY. */
typedef enum ds_ast_op {
    DS_OP_NEG,
    DS_OP_PLUS,
    DS_OP_NOT, /* unary */
    DS_OP_ADD,
    DS_OP_SUB,
    DS_OP_MUL,
    DS_OP_DIV,
    DS_OP_MOD,
    DS_OP_CONCAT,
    DS_OP_EQ,
    DS_OP_NE,
    DS_OP_LT,
    DS_OP_LE,
    DS_OP_GT,
    DS_OP_GE,
    DS_OP_AND,
    DS_OP_OR,
} ds_ast_op;

typedef struct ds_ast_expr ds_ast_expr;

/* A list of expressions, for arguments, IN lists, GROUP BY, CASE arms. */
typedef struct ds_ast_exprs {
    int n, cap;
    ds_ast_expr **v; /* arena */
} ds_ast_exprs;

struct ds_ast_expr {
    ds_ast_expr_kind kind;
    int off, len; /* the expression's text in the SQL: [off, off+len) */
    ds_ast_op op;
    int negated;  /* NOT IN, NOT BETWEEN, NOT LIKE, IS NOT NULL */
    int distinct; /* COUNT(DISTINCT x) */
    int star;     /* COUNT(*) */
    int type;     /* DS_BIGINT ... for CAST and typed strings */
    int64_t ival;
    double dval;
    char *str;         /* DS_AE_STRING, DS_AE_TYPED_STR: decoded, arena */
    ds_name name;      /* column or function name */
    ds_name qualifier; /* s = NULL when absent */
    ds_ast_expr *a, *b, *c;
    ds_ast_exprs *args;
};

/* --------------------------------------------------------------- SELECT */

typedef struct ds_ast_item { /* one select-list entry */
    ds_ast_expr *expr;
    ds_name alias; /* s = NULL when absent */
} ds_ast_item;

typedef struct ds_ast_items {
    int n, cap;
    ds_ast_item *v; /* arena */
} ds_ast_items;

typedef struct ds_ast_names {
    int n, cap;
    ds_name *v; /* arena */
} ds_ast_names;

typedef enum ds_ast_from_kind {
    DS_FROM_STREAM, /* name [AS alias] */
    DS_FROM_UNNEST, /* UNNEST(expr) [AS] alias [(col, ...)] */
} ds_ast_from_kind;

typedef enum ds_ast_join_kind {
    DS_JOIN_COMMA, /* FROM a, b */
    DS_JOIN_INNER,
    DS_JOIN_LEFT,
    DS_JOIN_CROSS,
} ds_ast_join_kind;

/* One FROM entry; entries after the first say how they join. */
typedef struct ds_ast_from {
    ds_ast_from_kind kind;
    ds_ast_join_kind join;
    int off;
    ds_name name;          /* stream name (DS_FROM_STREAM) */
    ds_name alias;         /* s = NULL when absent */
    ds_ast_expr *expr;     /* UNNEST argument */
    ds_ast_names *columns; /* UNNEST column aliases, or NULL */
    ds_ast_expr *on;       /* JOIN ... ON condition, or NULL */
} ds_ast_from;

typedef struct ds_ast_froms {
    int n, cap;
    ds_ast_from *v; /* arena */
} ds_ast_froms;

typedef enum ds_window_kind {
    DS_WIN_NONE = 0, /* per batch */
    DS_WIN_TUMBLING,
    DS_WIN_SLIDING, /* HOPPING is a synonym */
    DS_WIN_SESSION,
    DS_WIN_COUNT,
    DS_WIN_UNBOUNDED,
} ds_window_kind;

typedef enum ds_emit_mode {
    DS_EMIT_DEFAULT = 0,
    DS_EMIT_FINAL,
    DS_EMIT_CHANGES,
} ds_emit_mode;

typedef struct ds_ast_window {
    ds_window_kind kind;
    int off;
    /* TUMBLING/SLIDING: size and slide in microseconds (slide 0 = none);
       COUNT: rows; SESSION: gap in microseconds in size. */
    int64_t size, slide;
    int size_off, slide_off;
    ds_name on;        /* event-time column; s = NULL: processing time */
    int64_t watermark; /* microseconds; -1 when not given */
    int watermark_off;
    ds_name late_into; /* s = NULL when absent */
} ds_ast_window;

typedef struct ds_ast_order {
    ds_ast_expr *expr;
    int desc;
    int nulls; /* 0 default, 1 NULLS FIRST, 2 NULLS LAST */
} ds_ast_order;

typedef struct ds_ast_orders {
    int n, cap;
    ds_ast_order *v; /* arena */
} ds_ast_orders;

typedef struct ds_ast_select {
    int off;
    int distinct;
    ds_ast_items *items;
    ds_ast_froms *from;    /* NULL: no FROM */
    ds_ast_window *window; /* NULL: per batch */
    ds_emit_mode emit;
    int emit_off;
    ds_ast_expr *where;
    ds_ast_exprs *group_by;
    ds_ast_expr *having;
    ds_ast_orders *order_by;
    ds_ast_expr *limit, *offset;
} ds_ast_select;

/* ------------------------------------------------------------ statements */

typedef struct ds_ast_coldef {
    ds_name name;
    int type; /* DS_BIGINT ... */
    int type_off;
} ds_ast_coldef;

typedef struct ds_ast_coldefs {
    int n, cap;
    ds_ast_coldef *v; /* arena */
} ds_ast_coldefs;

/* WITH (key = value, ...): values are literals or durations. */
typedef struct ds_ast_option {
    ds_name key;
    ds_ast_expr *value; /* INT, FLOAT, STRING, BOOL, or INT for a duration */
    int is_duration;    /* value->ival is microseconds */
} ds_ast_option;

typedef struct ds_ast_options {
    int n, cap;
    ds_ast_option *v; /* arena */
} ds_ast_options;

typedef enum ds_source_kind {
    DS_SRC_NONE = 0, /* a derived stream (AS SELECT) */
    DS_SRC_SOCKET,
    DS_SRC_SOCKET_LISTEN,
    DS_SRC_FILE,
    DS_SRC_QUEUE,
    DS_SRC_STDIN,
} ds_source_kind;

typedef enum ds_sink_kind {
    DS_SINK_FILE,
    DS_SINK_SQLITE,
    DS_SINK_STDOUT,
} ds_sink_kind;

typedef enum ds_format_kind {
    DS_FMT_DEFAULT = 0,
    DS_FMT_TEXT,
    DS_FMT_CSV,
    DS_FMT_JSON,
} ds_format_kind;

typedef enum ds_object_kind {
    DS_OBJ_STREAM,
    DS_OBJ_TABLE,
    DS_OBJ_SINK,
} ds_object_kind;

typedef enum ds_show_kind {
    DS_SHOW_STREAMS,
    DS_SHOW_QUERIES,
    DS_SHOW_SINKS,
    DS_SHOW_TABLES,
    DS_SHOW_METRICS,
    DS_SHOW_SETTINGS,
} ds_show_kind;

typedef enum ds_stmt_kind {
    DS_STMT_SELECT,
    DS_STMT_CREATE_STREAM, /* from a source, or AS SELECT */
    DS_STMT_CREATE_TABLE,
    DS_STMT_CREATE_SINK,
    DS_STMT_INSERT_VALUES,
    DS_STMT_INSERT_SELECT,
    DS_STMT_DROP,
    DS_STMT_SHOW,
    DS_STMT_DESCRIBE,
    DS_STMT_SET,
    DS_STMT_EXPLAIN,
    DS_STMT_STOP_QUERY,
} ds_stmt_kind;

typedef struct ds_ast_stmt {
    ds_stmt_kind kind;
    int off, len; /* the statement's text, without the ';' */
    int if_not_exists, if_exists;
    ds_name name;            /* stream, table, sink or setting name */
    ds_ast_coldefs *columns; /* CREATE STREAM/TABLE columns, or NULL */
    ds_source_kind source;
    ds_sink_kind sink;
    ds_name target; /* socket address, file path, sqlite path */
    int target_off;
    ds_format_kind format;
    int format_off;
    ds_name table;           /* CREATE SINK ... TO SQLITE 'p' TABLE t */
    ds_ast_options *options; /* WITH (...) or NULL */
    ds_ast_select *select;   /* SELECT, AS SELECT, INSERT ... SELECT,
                                EXPLAIN */
    ds_ast_exprs **rows;     /* INSERT VALUES: nrows lists */
    int nrows, cap_rows;
    ds_object_kind object; /* DROP */
    ds_show_kind show;
    ds_ast_expr *value;    /* SET name = value */
    int value_is_duration; /* value->ival is microseconds */
    int64_t query_id;      /* STOP QUERY n */
} ds_ast_stmt;

typedef struct ds_ast_stmts {
    int n, cap;
    ds_ast_stmt **v; /* arena */
} ds_ast_stmts;

/* ------------------------------------------------------------------ lexer */

/*
** The token at z (lexer.re): returns its length in bytes and sets *type to
** its TK_* code from the generated grammar.h. Blanks and comments are
** TK_SPACE; an unrecognized character or an unterminated string or quoted
** identifier is TK_ILLEGAL. Returns 0 at the terminating NUL. Never reads
** past the NUL and never allocates.
*/
int ds__lex(const char *z, int *type);

/* ---------------------------------------------------------------- parsing */

/* What went wrong, for the caller to report (ds_errmsg, ds_error_offset). */
typedef struct ds_parse_error {
    char msg[256];
    int off; /* byte offset into the SQL text, or -1 */
} ds_parse_error;

/*
** Parses every statement of sql (NUL-terminated) into *out, allocating in
** arena. Returns DS_OK, DS_ERROR with err filled ("syntax error near
** 'FORM'" and its offset; the caller adds line and column), or DS_NOMEM.
** On DS_ERROR, *out holds the statements completed before the error (they
** are whole and usable); on DS_NOMEM it is NULL.
*/
int ds__parse(const char *sql, ds_arena *arena, ds_ast_stmts **out,
              ds_parse_error *err);

/* Line (1-based) and column (1-based, in bytes) of offset off in sql. */
void ds__parse_line_col(const char *sql, int off, int *line, int *col);

/*
** Statement boundaries without parsing: the length of the first statement
** of sql up to and including its ';' (the whole text if none), 0 if only
** blanks and comments remain. *complete is set to 1 when the statement
** ends with ';'.
*/
size_t ds__parse_statement_length(const char *sql, int *complete);

/* ------------------------------------------------------- builders (ast.c)
** Called by the grammar actions. Each allocates in the parse context's
** arena; on allocation failure they return NULL and set ctx->oom, and the
** parse ends with DS_NOMEM. */

typedef struct ds_parse_ctx {
    const char *sql;
    ds_arena *arena;
    ds_ast_stmts *stmts;
    ds_parse_error *err;
    int failed; /* a syntax error was recorded */
    int oom;
} ds_parse_ctx;

/* Small values that grammar rules hand up to the builders. */

/* A clause that picks one of a few keywords (FORMAT CSV, EMIT CHANGES):
   what it stands for and where its keyword is; {0, 0} when absent. */
typedef struct ds_ast_choice {
    int value;
    int off;
} ds_ast_choice;

/* FROM SOCKET 'host:port' and the other sources of CREATE STREAM/TABLE. */
typedef struct ds_ast_source {
    ds_source_kind kind;
    int off;       /* the source keyword */
    ds_token path; /* the string; n = 0 for QUEUE and STDIN */
} ds_ast_source;

/* LIMIT e [OFFSET e]; NULL when absent. */
typedef struct ds_ast_limit {
    ds_ast_expr *limit, *offset;
} ds_ast_limit;

/* Records the first error at off; later ones are ignored. */
void ds__parse_error(ds_parse_ctx *ctx, int off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* An identifier as written (case kept), "quoted" or `quoted`. */
ds_name ds__ast_name(ds_parse_ctx *ctx, ds_token t);
ds_name ds__ast_string(ds_parse_ctx *ctx, ds_token t); /* '...' literal */
ds_ast_expr *ds__ast_expr_new(ds_parse_ctx *ctx, ds_ast_expr_kind kind, int off,
                              int end);
ds_ast_expr *ds__ast_int(ds_parse_ctx *ctx, ds_token t);
ds_ast_expr *ds__ast_float(ds_parse_ctx *ctx, ds_token t);
ds_ast_expr *ds__ast_str(ds_parse_ctx *ctx, ds_token t);
ds_ast_expr *ds__ast_literal(ds_parse_ctx *ctx, ds_ast_expr_kind kind,
                             ds_token t); /* NULL, TRUE, FALSE */
ds_ast_expr *ds__ast_typed_str(ds_parse_ctx *ctx, int type, ds_token kw,
                               ds_token str);
ds_ast_expr *ds__ast_column(ds_parse_ctx *ctx, ds_token qualifier,
                            ds_token name); /* qualifier.n == 0: none */
ds_ast_expr *ds__ast_star(ds_parse_ctx *ctx, ds_token qualifier, ds_token star);
/* A sign right before a number literal is folded into it: -5 is the
   DS_AE_INT -5, and -9223372036854775808 the smallest BIGINT. */
ds_ast_expr *ds__ast_unary(ds_parse_ctx *ctx, ds_ast_op op, ds_token optok,
                           ds_ast_expr *a);
ds_ast_expr *ds__ast_binary(ds_parse_ctx *ctx, ds_ast_op op, ds_ast_expr *a,
                            ds_ast_expr *b);
ds_ast_expr *ds__ast_call(ds_parse_ctx *ctx, ds_token name, ds_ast_exprs *args,
                          int distinct, int star, ds_token rparen);
ds_ast_expr *ds__ast_case(ds_parse_ctx *ctx, ds_token kw, ds_ast_expr *operand,
                          ds_ast_exprs *arms, ds_ast_expr *els, ds_token end);
ds_ast_expr *ds__ast_cast(ds_parse_ctx *ctx, ds_token kw, ds_ast_expr *a,
                          int type, ds_token rparen);
ds_ast_expr *ds__ast_in(ds_parse_ctx *ctx, ds_ast_expr *a, int negated,
                        ds_ast_exprs *list, ds_token rparen);
ds_ast_expr *ds__ast_between(ds_parse_ctx *ctx, ds_ast_expr *a, int negated,
                             ds_ast_expr *lo, ds_ast_expr *hi);
ds_ast_expr *ds__ast_like(ds_parse_ctx *ctx, ds_ast_expr *a, int negated,
                          ds_ast_expr *pattern, ds_ast_expr *escape);
ds_ast_expr *ds__ast_isnull(ds_parse_ctx *ctx, ds_ast_expr *a, int negated,
                            ds_token last);
/* Extends e's text to cover [off, end) (parentheses around it). */
ds_ast_expr *ds__ast_paren(ds_parse_ctx *ctx, ds_token lp, ds_ast_expr *e,
                           ds_token rp);

ds_ast_exprs *ds__ast_exprs_add(ds_parse_ctx *ctx, ds_ast_exprs *list,
                                ds_ast_expr *e); /* list NULL: a new one */
ds_ast_items *ds__ast_items_add(ds_parse_ctx *ctx, ds_ast_items *list,
                                ds_ast_expr *e, ds_name alias);
ds_ast_names *ds__ast_names_add(ds_parse_ctx *ctx, ds_ast_names *list,
                                ds_name n);
ds_ast_froms *ds__ast_froms_add(ds_parse_ctx *ctx, ds_ast_froms *list,
                                const ds_ast_from *f);
ds_ast_orders *ds__ast_orders_add(ds_parse_ctx *ctx, ds_ast_orders *list,
                                  ds_ast_expr *e, int desc, int nulls);
ds_ast_coldefs *ds__ast_coldefs_add(ds_parse_ctx *ctx, ds_ast_coldefs *list,
                                    ds_name name, int type, int type_off);
ds_ast_options *ds__ast_options_add(ds_parse_ctx *ctx, ds_ast_options *list,
                                    ds_name key, ds_ast_expr *value,
                                    int is_duration);

ds_ast_select *ds__ast_select_new(ds_parse_ctx *ctx, int off);
ds_ast_window *ds__ast_window_new(ds_parse_ctx *ctx, ds_window_kind kind,
                                  int off);
ds_ast_stmt *ds__ast_stmt_new(ds_parse_ctx *ctx, ds_stmt_kind kind, int off);
/* Appends a finished statement ending at end (offset of ';' or text end);
   its len then covers its text through its last token. A statement in
   which an error was recorded is not appended. */
void ds__ast_stmt_done(ds_parse_ctx *ctx, ds_ast_stmt *s, int end);
/* Appends one VALUES row to an INSERT statement. */
void ds__ast_stmt_add_row(ds_parse_ctx *ctx, ds_ast_stmt *s, ds_ast_exprs *row);

/* Duration in microseconds of `number unit`; unit is the unit token
   (MICROSECOND[S] ... DAY[S], any case). An unknown unit, a duration that
   is not positive or does not fit in int64 is an error; returns 0 then. */
int64_t ds__ast_duration(ds_parse_ctx *ctx, ds_ast_expr *number, ds_token unit);
/* The literal number turned into a DS_AE_INT of ds__ast_duration()
   microseconds whose text covers `number unit`. */
ds_ast_expr *ds__ast_duration_expr(ds_parse_ctx *ctx, ds_ast_expr *number,
                                   ds_token unit);

/* FROM entries: a stream (or table) and UNNEST(e); alias.s may be NULL. */
ds_ast_from *ds__ast_from_stream(ds_parse_ctx *ctx, ds_name name,
                                 ds_name alias);
ds_ast_from *ds__ast_from_unnest(ds_parse_ctx *ctx, ds_token kw, ds_ast_expr *e,
                                 ds_name alias, ds_ast_names *columns);
/* Appends f to list (NULL: a new one), joined by join ON on (or NULL). */
ds_ast_froms *ds__ast_froms_join(ds_parse_ctx *ctx, ds_ast_froms *list,
                                 ds_ast_join_kind join, ds_ast_from *f,
                                 ds_ast_expr *on);

/* A window of kind starting at keyword kw. size and slide are duration
   expressions (ds__ast_duration_expr), or row counts for COUNT; slide may
   be NULL. A row count must be positive. */
ds_ast_window *ds__ast_window(ds_parse_ctx *ctx, ds_window_kind kind,
                              ds_token kw, ds_ast_expr *size,
                              ds_ast_expr *slide);
/* Adds ON column [WATERMARK d] [LATE INTO name] to w; watermark may be
   NULL (then -1), late_into.s may be NULL. */
ds_ast_window *ds__ast_window_on(ds_parse_ctx *ctx, ds_ast_window *w,
                                 ds_name column, ds_ast_expr *watermark,
                                 ds_name late_into);

/* A whole SELECT; kw is the SELECT keyword, any clause may be NULL. */
ds_ast_select *ds__ast_select(ds_parse_ctx *ctx, ds_token kw, int distinct,
                              ds_ast_items *items, ds_ast_froms *from,
                              ds_ast_window *window, ds_ast_choice emit,
                              ds_ast_expr *where, ds_ast_exprs *group_by,
                              ds_ast_expr *having, ds_ast_orders *order_by,
                              ds_ast_limit limit);

/* Statements. Each returns the statement (NULL after an allocation
   failure); the grammar hands it to ds__ast_stmt_done() at its ';'. */

/* SELECT (kw.n == 0: the statement starts at the SELECT) or EXPLAIN. */
ds_ast_stmt *ds__ast_query(ds_parse_ctx *ctx, ds_stmt_kind kind, ds_token kw,
                           ds_ast_select *sel);
/* The head of CREATE STREAM/TABLE/SINK [IF NOT EXISTS] name; the rest is
   added by _create_source, _create_as or _create_sink. */
ds_ast_stmt *ds__ast_create(ds_parse_ctx *ctx, ds_stmt_kind kind, ds_token kw,
                            int if_not_exists, ds_name name);
ds_ast_stmt *ds__ast_create_source(ds_parse_ctx *ctx, ds_ast_stmt *s,
                                   ds_ast_coldefs *columns, ds_ast_source src,
                                   ds_ast_choice format,
                                   ds_ast_options *options);
ds_ast_stmt *ds__ast_create_as(ds_parse_ctx *ctx, ds_ast_stmt *s,
                               ds_ast_select *sel);
/* path.n == 0 for STDOUT; table.s is the SQLITE table or NULL. */
ds_ast_stmt *ds__ast_create_sink(ds_parse_ctx *ctx, ds_ast_stmt *s,
                                 ds_sink_kind kind, ds_token path,
                                 ds_name table, ds_ast_choice format,
                                 ds_ast_options *options);
/* INSERT INTO name: the first VALUES row (more with _stmt_add_row), or a
   SELECT (row NULL). */
ds_ast_stmt *ds__ast_insert(ds_parse_ctx *ctx, ds_token kw, ds_name name,
                            ds_ast_exprs *row, ds_ast_select *sel);
ds_ast_stmt *ds__ast_drop(ds_parse_ctx *ctx, ds_token kw, ds_object_kind object,
                          int if_exists, ds_name name);
ds_ast_stmt *ds__ast_show(ds_parse_ctx *ctx, ds_token kw, ds_show_kind what);
ds_ast_stmt *ds__ast_describe(ds_parse_ctx *ctx, ds_token kw, ds_name name);
/* SET name = value; is_duration: value is a ds__ast_duration_expr(). */
ds_ast_stmt *ds__ast_set(ds_parse_ctx *ctx, ds_token kw, ds_name name,
                         ds_ast_expr *value, int is_duration);
/* STOP QUERY n; id is the integer token. */
ds_ast_stmt *ds__ast_stop_query(ds_parse_ctx *ctx, ds_token kw, ds_token id);

/* Type of a type-name token (BIGINT, INT, INTEGER, DOUBLE, REAL, FLOAT,
   TEXT, VARCHAR, STRING, BOOLEAN, BOOL, TIMESTAMP), or -1 with an error. */
int ds__ast_type(ds_parse_ctx *ctx, ds_token t);

/* Debugging and golden tests: the tree as one line of S-expressions
   appended to sb (ast_dump.c). */
void ds__ast_dump_stmt(const ds_ast_stmt *s, ds_strbuf *sb);
void ds__ast_dump_expr(const ds_ast_expr *e, ds_strbuf *sb);

#endif
