/*
** grammar.y - the grammar of dstream SQL, for the lemon parser generator.
**
** lemon turns this file into grammar.c and grammar.h (the TK_* codes that
** lexer.re returns). driver.c feeds the tokens in; each rule's action is a
** call to a builder of ast.c, which allocates the node in the statement
** arena. The arena owns every node, so no rule needs a %destructor: a
** parse that fails simply leaves its nodes to the arena.
**
** Keywords that are not reserved fall back to ID (%fallback below), so that
** `SELECT count(*), text, size FROM t` works. Types, time units and
** function names are plain identifiers: ast.c checks the first two, the
** planner resolves functions.
*/

%name ds__parser
%token_prefix TK_
%token_type {ds_token}
%default_type {ds_token}
%extra_context {ds_parse_ctx *ctx}
%stack_size 1000
%start_symbol input

%include {
#include "parser/ast.h"

static const ds_token no_token = {0};
static const ds_name no_name = {0};
static const ds_ast_choice no_choice = {0};
static const ds_ast_limit no_limit = {0};
}

%syntax_error {
    (void)yymajor;
    if (TOKEN.n == 0)
        ds__parse_error(ctx, TOKEN.off, "syntax error: incomplete statement");
    else
        ds__parse_error(ctx, TOKEN.off, "syntax error near '%.*s'",
                        TOKEN.n, TOKEN.z);
}

%stack_overflow {
    ds__parse_error(ctx, -1, "statement too deeply nested");
}

// Lowest precedence first. UMINUS is no token of the lexer: it only gives
// unary minus and plus their place.
%left OR.
%left AND.
%right NOT.
%left IS IN LIKE BETWEEN ISNULL NOTNULL NE EQ.
%left GT LE LT GE.
%right ESCAPE.
%left PLUS MINUS.
%left STAR SLASH REM.
%left CONCAT.
%right UMINUS.

// Every keyword that is not reserved.
%fallback ID
  STREAM STREAMS SINK SINKS TABLES QUEUE STDIN SOCKET LISTEN FILE FORMAT
  TEXT CSV JSON TUMBLING SLIDING HOPPING SESSION COUNT UNBOUNDED SIZE SLIDE
  GAP WATERMARK LATE CHANGES FINAL SHOW DESCRIBE STOP QUERY QUERIES METRICS
  SETTINGS TO SQLITE STDOUT NULLS FIRST LAST ISNULL NOTNULL TIMESTAMP DOUBLE
  PRECISION.

// Tokens of the lexer that never reach the parser.
%token SPACE ILLEGAL.

/////////////////////////////// Statements ////////////////////////////////
//
// A text is a list of statements, each ended by ';' (driver.c adds the last
// one when it is missing). Empty statements are allowed.

input ::= cmdlist.
cmdlist ::= cmdlist ecmd.
cmdlist ::= .
ecmd ::= SEMI.
ecmd ::= cmd(S) SEMI(E).                {ds__ast_stmt_done(ctx, S, E.off);}

%type cmd {ds_ast_stmt *}

// Names: identifiers, and keywords that are not reserved (by fallback).
%type nm {ds_name}
nm(A) ::= ID(X).                        {A = ds__ast_name(ctx, X);}

%type ifnotexists {int}
ifnotexists(A) ::= .                    {A = 0;}
ifnotexists(A) ::= IF NOT EXISTS.       {A = 1;}

%type ifexists {int}
ifexists(A) ::= .                       {A = 0;}
ifexists(A) ::= IF EXISTS.              {A = 1;}

/////////////////////////// The CREATE STREAM statement //////////////////
//
cmd(A) ::= create_stream(A) LP coldefs(C) RP FROM source(S) format_opt(F)
           with_opt(W).
    {A = ds__ast_create_source(ctx, A, C, S, F, W);}
cmd(A) ::= create_stream(A) AS select(S).
    {A = ds__ast_create_as(ctx, A, S);}

%type create_stream {ds_ast_stmt *}
create_stream(A) ::= CREATE(K) STREAM ifnotexists(E) nm(N).
    {A = ds__ast_create(ctx, DS_STMT_CREATE_STREAM, K, E, N);}

