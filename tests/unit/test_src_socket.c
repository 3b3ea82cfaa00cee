/*
** test_src_socket.c - FROM SOCKET (a TCP client) and FROM SOCKET LISTEN (a
** TCP server) through the C API, over real loopback sockets on OS-chosen
** ports: lines split across segments, reconnecting with backoff, the end
** of a reconnect = false source, several clients at once, clients that
** disconnect mid-line, and bounded memory under a fast writer.
*/
#include <criterion/criterion.h>
#include <netinet/tcp.h>

#include "engine/engine.h"
#include "srctest.h"

static ds_engine *e;
static st_rows rows, stmt;
static st_logs logs;

static void setup(void) {
    st_rows_init(&rows);
    st_rows_init(&stmt);
    st_logs_init(&logs);
    ds_config cfg;
    ds_config_init(&cfg);
    cfg.batch_interval_us = 50000;
    cfg.on_log = st_log_fn;
    cfg.on_log_user = &logs;
    cfg.on_result = st_rows_fn;
    cfg.on_result_user = &stmt;
    cr_assert_eq(ds_open(&e, &cfg), DS_OK);
}

static void teardown(void) {
    ds_close(e);
    st_rows_free(&rows);
    st_rows_free(&stmt);
    st_logs_free(&logs);
}

TestSuite(socket, .init = setup, .fini = teardown, .timeout = 60);
TestSuite(listen, .init = setup, .fini = teardown, .timeout = 60);

static void exec_ok(const char *sql) {
    cr_assert_eq(ds_exec(e, sql), DS_OK, "%s: %s", sql, ds_errmsg(e));
}

static void query(const char *sql) {
    ds_query *q;
    cr_assert_eq(ds_query_open(e, sql, st_rows_fn, &rows, &q), DS_OK, "%s",
                 ds_errmsg(e));
}

static void create_client(const char *addr, const char *with) {
    char sql[512];
    snprintf(sql, sizeof sql,
             "CREATE STREAM l (line TEXT) FROM SOCKET '%s'%s%s;", addr,
             with ? " WITH " : "", with ? with : "");
    exec_ok(sql);
}

/* LISTEN on an OS-chosen port; returns the port (from the log). */
static int create_listener(const char *with) {
    char sql[1024];
    snprintf(sql, sizeof sql,
             "CREATE STREAM l (line TEXT) FROM SOCKET LISTEN '127.0.0.1:0'"
             "%s%s;",
             with ? " WITH " : "", with ? with : "");
    exec_ok(sql);
    return 0;
}

static int listen_port(void) {
    char line[640];
    cr_assert(ST_WAIT(
        st_logs_find(&logs, "listening on 127.0.0.1:", line, sizeof line),
        5000));
    return atoi(strrchr(line, ':') + 1);
}

Test(socket, lines_split_across_segments) {
    int port = 0, lfd = st_listen(0, &port);
    cr_assert(lfd >= 0);
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%d", port);
    create_client(addr, "(reconnect = false)");
    query("SELECT line FROM l;");
    cr_assert_eq(ds_start(e), DS_OK);
    int c = st_accept(lfd, 5000);
    cr_assert(c >= 0);
    int one = 1;
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const char *text = "hello\nwor";
    for (const char *p = text; *p; p++) {
        cr_assert_eq(st_write_all(c, p, 1), 0);
        st_sleep_ms(2);
    }
    st_sleep_ms(120); /* a batch runs while "wor" waits for its end */
    st_write_all(c, "ld\r\n\r\nlast", 10);
    close(c);
    /* EOF with reconnect = false ends the source, then the query */
    cr_assert_eq(ds_await_termination(e, 10000), DS_OK);
    cr_assert_eq(st_rows_count(&rows), 4);
    cr_assert_str_eq(rows.v[0], "hello");
    cr_assert_str_eq(rows.v[1], "world");
    cr_assert_str_eq(rows.v[2], "");
    cr_assert_str_eq(rows.v[3], "last");
    close(lfd);
}

