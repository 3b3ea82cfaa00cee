/*
** test_grammar.c - the parser (parser/grammar.y, ast.c, driver.c): every
** statement form against its S-expression dump (ast_dump.c), the
** positions recorded in the tree, errors with their offsets and messages,
** statement boundaries, and allocation failures.
*/
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <string.h>

#include "parser/ast.h"

static ds_arena arena;

static void setup(void) { ds__arena_init(&arena, 1024); }
static void teardown(void) { ds__arena_fini(&arena); }

TestSuite(grammar, .init = setup, .fini = teardown);

/* Parses sql, which must succeed, into its statements. */
static ds_ast_stmts *parse_ok(const char *sql) {
    ds_ast_stmts *stmts = NULL;
    ds_parse_error err;
    int rc = ds__parse(sql, &arena, &stmts, &err);
    cr_assert_eq(rc, DS_OK, "%s\n  error at %d: %s", sql, err.off, err.msg);
    cr_assert_not_null(stmts);
    return stmts;
}

/* The dump of every statement of sql, one per line; free with ds_free(). */
static char *dump(const char *sql) {
    ds_ast_stmts *stmts = parse_ok(sql);
    ds_strbuf sb;
    ds__strbuf_init(&sb);
    for (int i = 0; i < stmts->n; i++) {
        if (i)
            ds__strbuf_putc(&sb, '\n');
        ds__ast_dump_stmt(stmts->v[i], &sb);
    }
    return ds__strbuf_take(&sb);
}

static ds_ast_stmt *parse_one(const char *sql) {
    ds_ast_stmts *stmts = parse_ok(sql);
    cr_assert_eq(stmts->n, 1, "%s: %d statements", sql, stmts->n);
    return stmts->v[0];
}

/* The i-th select-list expression of a one-statement SELECT. */
static ds_ast_expr *item(const char *sql, int i) {
    ds_ast_stmt *s = parse_one(sql);
    cr_assert(s->select && s->select->items && s->select->items->n > i);
    return s->select->items->v[i].expr;
}

struct golden {
    const char *sql;
    const char *dump;
};