%type coldefs {ds_ast_coldefs *}
coldefs(A) ::= coldefs(A) COMMA nm(N) typetoken(T).
    {A = ds__ast_coldefs_add(ctx, A, N, ds__ast_type(ctx, T), T.off);}
coldefs(A) ::= nm(N) typetoken(T).
    {A = ds__ast_coldefs_add(ctx, 0, N, ds__ast_type(ctx, T), T.off);}

// A type name is an identifier checked by ds__ast_type(); its arguments,
// as in VARCHAR(80), are ignored.
typetoken(A) ::= ID(A).
typetoken(A) ::= ID(A) LP INTEGER RP.
typetoken(A) ::= DOUBLE(A).
typetoken(A) ::= DOUBLE(A) PRECISION.

%type source {ds_ast_source}
source(A) ::= SOCKET(K) STRING(P).
    {A = (ds_ast_source){DS_SRC_SOCKET, K.off, P};}
source(A) ::= SOCKET(K) LISTEN STRING(P).
    {A = (ds_ast_source){DS_SRC_SOCKET_LISTEN, K.off, P};}
source(A) ::= QUEUE(K).
    {A = (ds_ast_source){DS_SRC_QUEUE, K.off, no_token};}
source(A) ::= STDIN(K).
    {A = (ds_ast_source){DS_SRC_STDIN, K.off, no_token};}
source(A) ::= file_source(A).

%type file_source {ds_ast_source}
file_source(A) ::= FILE(K) STRING(P).
    {A = (ds_ast_source){DS_SRC_FILE, K.off, P};}

%type format_opt {ds_ast_choice}
format_opt(A) ::= .                     {A = no_choice;}
format_opt(A) ::= FORMAT TEXT(X).
    {A = (ds_ast_choice){DS_FMT_TEXT, X.off};}
format_opt(A) ::= FORMAT CSV(X).
    {A = (ds_ast_choice){DS_FMT_CSV, X.off};}
format_opt(A) ::= FORMAT JSON(X).
    {A = (ds_ast_choice){DS_FMT_JSON, X.off};}

// WITH (key = value, ...): a literal, an identifier (kept as a string) or
// a duration.
%type with_opt {ds_ast_options *}
with_opt(A) ::= .                       {A = 0;}
with_opt(A) ::= WITH LP options(X) RP.  {A = X;}

%type options {ds_ast_options *}
options(A) ::= options(A) COMMA option(X).
    {A = ds__ast_options_add(ctx, A, X.key, X.value, X.is_duration);}
options(A) ::= option(X).
    {A = ds__ast_options_add(ctx, 0, X.key, X.value, X.is_duration);}

%type option {ds_ast_option}
option(A) ::= nm(K) EQ value(V).        {A = (ds_ast_option){K, V, 0};}
option(A) ::= nm(K) EQ duration(V).     {A = (ds_ast_option){K, V, 1};}

%type value {ds_ast_expr *}
value(A) ::= signed(A).
value(A) ::= STRING(X).                 {A = ds__ast_str(ctx, X);}
value(A) ::= TRUE(X).
    {A = ds__ast_literal(ctx, DS_AE_BOOL, X);}
value(A) ::= FALSE(X).
    {A = ds__ast_literal(ctx, DS_AE_BOOL, X);}
value(A) ::= ID(X).                     {A = ds__ast_str(ctx, X);}

%type number {ds_ast_expr *}
number(A) ::= INTEGER(X).               {A = ds__ast_int(ctx, X);}
number(A) ::= FLOAT(X).                 {A = ds__ast_float(ctx, X);}

%type signed {ds_ast_expr *}
signed(A) ::= number(A).
signed(A) ::= PLUS(P) number(X).
    {A = ds__ast_unary(ctx, DS_OP_PLUS, P, X);}
signed(A) ::= MINUS(M) number(X).
    {A = ds__ast_unary(ctx, DS_OP_NEG, M, X);}

