/*
** test_engine.c - the engine through the C API: the queue source, the
** scheduler (ds_step, ds_start with both clocks), per-batch queries,
** derived streams, statement results and errors.
*/
#include <criterion/criterion.h>
#include <time.h>

#include "collect.h"

static ds_engine *e;
static collect out;

static void setup(void) {
    ds_config cfg;
    ds_config_init(&cfg);
    cfg.clock = DS_CLOCK_VIRTUAL;
    cfg.batch_interval_us = 1000000;
    cfg.on_result = collect_fn;
    cfg.on_result_user = &out;
    memset(&out, 0, sizeof out);
    cr_assert_eq(ds_open(&e, &cfg), DS_OK);
}

static void teardown(void) {
    ds_close(e);
    collect_free(&out);
}

TestSuite(engine, .init = setup, .fini = teardown);

static void exec_ok(const char *sql) {
    int rc = ds_exec(e, sql);
    cr_assert_eq(rc, DS_OK, "%s: %s", sql, ds_errmsg(e));
}

static void expect_error(const char *sql, const char *msg) {
    int rc = ds_exec(e, sql);
    cr_assert_neq(rc, DS_OK, "expected an error for: %s", sql);
    cr_assert(strstr(ds_errmsg(e), msg), "error for %s was '%s', wanted '%s'",
              sql, ds_errmsg(e), msg);
}

static void run_to_end(void) {
    int rc, n = 0;
    while ((rc = ds_step(e)) == DS_OK && n < 10000)
        n++;
    cr_assert_eq(rc, DS_DONE, "ds_step: %s", ds_errmsg(e));
}

static void expect_output(const char *want) {
    char *got = collect_text(&out);
    cr_assert_str_eq(got, want);
    free(got);
}

Test(engine, seed_example_word_count) {
    exec_ok("SET batch_interval = 3 SECONDS;"
            "CREATE STREAM lines (line TEXT) FROM QUEUE;"
            "INSERT INTO lines VALUES ('Spark Streaming Sample ssc');"
            "INSERT INTO lines VALUES ('Spark Queue Spark API');"
            "SELECT word, COUNT(*) AS n FROM lines, "
            "UNNEST(split(line, ' ')) AS t(word) GROUP BY word;");
    cr_assert_eq(ds_queue_close(e, "lines"), DS_OK);
    run_to_end();
    expect_output("q1 b1: Sample|1\nq1 b1: Spark|1\nq1 b1: Streaming|1\n"
                  "q1 b1: ssc|1\n"
                  "q1 b2: API|1\nq1 b2: Queue|1\nq1 b2: Spark|2\n");
}

Test(engine, push_text_and_one_at_a_time_false) {
    exec_ok("CREATE STREAM q (line TEXT) FROM QUEUE "
            "WITH (one_at_a_time = false);"
            "SELECT COUNT(*) AS n, MIN(line) AS lo FROM q;");
    cr_assert_eq(ds_push(e, "q", "b\na\n", 4), DS_OK);
    cr_assert_eq(ds_push(e, "q", "c\r\nd", 4), DS_OK);
    cr_assert_eq(ds_step(e), DS_OK);
    cr_assert_eq(ds_step(e), DS_OK);
    ds_queue_close(e, "q");
    run_to_end();
    expect_output("q1 b1: 4|a\nq1 b2: 0|NULL\nq1 b3: 0|NULL\n");
}

Test(engine, empty_batches_emit_every_batch) {
    exec_ok("CREATE STREAM q (line TEXT) FROM QUEUE;"
            "SELECT upper(line) AS u FROM q WHERE line <> 'skip';");
    ds_push(e, "q", "x\nskip\n", 7);
    cr_assert_eq(ds_step(e), DS_OK);
    cr_assert_eq(ds_step(e), DS_OK);
    cr_assert_eq(out.emissions, 2);
    expect_output("q1 b1: X\nq1 b2: (empty)\n");
}