static void check_golden(const struct golden *g) {
    char *got = dump(g->sql);
    cr_expect_str_eq(got, g->dump, "%s\n  got:  %s\n  want: %s", g->sql, got,
                     g->dump);
    ds_free(got);
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

/* ------------------------------------------------------------- statements */

static const struct golden statements[] = {
    /* CREATE STREAM from each source */
    {"CREATE STREAM lines (line TEXT) FROM SOCKET 'localhost:9000';",
     "(create-stream lines (columns (line TEXT))"
     " (source socket 'localhost:9000'))"},
    {"CREATE STREAM hits (ip TEXT, path TEXT) FROM SOCKET LISTEN "
     "'127.0.0.1:9100' FORMAT CSV",
     "(create-stream hits (columns (ip TEXT) (path TEXT))"
     " (source socket-listen '127.0.0.1:9100') (format csv))"},
    {"CREATE STREAM readings (sensor TEXT, temp DOUBLE, ts TIMESTAMP) "
     "FROM FILE 'data/readings/' FORMAT CSV WITH (header = true)",
     "(create-stream readings (columns (sensor TEXT) (temp DOUBLE)"
     " (ts TIMESTAMP)) (source file 'data/readings/') (format csv)"
     " (with (header TRUE)))"},
    {"CREATE STREAM events (kind TEXT, n BIGINT) FROM FILE 'e.jsonl' "
     "FORMAT JSON",
     "(create-stream events (columns (kind TEXT) (n BIGINT))"
     " (source file 'e.jsonl') (format json))"},
    {"create stream q (line text) from queue",
     "(create-stream q (columns (line TEXT)) (source queue))"},
    {"CREATE STREAM IF NOT EXISTS input (line TEXT) FROM STDIN FORMAT TEXT",
     "(create-stream input if-not-exists (columns (line TEXT))"
     " (source stdin) (format text))"},
    /* every type name */
    {"CREATE STREAM s (a BIGINT, b INT, c INTEGER, d DOUBLE, e REAL, "
     "f FLOAT, g DOUBLE PRECISION, h TEXT, i VARCHAR, j VARCHAR(80), "
     "k STRING, l BOOLEAN, m BOOL, n TIMESTAMP, o bigint) FROM QUEUE",
     "(create-stream s (columns (a BIGINT) (b BIGINT) (c BIGINT)"
     " (d DOUBLE) (e DOUBLE) (f DOUBLE) (g DOUBLE) (h TEXT) (i TEXT)"
     " (j TEXT) (k TEXT) (l BOOLEAN) (m BOOLEAN) (n TIMESTAMP)"
     " (o BIGINT)) (source queue))"},
    /* every kind of option value */
    {"CREATE STREAM s (a TEXT) FROM SOCKET 'h:1' WITH (reconnect = "
     "FALSE, delimiter = ';', n = 10, m = -2, x = +1.5, mode = strict, "
     "q = \"Quoted\", idle_timeout = 5 SECONDS, t = 1.5 minutes)",
     "(create-stream s (columns (a TEXT)) (source socket 'h:1')"
     " (with (reconnect FALSE) (delimiter ';') (n 10) (m -2) (x 1.5)"
     " (mode 'strict') (q 'Quoted') (idle_timeout 5000000us)"
     " (t 90000000us)))"},
    /* derived streams and tables */
    {"CREATE STREAM big_words AS SELECT word FROM words WHERE "
     "length(word) > 5",
     "(create-stream big_words (as (select (items word)"
     " (from (stream words)) (where (> (call length word) 5)))))"},
    {"CREATE TABLE IF NOT EXISTS ref (id BIGINT, name TEXT) FROM FILE "
     "'ref.csv' FORMAT CSV WITH (header = true)",
     "(create-table ref if-not-exists (columns (id BIGINT) (name TEXT))"
     " (source file 'ref.csv') (format csv) (with (header TRUE)))"},
    /* sinks */
    {"CREATE SINK alerts TO FILE 'out/alerts.csv' FORMAT CSV",
     "(create-sink alerts (sink file 'out/alerts.csv') (format csv))"},
    {"CREATE SINK a TO FILE 'a.jsonl' FORMAT JSON WITH (append = true)",
     "(create-sink a (sink file 'a.jsonl') (format json)"
     " (with (append TRUE)))"},
    {"CREATE SINK IF NOT EXISTS stats TO SQLITE 'out/stats.db' TABLE "
     "sensor_stats WITH (batch = 100)",
     "(create-sink stats if-not-exists (sink sqlite 'out/stats.db'"
     " (table sensor_stats)) (with (batch 100)))"},
    {"CREATE SINK o TO STDOUT", "(create-sink o (sink stdout))"},
    {"CREATE SINK o TO STDOUT FORMAT JSON",
     "(create-sink o (sink stdout) (format json))"},
    /* INSERT */
    {"INSERT INTO q VALUES ('Spark Streaming Sample ssc'), ('more')",
     "(insert q (values ('Spark Streaming Sample ssc') ('more')))"},
    {"INSERT INTO q VALUES (1, 'a', NULL, -2.5, TRUE)",
     "(insert q (values (1 'a' NULL -2.5 TRUE)))"},
    {"INSERT INTO alerts SELECT * FROM readings WHERE temp > 30",
     "(insert alerts (select (items *) (from (stream readings))"
     " (where (> temp 30))))"},
    /* DROP, SHOW, DESCRIBE */
    {"DROP STREAM q; DROP TABLE IF EXISTS t; DROP SINK s",
     "(drop stream q)\n(drop table t if-exists)\n(drop sink s)"},
    {"SHOW STREAMS; SHOW QUERIES; SHOW SINKS; SHOW TABLES; "
     "SHOW METRICS; show settings",
     "(show streams)\n(show queries)\n(show sinks)\n(show tables)\n"
     "(show metrics)\n(show settings)"},
    {"DESCRIBE readings; DESCRIBE \"my stream\"",
     "(describe readings)\n(describe \"my stream\")"},
    /* SET */
    {"SET batch_interval = 3 SECONDS; SET batch_interval TO 1 SECOND",
     "(set batch_interval 3000000us)\n(set batch_interval 1000000us)"},
    {"SET clock = virtual; SET output = 'x.csv'; SET n = -5; "
     "SET f = 0.5; SET on_error TO false",
     "(set clock 'virtual')\n(set output 'x.csv')\n(set n -5)\n"
     "(set f 0.5)\n(set on_error FALSE)"},
    /* EXPLAIN, STOP */
    {"EXPLAIN SELECT a FROM t",
     "(explain (select (items a) (from (stream t))))"},
    {"STOP QUERY 12", "(stop-query 12)"},
    /* several statements, empty ones, comments */
    {";;SELECT 1;; -- done\n;", "(select (items 1))"},
    {"/* a */ SELECT 1; /* b */ SELECT 2 /* c */",
     "(select (items 1))\n(select (items 2))"},
};

ParameterizedTestParameters(grammar, statements) { INDEX_PARAMS(statements); }

ParameterizedTest(size_t *i, grammar, statements) {
    check_golden(&statements[*i]);
}

/* ----------------------------------------------------------------- SELECT */

static const struct golden selects[] = {
    {"SELECT 1", "(select (items 1))"},
    {"SELECT word, COUNT(*) AS n FROM q, UNNEST(split(line, ' ')) AS "
     "t(word) GROUP BY word",
     "(select (items word (as (call COUNT *) n)) (from (stream q)"
     " (unnest (call split line ' ') t (word))) (group-by word))"},
    {"SELECT sensor, AVG(temp) AS avg_temp, window_start, window_end "
     "FROM readings WINDOW SLIDING (SIZE 2 SECONDS, SLIDE 1 SECOND) "
     "WHERE temp IS NOT NULL GROUP BY sensor HAVING COUNT(*) > 1",
     "(select (items sensor (as (call AVG temp) avg_temp) window_start"
     " window_end) (from (stream readings)) (window sliding"
     " (size 2000000us) (slide 1000000us)) (where (IS-NOT-NULL temp))"
     " (group-by sensor) (having (> (call COUNT *) 1)))"},
    /* the select list */
    {"SELECT DISTINCT a, t.b, *, t.*, c x, d AS y FROM t",
     "(select distinct (items a t.b * t.* (as c x) (as d y))"
     " (from (stream t)))"},
    {"SELECT ALL a FROM t", "(select (items a) (from (stream t)))"},
    {"SELECT count(*), text, size, first, session, json FROM t",
     "(select (items (call count *) text size first session json)"
     " (from (stream t)))"},
    /* FROM and joins */
    {"SELECT * FROM a JOIN b ON a.id = b.id LEFT OUTER JOIN c cc ON "
     "cc.k = a.k CROSS JOIN d INNER JOIN e AS ee ON TRUE LEFT JOIN f "
     "ON 1, g",
     "(select (items *) (from (stream a) (join (stream b) (= a.id b.id))"
     " (left-join (stream c cc) (= cc.k a.k)) (cross-join (stream d))"
     " (join (stream e ee) TRUE) (left-join (stream f) 1) (stream g)))"},
    {"SELECT x FROM UNNEST(a), UNNEST(b) u, UNNEST(c) AS v(p, q)",
     "(select (items x) (from (unnest a) (unnest b u)"
     " (unnest c v (p q))))"},
    {"SELECT * FROM stream AS s, sink count",
     "(select (items *) (from (stream stream s) (stream sink count)))"},
    /* windows */
    {"SELECT a FROM t WINDOW TUMBLING (SIZE 5 MINUTES)",
     "(select (items a) (from (stream t)) (window tumbling"
     " (size 300000000us)))"},
    {"SELECT a FROM t WINDOW TUMBLING (SIZE 1 HOUR) ON ts WATERMARK "
     "2 SECONDS LATE INTO late_rows EMIT CHANGES",
     "(select (items a) (from (stream t)) (window tumbling"
     " (size 3600000000us) (on ts) (watermark 2000000us)"
     " (late-into late_rows)) (emit changes))"},
    {"SELECT a FROM t WINDOW HOPPING (SIZE 1 DAY, SLIDE 1.5 HOURS) "
     "ON ts LATE INTO l EMIT FINAL",
     "(select (items a) (from (stream t)) (window sliding"
     " (size 86400000000us) (slide 5400000000us) (on ts)"
     " (late-into l)) (emit final))"},
    {"SELECT a FROM t WINDOW SESSION (GAP 30 SECONDS) ON ts",
     "(select (items a) (from (stream t)) (window session"
     " (gap 30000000us) (on ts)))"},
    {"SELECT a FROM t WINDOW COUNT (SIZE 100, SLIDE 10)",
     "(select (items a) (from (stream t)) (window count (size 100)"
     " (slide 10)))"},
    {"SELECT a FROM t WINDOW COUNT (SIZE 100)",
     "(select (items a) (from (stream t)) (window count (size 100)))"},
    {"SELECT a FROM t WINDOW UNBOUNDED",
     "(select (items a) (from (stream t)) (window unbounded))"},
    {"SELECT a FROM t WINDOW TUMBLING (SIZE 250 MILLISECONDS) "
     "ON ts WATERMARK 10 MICROSECONDS",
     "(select (items a) (from (stream t)) (window tumbling"
     " (size 250000us) (on ts) (watermark 10us)))"},
    {"SELECT a FROM t WINDOW TUMBLING (SIZE 1 millisecond)",
     "(select (items a) (from (stream t)) (window tumbling"
     " (size 1000us)))"},
    {"SELECT a FROM t EMIT CHANGES",
     "(select (items a) (from (stream t)) (emit changes))"},
    /* the other clauses */
    {"SELECT a FROM t ORDER BY a DESC NULLS FIRST, b ASC NULLS LAST, c "
     "LIMIT 10 OFFSET 5",
     "(select (items a) (from (stream t)) (order-by (desc a nulls-first)"
     " (asc b nulls-last) (asc c)) (limit 10) (offset 5))"},
    {"SELECT a FROM t GROUP BY a, b + 1 LIMIT 3",
     "(select (items a) (from (stream t)) (group-by a (+ b 1))"
     " (limit 3))"},
    {"SELECT a FROM t WINDOW TUMBLING (SIZE 1 SECOND) EMIT CHANGES "
     "WHERE a > 0 GROUP BY a HAVING a < 9 ORDER BY a LIMIT 1 OFFSET 2",
     "(select (items a) (from (stream t)) (window tumbling"
     " (size 1000000us)) (emit changes) (where (> a 0)) (group-by a)"
     " (having (< a 9)) (order-by (asc a)) (limit 1) (offset 2))"},
};

ParameterizedTestParameters(grammar, selects) { INDEX_PARAMS(selects); }

ParameterizedTest(size_t *i, grammar, selects) { check_golden(&selects[*i]); }

/* ------------------------------------------------------------ expressions */

static const struct golden expressions[] = {
    /* literals */
    {"SELECT 1, 1.5, .5, 1e3, 1.5E-3, 'it''s', '', NULL, TRUE, false",
     "(select (items 1 1.5 0.5 1000.0 0.0015 'it''s' '' NULL TRUE"
     " FALSE))"},
    {"SELECT 9223372036854775807, 9223372036854775808, "
     "-9223372036854775808, -9223372036854775809, "
     "-(9223372036854775808), - -5",
     "(select (items 9223372036854775807 9.223372036854776e+18"
     " -9223372036854775808 -9.223372036854776e+18"
     " (- 9.223372036854776e+18) (- -5)))"},
    {"SELECT TIMESTAMP '2026-11-24 10:00:00', timestamp, t.timestamp",
     "(select (items (TIMESTAMP '2026-11-24 10:00:00') timestamp"
     " t.timestamp))"},
    {"SELECT `a b`, \"c\"\"d\", \"null\", x AS \"select\"",
     "(select (items \"a b\" \"c\"\"d\" \"null\" (as x select)))"},
    /* precedence, lowest first: OR AND NOT = < + * || unary */
    {"SELECT a OR b AND NOT c = d",
     "(select (items (OR a (AND b (NOT (= c d))))))"},
    {"SELECT a = b < c + d * e || f",
     "(select (items (= a (< b (+ c (* d (|| e f)))))))"},
    {"SELECT -a || b, - a * b, 1 - 2 - 3, 2 * (3 + 4), 8 / 2 % 3",
     "(select (items (|| (- a) b) (* (- a) b) (- (- 1 2) 3)"
     " (* 2 (+ 3 4)) (% (/ 8 2) 3)))"},
    {"SELECT a = 1, a == 1, a <> 1, a != 1, a < 1, a <= 1, a > 1, "
     "a >= 1",
     "(select (items (= a 1) (= a 1) (<> a 1) (<> a 1) (< a 1) (<= a 1)"
     " (> a 1) (>= a 1)))"},
    {"SELECT +a, -a, NOT a, +5, -5.5, NOT NOT a",
     "(select (items (+ a) (- a) (NOT a) 5 -5.5 (NOT (NOT a))))"},
    /* IS, IN, LIKE, BETWEEN */
    {"SELECT a IS NULL, a IS NOT NULL, a ISNULL, a NOTNULL, a NOT NULL",
     "(select (items (IS-NULL a) (IS-NOT-NULL a) (IS-NULL a)"
     " (IS-NOT-NULL a) (IS-NOT-NULL a)))"},
    {"SELECT a + 1 IS NULL, NOT a IS NULL",
     "(select (items (IS-NULL (+ a 1)) (NOT (IS-NULL a))))"},
    {"SELECT a IN (1, 2), a NOT IN ('x'), a + 1 IN (b)",
     "(select (items (IN a 1 2) (NOT-IN a 'x') (IN (+ a 1) b)))"},
    {"SELECT a LIKE 'x%', a NOT LIKE 'x!%' ESCAPE '!', a || b LIKE c",
     "(select (items (LIKE a 'x%') (NOT-LIKE a 'x!%' (ESCAPE '!'))"
     " (LIKE (|| a b) c)))"},
    {"SELECT a BETWEEN 1 AND 2 AND b, a NOT BETWEEN 1 + 1 AND 3 OR c",
     "(select (items (AND (BETWEEN a 1 2) b) (OR (NOT-BETWEEN a (+ 1 1)"
     " 3) c)))"},
    /* calls, CASE, CAST */
    {"SELECT f(), g(x), h(DISTINCT x), k(ALL x, y), COUNT(*), "
     "lower(upper(s))",
     "(select (items (call f) (call g x) (call h DISTINCT x)"
     " (call k x y) (call COUNT *) (call lower (call upper s))))"},
    {"SELECT CASE WHEN a > 1 THEN 'big' WHEN a IS NULL THEN NULL "
     "ELSE 'small' END, CASE a WHEN 1 THEN 2 END",
     "(select (items (CASE (WHEN (> a 1) 'big') (WHEN (IS-NULL a) NULL)"
     " (ELSE 'small')) (CASE a (WHEN 1 2))))"},
    {"SELECT CAST(a AS BIGINT), CAST(b AS double precision), "
     "CAST(c AS varchar(20)), CAST(d AS TIMESTAMP), CAST(e AS bool)",
     "(select (items (CAST a BIGINT) (CAST b DOUBLE) (CAST c TEXT)"
     " (CAST d TIMESTAMP) (CAST e BOOLEAN)))"},
    {"SELECT (((1))), ((a + b)) * c", "(select (items 1 (* (+ a b) c)))"},
};

ParameterizedTestParameters(grammar, expressions) { INDEX_PARAMS(expressions); }

ParameterizedTest(size_t *i, grammar, expressions) {
    check_golden(&expressions[*i]);
}

/* ----------------------------------------------------------------- errors */

struct error_case {
    const char *sql;
    const char *msg;
    int off;
};

static const struct error_case errors[] = {
    /* syntax */
    {"SELECT * FORM t", "syntax error near 'FORM'", 9},
    {"SELECT a FROM t WHERE", "syntax error: incomplete statement", 21},
    {"SELECT a FROM t WHERE  -- c\n", "syntax error: incomplete statement", 28},
    {"SELECT a FROM;", "syntax error near ';'", 13},
    {"SELECT 1;\nSELECT FROM t", "syntax error near 'FROM'", 17},
    {"SELECT a IN () FROM t", "syntax error near ')'", 13},
    {"SELECT select FROM t", "syntax error near 'select'", 7},
    {"SELECT a FROM t WINDOW TUMBLING (SIZE 5)", "syntax error near ')'", 39},
    {"CREATE STREAM s (a TEXT) FROM QUEUE FORMAT XML",
     "syntax error near 'XML'", 43},
    {"CREATE STREAM s FROM QUEUE", "syntax error near 'FROM'", 16},
    {"SELECT a FROM t WHERE a = 1 WINDOW UNBOUNDED",
     "syntax error near 'WINDOW'", 28},
    {"SELECT 1 2", "syntax error near '2'", 9},
    /* lexer */
    {"SELECT # FROM t", "unrecognized token: '#'", 7},
    {"SELECT 12ab", "unrecognized token: '12ab'", 7},
    {"SELECT 'abc", "unterminated string", 7},
    {"SELECT a FROM \"t", "unterminated quoted identifier", 14},
    {"SELECT `t", "unterminated quoted identifier", 7},
    /* builders */
    {"CREATE STREAM s (a TEXT, b BLOB) FROM QUEUE", "unknown type 'BLOB'", 27},
    {"SELECT CAST(a AS money)", "unknown type 'money'", 17},
    {"SELECT a FROM t WINDOW TUMBLING (SIZE 5 fortnights)",
     "unknown time unit 'fortnights'", 40},
    {"SET batch_interval = 500 ms", "unknown time unit 'ms'", 25},
    {"SELECT a FROM t WINDOW TUMBLING (SIZE 0 SECONDS)",
     "duration must be positive", 38},
    {"SELECT a FROM t WINDOW TUMBLING (SIZE -1 SECONDS)",
     "duration must be positive", 38},
    {"SELECT a FROM t WINDOW TUMBLING (SIZE 0.0000001 SECONDS)",
     "duration must be positive", 38},
    {"SELECT a FROM t WINDOW SESSION (GAP 200000 DAYS) ON ts WATERMARK 0 "
     "SECONDS",
     "duration must be positive", 65},
    {"SELECT a FROM t WINDOW TUMBLING (SIZE 99999999999999 DAYS)",
     "duration is too large", 38},
    {"SELECT a FROM t WINDOW TUMBLING (SIZE 1e30 SECONDS)",
     "duration is too large", 38},
    {"SET x = 99999999999999999999 seconds", "duration is too large", 8},
    {"SELECT a FROM t WINDOW COUNT (SIZE 0)", "row count must be positive", 35},
    {"SELECT a FROM t WINDOW COUNT (SIZE 5, SLIDE 99999999999999999999)",
     "row count is too large", 44},
    {"STOP QUERY 99999999999999999999", "query id is too large", 11},
    /* the first error wins */
    {"SELECT CAST(a AS x), CAST(b AS y)", "unknown type 'x'", 17},
};

ParameterizedTestParameters(grammar, errors) { INDEX_PARAMS(errors); }

ParameterizedTest(size_t *i, grammar, errors) {
    const struct error_case *c = &errors[*i];
    ds_ast_stmts *stmts = NULL;
    ds_parse_error err;
    int rc = ds__parse(c->sql, &arena, &stmts, &err);
    cr_assert_eq(rc, DS_ERROR, "%s", c->sql);
    cr_expect_str_eq(err.msg, c->msg, "%s", c->sql);
    cr_expect_eq(err.off, c->off, "%s: offset %d", c->sql, err.off);
}

/* The statements before an error are complete and kept. */
Test(grammar, statements_before_an_error) {
    ds_ast_stmts *stmts = NULL;
    ds_parse_error err;
    int rc = ds__parse("CREATE STREAM q (a TEXT) FROM QUEUE; SELECT a FROM q;"
                       " SELECT FROM",
                       &arena, &stmts, &err);
    cr_assert_eq(rc, DS_ERROR);
    cr_assert_not_null(stmts);
    cr_expect_eq(stmts->n, 2);
    cr_expect_str_eq(err.msg, "syntax error near 'FROM'");

    /* an error found as the statement ends does not keep it */
    rc = ds__parse("SET a = 1; SET b = 2 fortnights; SET c = 3", &arena, &stmts,
                   &err);
    cr_assert_eq(rc, DS_ERROR);
    cr_expect_eq(stmts->n, 1);
    cr_expect_str_eq(err.msg, "unknown time unit 'fortnights'");
}

Test(grammar, too_deep) {
    char sql[4096] = "SELECT ";
    for (int i = 0; i < 1000; i++)
        strcat(sql, "(");
    ds_ast_stmts *stmts = NULL;
    ds_parse_error err;
    cr_assert_eq(ds__parse(sql, &arena, &stmts, &err), DS_ERROR);
    cr_expect_str_eq(err.msg, "statement too deeply nested");
    cr_expect_gt(err.off, 7);
}

Test(grammar, nothing_to_parse) {
    static const char *const texts[] = {"",     "  ",      ";",   ";;\n;",
                                        "-- x", "/* x */", "/* x"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        ds_ast_stmts *stmts = parse_ok(texts[i]);
        cr_expect_eq(stmts->n, 0, "\"%s\"", texts[i]);
    }
}

/* -------------------------------------------------------------- positions */

Test(grammar, statement_positions) {
    const char *sql = "  SELECT 1 ; /* x */ SHOW STREAMS -- y\n;\n"
                      "DROP STREAM q  ";
    ds_ast_stmts *stmts = parse_ok(sql);
    cr_assert_eq(stmts->n, 3);
    int want[3][2] = {{2, 8}, {21, 12}, {41, 13}};
    for (int i = 0; i < 3; i++) {
        cr_expect_eq(stmts->v[i]->off, want[i][0], "statement %d", i);
        cr_expect_eq(stmts->v[i]->len, want[i][1], "statement %d", i);
    }
}

Test(grammar, expression_positions) {
    const char *sql = "SELECT  a + b * 2, -x, f( y ), CASE WHEN p THEN 1 END, "
                      "(c), t.u, CAST(v AS INT), w NOT IN (1), w IS NULL, "
                      "TIMESTAMP '2026-01-01', -1.5, COUNT(*) FROM t";
    static const char *const texts[] = {
        "a + b * 2",
        "-x",
        "f( y )",
        "CASE WHEN p THEN 1 END",
        "(c)",
        "t.u",
        "CAST(v AS INT)",
        "w NOT IN (1)",
        "w IS NULL",
        "TIMESTAMP '2026-01-01'",
        "-1.5",
        "COUNT(*)",
    };
    for (int i = 0; i < 12; i++) {
        ds_ast_expr *e = item(sql, i);
        cr_expect_eq(e->len, (int)strlen(texts[i]), "item %d", i);
        cr_expect(strncmp(sql + e->off, texts[i], strlen(texts[i])) == 0,
                  "item %d: \"%.*s\"", i, e->len, sql + e->off);
    }
    ds_ast_expr *sum = item(sql, 0);
    cr_expect_eq(sum->b->off, 12); /* b * 2 */
    cr_expect_eq(sum->b->len, 5);
}

Test(grammar, name_and_clause_positions) {
    const char *sql = "CREATE STREAM \"Rd\" (ts TIMESTAMP) FROM FILE 'a''b' "
                      "FORMAT CSV WITH (k = 2 SECONDS)";
    ds_ast_stmt *s = parse_one(sql);
    cr_expect_str_eq(s->name.s, "Rd");
    cr_expect_eq(s->name.off, 14);
    cr_expect_str_eq(s->columns->v[0].name.s, "ts");
    cr_expect_eq(s->columns->v[0].type_off, 23);
    cr_expect_str_eq(s->target.s, "a'b");
    cr_expect_eq(s->target_off, 44);
    cr_expect_eq(s->format, DS_FMT_CSV);
    cr_expect_eq(s->format_off, 58);
    cr_expect_eq(s->options->v[0].is_duration, 1);
    cr_expect_eq(s->options->v[0].value->kind, DS_AE_INT);
    cr_expect_eq(s->options->v[0].value->ival, 2000000);
    cr_expect_eq(s->options->v[0].value->off, 72);
    cr_expect_eq(s->options->v[0].value->len, 9);

    s = parse_one("CREATE STREAM q (a TEXT) FROM QUEUE");
    cr_expect_eq(s->source, DS_SRC_QUEUE);
    cr_expect_null(s->target.s);
    cr_expect_eq(s->target_off, 30);

    s = parse_one("SELECT a FROM t AS x WINDOW SLIDING (SIZE 2 SECONDS, "
                  "SLIDE 1 SECOND) ON ts LATE INTO l EMIT CHANGES");
    ds_ast_select *sel = s->select;
    cr_expect_eq(sel->from->v[0].off, 14);
    cr_expect_eq(sel->from->v[0].alias.off, 19);
    cr_expect_eq(sel->window->off, 28);
    cr_expect_eq(sel->window->size_off, 42);
    cr_expect_eq(sel->window->slide_off, 59);
    cr_expect_str_eq(sel->window->on.s, "ts");
    cr_expect_eq(sel->window->on.off, 72);
    cr_expect_eq(sel->window->watermark, -1);
    cr_expect_eq(sel->emit, DS_EMIT_CHANGES);
    cr_expect_eq(sel->emit_off, 87);
}

Test(grammar, literal_values) {
    ds_ast_expr *e = item("SELECT -9223372036854775808", 0);
    cr_expect_eq(e->kind, DS_AE_INT);
    cr_expect_eq(e->ival, INT64_MIN);
    e = item("SELECT 18446744073709551616", 0);
    cr_expect_eq(e->kind, DS_AE_FLOAT);
    cr_expect_eq(e->dval, 18446744073709551616.0);
    e = item("SELECT TRUE", 0);
    cr_expect_eq(e->kind, DS_AE_BOOL);
    cr_expect_eq(e->ival, 1);
    e = item("SELECT 'a''b'", 0);
    cr_expect_str_eq(e->str, "a'b");
    e = item("SELECT `we``ird`", 0);
    cr_expect_str_eq(e->name.s, "we`ird");
    e = item("SELECT TIMESTAMP '2026-11-24 10:00:00'", 0);
    cr_expect_eq(e->kind, DS_AE_TYPED_STR);
    cr_expect_eq(e->type, DS_TIMESTAMP);
    cr_expect_str_eq(e->str, "2026-11-24 10:00:00");
}

Test(grammar, statement_fields) {
    ds_ast_stmt *s = parse_one("SET batch_interval = 3 SECONDS");
    cr_expect_eq(s->kind, DS_STMT_SET);
    cr_expect_eq(s->value_is_duration, 1);
    cr_expect_eq(s->value->ival, 3000000);
    s = parse_one("INSERT INTO q VALUES (1, 2), (3, 4), (5, 6)");
    cr_expect_eq(s->kind, DS_STMT_INSERT_VALUES);
    cr_expect_eq(s->nrows, 3);
    cr_expect_eq(s->rows[2]->n, 2);
    s = parse_one("CREATE STREAM x AS SELECT 1");
    cr_expect_eq(s->kind, DS_STMT_CREATE_STREAM);
    cr_expect_eq(s->source, DS_SRC_NONE);
    cr_expect_not_null(s->select);
    s = parse_one("CREATE SINK k TO SQLITE 'a.db' TABLE tab");
    cr_expect_eq(s->sink, DS_SINK_SQLITE);
    cr_expect_str_eq(s->table.s, "tab");
    s = parse_one("STOP QUERY 7");
    cr_expect_eq(s->query_id, 7);
}

/* ---------------------------------------------------- line, column, length */

Test(grammar, line_col) {
    const char *sql = "SELECT 1;\nSELECT\n  x FORM t";
    int line, col;
    ds__parse_line_col(sql, 0, &line, &col);
    cr_expect(line == 1 && col == 1);
    ds__parse_line_col(sql, 9, &line, &col); /* the newline itself */
    cr_expect(line == 1 && col == 10);
    ds__parse_line_col(sql, 10, &line, &col);
    cr_expect(line == 2 && col == 1);
    ds__parse_line_col(sql, 21, &line, &col);
    cr_expect(line == 3 && col == 5, "%d:%d", line, col);
    ds__parse_line_col(sql, 1000, &line, &col); /* past the end */
    cr_expect(line == 3 && col == 11, "%d:%d", line, col);
}

struct len_case {
    const char *sql;
    int len;
    int complete;
};

static const struct len_case statement_lengths[] = {
    {"", 0, 0},
    {"  -- only a comment\n /* and another */ ", 0, 0},
    {"SELECT 1; SELECT 2;", 9, 1},
    {"SELECT 1", 8, 0},
    {"  SELECT ';' -- ;\n /* ; */ ;x", 28, 1},
    {"SELECT 'unterminated ;", 22, 0},
    {"SELECT \"a;b\"; x", 13, 1},
    {";", 1, 1},
    {"SELECT 1 /* ; open", 18, 0},
};

ParameterizedTestParameters(grammar, statement_length) {
    INDEX_PARAMS(statement_lengths);
}

ParameterizedTest(size_t *i, grammar, statement_length) {
    const struct len_case *c = &statement_lengths[*i];
    int complete = -1;
    size_t n = ds__parse_statement_length(c->sql, &complete);
    cr_expect_eq(n, (size_t)c->len, "\"%s\": %zu", c->sql, n);
    cr_expect_eq(complete, c->complete, "\"%s\"", c->sql);
}

/* --------------------------------------------------------- out of memory */

/* Every allocation of a long text fails in turn: the parse reports
   DS_NOMEM (ASan would see a leak or a bad access), until it succeeds. */
Test(grammar, out_of_memory) {
    const char *sql =
        "CREATE STREAM r (s TEXT, t DOUBLE, ts TIMESTAMP) FROM FILE 'd/' "
        "FORMAT CSV WITH (header = true, idle = 5 seconds);"
        "SELECT DISTINCT a.x, b.*, CASE WHEN a > 1 THEN 'b' ELSE 'c' END, "
        "CAST(a AS INT), a IN (1, 2, 3, 4, 5, 6), f(1, 2, 3, 4, 5, 6) "
        "FROM a JOIN b ON a.id = b.id, UNNEST(split(l, ' ')) AS t(w, v) "
        "WINDOW SLIDING (SIZE 2 SECONDS, SLIDE 1 SECOND) ON ts LATE INTO l "
        "WHERE t IS NOT NULL GROUP BY 1, 2, 3, 4, 5 HAVING COUNT(*) > 1 "
        "ORDER BY a, b, c, d, e DESC LIMIT 1 OFFSET 2;"
        "INSERT INTO q VALUES (1), (2), (3), (4), (5), (6); SET x = 1.5;"
        "SHOW STREAMS; DROP STREAM x; DESCRIBE y; EXPLAIN SELECT 1;"
        "CREATE SINK k TO SQLITE 'a.db' TABLE t; STOP QUERY 1";
    int n;
    for (n = 1; n < 10000; n++) {
        ds_arena a;
        ds__arena_init(&a, 256);
        ds_ast_stmts *stmts = NULL;
        ds_parse_error err;
        ds__mem_fail_after(n);
        int rc = ds__parse(sql, &a, &stmts, &err);
        ds__mem_fail_after(0);
        int count = stmts ? stmts->n : -1;
        ds__arena_fini(&a);
        if (rc == DS_OK) {
            cr_expect_eq(count, 10);
            break;
        }
        cr_assert_eq(rc, DS_NOMEM, "allocation %d: rc %d (%s)", n, rc, err.msg);
        cr_expect_null(stmts);
    }
    cr_expect_gt(n, 10);
    cr_expect_lt(n, 10000);
}
