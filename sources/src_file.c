/*
** src_file.c - FROM FILE 'path' for one file, and the reader behind FROM
** STDIN (src_stdin.c). A regular file is read once and then the source is
** finished: under the virtual clock inside x_take (rx->pull), max_rows at
** a time, so that a replay gives the same batches; under the real clock by
** a thread that waits while the receiver queue (receiver.h) is full. A
** pipe or terminal is read by the thread until EOF. With follow = true the
** file is tailed like `tail -F`: at its end the thread waits (inotify on
** the file's directory, or polling every poll_interval), starts again from
** the beginning when the file shrinks (truncation), and moves on to a new
** file when the path names another one (rotation), after reading the old
** one to its end. A followed file never finishes.
*/
#include "receiver.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct file_src {
    ds_rx rx;
    char *path; /* owned; NULL for standard input */
    int fd;
    int owns_fd;
    int regular;
    ds_rx_input in;
    int in_ready;
    int read_eof; /* pull: the file has been read to its end */
    /* follow */
    int64_t poll_us;
    dev_t dev;
    ino_t ino;
} file_src;

static int ended(ds_rx *rx) {
    pthread_mutex_lock(&rx->mu);
    int r = rx->eof;
    pthread_mutex_unlock(&rx->mu);
    return r;
}

/* Reads one chunk into the queue (the thread); at the end of the input
   the source is finished. */
static int read_chunk(file_src *fs) {
    ds_rx *rx = &fs->rx;
    ssize_t n = ds__rx_read_fd(rx, &fs->in, fs->fd);
    if (n > 0)
        return DS_OK;
    if (n < 0 && errno == ENOMEM)
        return DS_NOMEM;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return DS_OK;
    if (n < 0)
        ds__source_log(&rx->base, DS_LOG_WARN, "cannot read %s: %s",
                       fs->in.where, strerror(errno));
    int rc = ds__rx_end_input(rx, &fs->in, 1, NULL);
    ds__rx_finish(rx);
    return rc;
}

/* rx->pull: reads and decodes straight into out until it has max rows
   (0: about buffer_bytes of them) or the file ends. */
static int file_pull(ds_rx *rx, ds_batch *out, int64_t max) {
    file_src *fs = (file_src *)rx;
    char buf[DS_RX_READ_SIZE];
    int64_t got = 0;
    int held = fs->in.len > 0; /* records left from the last pull come first */
    for (;;) {
        int64_t want = max ? max - got : 0, k = 0;
        if (max && want <= 0)
            return DS_OK;
        if (!max &&
            ds__arena_bytes(&out->arena) + (size_t)out->rows * 16 >= rx->cap)
            return DS_OK;
        if (held && !fs->read_eof) {
            /* without this, every pull would add a block to what is held
               and the held text would grow with the file */
            held = 0;
            int rc = ds__rx_decode_into(rx, &fs->in, "", 0, 0, out, want, &k);
            got += k;
            if (rc)
                return rc;
            continue;
        }
        if (fs->read_eof) { /* what is held ends the file */
            int rc = ds__rx_decode_into(rx, &fs->in, "", 0, 1, out, want, &k);
            got += k;
            if (rc || fs->in.len)
                return rc;
            ds__rx_end_input(rx, &fs->in, 1, NULL);
            ds__rx_finish(rx);
            return DS_OK;
        }
        ssize_t n;
        do
            n = read(fs->fd, buf, sizeof buf);
        while (n < 0 && errno == EINTR);
        if (n <= 0) {
            if (n < 0)
                ds__source_log(&rx->base, DS_LOG_WARN, "cannot read %s: %s",
                               fs->in.where, strerror(errno));
            fs->read_eof = 1;
            continue;
        }
        int rc =
            ds__rx_decode_into(rx, &fs->in, buf, (size_t)n, 0, out, want, &k);
        got += k;
        if (rc)
            return rc;
    }
}

static void *file_main(void *arg) {
    file_src *fs = arg;
    ds_rx *rx = &fs->rx;
    while (!ds__rx_wait_room(rx)) {
        if (!fs->regular) { /* a pipe or a terminal: wait without blocking
                               a stop */
            struct pollfd p[2] = {{fs->fd, POLLIN, 0}, {rx->evfd, POLLIN, 0}};
            if (poll(p, 2, -1) < 0 && errno != EINTR)
                break;
            if (p[1].revents || !p[0].revents)
                continue;
        }
        if (read_chunk(fs)) {
            ds__source_log(&rx->base, DS_LOG_WARN, "out of memory");
            break;
        }
        if (ended(rx))
            break;
    }
    ds__rx_finish(rx);
    return NULL;
}

/* ---------------------------------------------------------------- follow */

/* Opens the path for following; returns 1 when a (new) file is open. */
static int follow_open(file_src *fs) {
    int fd = open(fs->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return 0;
    }
    fs->fd = fd;
    fs->dev = st.st_dev;
    fs->ino = st.st_ino;
    return 1;
}

/* At the end of the file: has it been rotated or truncated? Returns 1 when
   there is something new to read. */
static int follow_check(file_src *fs) {
    ds_rx *rx = &fs->rx;
    struct stat st;
    if (stat(fs->path, &st) == 0 && S_ISREG(st.st_mode) &&
        (fs->fd < 0 || st.st_dev != fs->dev || st.st_ino != fs->ino)) {
        /* the path names another file: the old one was read to its end */
        if (fs->fd >= 0) {
            ds__rx_end_input(rx, &fs->in, 1, NULL);
            close(fs->fd);
            fs->fd = -1;
        }
        if (follow_open(fs)) {
            ds__source_log(&rx->base, DS_LOG_INFO,
                           "%s was replaced; following the new file", fs->path);
            return 1;
        }
    }
    if (fs->fd >= 0 && fstat(fs->fd, &st) == 0 &&
        st.st_size < lseek(fs->fd, 0, SEEK_CUR)) {
        ds__source_log(&rx->base, DS_LOG_INFO,
                       "%s was truncated; reading it from the start", fs->path);
        ds__rx_end_input(rx, &fs->in, 0, "file truncated mid-line");
        lseek(fs->fd, 0, SEEK_SET);
        return 1;
    }
    return 0;
}