Test(engine, typed_queue_insert_values_and_expressions) {
    exec_ok("CREATE STREAM r (sensor TEXT, temp DOUBLE, n BIGINT, "
            "ok BOOLEAN, ts TIMESTAMP) FROM QUEUE;"
            "INSERT INTO r VALUES ('a', 20.5, 1, true, '2026-11-24 10:00:03'),"
            " ('b', NULL, 2, false, '2026-11-24T10:00:04.250Z'),"
            " ('a', 30, NULL, NULL, NULL);"
            "SELECT sensor, AVG(temp) AS t, SUM(n) AS s, COUNT(temp) AS c, "
            "MAX(ts) AS last, MIN(ok) AS anyfalse FROM r GROUP BY sensor "
            "ORDER BY sensor;");
    ds_queue_close(e, NULL);
    run_to_end();
    expect_output("q1 b1: a|25.25|1|2|2026-11-24 10:00:03|true\n"
                  "q1 b1: b|NULL|2|0|2026-11-24 10:00:04.250000|false\n");
}

Test(engine, derived_stream_feeds_another_query) {
    exec_ok("CREATE STREAM lines (line TEXT) FROM QUEUE;"
            "CREATE STREAM words AS SELECT w FROM lines, "
            "UNNEST(split(line, ' ')) AS t(w);"
            "CREATE STREAM big AS SELECT upper(w) AS w FROM words "
            "WHERE length(w) > 3;"
            "SELECT w, COUNT(*) AS n FROM big GROUP BY w;");
    ds_push(e, "lines", "spark is fast spark\n", 20);
    ds_push(e, "lines", "tiny\n", 5);
    ds_queue_close(e, "lines");
    run_to_end();
    expect_output("q3 b1: FAST|1\nq3 b1: SPARK|2\nq3 b2: TINY|1\n");
}

Test(engine, global_aggregate_over_no_rows) {
    exec_ok("CREATE STREAM q (x BIGINT) FROM QUEUE;"
            "SELECT COUNT(*) AS c, SUM(x) AS s, AVG(x) AS a, MAX(x) AS m, "
            "COUNT(DISTINCT x) AS d FROM q;");
    cr_assert_eq(ds_step(e), DS_OK);
    exec_ok("INSERT INTO q VALUES (1), (1), (NULL), (5);");
    cr_assert_eq(ds_step(e), DS_OK);
    expect_output(
        "q1 b1: 0|NULL|NULL|NULL|0\nq1 b2: 4|7|2.33333333333333|5|2\n");
}

Test(engine, having_order_limit_per_emission) {
    exec_ok("CREATE STREAM q (line TEXT) FROM QUEUE;"
            "SELECT w, COUNT(*) AS n FROM q, UNNEST(split(line, ' ')) AS t(w)"
            " GROUP BY w HAVING COUNT(*) > 1 ORDER BY n DESC, w LIMIT 2;");
    ds_push(e, "q", "a b b c c c d d\n", 16);
    ds_push(e, "q", "x y\n", 4);
    ds_queue_close(e, "q");
    run_to_end();
    expect_output("q1 b1: b|2\nq1 b1: c|3\nq1 b2: (empty)\n");
}

Test(engine, batch_time_column) {
    exec_ok("SET batch_interval = 2 SECONDS;"
            "CREATE STREAM q (line TEXT) FROM QUEUE;"
            "SELECT line, batch_time FROM q;");
    ds_push(e, "q", "x\n", 2);
    ds_push(e, "q", "y\n", 2);
    ds_queue_close(e, "q");
    run_to_end();
    expect_output("q1 b1: x|1970-01-01 00:00:02\n"
                  "q1 b2: y|1970-01-01 00:00:04\n");
}

Test(engine, overflow_ends_the_query_with_a_message) {
    exec_ok("CREATE STREAM q (x BIGINT) FROM QUEUE;"
            "SELECT SUM(x) AS s FROM q;"
            "INSERT INTO q VALUES (9223372036854775807), (1);");
    cr_assert_eq(ds_step(e), DS_ERROR);
    cr_assert(strstr(ds_errmsg(e), "integer overflow in 'SUM(x)'"), "%s",
              ds_errmsg(e));
    cr_assert_eq(ds_step(e), DS_DONE);
}

