/*
** srctest.h - helpers for the source tests (test_src_*.c): a thread-safe
** row collector and log collector for engines run with ds_start, waits
** with deadlines, loopback sockets on OS-chosen ports, and temporary
** directories.
*/
#ifndef DS_TEST_SRCTEST_H
#define DS_TEST_SRCTEST_H

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dstream.h"

static inline int64_t st_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void st_sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* Polls cond every 5 ms until it holds or ms pass; the value of cond. */
#define ST_WAIT(cond, ms)                                                      \
    ({                                                                         \
        int64_t st_deadline_ = st_now_ms() + (ms);                             \
        int st_ok_;                                                            \
        while (!(st_ok_ = !!(cond)) && st_now_ms() < st_deadline_)             \
            st_sleep_ms(5);                                                    \
        st_ok_;                                                                \
    })

/* ------------------------------------------------------------- rows */

/* Every row of every emission as "v1|v2|...", in arrival order. */
typedef struct st_rows {
    pthread_mutex_t mu;
    char **v;
    int n, cap;
    int emissions;
    int64_t sum0; /* sum of column 0 as an integer (COUNT(*) queries) */
} st_rows;

static inline void st_rows_init(st_rows *r) {
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
}

static inline void st_rows_free(st_rows *r) {
    for (int k = 0; k < r->n; k++)
        free(r->v[k]);
    free(r->v);
    pthread_mutex_destroy(&r->mu);
}

static inline int st_rows_fn(void *user, const ds_result *res) {
    st_rows *r = user;
    pthread_mutex_lock(&r->mu);
    r->emissions++;
    for (int64_t i = 0; i < ds_result_row_count(res); i++) {
        char line[4096];
        size_t at = 0;
        line[0] = 0;
        for (int k = 0; k < ds_result_column_count(res); k++) {
            const char *t = ds_result_text(res, i, k, NULL);
            at += (size_t)snprintf(line + at, sizeof line - at, "%s%s",
                                   k ? "|" : "", t ? t : "NULL");
            if (at >= sizeof line)
                at = sizeof line - 1;
        }
        r->sum0 += ds_result_int64(res, i, 0);
        if (r->n == r->cap) {
            r->cap = r->cap ? r->cap * 2 : 256;
            r->v = realloc(r->v, sizeof(char *) * (size_t)r->cap);
        }
        r->v[r->n++] = strdup(line);
    }
    pthread_mutex_unlock(&r->mu);
    return 0;
}

static inline int st_rows_count(st_rows *r) {
    pthread_mutex_lock(&r->mu);
    int n = r->n;
    pthread_mutex_unlock(&r->mu);
    return n;
}

static inline int64_t st_rows_sum(st_rows *r) {
    pthread_mutex_lock(&r->mu);
    int64_t n = r->sum0;
    pthread_mutex_unlock(&r->mu);
    return n;
}

/* How many rows equal s. */
static inline int st_rows_has(st_rows *r, const char *s) {
    pthread_mutex_lock(&r->mu);
    int c = 0;
    for (int k = 0; k < r->n; k++)
        c += !strcmp(r->v[k], s);
    pthread_mutex_unlock(&r->mu);
    return c;
}

/* ------------------------------------------------------------- logs */

typedef struct st_logs {
    pthread_mutex_t mu;
    char **v;
    int n, cap;
} st_logs;

static inline void st_logs_init(st_logs *l) {
    memset(l, 0, sizeof *l);
    pthread_mutex_init(&l->mu, NULL);
}

static inline void st_logs_free(st_logs *l) {
    for (int k = 0; k < l->n; k++)
        free(l->v[k]);
    free(l->v);
    pthread_mutex_destroy(&l->mu);
}

static inline void st_log_fn(void *user, int level, const char *msg) {
    st_logs *l = user;
    pthread_mutex_lock(&l->mu);
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = realloc(l->v, sizeof(char *) * (size_t)l->cap);
    }
    char buf[640];
    snprintf(buf, sizeof buf, "%s %s", level == DS_LOG_WARN ? "W" : "I", msg);
    l->v[l->n++] = strdup(buf);
    pthread_mutex_unlock(&l->mu);
}

/* How many log lines contain s; the last one into out (if not NULL). */
static inline int st_logs_find(st_logs *l, const char *s, char *out,
                               size_t outlen) {
    pthread_mutex_lock(&l->mu);
    int c = 0;
    for (int k = 0; k < l->n; k++) {
        if (strstr(l->v[k], s)) {
            c++;
            if (out)
                snprintf(out, outlen, "%s", l->v[k]);
        }
    }
    pthread_mutex_unlock(&l->mu);
    return c;
}

/* ---------------------------------------------------------- sockets */

/* A listening socket on 127.0.0.1 (or ::1 when v6) at an OS-chosen port;
   -1 if the family is not available. */
static inline int st_listen(int v6, int *port) {
    int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t len;
    if (v6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        len = sizeof *a;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&ss;
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *a;
    }
    if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 16) < 0) {
        close(fd);
        return -1;
    }
    len = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &len);
    *port = ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                     : ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

/* Accepts one connection within ms; -1 on timeout. */
static inline int st_accept(int lfd, int ms) {
    int64_t deadline = st_now_ms() + ms;
    fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK);
    while (st_now_ms() < deadline) {
        int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        if (fd >= 0)
            return fd;
        st_sleep_ms(5);
    }
    return -1;
}

/* A client connected to 127.0.0.1:port; -1 on failure. */
static inline int st_connect(int port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static inline int st_write_all(int fd, const char *p, size_t n) {
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* A port nothing listens on (bound, then closed). */
static inline int st_free_port(void) {
    int port = 0;
    int fd = st_listen(0, &port);
    close(fd);
    return port;
}

/* -------------------------------------------------------------- files */

/* A fresh temporary directory (caller frees the string). */
static inline char *st_tmpdir(void) {
    char tmpl[] = "/tmp/dstest-XXXXXX";
    char *d = mkdtemp(tmpl);
    return d ? strdup(d) : NULL;
}

static inline void st_rm_rf(const char *path) {
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0) {
        /* best effort */
    }
}

static inline void st_write_file(const char *path, const char *text,
                                 const char *mode) {
    FILE *f = fopen(path, mode);
    if (!f)
        return;
    fputs(text, f);
    fclose(f);
}

/* Writes path atomically: a dot file renamed into place. */
static inline void st_put_file(const char *dir, const char *name,
                               const char *text) {
    char tmp[2100], dst[2100];
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp", dir, name);
    snprintf(dst, sizeof dst, "%s/%s", dir, name);
    st_write_file(tmp, text, "w");
    rename(tmp, dst);
}

/* Peak resident memory of this process (VmHWM), in KiB. */
static inline long st_peak_rss_kib(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6))
            v = atol(line + 6);
    if (f)
        fclose(f);
    return v;
}

#endif
