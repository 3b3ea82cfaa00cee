/*
** src_socket.c - FROM SOCKET 'host:port': a TCP client, like Spark's
** socketTextStream. Its thread connects (every address getaddrinfo gives,
** IPv4 or IPv6, non-blocking with a timeout), reads newline-delimited
** records into the receiver queue (receiver.h), and when the connection
** ends or cannot be made, logs it and tries again after a backoff that
** doubles from reconnect_delay up to reconnect_max_delay. With
** reconnect = false the end of the first connection ends the source.
*/
#include "receiver.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct socket_src {
    ds_rx rx;
    char *addr; /* owned: as written in CREATE STREAM */
    char host[256], port[32];
    int reconnect;
    int64_t delay_min_us, delay_max_us, connect_timeout_us;
} socket_src;

/* "250 ms", "1.6 s" */
static const char *fmt_delay(int64_t us, char *buf, size_t len) {
    if (us < 1000000)
        snprintf(buf, len, "%lld ms", (long long)(us / 1000));
    else
        snprintf(buf, len, "%.1f s", (double)us / 1e6);
    return buf;
}

/* Connects fd to ai without blocking past the timeout or a stop; returns 0
   or -1 with errno. */
static int connect_one(socket_src *ss, int fd, const struct addrinfo *ai) {
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
        return 0;
    if (errno != EINPROGRESS)
        return -1;
    struct pollfd p[2] = {{fd, POLLOUT, 0}, {ss->rx.evfd, POLLIN, 0}};
    int ms = (int)((ss->connect_timeout_us + 999) / 1000);
    int r;
    do
        r = poll(p, 2, ms);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        return -1;
    if (p[1].revents) {
        errno = ECANCELED;
        return -1;
    }
    if (r == 0) {
        errno = ETIMEDOUT;
        return -1;
    }
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
        return -1;
    if (err) {
        errno = err;
        return -1;
    }
    return 0;
}

/* Tries every address of host:port; returns a connected socket, or -1
   with the reason in why. */
static int connect_any(socket_src *ss, char *peer, size_t peerlen, char *why,
                       size_t whylen) {
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int g = getaddrinfo(ss->host, ss->port, &hints, &res);
    if (g) {
        snprintf(why, whylen, "cannot resolve %.64s: %s", ss->host,
                 g == EAI_SYSTEM ? strerror(errno) : gai_strerror(g));
        return -1;
    }
    int fd = -1;
    snprintf(why, whylen, "no address");
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family,
                    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd >= 0 && connect_one(ss, fd, ai) == 0) {
            ds__net_peer_name(ai->ai_addr, peer, peerlen);
            break;
        }
        snprintf(why, whylen, "%s", strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
        if (ds__rx_stopping(&ss->rx))
            break;
    }
    freeaddrinfo(res);
    return fd;
}

/* Reads one connection until it ends. Returns 1 if it ended cleanly (EOF),
   0 if it failed (reason in why), -1 on stop; *got: data arrived. */
static int read_connection(socket_src *ss, int fd, ds_rx_input *in, int *got,
                           char *why, size_t whylen) {
    ds_rx *rx = &ss->rx;
    for (;;) {
        if (ds__rx_wait_room(rx))
            return -1;
        struct pollfd p[2] = {{fd, POLLIN, 0}, {rx->evfd, POLLIN, 0}};
        if (poll(p, 2, -1) < 0 && errno != EINTR) {
            snprintf(why, whylen, "%s", strerror(errno));
            return 0;
        }
        if (p[1].revents)
            continue; /* stop: wait_room says so */
        if (!p[0].revents)
            continue;
        ssize_t n = ds__rx_read_fd(rx, in, fd);
        if (n > 0) {
            *got = 1;
            continue;
        }
        if (n == 0)
            return 1;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            continue;
        snprintf(why, whylen, "%s", strerror(errno));
        return 0;
    }
}

