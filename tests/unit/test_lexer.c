/*
** test_lexer.c - the tokenizer of parser/lexer.re: every token class, the
** keywords in any case, blanks and comments, illegal input, and the end of
** the text. Tables of (text, expected type, expected length): the lexer
** cuts one token off the front of the text.
*/
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "grammar.h"
#include "parser/ast.h"

struct tok_case {
    const char *text;
    int type;
    int len;
};

static void check(const struct tok_case *c) {
    int type = -1;
    int len = ds__lex(c->text, &type);
    cr_expect_eq(type, c->type, "\"%s\": type %d, expected %d", c->text, type,
                 c->type);
    cr_expect_eq(len, c->len, "\"%s\": length %d, expected %d", c->text, len,
                 c->len);
}

/*
** Criterion runs each parameter in a new process of the test program,
** where static data may sit at another address (ASLR): so the parameters
** are indices into the static tables, never pointers.
*/
#define INDEX_PARAMS(table)                                                    \
    static size_t idx[sizeof(table) / sizeof((table)[0])];                     \
    for (size_t i = 0; i < sizeof idx / sizeof idx[0]; i++)                    \
        idx[i] = i;                                                            \
    return cr_make_param_array(size_t, idx, sizeof idx / sizeof idx[0])

/* clang-format off */

/* ------------------------------------------------------------ identifiers */

static const struct tok_case identifiers[] = {
    {"abc", TK_ID, 3},
    {"_x1 y", TK_ID, 3},
    {"a.b", TK_ID, 1},
    {"Word_Count9(", TK_ID, 11},
    {"selection", TK_ID, 9},        /* a keyword's prefix is no keyword */
    {"select_", TK_ID, 7},
    {"\"a b\" x", TK_ID, 5},        /* "quoted" */
    {"\"a\"\"b\"", TK_ID, 6},       /* "" inside */
    {"\"\"", TK_ID, 2},
    {"\"select\"", TK_ID, 8},       /* never a keyword */
    {"`a b`", TK_ID, 5},            /* `quoted` */
    {"`a``b` ", TK_ID, 6},
    {"\"abc", TK_ILLEGAL, 4},       /* unterminated */
    {"\"a\"\"", TK_ILLEGAL, 4},
    {"`abc", TK_ILLEGAL, 4},
};

/* ---------------------------------------------------------------- strings */

static const struct tok_case strings[] = {
    {"'abc'", TK_STRING, 5},
    {"'abc' 'd'", TK_STRING, 5},
    {"'it''s'", TK_STRING, 7},
    {"''", TK_STRING, 2},
    {"''''", TK_STRING, 4},
    {"'a\nb'", TK_STRING, 5},       /* newlines are allowed */
    {"'-- no comment'", TK_STRING, 15},
    {"'abc", TK_ILLEGAL, 4},        /* unterminated */
    {"'abc''", TK_ILLEGAL, 6},
    {"'", TK_ILLEGAL, 1},
};

/* ---------------------------------------------------------------- numbers */

static const struct tok_case numbers[] = {
    {"1", TK_INTEGER, 1},
    {"123 ", TK_INTEGER, 3},
    {"007", TK_INTEGER, 3},
    {"99999999999999999999999", TK_INTEGER, 23},
    {"1,", TK_INTEGER, 1},
    {"1)", TK_INTEGER, 1},
    {"1+2", TK_INTEGER, 1},
    {"1-2", TK_INTEGER, 1},
    {"1.5", TK_FLOAT, 3},
    {".5", TK_FLOAT, 2},
    {"1.", TK_FLOAT, 2},
    {"1e3", TK_FLOAT, 3},
    {"1E3", TK_FLOAT, 3},
    {"1e+3", TK_FLOAT, 4},
    {"1.5E-3", TK_FLOAT, 6},
    {".5e10", TK_FLOAT, 5},
    {"1.2.3", TK_FLOAT, 3},
    {"1e", TK_ILLEGAL, 2},          /* a number run into letters */
    {"1e+", TK_ILLEGAL, 2},
    {"12ab", TK_ILLEGAL, 4},
    {"1.5e", TK_ILLEGAL, 4},
    {"1e3x", TK_ILLEGAL, 4},
    {"3seconds", TK_ILLEGAL, 8},
};

/* -------------------------------------------------------------- operators */

static const struct tok_case operators[] = {
    {"+", TK_PLUS, 1},      {"-", TK_MINUS, 1},     {"-1", TK_MINUS, 1},
    {"*", TK_STAR, 1},      {"/", TK_SLASH, 1},     {"%", TK_REM, 1},
    {"||", TK_CONCAT, 2},   {"=", TK_EQ, 1},        {"==", TK_EQ, 2},
    {"<>", TK_NE, 2},       {"!=", TK_NE, 2},       {"<", TK_LT, 1},
    {"<=", TK_LE, 2},       {">", TK_GT, 1},        {">=", TK_GE, 2},
    {"(", TK_LP, 1},        {")", TK_RP, 1},        {",", TK_COMMA, 1},
    {";", TK_SEMI, 1},      {".", TK_DOT, 1},       {".x", TK_DOT, 1},
    {"===", TK_EQ, 2},      {"<<", TK_LT, 1},       {"|", TK_ILLEGAL, 1},
    {"!", TK_ILLEGAL, 1},
};

