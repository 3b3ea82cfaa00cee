/*
** test_planner.c - the planner through SQL: EXPLAIN output, pinned by
** golden text since it must be deterministic, and the positioned errors of
** name and type resolution.
*/
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dstream.h"

static ds_engine *e;
static char text[1 << 14];

/* Collects the rows of EXPLAIN, one line each. */
static int collect_plan(void *user, const ds_result *r) {
    (void)user;
    for (int64_t i = 0; i < ds_result_row_count(r); i++) {
        size_t at = strlen(text);
        snprintf(text + at, sizeof text - at, "%s\n",
                 ds_result_text(r, i, 0, NULL));
    }
    return 0;
}

static void setup(void) {
    ds_config cfg;
    ds_config_init(&cfg);
    cfg.clock = DS_CLOCK_VIRTUAL;
    cfg.on_result = collect_plan;
    cr_assert_eq(ds_open(&e, &cfg), DS_OK);
    cr_assert_eq(ds_exec(e, "CREATE STREAM lines (line TEXT) FROM QUEUE;"
                            "CREATE STREAM r (sensor TEXT, temp DOUBLE, "
                            "ts TIMESTAMP) FROM QUEUE;"),
                 DS_OK);
    text[0] = 0;
}

static void teardown(void) { ds_close(e); }

TestSuite(planner, .init = setup, .fini = teardown);

static void expect_explain(const char *sql, const char *want) {
    cr_assert_eq(ds_exec(e, sql), DS_OK, "%s: %s", sql, ds_errmsg(e));
    cr_assert_str_eq(text, want);
    /* the same text every time */
    text[0] = 0;
    cr_assert_eq(ds_exec(e, sql), DS_OK);
    cr_assert_str_eq(text, want);
}

Test(planner, explain_wordcount_with_having_order_limit) {
    expect_explain(
        "EXPLAIN SELECT word, COUNT(*) AS n FROM lines, "
        "UNNEST(split(line, ' ')) AS t(word) GROUP BY word HAVING "
        "COUNT(*) > 1 ORDER BY n DESC LIMIT 3;",
        "Logical plan:\n"
        "  Output [word TEXT, n BIGINT]\n"
        "    Limit 3\n"
        "      Sort [n DESC]\n"
        "        Project [word AS word, COUNT(*) AS n]\n"
        "          Filter (HAVING) (COUNT(*) > 1)\n"
        "            Aggregate per batch keys=[word] aggs=[COUNT(*)]\n"
        "              Unnest split(line, ' ') AS word carry []\n"
        "                Scan lines [line TEXT]\n"
        "DStream operators (data flows down):\n"
        "  scan(lines)\n"
        "  -> unnest(split(#0, ' '))\n"
        "  -> aggregate_per_batch(keys=[#0] aggs=[count(*)])\n"
        "  -> filter((#1 > 1))\n"
        "  -> project(#0, #1)\n"
        "  -> sort(#1 DESC)\n"
        "  -> limit(3)\n"
        "  -> output(word, n)\n");
}

Test(planner, explain_sliding_window) {
    expect_explain(
        "EXPLAIN SELECT sensor, AVG(temp) AS avg_temp, window_start "
        "FROM r WINDOW SLIDING (SIZE 2 SECONDS, SLIDE 1 SECOND) "
        "WHERE temp IS NOT NULL GROUP BY sensor;",
        "Logical plan:\n"
        "  Output [sensor TEXT, avg_temp DOUBLE, window_start TIMESTAMP]\n"
        "    Project [sensor AS sensor, AVG(temp) AS avg_temp, window_start AS "
        "window_start]\n"
        "      Aggregate SLIDING size=2s slide=1s processing-time "
        "keys=[sensor] aggs=[AVG(temp)]\n"
        "        Filter (WHERE) (temp IS NOT NULL)\n"
        "          Scan r [sensor TEXT, temp DOUBLE, ts TIMESTAMP]\n"
        "DStream operators (data flows down):\n"
        "  scan(r)\n"
        "  -> filter((#1 IS NOT NULL))\n"
        "  -> window_aggregate(SLIDING size=2s slide=1s processing-time "
        "panes=2 keys=[#0] aggs=[avg(#1)])\n"
        "  -> project(#0, #1, window_start)\n"
        "  -> output(sensor, avg_temp, window_start)\n");
}

Test(planner, explain_projection_with_folded_constant) {
    expect_explain(
        "EXPLAIN SELECT sensor, upper(sensor) || '!' AS s FROM r "
        "WHERE temp > 1 + 2;",
        "Logical plan:\n"
        "  Output [sensor TEXT, s TEXT]\n"
        "    Project [sensor AS sensor, (upper(sensor) || '!') AS s]\n"
        "      Filter (WHERE) (temp > 3.0)\n"
        "        Scan r [sensor TEXT, temp DOUBLE, ts TIMESTAMP]\n"
        "DStream operators (data flows down):\n"
        "  scan(r)\n"
        "  -> filter((#1 > 3.0))\n"
        "  -> emit_per_batch\n"
        "  -> project(#0, (upper(#0) || '!'))\n"
        "  -> output(sensor, s)\n");
}

