/*
** lexer.re - the tokenizer of dstream SQL, for the re2c scanner generator.
**
** ds__lex() cuts one token off the front of a NUL-terminated text and
** returns its length and its TK_* code from grammar.h, the header lemon
** generates from grammar.y: there is no second token table. The NUL ends
** the text (re2c's sentinel method: no refill, no bounds), and the lexer
** never allocates: driver.c turns the tokens into views of the text.
**
** Keywords are matched in any case ('select' is case-insensitive in re2c).
** Blanks and comments are TK_SPACE; an unterminated block comment runs to
** the end of the text, as in SQLite. An unknown character, a number run
** into letters (12ab) and an unterminated string or quoted identifier are
** TK_ILLEGAL, which driver.c reports.
*/
#include "grammar.h"
#include "parser/ast.h"

int ds__lex(const char *z, int *type) {
    const unsigned char *YYCURSOR = (const unsigned char *)z;
    const unsigned char *YYMARKER = YYCURSOR;
    int t;
    /*!re2c
        re2c:yyfill:enable = 0;
        re2c:define:YYCTYPE = "unsigned char";
        re2c:sentinel = 0;

        digit = [0-9];
        ident = [a-zA-Z_][a-zA-Z0-9_]*;
        exp = [eE] [+-]? digit+;
        float = (digit+ "." digit* | "." digit+) exp? | digit+ exp;

        "\x00"                       { *type = 0; return 0; }

        [ \t\n\r\f\v]+               { t = TK_SPACE; goto done; }
        "--" [^\n\x00]*              { t = TK_SPACE; goto done; }
        "/*" ([^*\x00] | "*"+ [^*/\x00])* "*"+ "/"
                                     { t = TK_SPACE; goto done; }
        "/*" ([^*\x00] | "*"+ [^*/\x00])* "*"*
                                     { t = TK_SPACE; goto done; }

        ['] ([^'\x00] | "''")* [']  { t = TK_STRING; goto done; }
        ['] ([^'\x00] | "''")*      { t = TK_ILLEGAL; goto done; }
        ["] ([^"\x00] | ["]["])* ["] { t = TK_ID; goto done; }
        ["] ([^"\x00] | ["]["])*     { t = TK_ILLEGAL; goto done; }
        [`] ([^`\x00] | [`][`])* [`] { t = TK_ID; goto done; }
        [`] ([^`\x00] | [`][`])*     { t = TK_ILLEGAL; goto done; }

        digit+                       { t = TK_INTEGER; goto done; }
        float                        { t = TK_FLOAT; goto done; }
        (digit+ | float) ident       { t = TK_ILLEGAL; goto done; }

        "+"                          { t = TK_PLUS; goto done; }
        "-"                          { t = TK_MINUS; goto done; }
        "*"                          { t = TK_STAR; goto done; }
        "/"                          { t = TK_SLASH; goto done; }
        "%"                          { t = TK_REM; goto done; }
        "||"                         { t = TK_CONCAT; goto done; }
        "=" | "=="                   { t = TK_EQ; goto done; }
        "<>" | "!="                  { t = TK_NE; goto done; }
        "<"                          { t = TK_LT; goto done; }
        "<="                         { t = TK_LE; goto done; }
        ">"                          { t = TK_GT; goto done; }
        ">="                         { t = TK_GE; goto done; }
        "("                          { t = TK_LP; goto done; }
        ")"                          { t = TK_RP; goto done; }
        ","                          { t = TK_COMMA; goto done; }
        ";"                          { t = TK_SEMI; goto done; }
        "."                          { t = TK_DOT; goto done; }

        // Reserved words.
        'all'                        { t = TK_ALL; goto done; }
        'and'                        { t = TK_AND; goto done; }
        'as'                         { t = TK_AS; goto done; }
        'asc'                        { t = TK_ASC; goto done; }
        'between'                    { t = TK_BETWEEN; goto done; }
        'by'                         { t = TK_BY; goto done; }
        'case'                       { t = TK_CASE; goto done; }
        'cast'                       { t = TK_CAST; goto done; }
        'create'                     { t = TK_CREATE; goto done; }
        'cross'                      { t = TK_CROSS; goto done; }
        'desc'                       { t = TK_DESC; goto done; }
        'distinct'                   { t = TK_DISTINCT; goto done; }
        'drop'                       { t = TK_DROP; goto done; }
        'else'                       { t = TK_ELSE; goto done; }
        'emit'                       { t = TK_EMIT; goto done; }
        'end'                        { t = TK_END; goto done; }
        'escape'                     { t = TK_ESCAPE; goto done; }
        'exists'                     { t = TK_EXISTS; goto done; }
        'explain'                    { t = TK_EXPLAIN; goto done; }
        'false'                      { t = TK_FALSE; goto done; }
        'from'                       { t = TK_FROM; goto done; }
        'group'                      { t = TK_GROUP; goto done; }
        'having'                     { t = TK_HAVING; goto done; }
        'if'                         { t = TK_IF; goto done; }
        'in'                         { t = TK_IN; goto done; }
        'inner'                      { t = TK_INNER; goto done; }
        'insert'                     { t = TK_INSERT; goto done; }
        'into'                       { t = TK_INTO; goto done; }
        'is'                         { t = TK_IS; goto done; }
        'join'                       { t = TK_JOIN; goto done; }
        'left'                       { t = TK_LEFT; goto done; }
        'like'                       { t = TK_LIKE; goto done; }
        'limit'                      { t = TK_LIMIT; goto done; }
        'not'                        { t = TK_NOT; goto done; }
        'null'                       { t = TK_NULL; goto done; }
        'offset'                     { t = TK_OFFSET; goto done; }
        'on'                         { t = TK_ON; goto done; }
        'or'                         { t = TK_OR; goto done; }
        'order'                      { t = TK_ORDER; goto done; }
        'outer'                      { t = TK_OUTER; goto done; }
        'select'                     { t = TK_SELECT; goto done; }
        'set'                        { t = TK_SET; goto done; }
        'table'                      { t = TK_TABLE; goto done; }
        'then'                       { t = TK_THEN; goto done; }
        'true'                       { t = TK_TRUE; goto done; }
        'unnest'                     { t = TK_UNNEST; goto done; }
        'values'                     { t = TK_VALUES; goto done; }
        'when'                       { t = TK_WHEN; goto done; }
        'where'                      { t = TK_WHERE; goto done; }
        'window'                     { t = TK_WINDOW; goto done; }
        'with'                       { t = TK_WITH; goto done; }

        // Keywords that fall back to identifiers (grammar.y, %fallback).
        'changes'                    { t = TK_CHANGES; goto done; }
        'count'                      { t = TK_COUNT; goto done; }
        'csv'                        { t = TK_CSV; goto done; }
        'describe'                   { t = TK_DESCRIBE; goto done; }
        'double'                     { t = TK_DOUBLE; goto done; }
        'file'                       { t = TK_FILE; goto done; }
        'final'                      { t = TK_FINAL; goto done; }
        'first'                      { t = TK_FIRST; goto done; }
        'format'                     { t = TK_FORMAT; goto done; }
        'gap'                        { t = TK_GAP; goto done; }
        'hopping'                    { t = TK_HOPPING; goto done; }
        'isnull'                     { t = TK_ISNULL; goto done; }
        'json'                       { t = TK_JSON; goto done; }
        'last'                       { t = TK_LAST; goto done; }
        'late'                       { t = TK_LATE; goto done; }
        'listen'                     { t = TK_LISTEN; goto done; }
        'metrics'                    { t = TK_METRICS; goto done; }
        'notnull'                    { t = TK_NOTNULL; goto done; }
        'nulls'                      { t = TK_NULLS; goto done; }
        'precision'                  { t = TK_PRECISION; goto done; }
        'queries'                    { t = TK_QUERIES; goto done; }
        'query'                      { t = TK_QUERY; goto done; }
        'queue'                      { t = TK_QUEUE; goto done; }
        'session'                    { t = TK_SESSION; goto done; }
        'settings'                   { t = TK_SETTINGS; goto done; }
        'show'                       { t = TK_SHOW; goto done; }
        'sink'                       { t = TK_SINK; goto done; }
        'sinks'                      { t = TK_SINKS; goto done; }
        'size'                       { t = TK_SIZE; goto done; }
        'slide'                      { t = TK_SLIDE; goto done; }
        'sliding'                    { t = TK_SLIDING; goto done; }
        'socket'                     { t = TK_SOCKET; goto done; }
        'sqlite'                     { t = TK_SQLITE; goto done; }
        'stdin'                      { t = TK_STDIN; goto done; }
        'stdout'                     { t = TK_STDOUT; goto done; }
        'stop'                       { t = TK_STOP; goto done; }
        'stream'                     { t = TK_STREAM; goto done; }
        'streams'                    { t = TK_STREAMS; goto done; }
        'tables'                     { t = TK_TABLES; goto done; }
        'text'                       { t = TK_TEXT; goto done; }
        'timestamp'                  { t = TK_TIMESTAMP; goto done; }
        'to'                         { t = TK_TO; goto done; }
        'tumbling'                   { t = TK_TUMBLING; goto done; }
        'unbounded'                  { t = TK_UNBOUNDED; goto done; }
        'watermark'                  { t = TK_WATERMARK; goto done; }

        ident                        { t = TK_ID; goto done; }

        // A character of no token; a UTF-8 sequence is taken whole so that
        // the error message quotes a whole character.
        [\xc0-\xff] [\x80-\xbf]*     { t = TK_ILLEGAL; goto done; }
        *                            { t = TK_ILLEGAL; goto done; }
    */
done:
    *type = t;
    return (int)(YYCURSOR - (const unsigned char *)z);
}