/* ------------------------------------------------------ blanks, comments */

static const struct tok_case blanks_and_comments[] = {
    {" ", TK_SPACE, 1},
    {" \t\r\n\f\vx", TK_SPACE, 6},
    {"-- comment\nx", TK_SPACE, 10},
    {"--", TK_SPACE, 2},
    {"-- to the end", TK_SPACE, 13},
    {"/* a */x", TK_SPACE, 7},
    {"/**/", TK_SPACE, 4},
    {"/***/", TK_SPACE, 5},
    {"/* a ** b */ */", TK_SPACE, 12},
    {"/* a * / b */", TK_SPACE, 13},
    {"/* -- */x", TK_SPACE, 8},
    {"/* unterminated", TK_SPACE, 15},  /* runs to the end of the text */
    {"/* unterminated *", TK_SPACE, 17},
    {"/*", TK_SPACE, 2},
};

/* ---------------------------------------------------------------- illegal */

static const struct tok_case illegal[] = {
    {"#", TK_ILLEGAL, 1},
    {"$x", TK_ILLEGAL, 1},
    {"?", TK_ILLEGAL, 1},
    {"@", TK_ILLEGAL, 1},
    {"[", TK_ILLEGAL, 1},
    {"\x01", TK_ILLEGAL, 1},
    {"\xc3\xa9t\xc3\xa9", TK_ILLEGAL, 2},  /* a whole UTF-8 character */
    {"\xe2\x82\xac", TK_ILLEGAL, 3},
    {"\x80", TK_ILLEGAL, 1},
};

/* --------------------------------------------------------------- keywords */

struct kw_case {
    const char *word; /* lowercase */
    int type;
};

static const struct kw_case keywords[] = {
    /* reserved */
    {"all", TK_ALL},            {"and", TK_AND},
    {"as", TK_AS},              {"asc", TK_ASC},
    {"between", TK_BETWEEN},    {"by", TK_BY},
    {"case", TK_CASE},          {"cast", TK_CAST},
    {"create", TK_CREATE},      {"cross", TK_CROSS},
    {"desc", TK_DESC},          {"distinct", TK_DISTINCT},
    {"drop", TK_DROP},          {"else", TK_ELSE},
    {"emit", TK_EMIT},          {"end", TK_END},
    {"escape", TK_ESCAPE},      {"exists", TK_EXISTS},
    {"explain", TK_EXPLAIN},    {"false", TK_FALSE},
    {"from", TK_FROM},          {"group", TK_GROUP},
    {"having", TK_HAVING},      {"if", TK_IF},
    {"in", TK_IN},              {"inner", TK_INNER},
    {"insert", TK_INSERT},      {"into", TK_INTO},
    {"is", TK_IS},              {"join", TK_JOIN},
    {"left", TK_LEFT},          {"like", TK_LIKE},
    {"limit", TK_LIMIT},        {"not", TK_NOT},
    {"null", TK_NULL},          {"offset", TK_OFFSET},
    {"on", TK_ON},              {"or", TK_OR},
    {"order", TK_ORDER},        {"outer", TK_OUTER},
    {"select", TK_SELECT},      {"set", TK_SET},
    {"table", TK_TABLE},        {"then", TK_THEN},
    {"true", TK_TRUE},          {"unnest", TK_UNNEST},
    {"values", TK_VALUES},      {"when", TK_WHEN},
    {"where", TK_WHERE},        {"window", TK_WINDOW},
    {"with", TK_WITH},
    /* not reserved: they fall back to ID in the grammar */
    {"changes", TK_CHANGES},    {"count", TK_COUNT},
    {"csv", TK_CSV},            {"describe", TK_DESCRIBE},
    {"double", TK_DOUBLE},      {"file", TK_FILE},
    {"final", TK_FINAL},        {"first", TK_FIRST},
    {"format", TK_FORMAT},      {"gap", TK_GAP},
    {"hopping", TK_HOPPING},    {"isnull", TK_ISNULL},
    {"json", TK_JSON},          {"last", TK_LAST},
    {"late", TK_LATE},          {"listen", TK_LISTEN},
    {"metrics", TK_METRICS},    {"notnull", TK_NOTNULL},
    {"nulls", TK_NULLS},        {"precision", TK_PRECISION},
    {"queries", TK_QUERIES},    {"query", TK_QUERY},
    {"queue", TK_QUEUE},        {"session", TK_SESSION},
    {"settings", TK_SETTINGS},  {"show", TK_SHOW},
    {"sink", TK_SINK},          {"sinks", TK_SINKS},
    {"size", TK_SIZE},          {"slide", TK_SLIDE},
    {"sliding", TK_SLIDING},    {"socket", TK_SOCKET},
    {"sqlite", TK_SQLITE},      {"stdin", TK_STDIN},
    {"stdout", TK_STDOUT},      {"stop", TK_STOP},
    {"stream", TK_STREAM},      {"streams", TK_STREAMS},
    {"tables", TK_TABLES},      {"text", TK_TEXT},
    {"timestamp", TK_TIMESTAMP}, {"to", TK_TO},
    {"tumbling", TK_TUMBLING},  {"unbounded", TK_UNBOUNDED},
    {"watermark", TK_WATERMARK},
};