static void *socket_main(void *arg) {
    socket_src *ss = arg;
    ds_rx *rx = &ss->rx;
    ds_source *s = &rx->base;
    int64_t delay = ss->delay_min_us;
    char peer[128], why[256], d[32];
    while (!ds__rx_stopping(rx)) {
        int fd = connect_any(ss, peer, sizeof peer, why, sizeof why);
        if (fd < 0) {
            if (ds__rx_stopping(rx))
                break;
            ds__source_log(s, DS_LOG_WARN,
                           "cannot connect to %s: %s; retrying in %s", ss->addr,
                           why, fmt_delay(delay, d, sizeof d));
            if (ds__rx_sleep(rx, delay))
                break;
            delay = delay * 2 > ss->delay_max_us ? ss->delay_max_us : delay * 2;
            continue;
        }
        ds__source_log(s, DS_LOG_INFO, "connected to %s (%s)", ss->addr, peer);
        ds_rx_input in;
        int got = 0, ended = -1;
        if (ds__rx_input_init(rx, &in, peer, 0) == DS_OK)
            ended = read_connection(ss, fd, &in, &got, why, sizeof why);
        else
            snprintf(why, sizeof why, "out of memory");
        close(fd);
        if (ended < 0) {
            ds__rx_input_fini(&in);
            break;
        }
        char lost[300];
        snprintf(lost, sizeof lost, "connection lost mid-line (%s)", why);
        ds__rx_end_input(rx, &in, ended == 1, lost);
        ds__rx_input_fini(&in);
        if (!ss->reconnect) {
            ds__source_log(s, ended ? DS_LOG_INFO : DS_LOG_WARN,
                           "connection to %s %s%s; the stream ends "
                           "(reconnect = false)",
                           ss->addr,
                           ended ? "closed" : "failed: ", ended ? "" : why);
            break;
        }
        if (got)
            delay = ss->delay_min_us;
        ds__source_log(s, DS_LOG_WARN,
                       "connection to %s %s%s; reconnecting "
                       "in %s",
                       ss->addr, ended ? "closed by the peer" : "failed: ",
                       ended ? "" : why, fmt_delay(delay, d, sizeof d));
        if (ds__rx_sleep(rx, delay))
            break;
        delay = delay * 2 > ss->delay_max_us ? ss->delay_max_us : delay * 2;
    }
    ds__rx_finish(rx);
    return NULL;
}

static void socket_free(ds_source *s) {
    socket_src *ss = (socket_src *)s;
    ds__rx_fini(&ss->rx);
    ds_free(ss->addr);
    ds_free(ss);
}

static const ds_source_vtable socket_vt = {
    "socket",        ds__rx_x_start, ds__rx_take, ds__rx_ready,
    ds__rx_finished, ds__rx_stop,    socket_free};

ds_source *ds__src_socket_new(const ds_source_args *a, char *errmsg,
                              size_t errlen) {
    socket_src *ss = ds_malloc(sizeof *ss);
    if (!ss) {
        snprintf(errmsg, errlen, "out of memory");
        return NULL;
    }
    memset(ss, 0, sizeof *ss);
    int rc = ds__rx_init(&ss->rx, &socket_vt, a, errmsg, errlen);
    if (!rc)
        rc = ds__net_split(a->target, 0, ss->host, sizeof ss->host, ss->port,
                           sizeof ss->port, errmsg, errlen);
    if (!rc && !(ss->addr = ds__strndup(a->target, strlen(a->target)))) {
        snprintf(errmsg, errlen, "out of memory");
        rc = DS_NOMEM;
    }
    if (rc) {
        socket_free(&ss->rx.base);
        return NULL;
    }
    ss->reconnect = a->reconnect;
    ss->delay_min_us =
        a->reconnect_delay_us > 0 ? a->reconnect_delay_us : 100000;
    ss->delay_max_us = a->reconnect_max_delay_us > ss->delay_min_us
                           ? a->reconnect_max_delay_us
                           : ss->delay_min_us;
    ss->connect_timeout_us =
        a->connect_timeout_us > 0 ? a->connect_timeout_us : 5000000;
    ss->rx.main = socket_main;
    return &ss->rx.base;
}
