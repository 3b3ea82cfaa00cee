/*
** sqlite_ref.c - the SQLite reference: the bench's workloads as plain SQL
** over the same input loaded into a table of an in-memory database.
**
**   sqlite_ref w1|w2|w3|w4|w5 FILE ROWS_PER_BATCH [SIZE] > out.csv
**
** Loading (timed as "import"): the file is read and inserted row by row
** through a prepared statement in one transaction, with b, the row's
** dstream batch number (1, 2, ...: ROWS_PER_BATCH rows each, file order);
** the text workloads insert one row per word (SQLite has no split), into
** words(b, word); the readings go into r(b, ts, sensor, temp), ts in
** microseconds. The query (timed as "query", writing its rows included)
** computes the workload per batch or per window with b. Prints
** "import_s=X query_s=Y version=V" on stderr. Run by bench/run.
*/
#include "bench_out.h"
#include "bench_parse.h"

#include <sqlite3.h>

static sqlite3 *db;

static void check(int rc, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "sqlite_ref: %s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

static void exec(const char *sql) {
    check(sqlite3_exec(db, sql, NULL, NULL, NULL), sql);
}

static sqlite3_stmt *prepare(const char *sql) {
    sqlite3_stmt *st;
    check(sqlite3_prepare_v2(db, sql, -1, &st, NULL), sql);
    return st;
}

static void step_reset(sqlite3_stmt *st) {
    check(sqlite3_step(st), "insert");
    sqlite3_reset(st);
}

/* Every line a batch number, one row for each of its words. */
static void load_words(const mapped *m, long long per_batch) {
    exec("CREATE TABLE words (b INTEGER, word TEXT)");
    sqlite3_stmt *ins = prepare("INSERT INTO words VALUES (?, ?)");
    size_t at = 0, wn, len;
    const char *line, *w;
    for (long long n = 0; next_line(m, &at, &line, &len); n++) {
        sqlite3_bind_int64(ins, 1, n / per_batch + 1);
        word_iter it = words_of(line, len);
        while (next_word(&it, &w, &wn)) {
            sqlite3_bind_text(ins, 2, w, (int)wn, SQLITE_STATIC);
            step_reset(ins);
        }
    }
    sqlite3_finalize(ins);
}

/* Every reading that converts a row with its batch number (a bad row takes
   no place in a batch). */
static void load_readings(const mapped *m, long long per_batch, int json) {
    exec("CREATE TABLE r (b INTEGER, ts INTEGER, sensor TEXT, temp REAL)");
    sqlite3_stmt *ins = prepare("INSERT INTO r VALUES (?, ?, ?, ?)");
    reading_in in = readings_of(m);
    reading r;
    for (long long n = 0; next_reading(&in, json, &r); n++) {
        sqlite3_bind_int64(ins, 1, n / per_batch + 1);
        if (r.has_ts)
            sqlite3_bind_int64(ins, 2, r.ts);
        else
            sqlite3_bind_null(ins, 2);
        sqlite3_bind_text(ins, 3, r.sensor, (int)r.sensor_n, SQLITE_STATIC);
        if (r.has_temp)
            sqlite3_bind_double(ins, 4, r.temp);
        else
            sqlite3_bind_null(ins, 4);
        step_reset(ins);
    }
    sqlite3_finalize(ins);
}

/*
** Runs sql and writes its rows as CSV; fmt has one letter per column:
** t text, i integer, d double, T a timestamp from integer microseconds.
*/
static void query(const char *sql, const char *fmt, obuf *out) {
    sqlite3_stmt *st = prepare(sql);
    int nc = (int)strlen(fmt), rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int c = 0; c < nc; c++) {
            if (c)
                ob_char(out, ',');
            if (sqlite3_column_type(st, c) == SQLITE_NULL)
                continue;
            switch (fmt[c]) {
            case 't':
                ob_csv_text(out, (const char *)sqlite3_column_text(st, c),
                            (size_t)sqlite3_column_bytes(st, c));
                break;
            case 'i':
                ob_i64(out, sqlite3_column_int64(st, c));
                break;
            case 'd':
                ob_double(out, sqlite3_column_double(st, c));
                break;
            default:
                ob_timestamp(out, sqlite3_column_int64(st, c));
            }
        }
        ob_char(out, '\n');
    }
    check(rc, sql);
    sqlite3_finalize(st);
}