// `2 SECONDS`, `1.5 MINUTES`: an INT of microseconds.
%type duration {ds_ast_expr *}
duration(A) ::= signed(N) ID(U).        {A = ds__ast_duration_expr(ctx, N, U);}

/////////////////////////// The CREATE TABLE statement ///////////////////
//
cmd(A) ::= create_table(A) LP coldefs(C) RP FROM file_source(S)
           format_opt(F) with_opt(W).
    {A = ds__ast_create_source(ctx, A, C, S, F, W);}

%type create_table {ds_ast_stmt *}
create_table(A) ::= CREATE(K) TABLE ifnotexists(E) nm(N).
    {A = ds__ast_create(ctx, DS_STMT_CREATE_TABLE, K, E, N);}

/////////////////////////// The CREATE SINK statement ////////////////////
//
cmd(A) ::= create_sink(A) TO FILE STRING(P) format_opt(F) with_opt(W).
    {A = ds__ast_create_sink(ctx, A, DS_SINK_FILE, P, no_name, F, W);}
cmd(A) ::= create_sink(A) TO SQLITE STRING(P) TABLE nm(T) with_opt(W).
    {A = ds__ast_create_sink(ctx, A, DS_SINK_SQLITE, P, T, no_choice, W);}
cmd(A) ::= create_sink(A) TO STDOUT format_opt(F).
    {A = ds__ast_create_sink(ctx, A, DS_SINK_STDOUT, no_token, no_name, F, 0);}

%type create_sink {ds_ast_stmt *}
create_sink(A) ::= CREATE(K) SINK ifnotexists(E) nm(N).
    {A = ds__ast_create(ctx, DS_STMT_CREATE_SINK, K, E, N);}

/////////////////////////// The INSERT statement /////////////////////////
//
cmd(A) ::= insert_values(A).
cmd(A) ::= INSERT(K) INTO nm(N) select(S).
    {A = ds__ast_insert(ctx, K, N, 0, S);}

%type insert_values {ds_ast_stmt *}
insert_values(A) ::= INSERT(K) INTO nm(N) VALUES LP nexprlist(R) RP.
    {A = ds__ast_insert(ctx, K, N, R, 0);}
insert_values(A) ::= insert_values(A) COMMA LP nexprlist(R) RP.
    {ds__ast_stmt_add_row(ctx, A, R);}

/////////////////////////// DROP, SHOW, DESCRIBE, SET, STOP //////////////
//
cmd(A) ::= DROP(K) object(O) ifexists(E) nm(N).
    {A = ds__ast_drop(ctx, K, O, E, N);}

%type object {ds_object_kind}
object(A) ::= STREAM.                   {A = DS_OBJ_STREAM;}
object(A) ::= TABLE.                    {A = DS_OBJ_TABLE;}
object(A) ::= SINK.                     {A = DS_OBJ_SINK;}

cmd(A) ::= SHOW(K) showwhat(W).         {A = ds__ast_show(ctx, K, W);}

%type showwhat {ds_show_kind}
showwhat(A) ::= STREAMS.                {A = DS_SHOW_STREAMS;}
showwhat(A) ::= QUERIES.                {A = DS_SHOW_QUERIES;}
showwhat(A) ::= SINKS.                  {A = DS_SHOW_SINKS;}
showwhat(A) ::= TABLES.                 {A = DS_SHOW_TABLES;}
showwhat(A) ::= METRICS.                {A = DS_SHOW_METRICS;}
showwhat(A) ::= SETTINGS.               {A = DS_SHOW_SETTINGS;}

cmd(A) ::= DESCRIBE(K) nm(N).           {A = ds__ast_describe(ctx, K, N);}

cmd(A) ::= SET(K) nm(N) setop value(V).
    {A = ds__ast_set(ctx, K, N, V, 0);}
cmd(A) ::= SET(K) nm(N) setop duration(V).
    {A = ds__ast_set(ctx, K, N, V, 1);}

setop ::= EQ.
setop ::= TO.

cmd(A) ::= STOP(K) QUERY INTEGER(N).    {A = ds__ast_stop_query(ctx, K, N);}

