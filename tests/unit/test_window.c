/*
** test_window.c - windows: the DABA Lite queue (of slots and of rows)
** against naive folds, the
** emission schedule of each window kind, event time with late rows and
** LATE INTO, results that do not depend on how in-order input is cut into
** batches, and state that stays flat over a long run, with a fixed key set
** and with keys that come and go.
*/
#include <criterion/criterion.h>

#include "collect.h"
#include "runtime/daba.h"
#include "runtime/slot.h"

/* ------------------------------------------------------------- DABA */

Test(window, daba_matches_a_naive_fold) {
    /* one BIGINT MIN, one DOUBLE MAX and one DOUBLE SUM over a FIFO */
    ds_aggdef def;
    memset(&def, 0, sizeof def);
    ds_aggspec specs[3] = {
        {DS_AGG_MIN, DS_BIGINT, DS_BIGINT, NULL, "min"},
        {DS_AGG_MAX, DS_DOUBLE, DS_DOUBLE, NULL, "max"},
        {DS_AGG_SUM, DS_DOUBLE, DS_DOUBLE, NULL, "sum"},
    };
    def.naggs = 3;
    def.aggs = specs;
    ds_slotlayout lay;
    ds__slot_layout(&lay, &def, DS_SLOT_COMBINE);
    cr_assert_eq(lay.nfields, 3);
    ds_daba d;
    ds__daba_init(&d);
    enum { N = 20000 };
    static int64_t iv[N];
    static double dv[N];
    uint64_t seed = 42;
    int64_t head = 0, tail = 0;
    char slot[64], out[64], msg[64];
    for (int step = 0; step < N * 2; step++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        int r = (int)(seed >> 33) % 100;
        /* windows that grow and shrink, with long flat stretches */
        int insert =
            tail - head < 2 || (tail < N && r < (step % 3000 < 1500 ? 60 : 45));
        if (insert && tail < N) {
            iv[tail] = (int64_t)(seed >> 40) % 1000 - 500;
            dv[tail] = (double)((seed >> 20) % 100000) / 7.0;
            ds__slot_clear(&lay, slot);
            int64_t *p = (int64_t *)(slot + lay.fields[0].offset);
            p[0] = iv[tail];
            p[1] = 1;
            double *q = (double *)(slot + lay.fields[1].offset);
            q[0] = dv[tail];
            ((int64_t *)q)[1] = 1;
            q = (double *)(slot + lay.fields[2].offset);
            q[0] = dv[tail];
            ((int64_t *)q)[1] = 1;
            cr_assert_eq(ds__daba_insert(&d, &lay, slot, msg, sizeof msg),
                         DS_OK);
            tail++;
        } else if (tail > head) {
            cr_assert_eq(ds__daba_evict(&d, &lay, msg, sizeof msg), DS_OK);
            head++;
        }
        cr_assert_eq(ds__daba_size(&d), (uint64_t)(tail - head));
        cr_assert_eq(ds__daba_query(&d, &lay, out, msg, sizeof msg), DS_OK);
        int64_t mn = INT64_MAX;
        double mx = -1e300, sum = 0;
        for (int64_t k = head; k < tail; k++) {
            if (iv[k] < mn)
                mn = iv[k];
            if (dv[k] > mx)
                mx = dv[k];
            sum += dv[k];
        }
        if (tail == head)
            continue;
        cr_assert_eq(*(int64_t *)(out + lay.fields[0].offset), mn, "step %d",
                     step);
        cr_assert_eq(*(double *)(out + lay.fields[1].offset), mx);
        double got = *(double *)(out + lay.fields[2].offset);
        cr_assert(got - sum < 1e-6 * (sum > 1 ? sum : 1) &&
                      sum - got < 1e-6 * (sum > 1 ? sum : 1),
                  "sum %f vs %f", got, sum);
    }
    ds__daba_fini(&d);
}