/* An inotify descriptor watching the file's directory, or -1. */
static int watch_dir_of(const char *path) {
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    int ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (ifd < 0)
        return -1;
    if (inotify_add_watch(ifd, dir,
                          IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_DELETE |
                              IN_MOVED_FROM | IN_CLOSE_WRITE | IN_ATTRIB) < 0) {
        close(ifd);
        return -1;
    }
    return ifd;
}

static void *follow_main(void *arg) {
    file_src *fs = arg;
    ds_rx *rx = &fs->rx;
    int ifd = watch_dir_of(fs->path);
    while (!ds__rx_wait_room(rx)) {
        if (fs->fd >= 0) {
            ssize_t n = ds__rx_read_fd(rx, &fs->in, fs->fd);
            if (n > 0)
                continue;
            if (n < 0) {
                ds__source_log(&rx->base, DS_LOG_WARN, "cannot read %s: %s",
                               fs->path, strerror(errno));
                if (errno == ENOMEM)
                    break;
            }
        }
        if (follow_check(fs))
            continue;
        struct pollfd p[2] = {{rx->evfd, POLLIN, 0}, {ifd, POLLIN, 0}};
        int ms = (int)((fs->poll_us + 999) / 1000);
        if (poll(p, ifd >= 0 ? 2 : 1, ms) < 0 && errno != EINTR)
            break;
        if (ifd >= 0 && p[1].revents) {
            char ev[4096];
            while (read(ifd, ev, sizeof ev) > 0) {
            }
        }
    }
    if (ifd >= 0)
        close(ifd);
    return NULL;
}

/* ------------------------------------------------------------- the source */

static void file_free(ds_source *s) {
    file_src *fs = (file_src *)s;
    ds__rx_fini(&fs->rx);
    if (fs->in_ready)
        ds__rx_input_fini(&fs->in);
    if (fs->owns_fd && fs->fd >= 0)
        close(fs->fd);
    ds_free(fs->path);
    ds_free(fs);
}

static const ds_source_vtable file_vt = {
    "file",          ds__rx_x_start, ds__rx_take, ds__rx_ready,
    ds__rx_finished, ds__rx_stop,    file_free};

static const ds_source_vtable stdin_vt = {
    "stdin",         ds__rx_x_start, ds__rx_take, ds__rx_ready,
    ds__rx_finished, ds__rx_stop,    file_free};

/* A reader of fd (path NULL: standard input, not closed). */
static ds_source *reader_new(const ds_source_args *a, const char *path, int fd,
                             char *errmsg, size_t errlen) {
    file_src *fs = ds_malloc(sizeof *fs);
    if (!fs) {
        if (path)
            close(fd);
        snprintf(errmsg, errlen, "out of memory");
        return NULL;
    }
    memset(fs, 0, sizeof *fs);
    fs->fd = fd;
    fs->owns_fd = path != NULL;
    int rc =
        ds__rx_init(&fs->rx, path ? &file_vt : &stdin_vt, a, errmsg, errlen);
    if (!rc && path && !(fs->path = ds__strndup(path, strlen(path))))
        rc = DS_NOMEM;
    if (!rc)
        rc = ds__rx_input_init(&fs->rx, &fs->in, path ? path : "<stdin>", 0);
    fs->in_ready = !rc;
    struct stat st;
    if (!rc && fstat(fd, &st) < 0) {
        snprintf(errmsg, errlen, "cannot read %s: %s",
                 path ? path : "standard input", strerror(errno));
        rc = DS_IOERR;
    }
    if (rc) {
        if (rc == DS_NOMEM)
            snprintf(errmsg, errlen, "out of memory");
        file_free(&fs->rx.base);
        return NULL;
    }
    fs->regular = S_ISREG(st.st_mode);
    fs->dev = st.st_dev;
    fs->ino = st.st_ino;
    fs->poll_us = a->poll_us > 0 ? a->poll_us : 1000000;
    if (path && a->follow) {
        fs->rx.main = follow_main;
        if (a->existing == 0)
            lseek(fd, 0, SEEK_END);
    } else {
        fs->rx.main = file_main;
        if (fs->regular)
            fs->rx.pull = file_pull;
    }
    return &fs->rx.base;
}

ds_source *ds__src_file_new(const ds_source_args *a, char *errmsg,
                            size_t errlen) {
    /* O_NONBLOCK: a FIFO must not block CREATE; it is refused below */
    int fd = open(a->target, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT)
            snprintf(errmsg, errlen, "no such file or directory: %s",
                     a->target);
        else
            snprintf(errmsg, errlen, "cannot open %s: %s", a->target,
                     strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) < 0)
        st.st_mode = 0;
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        snprintf(errmsg, errlen, "%s is a directory", a->target);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        snprintf(errmsg, errlen, "not a regular file or directory: %s",
                 a->target);
        return NULL;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return reader_new(a, a->target, fd, errmsg, errlen);
}

ds_source *ds__src_fd_new(const ds_source_args *a, int fd, char *errmsg,
                          size_t errlen) {
    return reader_new(a, NULL, fd, errmsg, errlen);
}
