/*
** net.c - socket addresses for src_socket.c and src_listen.c: splitting
** 'host:port' and '[v6]:port', and naming a peer for logs and bad rows.
*/
#include "receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

static int all_digits(const char *s) {
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

int ds__net_split(const char *addr, int listener, char *host, size_t hostlen,
                  char *port, size_t portlen, char *errmsg, size_t errlen) {
    const char *h = addr, *p = NULL;
    size_t hn = 0;
    if (addr[0] == '[') {
        const char *close = strchr(addr, ']');
        if (!close || (close[1] != ':' && close[1] != 0)) {
            snprintf(errmsg, errlen, "bad address '%s': expected [ipv6]:port",
                     addr);
            return DS_ERROR;
        }
        h = addr + 1;
        hn = (size_t)(close - h);
        p = close[1] ? close + 2 : NULL;
    } else {
        const char *colon = strrchr(addr, ':');
        if (colon && strchr(addr, ':') != colon) {
            snprintf(errmsg, errlen,
                     "bad address '%s': write an IPv6 address in brackets, "
                     "as in [::1]:9000",
                     addr);
            return DS_ERROR;
        }
        if (colon) {
            hn = (size_t)(colon - addr);
            p = colon + 1;
        } else if (listener && all_digits(addr)) {
            p = addr; /* '9100': a port only */
        } else {
            hn = strlen(addr);
        }
    }
    if (!p || !*p) {
        snprintf(errmsg, errlen, "bad address '%s': expected host:port", addr);
        return DS_ERROR;
    }
    if (hn == 0 && !listener) {
        snprintf(errmsg, errlen, "bad address '%s': the host is missing", addr);
        return DS_ERROR;
    }
    if (hn == 0) {
        h = "127.0.0.1";
        hn = strlen(h);
    }
    if (all_digits(p) ? atoi(p) > 65535 || strlen(p) > 5 : 0) {
        snprintf(errmsg, errlen, "bad address '%s': port out of range", addr);
        return DS_ERROR;
    }
    if (!listener && all_digits(p) && atoi(p) == 0) {
        snprintf(errmsg, errlen, "bad address '%s': port 0", addr);
        return DS_ERROR;
    }
    if (hn + 1 > hostlen || strlen(p) + 1 > portlen) {
        snprintf(errmsg, errlen, "bad address '%s': too long", addr);
        return DS_ERROR;
    }
    memcpy(host, h, hn);
    host[hn] = 0;
    strcpy(port, p);
    return DS_OK;
}

void ds__net_peer_name(const void *sa, char *buf, size_t len) {
    const struct sockaddr *a = sa;
    char ip[INET6_ADDRSTRLEN];
    if (a->sa_family == AF_INET) {
        const struct sockaddr_in *v4 = sa;
        inet_ntop(AF_INET, &v4->sin_addr, ip, sizeof ip);
        snprintf(buf, len, "%s:%u", ip, ntohs(v4->sin_port));
    } else if (a->sa_family == AF_INET6) {
        const struct sockaddr_in6 *v6 = sa;
        inet_ntop(AF_INET6, &v6->sin6_addr, ip, sizeof ip);
        snprintf(buf, len, "[%s]:%u", ip, ntohs(v6->sin6_port));
    } else {
        snprintf(buf, len, "?");
    }
}