Test(window, daba_rows_match_naive_folds_per_column) {
    /* a queue of rows: each column (a DOUBLE MIN and SUM) must equal a
       fold of that column alone, with the identity where a row has no
       value, while columns are added along the way */
    ds_aggdef def;
    memset(&def, 0, sizeof def);
    ds_aggspec specs[2] = {
        {DS_AGG_MIN, DS_DOUBLE, DS_DOUBLE, NULL, "min"},
        {DS_AGG_SUM, DS_DOUBLE, DS_DOUBLE, NULL, "sum"},
    };
    def.naggs = 2;
    def.aggs = specs;
    ds_slotlayout lay;
    ds__slot_layout(&lay, &def, DS_SLOT_COMBINE);
    enum { N = 3000, W = 16, MOST = 40 };
    static double v[N][W];
    static uint8_t has[N][W];
    ds_daba d;
    cr_assert_eq(ds__daba_rows(&d, &lay, W, MOST), DS_OK);
    d.live = 4;
    uint64_t seed = 7;
    int64_t head = 0, tail = 0;
    char out[64], msg[64];
    for (int step = 0; step < N * 2; step++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        int r = (int)(seed >> 33) % 100;
        if (step == 500)
            d.live = 10; /* new columns: the identity in every row so far */
        if (step == 1500)
            d.live = W;
        /* mostly a window of about 30 rows, sometimes longer than MOST */
        int want = step % 2000 < 1000 ? 30 : 60;
        if (tail < N && (tail - head < want || r < 40)) {
            char *row = ds__daba_row_next(&d, &lay);
            cr_assert_not_null(row);
            for (uint32_t c = 0; c < d.live; c++) {
                seed = seed * 6364136223846793005ULL + 1;
                has[tail][c] = (seed >> 60) < 12;
                v[tail][c] = (double)((seed >> 20) % 10000) / 8.0 - 300;
                if (!has[tail][c])
                    continue;
                double *q = (double *)(row + (size_t)c * (size_t)lay.size);
                q[0] = v[tail][c];
                ((int64_t *)q)[1] = 1;
                q = (double *)(row + (size_t)c * (size_t)lay.size +
                               lay.fields[1].offset);
                q[0] = v[tail][c];
                ((int64_t *)q)[1] = 1;
            }
            cr_assert_eq(ds__daba_row_insert(&d, &lay, msg, sizeof msg), DS_OK);
            tail++;
        } else if (tail > head) {
            cr_assert_eq(ds__daba_evict(&d, &lay, msg, sizeof msg), DS_OK);
            head++;
        }
        for (uint32_t c = 0; c < d.live; c++) {
            cr_assert_eq(
                ds__daba_row_query(&d, &lay, (int)c, out, msg, sizeof msg),
                DS_OK);
            double mn = 0, sum = 0;
            int64_t cnt = 0;
            for (int64_t k = head; k < tail; k++) {
                if (!has[k][c]) /* also: columns added after row k */
                    continue;
                if (!cnt || v[k][c] < mn)
                    mn = v[k][c];
                sum += v[k][c];
                cnt++;
            }
            cr_assert_eq(*(int64_t *)(out + 8), cnt, "step %d col %u", step, c);
            if (!cnt)
                continue;
            cr_assert_eq(*(double *)out, mn, "step %d col %u", step, c);
            double got = *(double *)(out + lay.fields[1].offset);
            cr_assert(got - sum < 1e-9 * 1e6 && sum - got < 1e-9 * 1e6,
                      "step %d col %u: sum %f vs %f", step, c, got, sum);
        }
    }
    ds__daba_fini(&d);
}

/* ------------------------------------------------------ through SQL */

static ds_engine *e;
static collect out;

static void open_engine(int64_t interval_us) {
    ds_config cfg;
    ds_config_init(&cfg);
    cfg.clock = DS_CLOCK_VIRTUAL;
    cfg.batch_interval_us = interval_us;
    cfg.on_result = collect_fn;
    cfg.on_result_user = &out;
    memset(&out, 0, sizeof out);
    cr_assert_eq(ds_open(&e, &cfg), DS_OK);
}

static void close_engine(void) {
    ds_close(e);
    e = NULL;
    collect_free(&out);
}

static void exec_ok(const char *sql) {
    cr_assert_eq(ds_exec(e, sql), DS_OK, "%s: %s", sql, ds_errmsg(e));
}

static void run_to_end(void) {
    int rc, n = 0;
    while ((rc = ds_step(e)) == DS_OK && n < 100000)
        n++;
    cr_assert_eq(rc, DS_DONE, "ds_step: %s", ds_errmsg(e));
}

static void expect_output(const char *want) {
    char *got = collect_text(&out);
    cr_assert_str_eq(got, want);
    free(got);
}

