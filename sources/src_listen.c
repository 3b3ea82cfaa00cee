/*
** src_listen.c - FROM SOCKET LISTEN 'host:port': a TCP server. The
** socket is bound when the stream is created (so that "address in use" is
** a CREATE error); one thread polls it and every client, any number at
** once, and feeds each client's lines, with a decoder of its own (a CSV
** header per connection), into the receiver queue (receiver.h). A client
** that disconnects loses nothing it terminated; its unterminated last line
** is a row after a clean close and a bad row after a reset. When the queue
** is full the thread stops reading, so clients feel TCP back-pressure. A
** LISTEN source never finishes by itself.
*/
#include "receiver.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct client {
    int fd;
    ds_rx_input in;
} client;

typedef struct listen_src {
    ds_rx rx;
    char bound[128]; /* the address listened on, port resolved */
    int lfd;
    int max_clients;
    client *clients; /* owned; the thread's */
    int nclients;
} listen_src;

static void drop_client(listen_src *ls, int k) {
    close(ls->clients[k].fd);
    ds__rx_input_fini(&ls->clients[k].in);
    ls->clients[k] = ls->clients[--ls->nclients];
}

/* Accepts every pending connection. */
static void accept_clients(listen_src *ls) {
    ds_source *s = &ls->rx.base;
    for (;;) {
        struct sockaddr_storage sa;
        socklen_t salen = sizeof sa;
        int fd = accept4(ls->lfd, (struct sockaddr *)&sa, &salen,
                         SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
                errno == ENOMEM) {
                ds__source_log(s, DS_LOG_WARN,
                               "cannot accept a client on %s: %s", ls->bound,
                               strerror(errno));
                ds__rx_sleep(&ls->rx, 100000); /* do not spin */
            }
            return;
        }
        char peer[128];
        ds__net_peer_name(&sa, peer, sizeof peer);
        if (ls->nclients >= ls->max_clients) {
            ds__source_log(s, DS_LOG_WARN,
                           "too many clients on %s (max_clients = %d); "
                           "closing the connection from %s",
                           ls->bound, ls->max_clients, peer);
            close(fd);
            continue;
        }
        client *c = &ls->clients[ls->nclients];
        c->fd = fd;
        if (ds__rx_input_init(&ls->rx, &c->in, peer, 1)) {
            ds__rx_input_fini(&c->in);
            close(fd);
            continue;
        }
        ls->nclients++;
        ds__source_log(s, DS_LOG_INFO, "client %s connected to %s", peer,
                       ls->bound);
    }
}

/* Reads what client k sent; returns 1 if it was dropped. */
static int serve_client(listen_src *ls, int k) {
    client *c = &ls->clients[k];
    ssize_t n = ds__rx_read_fd(&ls->rx, &c->in, c->fd);
    if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)))
        return 0;
    char why[300];
    snprintf(why, sizeof why, "connection lost mid-line (%s)",
             n < 0 ? strerror(errno) : "");
    ds__rx_end_input(&ls->rx, &c->in, n == 0, why);
    if (n == 0)
        ds__source_log(&ls->rx.base, DS_LOG_INFO, "client %s disconnected",
                       c->in.where);
    else
        ds__source_log(&ls->rx.base, DS_LOG_WARN,
                       "connection from %s failed: %s", c->in.where,
                       strerror(errno));
    drop_client(ls, k);
    return 1;
}

static void *listen_main(void *arg) {
    listen_src *ls = arg;
    ds_rx *rx = &ls->rx;
    struct pollfd *p = ds_malloc(sizeof *p * (size_t)(ls->max_clients + 2));
    if (!p) {
        ds__source_log(&rx->base, DS_LOG_WARN, "out of memory");
        return NULL;
    }
    ds__source_log(&rx->base, DS_LOG_INFO, "listening on %s", ls->bound);
    while (!ds__rx_wait_room(rx)) {
        p[0] = (struct pollfd){rx->evfd, POLLIN, 0};
        p[1] = (struct pollfd){ls->lfd, POLLIN, 0};
        int n = ls->nclients;
        for (int k = 0; k < n; k++)
            p[k + 2] = (struct pollfd){ls->clients[k].fd, POLLIN, 0};
        if (poll(p, (nfds_t)n + 2, -1) < 0 && errno != EINTR)
            break;
        if (p[0].revents)
            continue; /* stop: wait_room says so */
        /* backwards, as dropping moves the last client into k */
        for (int k = n - 1; k >= 0; k--)
            if (p[k + 2].revents)
                serve_client(ls, k);
        if (p[1].revents)
            accept_clients(ls);
    }
    while (ls->nclients)
        drop_client(ls, ls->nclients - 1);
    close(ls->lfd); /* stopped: refuse new clients */
    ls->lfd = -1;
    ds_free(p);
    return NULL;
}

static void listen_free(ds_source *s) {
    listen_src *ls = (listen_src *)s;
    ds__rx_fini(&ls->rx);
    while (ls->nclients)
        drop_client(ls, ls->nclients - 1);
    if (ls->lfd >= 0)
        close(ls->lfd);
    ds_free(ls->clients);
    ds_free(ls);
}

static const ds_source_vtable listen_vt = {
    "listen",        ds__rx_x_start, ds__rx_take, ds__rx_ready,
    ds__rx_finished, ds__rx_stop,    listen_free};

/* Binds and listens on host:port; returns the socket or -1 (errmsg). */
static int bind_listen(const char *addr, const char *host, const char *port,
                       char *bound, size_t boundlen, char *errmsg,
                       size_t errlen) {
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    int g = getaddrinfo(host, port, &hints, &res);
    if (g) {
        snprintf(errmsg, errlen, "cannot listen on %s: %s", addr,
                 g == EAI_SYSTEM ? strerror(errno) : gai_strerror(g));
        return -1;
    }
    int fd = -1, err = 0;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family,
                    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 128) == 0)
            break;
        err = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        snprintf(errmsg, errlen, "cannot listen on %s: %s", addr,
                 strerror(err));
        return -1;
    }
    struct sockaddr_storage sa;
    socklen_t salen = sizeof sa;
    getsockname(fd, (struct sockaddr *)&sa, &salen);
    ds__net_peer_name(&sa, bound, boundlen);
    return fd;
}

ds_source *ds__src_listen_new(const ds_source_args *a, char *errmsg,
                              size_t errlen) {
    listen_src *ls = ds_malloc(sizeof *ls);
    if (!ls) {
        snprintf(errmsg, errlen, "out of memory");
        return NULL;
    }
    memset(ls, 0, sizeof *ls);
    ls->lfd = -1;
    ls->max_clients = a->max_clients > 0 ? a->max_clients : 1024;
    char host[256], port[32];
    int rc = ds__rx_init(&ls->rx, &listen_vt, a, errmsg, errlen);
    if (!rc)
        rc = ds__net_split(a->target, 1, host, sizeof host, port, sizeof port,
                           errmsg, errlen);
    if (!rc) {
        ls->clients = ds_malloc(sizeof(client) * (size_t)ls->max_clients);
        if (!ls->clients) {
            snprintf(errmsg, errlen, "out of memory");
            rc = DS_NOMEM;
        }
    }
    if (!rc) {
        ls->lfd = bind_listen(a->target, host, port, ls->bound,
                              sizeof ls->bound, errmsg, errlen);
        if (ls->lfd < 0)
            rc = DS_IOERR;
    }
    if (rc) {
        listen_free(&ls->rx.base);
        return NULL;
    }
    ls->rx.main = listen_main;
    return &ls->rx.base;
}