/////////////////////////// SELECT and EXPLAIN ///////////////////////////
//
cmd(A) ::= select(S).
    {A = ds__ast_query(ctx, DS_STMT_SELECT, no_token, S);}
cmd(A) ::= EXPLAIN(K) select(S).
    {A = ds__ast_query(ctx, DS_STMT_EXPLAIN, K, S);}

%type select {ds_ast_select *}
select(A) ::= SELECT(K) distinct(D) selcollist(I) from_opt(F) window_opt(W)
              emit_opt(E) where_opt(Y) groupby_opt(G) having_opt(H)
              orderby_opt(O) limit_opt(L).
    {A = ds__ast_select(ctx, K, D, I, F, W, E, Y, G, H, O, L);}

%type distinct {int}
distinct(A) ::= .                       {A = 0;}
distinct(A) ::= ALL.                    {A = 0;}
distinct(A) ::= DISTINCT.               {A = 1;}

// The select list: `*`, `q.*`, `e [[AS] alias]`.
%type selcollist {ds_ast_items *}
%type sclp {ds_ast_items *}
sclp(A) ::= selcollist(A) COMMA.
sclp(A) ::= .                           {A = 0;}
selcollist(A) ::= sclp(A) expr(X) as(Y).
    {A = ds__ast_items_add(ctx, A, X, Y);}
selcollist(A) ::= sclp(A) STAR(S).
    {A = ds__ast_items_add(ctx, A, ds__ast_star(ctx, no_token, S), no_name);}
selcollist(A) ::= sclp(A) ID(Q) DOT STAR(S).
    {A = ds__ast_items_add(ctx, A, ds__ast_star(ctx, Q, S), no_name);}

%type as {ds_name}
as(A) ::= .                             {A = no_name;}
as(A) ::= AS nm(X).                     {A = X;}
as(A) ::= ID(X).                        {A = ds__ast_name(ctx, X);}

// FROM a, b [INNER] JOIN c ON e LEFT [OUTER] JOIN d ON e CROSS JOIN f
%type from_opt {ds_ast_froms *}
from_opt(A) ::= .                       {A = 0;}
from_opt(A) ::= FROM from_list(X).      {A = X;}

%type from_list {ds_ast_froms *}
from_list(A) ::= from_item(X).
    {A = ds__ast_froms_join(ctx, 0, DS_JOIN_COMMA, X, 0);}
from_list(A) ::= from_list(A) COMMA from_item(X).
    {A = ds__ast_froms_join(ctx, A, DS_JOIN_COMMA, X, 0);}
from_list(A) ::= from_list(A) joinop(J) from_item(X) ON expr(E).
    {A = ds__ast_froms_join(ctx, A, J, X, E);}
from_list(A) ::= from_list(A) CROSS JOIN from_item(X).
    {A = ds__ast_froms_join(ctx, A, DS_JOIN_CROSS, X, 0);}

%type joinop {ds_ast_join_kind}
joinop(A) ::= JOIN.                     {A = DS_JOIN_INNER;}
joinop(A) ::= INNER JOIN.               {A = DS_JOIN_INNER;}
joinop(A) ::= LEFT JOIN.                {A = DS_JOIN_LEFT;}
joinop(A) ::= LEFT OUTER JOIN.          {A = DS_JOIN_LEFT;}

%type from_item {ds_ast_from *}
from_item(A) ::= nm(N) as(Y).           {A = ds__ast_from_stream(ctx, N, Y);}
from_item(A) ::= UNNEST(K) LP expr(E) RP.
    {A = ds__ast_from_unnest(ctx, K, E, no_name, 0);}
from_item(A) ::= UNNEST(K) LP expr(E) RP as_name(Y).
    {A = ds__ast_from_unnest(ctx, K, E, Y, 0);}
from_item(A) ::= UNNEST(K) LP expr(E) RP as_name(Y) LP namelist(C) RP.
    {A = ds__ast_from_unnest(ctx, K, E, Y, C);}

%type as_name {ds_name}
as_name(A) ::= AS nm(X).                {A = X;}
as_name(A) ::= ID(X).                   {A = ds__ast_name(ctx, X);}