Test(window, processing_time_sliding_emits_every_slide) {
    open_engine(1000000);
    exec_ok("CREATE STREAM q (x BIGINT) FROM QUEUE;"
            "SELECT SUM(x) AS s, COUNT(*) AS n FROM q "
            "WINDOW SLIDING (SIZE 3 SECONDS, SLIDE 2 SECONDS);"
            "INSERT INTO q VALUES (1); INSERT INTO q VALUES (2);"
            "INSERT INTO q VALUES (4); INSERT INTO q VALUES (8);"
            "INSERT INTO q VALUES (16);");
    ds_queue_close(e, NULL);
    run_to_end();
    /* windows end at 2, 4, 6: (-1,2] has batches 1-2, (1,4] 2-4, (3,6]
       4-5 (the last flushed: it holds rows) */
    expect_output("q1 b2 w[1969-12-31 23:59:59,1970-01-01 00:00:02): 3|2\n"
                  "q1 b4 w[1970-01-01 00:00:01,1970-01-01 00:00:04): 14|3\n"
                  "q1 b5 w[1970-01-01 00:00:03,1970-01-01 00:00:06): 24|2\n");
    close_engine();
}

Test(window, processing_time_tumbling_emits_empty_windows) {
    open_engine(1000000);
    exec_ok("CREATE STREAM q (w TEXT) FROM QUEUE;"
            "SELECT w, COUNT(*) AS n FROM q WINDOW TUMBLING (SIZE 2 SECONDS) "
            "GROUP BY w;"
            "SELECT COUNT(*) AS n FROM q WINDOW TUMBLING (SIZE 2 SECONDS);"
            "INSERT INTO q VALUES ('a'), ('b'); INSERT INTO q VALUES ('a');");
    cr_assert_eq(ds_step(e), DS_OK);
    cr_assert_eq(ds_step(e), DS_OK);
    cr_assert_eq(ds_step(e), DS_OK);
    cr_assert_eq(ds_step(e), DS_OK);
    expect_output("q1 b2 w[1970-01-01 00:00:00,1970-01-01 00:00:02): a|2\n"
                  "q1 b2 w[1970-01-01 00:00:00,1970-01-01 00:00:02): b|1\n"
                  "q2 b2 w[1970-01-01 00:00:00,1970-01-01 00:00:02): 3\n"
                  "q1 b4 w[1970-01-01 00:00:02,1970-01-01 00:00:04): (empty)\n"
                  "q2 b4 w[1970-01-01 00:00:02,1970-01-01 00:00:04): 0\n");
    close_engine();
}

Test(window, event_time_late_rows_go_to_late_into) {
    open_engine(1000000);
    exec_ok("CREATE STREAM r (k TEXT, ts TIMESTAMP) FROM QUEUE;"
            "SELECT k, COUNT(*) AS n FROM r WINDOW TUMBLING (SIZE 10 SECONDS) "
            "ON ts WATERMARK 5 SECONDS LATE INTO late GROUP BY k;"
            "SELECT k, ts FROM late;"
            "INSERT INTO r VALUES ('a', '2026-01-01 00:00:01'),"
            " ('a', '2026-01-01 00:00:09');"
            "INSERT INTO r VALUES ('b', '2026-01-01 00:00:16');"
            /* W = 11: [0,10) closed; a row at 8 is late, one at 12 not */
            "INSERT INTO r VALUES ('c', '2026-01-01 00:00:08'),"
            " ('d', '2026-01-01 00:00:12'), ('e', NULL);");
    ds_queue_close(e, NULL);
    run_to_end();
    expect_output("q2 b1: (empty)\n"
                  "q1 b2 w[2026-01-01 00:00:00,2026-01-01 00:00:10): a|2\n"
                  "q2 b2: (empty)\n"
                  "q1 b3 w[2026-01-01 00:00:10,2026-01-01 00:00:20): b|1\n"
                  "q1 b3 w[2026-01-01 00:00:10,2026-01-01 00:00:20): d|1\n"
                  "q2 b3: c|2026-01-01 00:00:08\n"
                  "q2 b3: e|NULL\n");
    close_engine();
}

Test(window, sliding_event_time_counts_rows_late_for_some_windows_only) {
    open_engine(1000000);
    /* windows of 4 s every 2 s; W = max - 0 */
    exec_ok("CREATE STREAM r (x BIGINT, ts TIMESTAMP) FROM QUEUE;"
            "SELECT SUM(x) AS s, MAX(x) AS m FROM r WINDOW SLIDING (SIZE 4 "
            "SECONDS, SLIDE 2 SECONDS) ON ts;"
            "INSERT INTO r VALUES (1, '1970-01-01 00:00:01'),"
            " (2, '1970-01-01 00:00:03');"
            "INSERT INTO r VALUES (4, '1970-01-01 00:00:05');"
            /* W was 5: windows ending at 2 and 4 closed; a row at 3 belongs
               to [0,4) (closed) and [2,6) (open): it counts in [2,6) */
            "INSERT INTO r VALUES (100, '1970-01-01 00:00:03');");
    ds_queue_close(e, NULL);
    run_to_end();
    expect_output("q1 b1 w[1969-12-31 23:59:58,1970-01-01 00:00:02): 1|1\n"
                  "q1 b2 w[1970-01-01 00:00:00,1970-01-01 00:00:04): 3|2\n"
                  "q1 b3 w[1970-01-01 00:00:02,1970-01-01 00:00:06): 106|100\n"
                  "q1 b3 w[1970-01-01 00:00:04,1970-01-01 00:00:08): 4|4\n");
    close_engine();
}