static void run_w2(long long size, obuf *out) {
    char sql[4096];
    exec("CREATE TEMP TABLE p AS SELECT b, sensor, COUNT(*) AS c,"
         " COUNT(temp) AS v, SUM(temp) AS s, MIN(temp) AS mn, MAX(temp) AS mx"
         " FROM r GROUP BY b, sensor;"
         "CREATE INDEX p_bs ON p (b, sensor);");
    snprintf(sql, sizeof sql,
             "WITH RECURSIVE w(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM w"
             "  WHERE j < (SELECT MAX(b) FROM r) + %lld - 1),"
             " s AS (SELECT DISTINCT sensor FROM p),"
             " d AS (SELECT w.j AS b, s.sensor AS sensor, p.c, p.v, p.s, p.mn,"
             "  p.mx FROM w CROSS JOIN s LEFT JOIN p"
             "  ON p.b = w.j AND p.sensor = s.sensor),"
             " x AS (SELECT b, sensor, SUM(c) OVER win AS c,"
             "  SUM(v) OVER win AS v, SUM(s) OVER win AS s,"
             "  MIN(mn) OVER win AS mn, MAX(mx) OVER win AS mx FROM d"
             "  WINDOW win AS (PARTITION BY sensor ORDER BY b"
             "  ROWS BETWEEN %lld PRECEDING AND CURRENT ROW))"
             " SELECT b * 1000000, sensor, s / v, mn, mx, c FROM x"
             " WHERE c > 0",
             size, size - 1);
    query(sql, "Ttdddi", out);
}

/* W4: the watermark before each batch in a keyed table, then the rows that
   are not late, grouped by window. */
static void run_w4(obuf *out) {
    exec("CREATE TEMP TABLE wm (b INTEGER PRIMARY KEY, wprev INTEGER);"
         "INSERT INTO wm SELECT b, MAX(m) OVER (ORDER BY b ROWS BETWEEN"
         " UNBOUNDED PRECEDING AND 1 PRECEDING) - 3000000"
         " FROM (SELECT b, MAX(ts) AS m FROM r GROUP BY b);");
    query("SELECT w * 5000000, sensor, COUNT(*), AVG(temp) FROM"
          " (SELECT r.ts / 5000000 AS w, r.sensor, r.temp FROM r JOIN wm"
          "  ON wm.b = r.b WHERE r.ts IS NOT NULL AND (wm.wprev IS NULL"
          "  OR (r.ts / 5000000 + 1) * 5000000 > wm.wprev))"
          " GROUP BY w, sensor",
          "Ttid", out);
}

static const char *W5_SQL =
    "WITH c AS (SELECT (b - 1) / 10 AS w, word, COUNT(*) AS n FROM words"
    "  GROUP BY w, word),"
    " k AS (SELECT w, word, n, ROW_NUMBER() OVER (PARTITION BY w"
    "  ORDER BY n DESC, word) AS rn FROM c)"
    " SELECT (w + 1) * 10000000, word, n FROM k WHERE rn <= 10";

int main(int argc, char **argv) {
    if (argc < 4 || argc > 5)
        die("usage: sqlite_ref w1|w2|w3|w4|w5 FILE ROWS_PER_BATCH [SIZE]%s",
            "");
    const char *w = argv[1];
    long long per_batch = atoll(argv[3]);
    long long size = argc > 4 ? atoll(argv[4]) : 60;
    if (per_batch <= 0 || size <= 0)
        die("bad arguments%s", "");
    if (sqlite3_open(":memory:", &db) != SQLITE_OK)
        die("cannot open SQLite%s", "");
    exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
         "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -1000000;");
    obuf out;
    ob_init(&out, 1);

    double t0 = now_sec();
    mapped m = map_file(argv[2]);
    exec("BEGIN");
    if (!strcmp(w, "w1") || !strcmp(w, "w5"))
        load_words(&m, per_batch);
    else
        load_readings(&m, per_batch, !strcmp(w, "w4"));
    exec("COMMIT");
    double t1 = now_sec();

    if (!strcmp(w, "w1"))
        query("SELECT word, COUNT(*) FROM words GROUP BY b, word", "ti", &out);
    else if (!strcmp(w, "w2"))
        run_w2(size, &out);
    else if (!strcmp(w, "w3"))
        query("SELECT ts, sensor, temp FROM r WHERE temp > 34.5", "Ttd", &out);
    else if (!strcmp(w, "w4"))
        run_w4(&out);
    else if (!strcmp(w, "w5"))
        query(W5_SQL, "Tti", &out);
    else
        die("unknown workload %s", w);
    ob_flush(&out);
    double t2 = now_sec();
    fprintf(stderr, "import_s=%.6f query_s=%.6f version=%s\n", t1 - t0, t2 - t1,
            sqlite3_libversion());
    ob_fini(&out);
    sqlite3_close(db);
    return 0;
}
