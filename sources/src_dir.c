/*
** src_dir.c - FROM FILE 'dir/' or FROM FILE 'dir/<glob>' (a glob like
** *.csv in its last part): a directory watched for new files, like Spark's
*textFileStream. Every file that
** appears (a regular file whose name does not start with '.' and matches
** the glob, if any) is read exactly once, whole, into the receiver queue
** (receiver.h), once it is complete: renamed into place (inotify's
** IN_MOVED_TO), or unchanged in size and modification time for `settle`.
** Files already there when the stream is created are skipped unless
** existing = true. With a checkpoint file (SET checkpoint_dir), the names
** of the files read are appended to it once their rows have been taken,
** and a restart skips them and reads what arrived in between. The thread
** rescans the directory on inotify events, when a settle time runs out,
** and every poll_interval (the only trigger where inotify is missing). A
** directory source never finishes by itself.
*/
#include "receiver.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

/* A set of names (open addressing). */
typedef struct strset {
    char **slots; /* owned, and each name */
    size_t cap, n;
} strset;

static uint64_t hash(const char *s) {
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static int strset_has(const strset *set, const char *s) {
    if (!set->cap)
        return 0;
    for (size_t i = hash(s) & (set->cap - 1);; i = (i + 1) & (set->cap - 1)) {
        if (!set->slots[i])
            return 0;
        if (!strcmp(set->slots[i], s))
            return 1;
    }
}

static int strset_add(strset *set, const char *s) {
    if (strset_has(set, s))
        return DS_OK;
    if ((set->n + 1) * 2 > set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 64;
        char **slots = ds_malloc(sizeof(char *) * cap);
        if (!slots)
            return DS_NOMEM;
        memset(slots, 0, sizeof(char *) * cap);
        for (size_t k = 0; k < set->cap; k++) {
            char *x = set->slots[k];
            if (!x)
                continue;
            size_t i = hash(x) & (cap - 1);
            while (slots[i])
                i = (i + 1) & (cap - 1);
            slots[i] = x;
        }
        ds_free(set->slots);
        set->slots = slots;
        set->cap = cap;
    }
    char *copy = ds__strndup(s, strlen(s));
    if (!copy)
        return DS_NOMEM;
    size_t i = hash(s) & (set->cap - 1);
    while (set->slots[i])
        i = (i + 1) & (set->cap - 1);
    set->slots[i] = copy;
    set->n++;
    return DS_OK;
}

static void strset_fini(strset *set) {
    for (size_t k = 0; k < set->cap; k++)
        ds_free(set->slots[k]);
    ds_free(set->slots);
    memset(set, 0, sizeof *set);
}

/* A file seen but not complete yet. */
typedef struct pending {
    char *name; /* owned */
    off_t size;
    int64_t mtime_ns;
    int64_t since; /* when it was first seen, or last seen changing */
    int moved;     /* renamed into place: complete */
    int gen;       /* the scan that last saw it */
} pending;

typedef struct dir_src {
    ds_rx rx;
    char *dir;     /* owned, without a trailing '/' */
    char *pattern; /* owned: a glob of names, or NULL */
    int64_t settle_us, poll_us;
    strset seen; /* names read or skipped */
    pending *pend;
    int npend, cappend, gen;
    int ckpt_fd;     /* -1 without a checkpoint */
    int dir_problem; /* the directory could not be read last time */
} dir_src;

static void join_path(const dir_src *ds, const char *name, char *buf,
                      size_t len) {
    size_t n = strlen(ds->dir);
    snprintf(buf, len, "%s%s%s", ds->dir, n && ds->dir[n - 1] == '/' ? "" : "/",
             name);
}

/* A name the source considers at all. */
static int wanted(const dir_src *ds, const char *name) {
    if (name[0] == '.')
        return 0;
    return !ds->pattern || fnmatch(ds->pattern, name, FNM_PERIOD) == 0;
}

/* on_mark: every row of the file was taken; remember it. Under rx->mu. */
static void record_file(ds_rx *rx, const char *path) {
    dir_src *ds = (dir_src *)rx;
    if (ds->ckpt_fd < 0)
        return;
    char line[PATH_MAX + 2];
    int n = snprintf(line, sizeof line, "%s\n", path);
    if (n > 0 && (size_t)n < sizeof line &&
        write(ds->ckpt_fd, line, (size_t)n) == n)
        fdatasync(ds->ckpt_fd);
}

static pending *find_pending(dir_src *ds, const char *name) {
    for (int k = 0; k < ds->npend; k++)
        if (!strcmp(ds->pend[k].name, name))
            return &ds->pend[k];
    return NULL;
}

static pending *add_pending(dir_src *ds, const char *name, int64_t now) {
    if (ds->npend == ds->cappend) {
        int cap = ds->cappend ? ds->cappend * 2 : 16;
        pending *np = ds_realloc(ds->pend, sizeof *np * (size_t)cap);
        if (!np)
            return NULL;
        ds->pend = np;
        ds->cappend = cap;
    }
    pending *p = &ds->pend[ds->npend];
    memset(p, 0, sizeof *p);
    if (!(p->name = ds__strndup(name, strlen(name))))
        return NULL;
    p->size = -1;
    p->since = now;
    p->gen = ds->gen;
    ds->npend++;
    return p;
}

static void remove_pending(dir_src *ds, int k) {
    ds_free(ds->pend[k].name);
    ds->pend[k] = ds->pend[--ds->npend];
}

/* Looks at every file of the directory: new ones become pending, changed
   ones start their settle time again, vanished ones are forgotten. */
static void scan(dir_src *ds, int64_t now) {
    DIR *d = opendir(ds->dir);
    if (!d) {
        if (!ds->dir_problem)
            ds__source_log(&ds->rx.base, DS_LOG_WARN,
                           "cannot read the directory %s: %s", ds->dir,
                           strerror(errno));
        ds->dir_problem = 1;
        return;
    }
    ds->dir_problem = 0;
    ds->gen++;
    struct dirent *de;
    while ((de = readdir(d))) {
        const char *name = de->d_name;
        if (!wanted(ds, name) || strset_has(&ds->seen, name))
            continue;
        struct stat st;
        if (fstatat(dirfd(d), name, &st, 0) < 0 || !S_ISREG(st.st_mode))
            continue;
        int64_t mt =
            (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
        pending *p = find_pending(ds, name);
        if (!p && !(p = add_pending(ds, name, now)))
            break;
        if (p->size != st.st_size || p->mtime_ns != mt) {
            if (p->size >= 0)
                p->since = now; /* still being written */
            p->size = st.st_size;
            p->mtime_ns = mt;
        }
        p->gen = ds->gen;
    }
    closedir(d);
    for (int k = ds->npend - 1; k >= 0; k--)
        if (ds->pend[k].gen != ds->gen)
            remove_pending(ds, k);
}

/* Reads one complete file into the queue; 1 if the source is stopping. */
static int read_file(dir_src *ds, const char *name) {
    ds_rx *rx = &ds->rx;
    char path[PATH_MAX];
    join_path(ds, name, path, sizeof path);
    strset_add(&ds->seen, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        ds__source_log(&rx->base, DS_LOG_WARN, "cannot read %s: %s", path,
                       strerror(errno));
        return 0;
    }
    ds__source_log(&rx->base, DS_LOG_INFO, "reading %s", path);
    ds_rx_input in;
    int stopped = 0;
    if (ds__rx_input_init(rx, &in, path, 0) == DS_OK) {
        for (;;) {
            if ((stopped = ds__rx_wait_room(rx)))
                break;
            ssize_t n = ds__rx_read_fd(rx, &in, fd);
            if (n > 0)
                continue;
            if (n < 0)
                ds__source_log(&rx->base, DS_LOG_WARN, "cannot read %s: %s",
                               path, strerror(errno));
            ds__rx_end_input(rx, &in, n == 0, "read error mid-line");
            break;
        }
        if (!stopped && !in.dropped)
            ds__rx_mark(rx, path);
    }
    ds__rx_input_fini(&in);
    close(fd);
    return stopped || ds__rx_stopping(rx);
}

static int cmp_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads the pending files that are complete, in name order; returns how
   long the thread may sleep (us), or -1 on stop. */
static int64_t read_ready(dir_src *ds, int64_t now) {
    char **ready = ds_malloc(sizeof(char *) * (size_t)(ds->npend + 1));
    if (!ready)
        return ds->poll_us;
    int nready = 0;
    int64_t sleep = ds->poll_us;
    for (int k = ds->npend - 1; k >= 0; k--) {
        pending *p = &ds->pend[k];
        int64_t left = p->since + ds->settle_us - now;
        if (p->moved || left <= 0) {
            ready[nready++] = p->name;
            p->name = NULL;
            ds->pend[k] = ds->pend[--ds->npend];
        } else if (left < sleep) {
            sleep = left;
        }
    }
    qsort(ready, (size_t)nready, sizeof(char *), cmp_name);
    int stop = 0;
    for (int k = 0; k < nready; k++) {
        if (!stop)
            stop = read_file(ds, ready[k]);
        ds_free(ready[k]);
    }
    ds_free(ready);
    if (stop)
        return -1;
    return sleep < 10000 ? 10000 : sleep;
}

/* Takes the inotify events: a name renamed into place is complete. */
static void take_events(dir_src *ds, int ifd, int64_t now) {
    char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t n;
    while ((n = read(ifd, buf, sizeof buf)) > 0) {
        for (char *p = buf; p < buf + n;) {
            struct inotify_event *ev = (struct inotify_event *)p;
            p += sizeof *ev + ev->len;
            if (!(ev->mask & IN_MOVED_TO) || !ev->len ||
                !wanted(ds, ev->name) || strset_has(&ds->seen, ev->name))
                continue;
            pending *q = find_pending(ds, ev->name);
            if (!q)
                q = add_pending(ds, ev->name, now);
            if (q)
                q->moved = 1;
        }
    }
}

static void *dir_main(void *arg) {
    dir_src *ds = arg;
    ds_rx *rx = &ds->rx;
    int ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (ifd >= 0 &&
        inotify_add_watch(ifd, ds->dir,
                          IN_CREATE | IN_MOVED_TO | IN_MODIFY | IN_CLOSE_WRITE |
                              IN_ATTRIB | IN_DELETE | IN_MOVED_FROM) < 0) {
        close(ifd);
        ifd = -1;
    }
    ds__source_log(&rx->base, DS_LOG_INFO, "watching %s%s%s for new files%s",
                   ds->dir, ds->pattern ? "/" : "",
                   ds->pattern ? ds->pattern : "", ifd < 0 ? " (polling)" : "");
    for (;;) {
        int64_t now = ds__rx_now_us();
        scan(ds, now);
        int64_t sleep = read_ready(ds, now);
        if (sleep < 0 || ds__rx_stopping(rx))
            break;
        struct pollfd p[2] = {{rx->evfd, POLLIN, 0}, {ifd, POLLIN, 0}};
        if (poll(p, ifd >= 0 ? 2 : 1, (int)((sleep + 999) / 1000)) < 0 &&
            errno != EINTR)
            break;
        if (p[0].revents)
            break;
        if (ifd >= 0 && p[1].revents) {
            /* a burst of events (a file being written) makes one scan */
            if (ds__rx_sleep(rx, 20000))
                break;
            take_events(ds, ifd, ds__rx_now_us());
        }
    }
    if (ifd >= 0)
        close(ifd);
    return NULL;
}

/* ------------------------------------------------------------- the source */

static void dir_free(ds_source *s) {
    dir_src *ds = (dir_src *)s;
    ds__rx_fini(&ds->rx);
    strset_fini(&ds->seen);
    for (int k = 0; k < ds->npend; k++)
        ds_free(ds->pend[k].name);
    ds_free(ds->pend);
    if (ds->ckpt_fd >= 0)
        close(ds->ckpt_fd);
    ds_free(ds->dir);
    ds_free(ds->pattern);
    ds_free(ds);
}

static const ds_source_vtable dir_vt = {
    "directory",     ds__rx_x_start, ds__rx_take, ds__rx_ready,
    ds__rx_finished, ds__rx_stop,    dir_free};

/* Creates the directories above path (mkdir -p of its dirname). */
static int make_parents(const char *path) {
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(buf, 0755) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return 0;
}

/* Reads the checkpoint (a "#watch dir/pattern" line, then the paths of the
   files read by earlier runs) and opens it for appending; *restart: an
   earlier run watched the same directory and pattern. */
static int open_checkpoint(dir_src *ds, const char *path, int *restart,
                           char *errmsg, size_t errlen) {
    char prefix[PATH_MAX];
    join_path(ds, "", prefix, sizeof prefix);
    size_t plen = strlen(prefix);
    char header[PATH_MAX + 16];
    snprintf(header, sizeof header, "#watch %s%s", prefix,
             ds->pattern ? ds->pattern : "");
    FILE *f = fopen(path, "r");
    *restart = 0;
    if (f) {
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        while ((n = getline(&line, &cap, f)) > 0) {
            if (line[n - 1] == '\n')
                line[n - 1] = 0;
            if (!strcmp(line, header))
                *restart = 1;
            else if (!strncmp(line, prefix, plen) && line[plen] &&
                     strset_add(&ds->seen, line + plen))
                break;
        }
        free(line);
        fclose(f);
    }
    if (make_parents(path) == 0)
        ds->ckpt_fd =
            open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (ds->ckpt_fd < 0) {
        snprintf(errmsg, errlen, "cannot write the checkpoint file %s: %s",
                 path, strerror(errno));
        return DS_IOERR;
    }
    if (!*restart) /* a first run: later ones know it was here */
        record_file(&ds->rx, header);
    return DS_OK;
}

/* Files there at the start are skipped: they count as read. */
static int skip_existing(dir_src *ds) {
    DIR *d = opendir(ds->dir);
    if (!d)
        return DS_OK;
    struct dirent *de;
    int rc = DS_OK;
    while (!rc && (de = readdir(d))) {
        if (!wanted(ds, de->d_name))
            continue;
        rc = strset_add(&ds->seen, de->d_name);
        char path[PATH_MAX];
        join_path(ds, de->d_name, path, sizeof path);
        record_file(&ds->rx, path);
    }
    closedir(d);
    return rc;
}

/* Splits target into a directory and a glob of names. */
static int split_target(dir_src *ds, const char *target, char *errmsg,
                        size_t errlen) {
    struct stat st;
    const char *slash = strrchr(target, '/');
    if (stat(target, &st) == 0 && S_ISDIR(st.st_mode)) {
        size_t n = strlen(target);
        while (n > 1 && target[n - 1] == '/')
            n--;
        ds->dir = ds__strndup(target, n);
    } else {
        const char *base = slash ? slash + 1 : target;
        size_t dn = slash ? (size_t)(slash - target) : 0;
        ds->dir =
            slash ? ds__strndup(target, dn ? dn : 1) : ds__strndup(".", 1);
        ds->pattern = ds__strndup(base, strlen(base));
        if (!ds->dir || !ds->pattern)
            return DS_NOMEM;
        if (!strpbrk(base, "*?[")) {
            snprintf(errmsg, errlen, "no such file or directory: %s", target);
            return DS_ERROR;
        }
        if (strpbrk(ds->dir, "*?[")) {
            snprintf(errmsg, errlen,
                     "a glob may only be in the last part of the path: %s",
                     target);
            return DS_ERROR;
        }
        if (stat(ds->dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
            snprintf(errmsg, errlen, "no such file or directory: %s", ds->dir);
            return DS_ERROR;
        }
    }
    return ds->dir ? DS_OK : DS_NOMEM;
}

ds_source *ds__src_dir_new(const ds_source_args *a, char *errmsg,
                           size_t errlen) {
    dir_src *ds = ds_malloc(sizeof *ds);
    if (!ds) {
        snprintf(errmsg, errlen, "out of memory");
        return NULL;
    }
    memset(ds, 0, sizeof *ds);
    ds->ckpt_fd = -1;
    ds->settle_us = a->settle_us >= 0 ? a->settle_us : 1000000;
    ds->poll_us = a->poll_us > 0 ? a->poll_us : 1000000;
    int restart = 0;
    int rc = ds__rx_init(&ds->rx, &dir_vt, a, errmsg, errlen);
    if (!rc)
        rc = split_target(ds, a->target, errmsg, errlen);
    if (!rc && a->checkpoint)
        rc = open_checkpoint(ds, a->checkpoint, &restart, errmsg, errlen);
    if (!rc && !restart && a->existing <= 0)
        rc = skip_existing(ds);
    if (rc) {
        if (rc == DS_NOMEM)
            snprintf(errmsg, errlen, "out of memory");
        dir_free(&ds->rx.base);
        return NULL;
    }
    ds->rx.main = dir_main;
    ds->rx.on_mark = record_file;
    return &ds->rx.base;
}