%type namelist {ds_ast_names *}
namelist(A) ::= namelist(A) COMMA nm(N).
    {A = ds__ast_names_add(ctx, A, N);}
namelist(A) ::= nm(N).                  {A = ds__ast_names_add(ctx, 0, N);}

// WINDOW kind (...) [ON col [WATERMARK d] [LATE INTO name]]
%type window_opt {ds_ast_window *}
window_opt(A) ::= .                     {A = 0;}
window_opt(A) ::= WINDOW window(X).     {A = X;}
window_opt(A) ::= WINDOW window(W) ON nm(C) watermark_opt(M) late_opt(L).
    {A = ds__ast_window_on(ctx, W, C, M, L);}

%type window {ds_ast_window *}
window(A) ::= TUMBLING(K) LP SIZE duration(S) RP.
    {A = ds__ast_window(ctx, DS_WIN_TUMBLING, K, S, 0);}
window(A) ::= SLIDING(K) LP SIZE duration(S) COMMA SLIDE duration(D) RP.
    {A = ds__ast_window(ctx, DS_WIN_SLIDING, K, S, D);}
window(A) ::= HOPPING(K) LP SIZE duration(S) COMMA SLIDE duration(D) RP.
    {A = ds__ast_window(ctx, DS_WIN_SLIDING, K, S, D);}
window(A) ::= SESSION(K) LP GAP duration(G) RP.
    {A = ds__ast_window(ctx, DS_WIN_SESSION, K, G, 0);}
window(A) ::= COUNT(K) LP SIZE rows(S) RP.
    {A = ds__ast_window(ctx, DS_WIN_COUNT, K, S, 0);}
window(A) ::= COUNT(K) LP SIZE rows(S) COMMA SLIDE rows(D) RP.
    {A = ds__ast_window(ctx, DS_WIN_COUNT, K, S, D);}
window(A) ::= UNBOUNDED(K).
    {A = ds__ast_window(ctx, DS_WIN_UNBOUNDED, K, 0, 0);}

%type rows {ds_ast_expr *}
rows(A) ::= INTEGER(X).                 {A = ds__ast_int(ctx, X);}

%type watermark_opt {ds_ast_expr *}
watermark_opt(A) ::= .                  {A = 0;}
watermark_opt(A) ::= WATERMARK duration(X).
    {A = X;}

%type late_opt {ds_name}
late_opt(A) ::= .                       {A = no_name;}
late_opt(A) ::= LATE INTO nm(X).        {A = X;}

%type emit_opt {ds_ast_choice}
emit_opt(A) ::= .                       {A = no_choice;}
emit_opt(A) ::= EMIT(K) CHANGES.
    {A = (ds_ast_choice){DS_EMIT_CHANGES, K.off};}
emit_opt(A) ::= EMIT(K) FINAL.
    {A = (ds_ast_choice){DS_EMIT_FINAL, K.off};}

%type where_opt {ds_ast_expr *}
where_opt(A) ::= .                      {A = 0;}
where_opt(A) ::= WHERE expr(X).         {A = X;}

%type groupby_opt {ds_ast_exprs *}
groupby_opt(A) ::= .                    {A = 0;}
groupby_opt(A) ::= GROUP BY nexprlist(X).
    {A = X;}

%type having_opt {ds_ast_expr *}
having_opt(A) ::= .                     {A = 0;}
having_opt(A) ::= HAVING expr(X).       {A = X;}

%type orderby_opt {ds_ast_orders *}
orderby_opt(A) ::= .                    {A = 0;}
orderby_opt(A) ::= ORDER BY sortlist(X).
    {A = X;}

%type sortlist {ds_ast_orders *}
sortlist(A) ::= sortlist(A) COMMA expr(X) sortorder(D) nulls(N).
    {A = ds__ast_orders_add(ctx, A, X, D, N);}
sortlist(A) ::= expr(X) sortorder(D) nulls(N).
    {A = ds__ast_orders_add(ctx, 0, X, D, N);}