/* A listening socket on 127.0.0.1:port (a port used before). */
static int listen_again(int port) {
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)port);
    cr_assert_eq(bind(lfd, (struct sockaddr *)&a, sizeof a), 0, "bind: %s",
                 strerror(errno));
    cr_assert_eq(listen(lfd, 4), 0);
    return lfd;
}

Test(socket, reconnects_after_the_server_comes_back) {
    int port = 0, lfd = st_listen(0, &port);
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%d", port);
    create_client(addr, "(reconnect_delay = 20 MILLISECONDS)");
    query("SELECT line FROM l;");
    cr_assert_eq(ds_start(e), DS_OK);
    int c = st_accept(lfd, 5000);
    cr_assert(c >= 0);
    st_write_all(c, "a\nb\n", 4);
    close(c);
    close(lfd); /* the server goes away ... */
    cr_assert(ST_WAIT(st_logs_find(&logs, "W cannot connect", NULL, 0), 5000));
    cr_assert(st_logs_find(&logs, "closed by the peer; reconnecting", NULL, 0));
    lfd = listen_again(port); /* ... and comes back */
    c = st_accept(lfd, 10000);
    cr_assert(c >= 0, "the source did not reconnect");
    st_write_all(c, "c\n", 2);
    cr_assert(ST_WAIT(st_rows_count(&rows) == 3, 5000));
    cr_assert_eq(st_rows_has(&rows, "a"), 1);
    cr_assert_eq(st_rows_has(&rows, "b"), 1);
    cr_assert_eq(st_rows_has(&rows, "c"), 1);
    cr_assert_eq(ds_await_termination(e, 0), DS_TIMEOUT); /* still runs */
    ds_stop(e, 1);
    cr_assert_eq(ds_await_termination(e, 5000), DS_OK);
    close(c);
    close(lfd);
}

Test(socket, refused_connections_back_off_and_recover) {
    int port = st_free_port();
    char addr[64];
    snprintf(addr, sizeof addr, "127.0.0.1:%d", port);
    create_client(addr, "(reconnect_delay = 20 MILLISECONDS, "
                        "reconnect_max_delay = 80 MILLISECONDS)");
    query("SELECT line FROM l;");
    int64_t t0 = st_now_ms();
    cr_assert_eq(ds_start(e), DS_OK);
    cr_assert(
        ST_WAIT(st_logs_find(&logs, "retrying in 80 ms", NULL, 0) >= 2, 5000));
    int64_t took = st_now_ms() - t0;
    char want[128];
    snprintf(want, sizeof want, "W cannot connect to %s: Connection refused",
             addr);
    int tries = st_logs_find(&logs, want, NULL, 0);
    cr_assert(tries >= 4, "%d", tries);
    /* 20 + 40 + 80 ms at least: no spinning */
    cr_assert(took >= 130, "%lld ms", (long long)took);
    cr_assert(tries <= 2 + took / 60, "%d tries in %lld ms", tries,
              (long long)took);
    cr_assert_eq(st_logs_find(&logs, "retrying in 20 ms", NULL, 0), 1);
    cr_assert_eq(st_logs_find(&logs, "retrying in 40 ms", NULL, 0), 1);
    /* the address comes up: the source connects */
    int lfd = listen_again(port);
    int c = st_accept(lfd, 5000);
    cr_assert(c >= 0);
    st_write_all(c, "up\n", 3);
    cr_assert(ST_WAIT(st_rows_has(&rows, "up") == 1, 5000));
    ds_stop(e, 1);
    close(c);
    close(lfd);
}