Test(engine, callback_can_end_its_query) {
    ds_query *q;
    collect mine = {0};
    mine.stop_after = 2;
    exec_ok("CREATE STREAM s (line TEXT) FROM QUEUE;");
    cr_assert_eq(ds_query_open(e, "SELECT line FROM s;", collect_fn, &mine, &q),
                 DS_OK);
    for (int k = 0; k < 5; k++)
        ds_step(e);
    cr_assert_eq(mine.emissions, 2);
    cr_assert(ds_query_ended(q));
    cr_assert_eq(ds_step(e), DS_DONE);
    ds_query_close(q);
    collect_free(&mine);
}

Test(engine, errors_name_the_place) {
    exec_ok("CREATE STREAM q (line TEXT, n BIGINT) FROM QUEUE;");
    expect_error("SELECT x FROM q;", "line 1, column 8: no such column: x");
    expect_error("SELECT line FROM nope;", "no such stream: nope");
    expect_error("SELECT line + 1 FROM q;",
                 "operator + cannot be applied to TEXT and BIGINT");
    expect_error("SELECT line FROM q WHERE n;",
                 "WHERE needs a BOOLEAN condition, got BIGINT");
    expect_error("SELECT line FROM q WHERE COUNT(*) > 1;",
                 "aggregate functions are not allowed in WHERE");
    expect_error("SELECT line, COUNT(*) FROM q;",
                 "column 'line' must appear in the GROUP BY clause");
    expect_error("SELECT COUNT(*) FROM q\n  WINDOW TUMBLING (SIZE 1500 "
                 "MILLISECONDS);",
                 "line 2, column 25: window SIZE must be a multiple of the "
                 "batch interval (1000 ms)");
    expect_error("CREATE STREAM s (line TEXT)\n  FORM QUEUE;",
                 "line 2, column 3: syntax error near 'FORM'");
    expect_error("SELECT nosuch(line) FROM q;", "no such function: nosuch");
    expect_error("SELECT stddev(n) FROM q;", "not supported yet: stddev()");
    expect_error("CREATE STREAM q (a TEXT) FROM QUEUE;",
                 "stream q already exists");
    expect_error("CREATE STREAM z (a TEXT, a BIGINT) FROM QUEUE;",
                 "duplicate column name: a");
    expect_error("INSERT INTO q VALUES ('a');", "1 values for 2 columns");
    expect_error("INSERT INTO q VALUES (1, 2);",
                 "a BIGINT value cannot go into column line TEXT");
    expect_error("SELECT line FROM q, UNNEST(line) AS t(w);",
                 "not supported yet: UNNEST of anything but split");
}

Test(engine, show_describe_explain) {
    exec_ok("CREATE STREAM q (line TEXT) FROM QUEUE;"
            "DESCRIBE q; SHOW STREAMS;");
    expect_output("q0 b0: line|TEXT\nq0 b0: q|QUEUE|line TEXT|0|0|open|\n");
    collect_free(&out);
    exec_ok("EXPLAIN SELECT word, COUNT(*) AS n FROM q, "
            "UNNEST(split(line, ' ')) AS t(word) GROUP BY word;");
    cr_assert(out.n > 4);
}

Test(engine, drop_stream) {
    exec_ok("CREATE STREAM q (line TEXT) FROM QUEUE; DROP STREAM q;"
            "DROP STREAM IF EXISTS q;");
    expect_error("DROP STREAM q;", "no such stream: q");
    exec_ok("CREATE STREAM q (line TEXT) FROM QUEUE; SELECT line FROM q;");
    expect_error("DROP STREAM q;", "stream q is read by query 1");
    exec_ok("STOP QUERY 1; DROP STREAM q;");
}

