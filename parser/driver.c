/*
** driver.c - the parser's driver: runs the lexer (lexer.re) over the SQL
** text and feeds the tokens to the lemon parser (grammar.y), whose actions
** build the tree with ast.c. Also the two helpers that need no grammar:
** line and column of an offset, and statement boundaries for the shell.
*/
#include "parser/ast.h"

#include <string.h>

#include "grammar.h"

/* The entry points lemon generates in grammar.c (%name ds__parser). */
void *ds__parserAlloc(void *(*alloc)(size_t), ds_parse_ctx *ctx);
void ds__parserFree(void *parser, void (*dealloc)(void *));
void ds__parser(void *parser, int type, ds_token token);

/* Records the error of the TK_ILLEGAL token t. */
static void illegal(ds_parse_ctx *ctx, ds_token t) {
    if (t.z[0] == '\'')
        ds__parse_error(ctx, t.off, "unterminated string");
    else if (t.z[0] == '"' || t.z[0] == '`')
        ds__parse_error(ctx, t.off, "unterminated quoted identifier");
    else
        ds__parse_error(ctx, t.off, "unrecognized token: '%.*s'", t.n, t.z);
}

int ds__parse(const char *sql, ds_arena *arena, ds_ast_stmts **out,
              ds_parse_error *err) {
    ds_parse_ctx ctx = {sql, arena, NULL, err, 0, 0};
    err->msg[0] = 0;
    err->off = -1;
    *out = NULL;
    ctx.stmts = ds__arena_alloc(arena, sizeof *ctx.stmts);
    if (!ctx.stmts)
        return DS_NOMEM;
    memset(ctx.stmts, 0, sizeof *ctx.stmts);
    void *parser = ds__parserAlloc(ds_malloc, &ctx);
    if (!parser)
        return DS_NOMEM;

    int off = 0, type, last = TK_SEMI;
    ds_token t = {sql, 0, 0};
    for (;;) {
        int n = ds__lex(sql + off, &type);
        t = (ds_token){sql + off, n, off};
        if (n == 0)
            break;
        off += n;
        if (type == TK_SPACE)
            continue;
        if (type == TK_ILLEGAL) {
            illegal(&ctx, t);
            break;
        }
        ds__parser(parser, type, t);
        if (ctx.failed || ctx.oom)
            break;
        last = type;
    }
    /* at the end: the ';' of the last statement if it has none, then the
       end of input, both as empty tokens at the end of the text */
    if (!ctx.failed && !ctx.oom && last != TK_SEMI)
        ds__parser(parser, TK_SEMI, t);
    if (!ctx.failed && !ctx.oom)
        ds__parser(parser, 0, t);
    ds__parserFree(parser, ds_free);

    if (ctx.oom)
        return DS_NOMEM;
    if (ctx.failed && err->off < 0) /* a stack overflow knows no token */
        err->off = t.off;
    *out = ctx.stmts;
    return ctx.failed ? DS_ERROR : DS_OK;
}

void ds__parse_line_col(const char *sql, int off, int *line, int *col) {
    int l = 1, start = 0, i;
    for (i = 0; i < off && sql[i]; i++) {
        if (sql[i] == '\n') {
            l++;
            start = i + 1;
        }
    }
    *line = l;
    *col = i - start + 1;
}

size_t ds__parse_statement_length(const char *sql, int *complete) {
    size_t off = 0, end = 0;
    int type, n;
    *complete = 0;
    while ((n = ds__lex(sql + off, &type)) > 0) {
        off += (size_t)n;
        if (type == TK_SEMI) {
            *complete = 1;
            return off;
        }
        if (type != TK_SPACE)
            end = off;
    }
    return end ? off : 0;
}