Test(socket, host_names_and_ipv6) {
    int port = 0, lfd = st_listen(0, &port);
    int port6 = 0, lfd6 = st_listen(1, &port6);
    char sql[256];
    snprintf(sql, sizeof sql,
             "CREATE STREAM a (line TEXT) FROM SOCKET 'localhost:%d' "
             "WITH (reconnect = false);",
             port);
    exec_ok(sql);
    query("SELECT line FROM a;");
    if (lfd6 >= 0) {
        snprintf(sql, sizeof sql,
                 "CREATE STREAM b (line TEXT) FROM SOCKET '[::1]:%d' "
                 "WITH (reconnect = false);",
                 port6);
        exec_ok(sql);
        query("SELECT line FROM b;");
    }
    cr_assert_eq(ds_start(e), DS_OK);
    int c = st_accept(lfd, 5000);
    cr_assert(c >= 0);
    st_write_all(c, "via localhost\n", 14);
    close(c);
    if (lfd6 >= 0) {
        c = st_accept(lfd6, 5000);
        cr_assert(c >= 0);
        st_write_all(c, "via ipv6\n", 9);
        close(c);
    }
    cr_assert_eq(ds_await_termination(e, 10000), DS_OK);
    cr_assert_eq(st_rows_has(&rows, "via localhost"), 1);
    if (lfd6 >= 0)
        cr_assert_eq(st_rows_has(&rows, "via ipv6"), 1);
    close(lfd);
    if (lfd6 >= 0)
        close(lfd6);
}

Test(socket, address_errors) {
    cr_assert_neq(ds_exec(e, "CREATE STREAM l (line TEXT) FROM SOCKET "
                             "'::1:9000';"),
                  DS_OK);
    cr_assert(strstr(ds_errmsg(e), "[::1]:9000"), "%s", ds_errmsg(e));
    cr_assert_neq(
        ds_exec(e, "CREATE STREAM l (line TEXT) FROM SOCKET 'localhost';"),
        DS_OK);
    cr_assert(strstr(ds_errmsg(e), "expected host:port"), "%s", ds_errmsg(e));
    cr_assert_neq(ds_exec(e, "CREATE STREAM l (line TEXT) FROM SOCKET "
                             "'localhost:9000' WITH (folow = true);"),
                  DS_OK);
    cr_assert(strstr(ds_errmsg(e), "unknown option 'folow' for a SOCKET "
                                   "stream"),
              "%s", ds_errmsg(e));
    cr_assert_eq(ds_error_offset(e), 63);
    int port = 0, lfd = st_listen(0, &port);
    char sql[256];
    snprintf(sql, sizeof sql,
             "CREATE STREAM l (line TEXT) FROM SOCKET LISTEN '%d';", port);
    cr_assert_neq(ds_exec(e, sql), DS_OK);
    cr_assert(strstr(ds_errmsg(e), "Address already in use"), "%s",
              ds_errmsg(e));
    close(lfd);
}

/* ---------------------------------------------------------------- LISTEN */

typedef struct writer {
    int port, id, lines;
    unsigned seed;
} writer;

/* Writes lines "<id> <i>" in chunks of random sizes. */
static void *write_lines(void *arg) {
    writer *w = arg;
    int fd = st_connect(w->port);
    if (fd < 0)
        return NULL;
    char buf[65536];
    size_t at = 0;
    for (int i = 0; i < w->lines; i++) {
        at += (size_t)snprintf(buf + at, sizeof buf - at, "%d %d\n", w->id, i);
        size_t cut = (size_t)(rand_r(&w->seed) % 4000) + 1;
        if (at >= cut || at > sizeof buf - 64) {
            size_t half = at / 2; /* a line split across writes */
            st_write_all(fd, buf, half);
            st_write_all(fd, buf + half, at - half);
            at = 0;
        }
    }
    st_write_all(fd, buf, at);
    close(fd);
    return NULL;
}

Test(listen, many_clients_at_once_every_line_once) {
    create_listener(NULL);
    query("SELECT COUNT(*) AS n FROM l;");
    cr_assert_eq(ds_start(e), DS_OK);
    int port = listen_port();
    enum { NW = 8, LINES = 20000 };
    pthread_t t[NW];
    writer w[NW];
    for (int k = 0; k < NW; k++) {
        w[k] = (writer){port, k, LINES, (unsigned)k + 1};
        pthread_create(&t[k], NULL, write_lines, &w[k]);
    }
    for (int k = 0; k < NW; k++)
        pthread_join(t[k], NULL);
    cr_assert(ST_WAIT(st_rows_sum(&rows) >= NW * LINES, 10000), "%lld",
              (long long)st_rows_sum(&rows));
    st_sleep_ms(150);
    cr_assert_eq(st_rows_sum(&rows), NW * LINES);
    cr_assert_eq(ds_await_termination(e, 0), DS_TIMEOUT); /* never ends */
    ds_stop(e, 1);
    cr_assert_eq(ds_await_termination(e, 5000), DS_OK);
}