%type sortorder {int}
sortorder(A) ::= .                      {A = 0;}
sortorder(A) ::= ASC.                   {A = 0;}
sortorder(A) ::= DESC.                  {A = 1;}

%type nulls {int}
nulls(A) ::= .                          {A = 0;}
nulls(A) ::= NULLS FIRST.               {A = 1;}
nulls(A) ::= NULLS LAST.                {A = 2;}

%type limit_opt {ds_ast_limit}
limit_opt(A) ::= .                      {A = no_limit;}
limit_opt(A) ::= LIMIT expr(X).         {A = (ds_ast_limit){X, 0};}
limit_opt(A) ::= LIMIT expr(X) OFFSET expr(Y).
    {A = (ds_ast_limit){X, Y};}

/////////////////////////// Expressions //////////////////////////////////
//
%type expr {ds_ast_expr *}
%type term {ds_ast_expr *}

expr(A) ::= term(A).
expr(A) ::= LP(L) expr(X) RP(R).        {A = ds__ast_paren(ctx, L, X, R);}
expr(A) ::= ID(X).                      {A = ds__ast_column(ctx, no_token, X);}
expr(A) ::= ID(Q) DOT ID(X).            {A = ds__ast_column(ctx, Q, X);}
// TIMESTAMP is no reserved word: alone, it names a column.
expr(A) ::= TIMESTAMP(X).               {A = ds__ast_column(ctx, no_token, X);}

term(A) ::= number(A).
term(A) ::= STRING(X).                  {A = ds__ast_str(ctx, X);}
term(A) ::= NULL(X).
    {A = ds__ast_literal(ctx, DS_AE_NULL, X);}
term(A) ::= TRUE(X).
    {A = ds__ast_literal(ctx, DS_AE_BOOL, X);}
term(A) ::= FALSE(X).
    {A = ds__ast_literal(ctx, DS_AE_BOOL, X);}
term(A) ::= TIMESTAMP(K) STRING(S).
    {A = ds__ast_typed_str(ctx, DS_TIMESTAMP, K, S);}

// Function calls stay generic: the planner resolves the name.
expr(A) ::= ID(N) LP RP(R).             {A = ds__ast_call(ctx, N, 0, 0, 0, R);}
expr(A) ::= ID(N) LP STAR RP(R).        {A = ds__ast_call(ctx, N, 0, 0, 1, R);}
expr(A) ::= ID(N) LP distinct(D) nexprlist(Y) RP(R).
    {A = ds__ast_call(ctx, N, Y, D, 0, R);}

expr(A) ::= CAST(K) LP expr(X) AS typetoken(T) RP(R).
    {A = ds__ast_cast(ctx, K, X, ds__ast_type(ctx, T), R);}

expr(A) ::= CASE(K) case_operand(X) case_exprlist(Y) case_else(Z) END(E).
    {A = ds__ast_case(ctx, K, X, Y, Z, E);}

%type case_exprlist {ds_ast_exprs *}
case_exprlist(A) ::= case_exprlist(A) WHEN expr(Y) THEN expr(Z).
    {A = ds__ast_exprs_add(ctx, ds__ast_exprs_add(ctx, A, Y), Z);}
case_exprlist(A) ::= WHEN expr(Y) THEN expr(Z).
    {A = ds__ast_exprs_add(ctx, ds__ast_exprs_add(ctx, 0, Y), Z);}

%type case_else {ds_ast_expr *}
case_else(A) ::= ELSE expr(X).          {A = X;}
case_else(A) ::= .                      {A = 0;}

%type case_operand {ds_ast_expr *}
case_operand(A) ::= expr(A).
case_operand(A) ::= .                   {A = 0;}

expr(A) ::= expr(X) AND expr(Y).
    {A = ds__ast_binary(ctx, DS_OP_AND, X, Y);}
expr(A) ::= expr(X) OR expr(Y).
    {A = ds__ast_binary(ctx, DS_OP_OR, X, Y);}
expr(A) ::= expr(X) EQ expr(Y).
    {A = ds__ast_binary(ctx, DS_OP_EQ, X, Y);}