Test(planner, explain_event_time_window) {
    expect_explain(
        "EXPLAIN SELECT sensor, COUNT(*) AS n FROM r WINDOW TUMBLING "
        "(SIZE 5 SECONDS) ON ts WATERMARK 3 SECONDS LATE INTO late "
        "GROUP BY sensor;",
        "Logical plan:\n"
        "  Output [sensor TEXT, n BIGINT]\n"
        "    Project [sensor AS sensor, COUNT(*) AS n]\n"
        "      Aggregate TUMBLING size=5s on=ts watermark=3s late-into=late "
        "keys=[sensor] aggs=[COUNT(*)]\n"
        "        Scan r [sensor TEXT, temp DOUBLE, ts TIMESTAMP]\n"
        "DStream operators (data flows down):\n"
        "  scan(r)\n"
        "  -> window_aggregate(TUMBLING size=5s on=#2 watermark=3s panes=1 "
        "keys=[#0] aggs=[count(*)])\n"
        "  -> project(#0, #1)\n"
        "  -> output(sensor, n)\n");
}

/* Every resolution error names the place: "line L, column C: what". */
Test(planner, resolution_errors_are_positioned) {
    static const struct {
        const char *sql, *msg;
    } cases[] = {
        {"SELECT nope FROM r;", "line 1, column 8: no such column: nope"},
        {"SELECT sensor\nFROM nowhere;",
         "line 2, column 6: no such stream: nowhere"},
        {"SELECT r.nope FROM r;", "no such column: r.nope"},
        {"SELECT x.sensor FROM r;", "no such column: x.sensor"},
        {"SELECT sensor FROM r WHERE sensor > 1;",
         "line 1, column 28: cannot compare TEXT with BIGINT"},
        {"SELECT -sensor FROM r;", "unary - cannot be applied to TEXT"},
        {"SELECT sensor FROM r WHERE NOT temp;",
         "NOT needs a BOOLEAN operand, got DOUBLE"},
        {"SELECT SUM(sensor) FROM r;", "sum() needs a number, got TEXT"},
        {"SELECT COUNT(COUNT(*)) FROM r;",
         "aggregate functions cannot be nested"},
        {"SELECT sensor FROM r GROUP BY COUNT(*);",
         "aggregate functions are not allowed in GROUP BY"},
        {"SELECT temp, COUNT(*) FROM r GROUP BY sensor;",
         "line 1, column 8: column 'temp' must appear in the GROUP BY clause"},
        {"SELECT sensor FROM r GROUP BY 3;",
         "GROUP BY term out of range - should be between 1 and 1"},
        {"SELECT sensor FROM r ORDER BY 2;",
         "ORDER BY term out of range - should be between 1 and 1"},
        {"SELECT sensor FROM r LIMIT 'x';", "LIMIT needs an integer"},
        {"SELECT lower(sensor, 1) FROM r;",
         "wrong number of arguments to function lower()"},
        {"SELECT split(sensor, ' ') FROM r;",
         "split() returns an array and can only be used in UNNEST"},
        {"SELECT * , COUNT(*) FROM r;", "* cannot be used with GROUP BY"},
        {"SELECT CASE WHEN temp > 1 THEN 'a' ELSE 2 END FROM r;",
         "CASE branches have different types: TEXT and BIGINT"},
        {"SELECT sensor FROM r WHERE sensor IN (1, 2);",
         "IN list item of type BIGINT does not match TEXT"},
        {"SELECT TIMESTAMP 'yesterday' FROM r;",
         "invalid TIMESTAMP literal 'yesterday'"},
        {"SELECT line FROM lines, UNNEST(split(line, ' ')) AS t(a, b);",
         "UNNEST(split(...)) gives one column, but 2 names were given"},
        {"SELECT sensor FROM r, lines;", "not supported yet: joins"},
        {"SELECT COUNT(*) FROM r WINDOW TUMBLING (SIZE 2500 MILLISECONDS);",
         "line 1, column 46: window SIZE must be a multiple of the batch "
         "interval (1000 ms) in processing time"},
        {"SELECT SUM(DISTINCT temp) FROM r;",
         "not supported yet: sum(DISTINCT ...)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_assert_eq(ds_exec(e, cases[i].sql), DS_ERROR, "%s", cases[i].sql);
        cr_assert(strstr(ds_errmsg(e), cases[i].msg), "%s: got '%s'",
                  cases[i].sql, ds_errmsg(e));
    }
}