/* Runs the query over the same in-order event-time rows pushed in chunks
   of `cut` rows; returns the emissions without batch numbers. */
static char *run_cut(const char *query, int cut) {
    open_engine(1000000);
    exec_ok("CREATE STREAM r (k TEXT, v DOUBLE, ts TIMESTAMP) FROM QUEUE "
            "FORMAT CSV;");
    ds_query *q;
    collect mine = {0};
    cr_assert_eq(ds_query_open(e, query, collect_fn, &mine, &q), DS_OK, "%s",
                 ds_errmsg(e));
    char buf[1 << 16];
    size_t len = 0;
    uint64_t seed = 7;
    int in_chunk = 0;
    for (int i = 0; i < 3000; i++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        /* in order, with gaps and bursts */
        int64_t ms = (int64_t)i * 700 + (i / 500) * 20000;
        len += (size_t)snprintf(buf + len, sizeof buf - len,
                                "k%d,%d.%d,%lld.%03lld\n", (int)(seed >> 60),
                                (int)(seed >> 50) % 100, (int)(seed >> 40) % 10,
                                (long long)(ms / 1000), (long long)(ms % 1000));
        if (++in_chunk == cut || i == 2999) {
            cr_assert_eq(ds_push(e, "r", buf, len), DS_OK, "%s", ds_errmsg(e));
            len = 0;
            in_chunk = 0;
        }
    }
    ds_queue_close(e, NULL);
    run_to_end();
    ds_query_close(q);
    /* drop the batch numbers: "q1 b12 w[...]: ..." -> "w[...]: ..." */
    for (int k = 0; k < mine.n; k++) {
        char *w = strchr(mine.lines[k], 'w');
        memmove(mine.lines[k], w, strlen(w) + 1);
    }
    qsort(mine.lines, (size_t)mine.n, sizeof(char *), cmp_str);
    char *t = collect_text(&mine);
    collect_free(&mine);
    close_engine();
    return t;
}

Test(window, in_order_results_do_not_depend_on_batch_cuts) {
    const char *queries[] = {
        "SELECT k, COUNT(*) AS n, round(SUM(v), 6) AS s, MIN(v) AS lo, "
        "MAX(v) AS hi FROM r WINDOW TUMBLING (SIZE 5 SECONDS) ON ts GROUP BY "
        "k;",
        "SELECT k, COUNT(*) AS n, round(AVG(v), 6) AS a, MAX(v) AS hi, "
        "COUNT(DISTINCT v) AS d FROM r WINDOW SLIDING (SIZE 10 SECONDS, SLIDE "
        "2 SECONDS) ON ts GROUP BY k;",
        "SELECT k, COUNT(*) AS n, MIN(v) AS lo FROM r WINDOW SESSION (GAP 3 "
        "SECONDS) ON ts GROUP BY k;",
        "SELECT COUNT(*) AS n, MAX(ts) AS last FROM r WINDOW SLIDING (SIZE 6 "
        "SECONDS, SLIDE 3 SECONDS) ON ts;",
    };
    for (size_t qi = 0; qi < sizeof queries / sizeof queries[0]; qi++) {
        char *one = run_cut(queries[qi], 1);
        char *seven = run_cut(queries[qi], 7);
        char *many = run_cut(queries[qi], 1000);
        cr_assert(strlen(one) > 100, "query %zu gave too little", qi);
        cr_assert_str_eq(one, seven, "query %zu: cuts 1 and 7 differ", qi);
        cr_assert_str_eq(one, many, "query %zu: cuts 1 and 1000 differ", qi);
        free(one);
        free(seven);
        free(many);
    }
}

static int64_t state_bytes;
static int metrics_fn(void *user, const ds_result *r) {
    (void)user;
    for (int c = 0; c < ds_result_column_count(r); c++)
        if (!strcmp(ds_result_column_name(r, c), "state_bytes"))
            state_bytes = ds_result_int64(r, 0, c);
    return 0;
}