Test(listen, clients_that_disconnect_mid_line) {
    char *dir = st_tmpdir();
    char with[700], bad[600];
    snprintf(bad, sizeof bad, "%s/bad.txt", dir);
    snprintf(with, sizeof with, "(bad_rows = '%s')", bad);
    create_listener(with);
    query("SELECT line FROM l;");
    cr_assert_eq(ds_start(e), DS_OK);
    int port = listen_port();
    int a = st_connect(port), b = st_connect(port);
    cr_assert(a >= 0 && b >= 0);
    st_write_all(a, "one\ntw", 6);
    st_write_all(b, "x\npartial", 9);
    cr_assert(ST_WAIT(st_rows_count(&rows) == 2, 5000));
    close(a); /* a clean close: "tw" is a complete last line */
    struct linger lg = {1, 0};
    setsockopt(b, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(b); /* a reset: "partial" is a bad row */
    cr_assert(ST_WAIT(st_rows_count(&rows) == 3, 5000));
    cr_assert_eq(st_rows_has(&rows, "one"), 1);
    cr_assert_eq(st_rows_has(&rows, "tw"), 1);
    cr_assert_eq(st_rows_has(&rows, "x"), 1);
    cr_assert(ST_WAIT(
        st_logs_find(&logs, "connection lost mid-line", NULL, 0) == 1, 5000));
    ds_stop(e, 1);
    exec_ok("SHOW STREAMS;");
    cr_assert_eq(st_rows_count(&stmt), 1);
    cr_assert(strstr(stmt.v[0], "|3|1|"), "%s", stmt.v[0]);
    FILE *f = fopen(bad, "r");
    cr_assert(f);
    char line[512];
    cr_assert(fgets(line, sizeof line, f));
    fclose(f);
    cr_assert(strstr(line, "127.0.0.1:") && strstr(line, ":2\tconnection "
                                                         "lost mid-line"),
              "%s", line);
    cr_assert(strstr(line, "\tpartial\n"), "%s", line);
    st_rm_rf(dir);
    free(dir);
}

Test(listen, json_from_two_clients) {
    exec_ok("CREATE STREAM j (kind TEXT, n BIGINT) FROM SOCKET LISTEN "
            "'127.0.0.1:0' FORMAT JSON;");
    query("SELECT kind, SUM(n) AS total FROM j GROUP BY kind;");
    cr_assert_eq(ds_start(e), DS_OK);
    int port = listen_port();
    int a = st_connect(port), b = st_connect(port);
    const char *ja = "{\"kind\": \"x\", \"n\": 1}\n{\"kind\": \"y\", "
                     "\"n\": 2}\n";
    const char *jb = "{\"n\": 10, \"kind\": \"x\"}\nnot json\n";
    st_write_all(a, ja, strlen(ja));
    st_write_all(b, jb, strlen(jb));
    close(a);
    close(b);
    cr_assert(ST_WAIT(
        st_logs_find(&logs, "W bad row at 127.0.0.1:", NULL, 0) == 1, 5000));
    ds_stop(e, 1);
    int x = 0, y = 0;
    for (int k = 0; k < rows.n; k++) {
        if (!strncmp(rows.v[k], "x|", 2))
            x += atoi(rows.v[k] + 2);
        if (!strncmp(rows.v[k], "y|", 2))
            y += atoi(rows.v[k] + 2);
    }
    cr_assert_eq(x, 11);
    cr_assert_eq(y, 2);
}

Test(listen, the_virtual_clock_takes_rows_per_batch) {
    exec_ok("SET clock = 'virtual'; SET rows_per_batch = 1000;");
    create_listener(NULL);
    query("SELECT COUNT(*) AS n FROM l;");
    cr_assert_eq(ds_start(e), DS_OK);
    writer w = {listen_port(), 7, 2500, 1};
    pthread_t t;
    pthread_create(&t, NULL, write_lines, &w);
    pthread_join(t, NULL);
    cr_assert(ST_WAIT(st_rows_sum(&rows) == 2500, 5000));
    ds_stop(e, 1);
    for (int k = 0; k < rows.n; k++)
        cr_assert(atoi(rows.v[k]) <= 1000, "%s", rows.v[k]);
}

Test(listen, default_bind_address_is_loopback) {
    exec_ok("CREATE STREAM l (line TEXT) FROM SOCKET LISTEN ':0';");
    cr_assert_eq(ds_start(e), DS_OK);
    int port = listen_port();
    cr_assert(port > 0);
    ds_stop(e, 1);
}

/* A client writes 100 MiB as fast as it can: the engine keeps at most
   buffer_bytes of decoded rows, so the client is slowed down by TCP. */
typedef struct flood {
    int port;
    int64_t lines;
    int64_t ms;
} flood;

static void *write_flood(void *arg) {
    flood *f = arg;
    int fd = st_connect(f->port);
    if (fd < 0)
        return NULL;
    static char buf[1 << 16];
    for (size_t k = 0; k + 100 <= sizeof buf; k += 100) {
        memset(buf + k, 'x', 99);
        buf[k + 99] = '\n';
    }
    int64_t t0 = st_now_ms();
    int64_t total = (int64_t)100 << 20, sent = 0;
    size_t chunk = sizeof buf / 100 * 100;
    while (sent < total) {
        if (st_write_all(fd, buf, chunk))
            break;
        sent += (int64_t)chunk;
    }
    f->ms = st_now_ms() - t0;
    f->lines = sent / 100;
    close(fd);
    return NULL;
}

Test(listen, a_fast_writer_meets_bounded_memory, .timeout = 60) {
    /* a slow clock: between batches the buffer fills and reading stops */
    create_listener(NULL);
    exec_ok("SET batch_interval = 500 MILLISECONDS;");
    query("SELECT COUNT(*) AS n FROM l;");
    cr_assert_eq(ds_start(e), DS_OK);
    flood f = {listen_port(), 0, 0};
    ds_source *src = ds__engine_find_stream(e, "l")->source;
    int64_t t0 = st_now_ms(), held = 0;
    pthread_t t;
    pthread_create(&t, NULL, write_flood, &f);
    while (pthread_tryjoin_np(t, NULL) == EBUSY) {
        int64_t b = ds__source_buffered_bytes(src);
        held = b > held ? b : held;
        st_sleep_ms(2);
    }
    cr_assert(f.lines > 0);
    cr_assert(ST_WAIT(st_rows_sum(&rows) >= f.lines, 20000), "%lld of %lld",
              (long long)st_rows_sum(&rows), (long long)f.lines);
    int64_t ms = st_now_ms() - t0;
    cr_assert_eq(st_rows_sum(&rows), f.lines);
    long peak = st_peak_rss_kib();
    fprintf(stderr,
            "listen flood: %lld lines (100 MiB) in %lld ms written, %lld ms "
            "received (%.0f lines/s, %.1f MB/s), at most %lld MiB held, "
            "peak RSS %ld MiB\n",
            (long long)f.lines, (long long)f.ms, (long long)ms,
            (double)f.lines * 1000.0 / (double)ms,
            100.0 * 1048576 / 1e6 * 1000.0 / (double)ms,
            (long long)(held >> 20), peak / 1024);
    /* the bound (64 MiB) plus one read's worth of rows */
    cr_assert(held <= (int64_t)(64 + 4) << 20, "%lld bytes held",
              (long long)held);
    cr_assert(held >= (int64_t)32 << 20, "the buffer never filled: %lld",
              (long long)held);
#if !defined(__SANITIZE_ADDRESS__)
    cr_assert(peak < 200 * 1024, "peak RSS %ld KiB", peak);
#endif
    ds_stop(e, 1);
}