/* clang-format on */

ParameterizedTestParameters(lexer, identifiers) { INDEX_PARAMS(identifiers); }
ParameterizedTest(size_t *i, lexer, identifiers) { check(&identifiers[*i]); }

ParameterizedTestParameters(lexer, strings) { INDEX_PARAMS(strings); }
ParameterizedTest(size_t *i, lexer, strings) { check(&strings[*i]); }

ParameterizedTestParameters(lexer, numbers) { INDEX_PARAMS(numbers); }
ParameterizedTest(size_t *i, lexer, numbers) { check(&numbers[*i]); }

ParameterizedTestParameters(lexer, operators) { INDEX_PARAMS(operators); }
ParameterizedTest(size_t *i, lexer, operators) { check(&operators[*i]); }

ParameterizedTestParameters(lexer, blanks_and_comments) {
    INDEX_PARAMS(blanks_and_comments);
}
ParameterizedTest(size_t *i, lexer, blanks_and_comments) {
    check(&blanks_and_comments[*i]);
}

ParameterizedTestParameters(lexer, illegal) { INDEX_PARAMS(illegal); }
ParameterizedTest(size_t *i, lexer, illegal) { check(&illegal[*i]); }

ParameterizedTestParameters(lexer, keywords) { INDEX_PARAMS(keywords); }

/* Every keyword in lower, upper and mixed case, alone and before other
   tokens; with more identifier characters it is an identifier. */
ParameterizedTest(size_t *i, lexer, keywords) {
    const struct kw_case *c = &keywords[*i];
    char buf[64];
    int n = (int)strlen(c->word);
    for (int form = 0; form < 3; form++) {
        for (int k = 0; k < n; k++) {
            char ch = c->word[k];
            int up = form == 1 || (form == 2 && k % 2 == 0);
            buf[k] = up ? (char)(ch - 'a' + 'A') : ch;
        }
        strcpy(buf + n, "(x");
        int type = -1;
        cr_expect_eq(ds__lex(buf, &type), n, "%s", buf);
        cr_expect_eq(type, c->type, "%s: %d, expected %d", buf, type, c->type);
        strcpy(buf + n, "_1");
        cr_expect_eq(ds__lex(buf, &type), n + 2, "%s", buf);
        cr_expect_eq(type, TK_ID, "%s", buf);
    }
}

/* Time units and type names are identifiers, checked by the builders. */
Test(lexer, units_and_types_are_identifiers) {
    static const char *const words[] = {"seconds", "MINUTE",  "bigint",
                                        "varchar", "boolean", "real"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        int type = -1;
        cr_expect_eq(ds__lex(words[i], &type), (int)strlen(words[i]));
        cr_expect_eq(type, TK_ID, "%s", words[i]);
    }
}

/* ------------------------------------------------------------ end of text */

Test(lexer, end_of_text) {
    int type = -1;
    cr_expect_eq(ds__lex("", &type), 0);
    cr_expect_eq(type, 0);
}

/* A whole statement, token by token, with offsets. */
Test(lexer, statement) {
    const char *sql = "SELECT a.b,COUNT(*) FROM t--x\nWHERE x<>'y''z';";
    static const int expect[][2] = {
        {TK_SELECT, 6}, {TK_SPACE, 1}, {TK_ID, 1},    {TK_DOT, 1},
        {TK_ID, 1},     {TK_COMMA, 1}, {TK_COUNT, 5}, {TK_LP, 1},
        {TK_STAR, 1},   {TK_RP, 1},    {TK_SPACE, 1}, {TK_FROM, 4},
        {TK_SPACE, 1},  {TK_ID, 1},    {TK_SPACE, 3}, {TK_SPACE, 1},
        {TK_WHERE, 5},  {TK_SPACE, 1}, {TK_ID, 1},    {TK_NE, 2},
        {TK_STRING, 6}, {TK_SEMI, 1},
    };
    int off = 0, type;
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        int n = ds__lex(sql + off, &type);
        cr_expect_eq(type, expect[i][0], "token %zu at %d: %d", i, off, type);
        cr_expect_eq(n, expect[i][1], "token %zu at %d: length %d", i, off, n);
        off += n;
    }
    cr_expect_eq(ds__lex(sql + off, &type), 0);
    cr_expect_eq(off, (int)strlen(sql));
}

/* The lexer stops at the NUL inside every token class. */
Test(lexer, never_reads_past_the_end) {
    static const char *const texts[] = {"'ab",   "\"ab", "`ab", "/* ab",
                                        "-- ab", "1.5e", "ab",  "  "};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        size_t n = strlen(texts[i]);
        char *copy = malloc(n + 1); /* exact size: ASan sees an overread */
        memcpy(copy, texts[i], n + 1);
        int type;
        cr_expect_eq(ds__lex(copy, &type), (int)n, "%s", texts[i]);
        free(copy);
    }
}