Test(engine, start_virtual_and_await) {
    exec_ok("CREATE STREAM q (line TEXT) FROM QUEUE;"
            "SELECT line FROM q;");
    ds_push(e, "q", "a\n", 2);
    ds_push(e, "q", "b\n", 2);
    ds_queue_close(e, "q");
    cr_assert_eq(ds_start(e), DS_OK);
    cr_assert_eq(ds_await_termination(e, 10000), DS_OK);
    expect_output("q1 b1: a\nq1 b2: b\n");
}

Test(engine, real_clock_runs_batches_until_graceful_stop) {
    ds_close(e);
    ds_config cfg;
    ds_config_init(&cfg);
    cfg.batch_interval_us = 20000; /* 20 ms */
    cfg.on_result = collect_fn;
    cfg.on_result_user = &out;
    cr_assert_eq(ds_open(&e, &cfg), DS_OK);
    exec_ok("CREATE STREAM q (line TEXT) FROM QUEUE;"
            "SELECT COUNT(*) AS n FROM q;");
    cr_assert_eq(ds_start(e), DS_OK);
    ds_push(e, "q", "a\nb\n", 4);
    /* wait (bounded) until the pushed rows were counted */
    for (int k = 0; k < 500; k++) {
        char *t = collect_text(&out);
        int seen = strstr(t, ": 2\n") != NULL;
        free(t);
        if (seen)
            break;
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
    }
    cr_assert_eq(ds_stop(e, 1), DS_OK);
    cr_assert_eq(ds_await_termination(e, 5000), DS_OK);
    char *t = collect_text(&out);
    cr_assert(strstr(t, ": 2\n"), "%s", t);
    free(t);
}

Test(engine, statement_helpers) {
    cr_assert(ds_complete("SELECT 1;"));
    cr_assert(!ds_complete("SELECT 1"));
    cr_assert(!ds_complete("SELECT ';'"));
    cr_assert(ds_complete("SELECT ';'; -- done"));
    const char *two = "SELECT a FROM b; SHOW STREAMS;";
    size_t n = ds_statement_length(two);
    cr_assert_eq(n, 16);
    cr_assert(ds_statement_is_query(two, n));
    cr_assert(!ds_statement_is_query(two + n, strlen(two + n)));
}

/* ds_format_double and ds_format_timestamp give what ds_result_text gives. */
static int compare_formats(void *user, const ds_result *r) {
    int *checked = user;
    for (int64_t i = 0; i < ds_result_row_count(r); i++) {
        char buf[40];
        int n = ds_format_double(ds_result_double(r, i, 0), buf);
        size_t len;
        const char *t = ds_result_text(r, i, 0, &len);
        cr_expect_eq((size_t)n, len);
        cr_expect_str_eq(buf, t);
        t = ds_result_text(r, i, 1, NULL);
        if (t)
            cr_expect_str_eq(ds_format_timestamp(ds_result_int64(r, i, 1), buf),
                             t);
        ++*checked;
    }
    return 0;
}

Test(engine, format_helpers_match_result_text) {
    exec_ok("CREATE STREAM q (d DOUBLE, t TIMESTAMP) FROM QUEUE;");
    int checked = 0;
    ds_query *q;
    cr_assert_eq(
        ds_query_open(e, "SELECT d, t FROM q;", compare_formats, &checked, &q),
        DS_OK, "%s", ds_errmsg(e));
    exec_ok("INSERT INTO q VALUES (23.4, '2026-11-24 10:00:00'), "
            "(-0.1, '1970-01-01 00:00:00.25'), (1e20, '1969-12-31 23:59:59'), "
            "(2.675, '2026-11-24 10:00:03.000001'), (1.0 / 3, NULL), "
            "(-1e-7, '0001-01-01 00:00:00'), (753530102604585.5, NULL), "
            "(100.0, '9999-12-31 23:59:59.999999');");
    cr_assert_eq(ds_queue_close(e, "q"), DS_OK);
    run_to_end();
    cr_expect_eq(checked, 8);
    char buf[40];
    ds_format_double(1e20, buf);
    cr_expect_str_eq(buf, "1.0e+20");
    ds_format_double(23.4, buf);
    cr_expect_str_eq(buf, "23.4");
}