expr(A) ::= expr(X) NE expr(Y).
    {A = ds__ast_binary(ctx, DS_OP_NE, X, Y);}
expr(A) ::= expr(X) LT expr(Y).
    {A = ds__ast_binary(ctx, DS_OP_LT, X, Y);}
expr(A) ::= expr(X) LE expr(Y).
    {A = ds__ast_binary(ctx, DS_OP_LE, X, Y);}
expr(A) ::= expr(X) GT expr(Y).
    {A = ds__ast_binary(ctx, DS_OP_GT, X, Y);}
expr(A) ::= expr(X) GE expr(Y).
    {A = ds__ast_binary(ctx, DS_OP_GE, X, Y);}
expr(A) ::= expr(X) PLUS expr(Y).
    {A = ds__ast_binary(ctx, DS_OP_ADD, X, Y);}
expr(A) ::= expr(X) MINUS expr(Y).
    {A = ds__ast_binary(ctx, DS_OP_SUB, X, Y);}
expr(A) ::= expr(X) STAR expr(Y).
    {A = ds__ast_binary(ctx, DS_OP_MUL, X, Y);}
expr(A) ::= expr(X) SLASH expr(Y).
    {A = ds__ast_binary(ctx, DS_OP_DIV, X, Y);}
expr(A) ::= expr(X) REM expr(Y).
    {A = ds__ast_binary(ctx, DS_OP_MOD, X, Y);}
expr(A) ::= expr(X) CONCAT expr(Y).
    {A = ds__ast_binary(ctx, DS_OP_CONCAT, X, Y);}

expr(A) ::= NOT(K) expr(X).
    {A = ds__ast_unary(ctx, DS_OP_NOT, K, X);}
expr(A) ::= MINUS(K) expr(X). [UMINUS]
    {A = ds__ast_unary(ctx, DS_OP_NEG, K, X);}
expr(A) ::= PLUS(K) expr(X). [UMINUS]
    {A = ds__ast_unary(ctx, DS_OP_PLUS, K, X);}

%type likeop {int}
likeop(A) ::= LIKE.                     {A = 0;}
likeop(A) ::= NOT LIKE.                 {A = 1;}
expr(A) ::= expr(X) likeop(N) expr(Y). [LIKE]
    {A = ds__ast_like(ctx, X, N, Y, 0);}
expr(A) ::= expr(X) likeop(N) expr(Y) ESCAPE expr(E). [LIKE]
    {A = ds__ast_like(ctx, X, N, Y, E);}

expr(A) ::= expr(X) ISNULL(E).          {A = ds__ast_isnull(ctx, X, 0, E);}
expr(A) ::= expr(X) NOTNULL(E).         {A = ds__ast_isnull(ctx, X, 1, E);}
expr(A) ::= expr(X) IS NULL(E).         {A = ds__ast_isnull(ctx, X, 0, E);}
expr(A) ::= expr(X) IS NOT NULL(E).     {A = ds__ast_isnull(ctx, X, 1, E);}
expr(A) ::= expr(X) NOT NULL(E).        {A = ds__ast_isnull(ctx, X, 1, E);}

%type between_op {int}
between_op(A) ::= BETWEEN.              {A = 0;}
between_op(A) ::= NOT BETWEEN.          {A = 1;}
expr(A) ::= expr(X) between_op(N) expr(L) AND expr(H). [BETWEEN]
    {A = ds__ast_between(ctx, X, N, L, H);}

%type in_op {int}
in_op(A) ::= IN.                        {A = 0;}
in_op(A) ::= NOT IN.                    {A = 1;}
expr(A) ::= expr(X) in_op(N) LP nexprlist(Y) RP(R). [IN]
    {A = ds__ast_in(ctx, X, N, Y, R);}

%type nexprlist {ds_ast_exprs *}
nexprlist(A) ::= nexprlist(A) COMMA expr(Y).
    {A = ds__ast_exprs_add(ctx, A, Y);}
nexprlist(A) ::= expr(Y).               {A = ds__ast_exprs_add(ctx, 0, Y);}
