/*
** receiver.c - what the receiving sources share (receiver.h): the bounded
** block queue, records decoded from input read piece by piece, the
** bad_rows file, and the vtable members they have in common (take, ready,
** finished, stop).
*/
#include "receiver.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define BLOCK_ROWS (16 * DS_CHUNK_ROWS) /* a block is sealed after this */
#define BLOCK_BYTES ((size_t)4 << 20)   /* ... or this much text */
#define LINGER_US 50000   /* virtual clock: idle this long = ready */
#define BAD_ROW_SHOW 1024 /* bytes of a bad row written to bad_rows */

struct rx_entry {
    ds_batch *rows; /* owned; NULL for a mark */
    int64_t taken;  /* rows already taken (the head block only) */
    size_t bytes;   /* counted in rx->bytes */
    char *mark;     /* owned; set for a mark */
    rx_entry *next;
};

void ds__source_args_init(ds_source_args *a) {
    memset(a, 0, sizeof *a);
    ds__decode_opts_init(&a->decode);
    a->buffer_bytes = DS_SOURCE_BUFFER_DEFAULT;
    a->max_rows = 100000;
    a->reconnect = 1;
    a->reconnect_delay_us = 100000;
    a->reconnect_max_delay_us = 5000000;
    a->connect_timeout_us = 5000000;
    a->max_clients = 1024;
    a->existing = -1;
    a->settle_us = 1000000;
    a->poll_us = 1000000;
}

int64_t ds__rx_now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void wake(ds_rx *rx) {
    if (rx->base.wake)
        rx->base.wake(rx->base.wake_user);
}

/* ------------------------------------------------------ setup, teardown */

