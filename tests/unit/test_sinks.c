/*
** test_sinks.c - CREATE SINK and INSERT INTO sink SELECT: files in CSV,
** JSON and TEXT, SQLite tables, and the errors that name their place.
*/
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dstream.h"

static ds_engine *e;
static char dir[64];

static void setup(void) {
    ds_config cfg;
    ds_config_init(&cfg);
    cfg.clock = DS_CLOCK_VIRTUAL;
    cr_assert_eq(ds_open(&e, &cfg), DS_OK);
    strcpy(dir, "/tmp/dstream-sinks-XXXXXX");
    cr_assert(mkdtemp(dir));
}

static void teardown(void) {
    ds_close(e);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(sinks, .init = setup, .fini = teardown);

static void exec_ok(const char *fmt, ...) {
    char sql[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    cr_assert_eq(ds_exec(e, sql), DS_OK, "%s: %s", sql, ds_errmsg(e));
}

static void run_to_end(void) {
    int rc, n = 0;
    while ((rc = ds_step(e)) == DS_OK && n < 1000)
        n++;
    cr_assert_eq(rc, DS_DONE, "%s", ds_errmsg(e));
}

static char *slurp(const char *name) {
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    cr_assert(f, "%s", path);
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static void feed(void) {
    exec_ok("CREATE STREAM r (k TEXT, v DOUBLE, n BIGINT, ok BOOLEAN, "
            "ts TIMESTAMP) FROM QUEUE;"
            "INSERT INTO r VALUES ('a', 1.5, 1, true, '2026-01-01 00:00:01'),"
            " ('b,\"c\"', NULL, 2, false, NULL);"
            "INSERT INTO r VALUES ('a', 2.0, 3, NULL, '2026-01-01 00:00:03');");
}

Test(sinks, csv_file_with_header_and_quoting) {
    feed();
    exec_ok("CREATE SINK out TO FILE '%s/out.csv' FORMAT CSV;"
            "INSERT INTO out SELECT k, v, n, ok, ts FROM r;",
            dir);
    ds_queue_close(e, NULL);
    run_to_end();
    cr_assert_str_eq(slurp("out.csv"), "k,v,n,ok,ts\n"
                                       "a,1.5,1,true,2026-01-01 00:00:01\n"
                                       "\"b,\"\"c\"\"\",,2,false,\n"
                                       "a,2.0,3,,2026-01-01 00:00:03\n");
}

Test(sinks, json_lines_and_text) {
    feed();
    exec_ok("CREATE SINK j TO FILE '%s/out.jsonl' FORMAT JSON;"
            "CREATE SINK t TO FILE '%s/out.txt' FORMAT TEXT;"
            "INSERT INTO j SELECT k, v, ok, ts FROM r WHERE n < 3;"
            "INSERT INTO t SELECT upper(k) AS u FROM r;",
            dir, dir);
    ds_queue_close(e, NULL);
    run_to_end();
    cr_assert_str_eq(slurp("out.jsonl"),
                     "{\"k\":\"a\",\"v\":1.5,\"ok\":true,"
                     "\"ts\":\"2026-01-01 00:00:01\"}\n"
                     "{\"k\":\"b,\\\"c\\\"\",\"v\":null,\"ok\":false,"
                     "\"ts\":null}\n");
    cr_assert_str_eq(slurp("out.txt"), "A\nB,\"C\"\nA\n");
}

Test(sinks, append_keeps_what_was_there_without_a_second_header) {
    char path[128];
    snprintf(path, sizeof path, "%s/log.csv", dir);
    FILE *f = fopen(path, "w");
    fputs("k,n\nold,0\n", f);
    fclose(f);
    feed();
    exec_ok("CREATE SINK s TO FILE '%s' WITH (append = true);"
            "INSERT INTO s SELECT k, n FROM r WHERE n = 1;",
            path);
    ds_queue_close(e, NULL);
    run_to_end();
    cr_assert_str_eq(slurp("log.csv"), "k,n\nold,0\na,1\n");
}

Test(sinks, sqlite_table_per_batch_aggregates) {
    feed();
    exec_ok("CREATE SINK st TO SQLITE '%s/stats.db' TABLE stats;"
            "INSERT INTO st SELECT k, COUNT(*) AS c, SUM(v) AS s, "
            "MAX(ts) AS last FROM r GROUP BY k;",
            dir);
    ds_queue_close(e, NULL);
    run_to_end();
    char path[128];
    snprintf(path, sizeof path, "%s/stats.db", dir);
    sqlite3 *db;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db,
                                    "SELECT k || '|' || c || '|' || "
                                    "ifnull(s, 'NULL') || '|' || "
                                    "ifnull(last, 'NULL') FROM stats "
                                    "ORDER BY rowid",
                                    -1, &st, NULL),
                 SQLITE_OK);
    const char *want[] = {"a|1|1.5|2026-01-01 00:00:01", "b,\"c\"|1|NULL|NULL",
                          "a|1|2.0|2026-01-01 00:00:03"};
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        cr_assert(n < 3);
        cr_assert_str_eq((const char *)sqlite3_column_text(st, 0), want[n]);
        n++;
    }
    cr_assert_eq(n, 3);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

Test(sinks, errors_name_the_place) {
    feed();
    exec_ok("CREATE SINK s TO FILE '%s/s.csv';", dir);
    static const struct {
        const char *sql, *msg;
    } cases[] = {
        {"CREATE SINK x TO FILE '/nonexistent/dir/x.csv';",
         "line 1, column 23: cannot open /nonexistent/dir/x.csv"},
        {"CREATE SINK s TO FILE '/tmp/x.csv';", "s already exists"},
        {"CREATE SINK x TO FILE '/tmp/x.csv' WITH (bogus = true);",
         "line 1, column 42: unknown option 'bogus' for this sink"},
        {"CREATE SINK x TO SQLITE '/tmp/x.db' TABLE t FORMAT CSV;",
         "line 1, column 45: syntax error near 'FORMAT'"},
        {"CREATE SINK x TO FILE '/tmp/x.csv' WITH (header = 'maybe');",
         "option header needs true or false"},
        {"INSERT INTO r SELECT k, v, n, ok, ts FROM r;",
         "writes to a sink, and r is a stream"},
        {"INSERT INTO nosuch SELECT k FROM r;", "no such sink: nosuch"},
        {"DROP SINK nosuch;", "no such sink: nosuch"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_assert_neq(ds_exec(e, cases[i].sql), DS_OK, "%s", cases[i].sql);
        cr_assert(strstr(ds_errmsg(e), cases[i].msg), "%s: got '%s'",
                  cases[i].sql, ds_errmsg(e));
    }
    exec_ok("INSERT INTO s SELECT k FROM r;");
    cr_assert_neq(ds_exec(e, "INSERT INTO s SELECT n FROM r;"), DS_OK);
    cr_assert(strstr(ds_errmsg(e), "sink s is already written by query 1"));
    cr_assert_neq(ds_exec(e, "DROP SINK s;"), DS_OK);
    cr_assert(strstr(ds_errmsg(e), "sink s is written by query 1"));
    exec_ok("STOP QUERY 1; DROP SINK s; DROP SINK IF EXISTS s;");
}

Test(sinks, text_format_needs_one_column) {
    feed();
    exec_ok("CREATE SINK t TO FILE '%s/t.txt' FORMAT TEXT;", dir);
    cr_assert_neq(ds_exec(e, "INSERT INTO t SELECT k, n FROM r;"), DS_OK);
    cr_assert(strstr(ds_errmsg(e), "FORMAT TEXT writes one column, and the "
                                   "query gives 2"),
              "%s", ds_errmsg(e));
}