/*
** Runs query over `batches` batches, each of `steady` keys seen in every
** batch and `once` keys seen in that batch only, and checks that the
** state at the end is within 20% of the state at batch `first`.
*/
static void check_state_flat(const char *query, int steady, int once, int first,
                             int batches) {
    ds_config cfg;
    ds_config_init(&cfg);
    cfg.clock = DS_CLOCK_VIRTUAL;
    cfg.on_result = metrics_fn;
    cr_assert_eq(ds_open(&e, &cfg), DS_OK);
    exec_ok("CREATE STREAM r (k TEXT, v DOUBLE) FROM QUEUE FORMAT CSV;");
    ds_query *q;
    cr_assert_eq(ds_query_open(e, query, NULL, NULL, &q), DS_OK);
    int64_t at_first = 0;
    char buf[8192];
    for (int b = 1; b <= batches; b++) {
        size_t len = 0;
        for (int k = 0; k < steady; k++)
            len += (size_t)snprintf(buf + len, sizeof buf - len, "key%d,%d\n",
                                    k, (b * 31 + k * 7) % 1000);
        for (int k = 0; k < once; k++)
            len += (size_t)snprintf(buf + len, sizeof buf - len,
                                    "once%d_%d,%d.5\n", b, k, k);
        cr_assert_eq(ds_push(e, "r", buf, len), DS_OK);
        cr_assert_eq(ds_step(e), DS_OK);
        if (b == first || b == batches) {
            exec_ok("SHOW METRICS;");
            if (b == first)
                at_first = state_bytes;
        }
    }
    cr_assert(at_first > 0);
    cr_assert(state_bytes < at_first * 12 / 10, "state grew from %lld to %lld",
              (long long)at_first, (long long)state_bytes);
    ds_query_close(q);
    ds_close(e);
}

Test(window, state_stays_flat_with_a_fixed_key_set) {
    check_state_flat("SELECT k, AVG(v) AS a, MIN(v) AS lo, MAX(v) AS hi, "
                     "COUNT(DISTINCT k) AS d FROM r WINDOW SLIDING (SIZE 20 "
                     "SECONDS, SLIDE 1 SECOND) GROUP BY k;",
                     50, 0, 500, 2000);
}

Test(window, state_stays_flat_with_keys_that_come_and_go) {
    /* the steady keys share the rows, the others get queues of their own,
       and the state follows the (pane, key) pairs of the window */
    check_state_flat("SELECT k, MIN(v) AS lo, SUM(v) AS s FROM r WINDOW "
                     "SLIDING (SIZE 30 SECONDS, SLIDE 1 SECOND) GROUP BY k;",
                     10, 40, 300, 1000);
}

Test(window, planning_errors) {
    open_engine(1000000);
    exec_ok("CREATE STREAM r (k TEXT, ts TIMESTAMP, n BIGINT) FROM QUEUE;");
    struct {
        const char *sql, *msg;
    } cases[] = {
        {"SELECT COUNT(*) FROM r WINDOW SLIDING (SIZE 2 SECONDS, SLIDE 1500 "
         "MILLISECONDS);",
         "window SLIDE must be a multiple of the batch interval"},
        {"SELECT COUNT(*) FROM r WINDOW SLIDING (SIZE 2 SECONDS, SLIDE 3 "
         "SECONDS);",
         "window SLIDE must not be larger than SIZE"},
        {"SELECT COUNT(*) FROM r WINDOW TUMBLING (SIZE 2 SECONDS) ON n;",
         "the event-time column n must be a TIMESTAMP"},
        {"SELECT COUNT(*) FROM r WINDOW TUMBLING (SIZE 2 SECONDS) ON nope;",
         "no such column: nope"},
        {"SELECT COUNT(*) FROM r WINDOW TUMBLING (SIZE 2 SECONDS) "
         "WATERMARK 1 SECOND;",
         "syntax error"},
        {"SELECT k, COUNT(*) FROM r EMIT CHANGES GROUP BY k;",
         "EMIT CHANGES needs a WINDOW clause"},
        {"SELECT COUNT(*), window_start FROM r WINDOW COUNT (SIZE 3);",
         "window_start can only be used after a time window"},
        {"SELECT k FROM r WINDOW SESSION (GAP 2 SECONDS);",
         "SESSION and COUNT windows need aggregates"},
        {"SELECT window_start, COUNT(*) FROM r;",
         "window_start can only be used after a time window"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_assert_neq(ds_exec(e, cases[i].sql), DS_OK, "%s", cases[i].sql);
        cr_assert(strstr(ds_errmsg(e), cases[i].msg), "%s: got '%s'",
                  cases[i].sql, ds_errmsg(e));
    }
    close_engine();
}