int ds__rx_init(ds_rx *rx, const ds_source_vtable *vt, const ds_source_args *a,
                char *errmsg, size_t errlen) {
    /* what ds__rx_fini looks at comes first, so that it can always run */
    pthread_mutex_init(&rx->mu, NULL);
    pthread_cond_init(&rx->room, NULL);
    rx->evfd = -1;
    rx->bad_fd = -1;
    rx->dopts = a->decode;
    if (a->decode.null_str) {
        rx->null_str =
            ds__strndup(a->decode.null_str, strlen(a->decode.null_str));
        if (!rx->null_str)
            goto nomem;
    }
    rx->dopts.null_str = rx->null_str;
    int rc = ds__source_init(&rx->base, vt, a->ncols, a->names, a->types,
                             &rx->dopts, errmsg, errlen);
    if (rc)
        return rc;
    rx->cap = a->buffer_bytes ? a->buffer_bytes : DS_SOURCE_BUFFER_DEFAULT;
    rx->max_rows = a->max_rows > 0 ? a->max_rows : 100000;
    rx->virtual_hint = a->virtual_clock;
    rx->last_in_us = ds__rx_now_us();
    rx->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (rx->evfd < 0) {
        snprintf(errmsg, errlen, "cannot make an eventfd: %s", strerror(errno));
        return DS_IOERR;
    }
    if (a->bad_rows) {
        rx->bad_fd =
            open(a->bad_rows, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (rx->bad_fd < 0) {
            snprintf(errmsg, errlen, "cannot open the bad_rows file %s: %s",
                     a->bad_rows, strerror(errno));
            return DS_IOERR;
        }
    }
    return DS_OK;
nomem:
    snprintf(errmsg, errlen, "out of memory");
    return DS_NOMEM;
}

static void entry_free(rx_entry *e) {
    ds__batch_free(e->rows);
    ds_free(e->mark);
    ds_free(e);
}

void ds__rx_fini(ds_rx *rx) {
    ds__rx_halt(rx);
    while (rx->head) {
        rx_entry *e = rx->head;
        rx->head = e->next;
        entry_free(e);
    }
    rx->tail = NULL;
    rx->open = NULL;
    if (rx->evfd >= 0)
        close(rx->evfd);
    if (rx->bad_fd >= 0)
        close(rx->bad_fd);
    rx->evfd = rx->bad_fd = -1;
    ds_free(rx->null_str);
    rx->null_str = NULL;
    ds__source_fini(&rx->base);
    pthread_cond_destroy(&rx->room);
    pthread_mutex_destroy(&rx->mu);
}

int ds__rx_start(ds_rx *rx) {
    int rc = DS_OK;
    pthread_mutex_lock(&rx->mu);
    if (!rx->started && !rx->stop && rx->mode != DS_RX_SYNC && rx->main) {
        rx->mode = DS_RX_THREAD;
        if (pthread_create(&rx->thread, NULL, rx->main, rx)) {
            snprintf(rx->base.errmsg, sizeof rx->base.errmsg,
                     "cannot start the receiver thread");
            rc = DS_ERROR;
        } else {
            rx->started = 1;
        }
    }
    pthread_mutex_unlock(&rx->mu);
    return rc;
}

static void signal_stop(ds_rx *rx) {
    uint64_t one = 1;
    if (rx->evfd >= 0 && write(rx->evfd, &one, sizeof one) < 0) {
        /* the counter is already non-zero: the thread is woken anyway */
    }
}

void ds__rx_halt(ds_rx *rx) {
    pthread_mutex_lock(&rx->mu);
    rx->stop = 1;
    rx->eof = 1;
    int join = rx->started;
    rx->started = 0;
    pthread_cond_broadcast(&rx->room);
    pthread_mutex_unlock(&rx->mu);
    signal_stop(rx);
    if (join)
        pthread_join(rx->thread, NULL);
}

int64_t ds__source_buffered_bytes(ds_source *s) {
    if (s->vt->x_take != ds__rx_take)
        return 0;
    ds_rx *rx = (ds_rx *)s;
    pthread_mutex_lock(&rx->mu);
    int64_t b = (int64_t)rx->bytes;
    pthread_mutex_unlock(&rx->mu);
    return b;
}

/* ------------------------------------------------------------ the queue */

static size_t chunk_bytes(const ds_batch *b) {
    size_t n = sizeof(ds_chunk);
    for (int k = 0; k < b->ncols; k++)
        n += sizeof(ds_vec) + ds__type_width(b->types[k]) * DS_CHUNK_ROWS;
    return n;
}

/* Memory a block holds: its chunks (full capacity) and its text. */
static size_t block_bytes(const ds_batch *b) {
    size_t nchunks = (size_t)((b->rows + DS_CHUNK_ROWS - 1) / DS_CHUNK_ROWS);
    return sizeof(ds_batch) + nchunks * chunk_bytes(b) +
           ds__arena_bytes(&b->arena);
}

/* A new open block at the tail; under mu. */
static int open_block(ds_rx *rx) {
    rx_entry *e = ds_malloc(sizeof *e);
    ds_batch *b = ds__batch_new(rx->base.ncols, rx->base.types);
    if (!e || !b) {
        ds_free(e);
        ds__batch_free(b);
        return DS_NOMEM;
    }
    memset(e, 0, sizeof *e);
    e->rows = b;
    e->bytes = block_bytes(b);
    rx->bytes += e->bytes;
    if (rx->tail)
        rx->tail->next = e;
    else
        rx->head = e;
    rx->tail = e;
    rx->open = b;
    return DS_OK;
}

/* After rows went into the open block: its size, and sealing. */
static void account_open(ds_rx *rx) {
    if (!rx->open)
        return;
    rx_entry *e = rx->tail;
    size_t nb = block_bytes(rx->open);
    rx->bytes = rx->bytes - e->bytes + nb;
    e->bytes = nb;
    if (rx->open->rows >= BLOCK_ROWS ||
        ds__arena_bytes(&rx->open->arena) >= BLOCK_BYTES)
        rx->open = NULL;
}

/* Every row was taken: passes the queued marks and frees what is left
   (empty blocks, marks); under mu, by the consumer (take, finished). */
static void drain_marks(ds_rx *rx) {
    if (rx->buffered != 0)
        return;
    while (rx->head) {
        rx_entry *e = rx->head;
        rx->head = e->next;
        if (e->mark && rx->on_mark)
            rx->on_mark(rx, e->mark);
        rx->bytes -= e->bytes;
        entry_free(e);
    }
    rx->tail = NULL;
    rx->open = NULL;
}

int ds__rx_mark(ds_rx *rx, const char *mark) {
    pthread_mutex_lock(&rx->mu);
    int rc = DS_OK;
    if (!rx->head) { /* every row before it was taken */
        if (rx->on_mark)
            rx->on_mark(rx, mark);
        goto done;
    }
    rx_entry *e = ds_malloc(sizeof *e);
    char *m = ds__strndup(mark, strlen(mark));
    if (!e || !m) {
        ds_free(e);
        ds_free(m);
        rc = DS_NOMEM;
        goto done;
    }
    memset(e, 0, sizeof *e);
    e->mark = m;
    rx->tail->next = e;
    rx->tail = e;
    rx->open = NULL;
done:
    pthread_mutex_unlock(&rx->mu);
    return rc;
}

/* Appends rows [from, from + count) of b to out, copying text. */
static int append_range(ds_batch *out, const ds_batch *b, int64_t from,
                        int64_t count) {
    const ds_chunk *c = b->head;
    while (c && from >= c->n) {
        from -= c->n;
        c = c->next;
    }
    int off = (int)from;
    while (count > 0 && c) {
        int take = c->n - off;
        if (take > count)
            take = (int)count;
        for (int done = 0; done < take;) {
            ds_chunk *t = ds__batch_tail(out);
            if (!t)
                return DS_NOMEM;
            int m = DS_CHUNK_ROWS - t->n;
            if (m > take - done)
                m = take - done;
            int rc = ds__chunk_append_rows(t, c, off + done, m, &out->arena);
            if (rc)
                return rc;
            done += m;
            out->rows += m;
        }
        count -= take;
        off = 0;
        c = c->next;
    }
    return DS_OK;
}

/* Copies the counters the receiver keeps to the source's metrics (which
   are read under the engine lock, as the vtable is called). */
static void publish(ds_rx *rx) { rx->base.metrics.bad_rows = rx->bad_in; }

int ds__rx_x_start(ds_source *s) {
    ds_rx *rx = (ds_rx *)s;
    if (rx->pull && rx->virtual_hint)
        return DS_OK; /* the first x_take decides */
    return ds__rx_start(rx);
}

int ds__rx_take(ds_source *s, const ds_take *how, ds_batch *out) {
    ds_rx *rx = (ds_rx *)s;
    int64_t max = INT64_MAX;
    pthread_mutex_lock(&rx->mu);
    if (how->virtual_clock && how->max_rows > 0)
        max = rx->max_rows = how->max_rows;
    if (rx->mode == DS_RX_UNDECIDED && rx->pull && how->virtual_clock &&
        !rx->started)
        rx->mode = DS_RX_SYNC;
    ds_rx_mode mode = rx->mode;
    pthread_mutex_unlock(&rx->mu);
    int rc = DS_OK;
    if (mode == DS_RX_UNDECIDED)
        rc = ds__rx_start(rx);
    else if (mode == DS_RX_SYNC && !ds__rx_stopping(rx))
        rc = rx->pull(rx, out, max == INT64_MAX ? 0 : max);
    if (rc)
        return rc;

    /* which entries this batch takes; they are sealed, so the receiver
       does not touch them while they are copied without the lock */
    pthread_mutex_lock(&rx->mu);
    publish(rx);
    rx->open = NULL;
    rx_entry *first = rx->head, *partial = NULL;
    int nfull = 0;
    int64_t want = max, partial_n = 0;
    for (rx_entry *e = first; e; e = e->next) {
        if (e->rows) {
            int64_t avail = e->rows->rows - e->taken;
            if (want == 0 && avail > 0)
                break;
            if (avail > want) {
                partial = e;
                partial_n = want;
                break;
            }
            want -= avail;
        }
        nfull++;
    }
    pthread_mutex_unlock(&rx->mu);

    rx_entry *e = first;
    for (int i = 0; i < nfull && !rc; i++) {
        if (e->rows)
            rc = append_range(out, e->rows, e->taken, e->rows->rows - e->taken);
        if (i + 1 < nfull)
            e = e->next;
    }
    if (partial && !rc)
        rc = append_range(out, partial->rows, partial->taken, partial_n);
    if (rc)
        return rc;

    rx_entry *done = NULL;
    int64_t taken = 0;
    pthread_mutex_lock(&rx->mu);
    for (int i = 0; i < nfull; i++) {
        e = rx->head;
        rx->head = e->next;
        if (!rx->head)
            rx->tail = NULL;
        if (e->rows == rx->open)
            rx->open = NULL;
        if (e->mark && rx->on_mark)
            rx->on_mark(rx, e->mark);
        if (e->rows)
            taken += e->rows->rows - e->taken;
        rx->bytes -= e->bytes;
        e->next = done;
        done = e;
    }
    if (partial) {
        partial->taken += partial_n;
        taken += partial_n;
    }
    rx->buffered -= taken;
    rx->base.metrics.rows += taken;
    out->bad_rows += rx->bad_untaken;
    rx->bad_untaken = 0;
    drain_marks(rx);
    pthread_cond_broadcast(&rx->room);
    pthread_mutex_unlock(&rx->mu);
    while (done) {
        e = done;
        done = e->next;
        entry_free(e);
    }
    return DS_OK;
}

int ds__rx_ready(ds_source *s) {
    ds_rx *rx = (ds_rx *)s;
    pthread_mutex_lock(&rx->mu);
    publish(rx);
    int r;
    if (rx->pull && rx->mode != DS_RX_THREAD)
        r = rx->buffered > 0 || !rx->eof;
    else
        r = rx->buffered > 0 &&
            (rx->buffered >= rx->max_rows || rx->eof || rx->bytes >= rx->cap ||
             ds__rx_now_us() - rx->last_in_us >= LINGER_US);
    pthread_mutex_unlock(&rx->mu);
    return r;
}

int ds__rx_finished(ds_source *s) {
    ds_rx *rx = (ds_rx *)s;
    pthread_mutex_lock(&rx->mu);
    publish(rx);
    int r = rx->eof && rx->buffered == 0;
    if (r)
        drain_marks(rx);
    pthread_mutex_unlock(&rx->mu);
    return r;
}

void ds__rx_stop(ds_source *s) {
    ds_rx *rx = (ds_rx *)s;
    pthread_mutex_lock(&rx->mu);
    rx->stop = 1;
    rx->eof = 1;
    pthread_cond_broadcast(&rx->room);
    pthread_mutex_unlock(&rx->mu);
    signal_stop(rx);
    wake(rx);
}

/* ----------------------------------------------------------- the thread */

int ds__rx_stopping(ds_rx *rx) {
    pthread_mutex_lock(&rx->mu);
    int r = rx->stop;
    pthread_mutex_unlock(&rx->mu);
    return r;
}

int ds__rx_wait_room(ds_rx *rx) {
    pthread_mutex_lock(&rx->mu);
    while (!rx->stop && rx->bytes >= rx->cap && rx->buffered > 0)
        pthread_cond_wait(&rx->room, &rx->mu);
    int r = rx->stop;
    pthread_mutex_unlock(&rx->mu);
    return r;
}

int ds__rx_sleep(ds_rx *rx, int64_t us) {
    struct pollfd p = {rx->evfd, POLLIN, 0};
    int ms = (int)((us + 999) / 1000);
    if (poll(&p, 1, ms) < 0 && errno != EINTR)
        return 1;
    return ds__rx_stopping(rx);
}

void ds__rx_finish(ds_rx *rx) {
    pthread_mutex_lock(&rx->mu);
    rx->eof = 1;
    pthread_mutex_unlock(&rx->mu);
    wake(rx);
}

/* ----------------------------------------------------- records and rows */

int ds__rx_input_init(ds_rx *rx, ds_rx_input *in, const char *where,
                      int own_decoder) {
    memset(in, 0, sizeof *in);
    in->rx = rx;
    snprintf(in->where, sizeof in->where, "%s", where);
    if (!own_decoder) {
        in->dec = rx->base.decoder;
        if (in->dec)
            ds__decoder_reset(in->dec);
        return DS_OK;
    }
    char msg[256];
    in->dec = ds__decoder_new(&rx->dopts, rx->base.ncols,
                              (const char *const *)rx->base.names,
                              rx->base.types, msg, sizeof msg);
    in->owns_dec = 1;
    return in->dec ? DS_OK : DS_NOMEM;
}

void ds__rx_input_fini(ds_rx_input *in) {
    ds_free(in->buf);
    if (in->owns_dec)
        ds__decoder_free(in->dec);
    memset(in, 0, sizeof *in);
}

/* A rejected row of line `line`: counted, written to bad_rows, and the
   first few logged (after the lock is released: flush_log). Under mu. */
static void bad_row(ds_rx *rx, ds_rx_input *in, int64_t line, const char *why,
                    const char *row, size_t n) {
    rx->bad_in++;
    rx->bad_untaken++;
    if (rx->bad_in <= DS_RX_BAD_LOGGED + 1 && rx->nlogq <= DS_RX_BAD_LOGGED) {
        if (rx->bad_in <= DS_RX_BAD_LOGGED)
            snprintf(rx->logq[rx->nlogq++], sizeof rx->logq[0],
                     "bad row at %s:%lld: %s", in->where, (long long)line, why);
        else
            snprintf(rx->logq[rx->nlogq++], sizeof rx->logq[0],
                     "more bad rows; they are counted (and written to "
                     "bad_rows if set) but not logged");
    }
    if (rx->bad_fd < 0)
        return;
    char buf[2 * BAD_ROW_SHOW + 512];
    size_t show = n > BAD_ROW_SHOW ? BAD_ROW_SHOW : n;
    int k =
        snprintf(buf, 512, "%s:%lld\t%s\t", in->where, (long long)line, why);
    if (k < 0)
        return;
    size_t at = (size_t)k < 512 ? (size_t)k : 511;
    for (size_t i = 0; i < show; i++) { /* one line: a CSV record's line
                                           breaks are written \n, \r */
        char c = row[i];
        if (c == '\n' || c == '\r') {
            buf[at++] = '\\';
            c = c == '\n' ? 'n' : 'r';
        }
        buf[at++] = c;
    }
    if (show < n) {
        memcpy(buf + at, "...", 3);
        at += 3;
    }
    buf[at++] = '\n';
    if (write(rx->bad_fd, buf, at) < 0) {
        /* nowhere to report it; the row is still counted */
    }
}

/* Counts the line ends of in->text up to p into in->lines. */
static void count_lines(ds_rx_input *in, const char *p) {
    const char *q = in->counted;
    while (q < p && (q = memchr(q, '\n', (size_t)(p - q)))) {
        in->lines++;
        q++;
    }
    in->counted = p;
}

/* The decoder's on_bad: rec points into in->text. */
static void on_bad(void *user, const char *rec, size_t n, const char *why) {
    ds_rx_input *in = user;
    if (rec >= in->counted && rec <= in->text_end)
        count_lines(in, rec);
    bad_row(in->rx, in, in->lines + 1, why, rec, n);
}

static int buf_append(ds_rx_input *in, const char *p, size_t n) {
    if (in->len + n > in->cap) {
        size_t cap = in->cap ? in->cap : 256;
        while (cap < in->len + n)
            cap *= 2;
        char *nb = ds_realloc(in->buf, cap);
        if (!nb)
            return DS_NOMEM;
        in->buf = nb;
        in->cap = cap;
    }
    memcpy(in->buf + in->len, p, n);
    in->len += n;
    return DS_OK;
}

static void flush_log(ds_rx *rx) {
    for (int k = 0; k < rx->nlogq; k++)
        ds__source_log(&rx->base, DS_LOG_WARN, "%s", rx->logq[k]);
    rx->nlogq = 0;
}

/* Decodes the complete records of what in holds plus data[0 .. n) into
   the queue (all of it at eof); keeps the rest in in->buf. */
/*
** Decodes the complete records of what in holds plus data[0 .. n) (all of
** it at eof) and keeps the rest in in->buf: into the queue when out is
** NULL, else straight into out (read inside x_take), at most max rows
** (0: no limit). *added: rows added.
*/
static int decode_to(ds_rx *rx, ds_rx_input *in, const char *data, size_t n,
                     int eof, ds_batch *out, int64_t max, int64_t *added) {
    const char *text = data;
    size_t len = n;
    *added = 0;
    if (in->len) {
        if (buf_append(in, data, n))
            return DS_NOMEM;
        text = in->buf;
        len = in->len;
    }
    int rc = DS_OK;
    size_t used = len;
    pthread_mutex_lock(&rx->mu);
    if (rx->stop) {
        in->dropped |= len > 0;
        goto done;
    }
    if (!out && !rx->open && (rc = open_block(rx)))
        goto done;
    ds_batch *to = out ? out : rx->open;
    in->text = in->counted = text;
    in->text_end = text + len;
    ds__decoder_on_bad(in->dec, on_bad, in);
    int64_t before = to->rows, bad = 0;
    rc = ds__decode_buffer(in->dec, text, len, eof, max, to, &bad, &used);
    count_lines(in, text + used);
    *added = to->rows - before;
    rx->rows_in += *added;
    if (out) {
        rx->base.metrics.rows += *added;
        to->bad_rows -= bad; /* counted by take */
    } else {
        rx->buffered += *added;
        account_open(rx);
    }
    if (*added > 0)
        rx->last_in_us = ds__rx_now_us();
done:
    pthread_mutex_unlock(&rx->mu);
    size_t rest = len - used;
    if (text == in->buf) {
        memmove(in->buf, in->buf + used, rest);
        in->len = rest;
    } else if (rest && !rc) {
        rc = buf_append(in, data + used, rest);
    }
    flush_log(rx);
    if (*added > 0 && !out)
        wake(rx);
    return rc;
}

static int decode(ds_rx *rx, ds_rx_input *in, const char *data, size_t n,
                  int eof) {
    int64_t added;
    return decode_to(rx, in, data, n, eof, NULL, 0, &added);
}

int ds__rx_decode_into(ds_rx *rx, ds_rx_input *in, const char *data, size_t n,
                       int eof, ds_batch *out, int64_t max, int64_t *added) {
    return decode_to(rx, in, data, n, eof, out, max, added);
}

int ds__rx_feed(ds_rx *rx, ds_rx_input *in, const char *data, size_t n) {
    return decode(rx, in, data, n, 0);
}

int ds__rx_end_input(ds_rx *rx, ds_rx_input *in, int clean, const char *why) {
    int rc = DS_OK;
    if (clean) {
        rc = decode(rx, in, "", 0, 1);
    } else if (in->len) {
        pthread_mutex_lock(&rx->mu);
        if (rx->stop)
            in->dropped = 1;
        else
            bad_row(rx, in, in->lines + 1, why ? why : "input ended mid-line",
                    in->buf, in->len);
        pthread_mutex_unlock(&rx->mu);
        flush_log(rx);
    }
    in->len = 0;
    in->lines = 0;
    if (in->dec)
        ds__decoder_reset(in->dec);
    wake(rx);
    return rc;
}

ssize_t ds__rx_read_fd(ds_rx *rx, ds_rx_input *in, int fd) {
    char buf[DS_RX_READ_SIZE];
    ssize_t n;
    do
        n = read(fd, buf, sizeof buf);
    while (n < 0 && errno == EINTR);
    if (n > 0 && ds__rx_feed(rx, in, buf, (size_t)n)) {
        errno = ENOMEM;
        return -1;
    }
    return n;
}
