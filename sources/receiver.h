/*
** receiver.h - the machinery the receiving sources share (src_socket.c,
** src_listen.c, src_file.c, src_dir.c, src_stdin.c): a bounded queue of
** decoded blocks between a receiver thread and the scheduler, records cut
** from input read piece by piece, the bad_rows file, and the receiver
** thread's start, stop and wake-up (an eventfd).
**
** A receiving source embeds ds_rx first and uses ds__rx_take, _ready,
** _finished and _stop as its vtable's members. Its thread reads input and
** hands the bytes to ds__rx_feed, which decodes every complete record
** (decode.h: ds__decode_buffer) into the queue's open block; before each read
*it
** calls ds__rx_wait_room, which blocks while the queue holds buffer_bytes
** (so a socket is not read and TCP pushes back). The scheduler's x_take
** moves blocks into the batch: everything (real clock) or up to max_rows
** rows (virtual clock). A regular file can instead be read inside x_take
** (rx->pull) and decoded straight into the batch, so that a replay gives
** the same batches every time.
**
** Locking: mu guards the queue, the counters and the flags; the thread
** decodes under it (one read's worth at a time). The thread never takes
** the engine lock, so the engine may stop and join it while holding that
** lock.
*/
#ifndef DS_RECEIVER_H
#define DS_RECEIVER_H

#include <pthread.h>
#include <sys/types.h>

#include "source.h"

#define DS_RX_READ_SIZE (64 * 1024)

typedef struct ds_rx ds_rx;
typedef struct rx_entry rx_entry; /* a decoded block or a mark */

/* One input: a file, a connection, standard input. */
typedef struct ds_rx_input {
    ds_rx *rx;
    char where[160]; /* position for bad rows: a path or a peer address */
    int64_t lines;   /* line ends consumed so far */
    char *buf;       /* owned: the start of a record still incomplete */
    size_t len, cap;
    ds_decoder *dec; /* owned when owns_dec, else the source's */
    int owns_dec;
    int dropped; /* input was dropped because the source stopped */
    /* while decoding: the text, and how far its lines are counted */
    const char *text, *text_end, *counted;
} ds_rx_input;

#define DS_RX_BAD_LOGGED 5 /* bad rows logged one by one, then counted */

typedef enum ds_rx_mode {
    DS_RX_UNDECIDED, /* a file not read yet: x_take decides */
    DS_RX_SYNC,      /* read inside x_take (virtual clock) */
    DS_RX_THREAD,    /* a receiver thread */
} ds_rx_mode;

struct ds_rx {
    ds_source base;
    ds_decode_opts dopts; /* null_str points to null_str below */
    char *null_str;       /* owned */
    pthread_mutex_t mu;
    pthread_cond_t room;     /* signalled when blocks are taken, or stop */
    rx_entry *head, *tail;   /* owned */
    ds_batch *open;          /* the block being filled (tail's), or NULL */
    size_t bytes, cap;       /* held by the queue, and its bound */
    int64_t buffered;        /* rows in the queue */
    int64_t rows_in, bad_in; /* counters, copied to base.metrics */
    int64_t bad_untaken;     /* bad rows since the last take */
    int64_t max_rows;        /* the last take's max_rows */
    int64_t last_in_us;      /* when rows last arrived (monotonic) */
    int eof;                 /* no more rows will be added */
    int stop;                /* the thread must end */
    int evfd;                /* eventfd: readable once stop is set */
    int bad_fd;              /* the bad_rows file, or -1 */
    /* warnings to log once mu is released, by the one thread feeding */
    char logq[DS_RX_BAD_LOGGED + 1][256];
    int nlogq;
    int virtual_hint; /* created under the virtual clock */
    ds_rx_mode mode;
    int started; /* the thread was started */
    pthread_t thread;
    /* the kind's parts */
    void *(*main)(void *rx); /* the thread's body */
    /* sync capable: reads and decodes up to max rows (0: a bounded
       amount) straight into out; calls ds__rx_finish at the end */
    int (*pull)(ds_rx *rx, ds_batch *out, int64_t max);
    void (*on_mark)(ds_rx *rx, const char *mark); /* under mu */
};

/* Sets up rx (base included) from a; returns DS_OK or an error with
   errmsg set. Call ds__rx_fini even after a failure. */
int ds__rx_init(ds_rx *rx, const ds_source_vtable *vt, const ds_source_args *a,
                char *errmsg, size_t errlen);
/* Stops and joins the thread (ds__rx_halt) and frees the queue. */
void ds__rx_fini(ds_rx *rx);
/* Starts the thread running rx->main unless started or stopped. */
int ds__rx_start(ds_rx *rx);
/* Asks the thread to end and waits for it. */
void ds__rx_halt(ds_rx *rx);

/* The vtable members every receiving source shares. */
int ds__rx_x_start(ds_source *s);
int ds__rx_take(ds_source *s, const ds_take *how, ds_batch *out);
int ds__rx_ready(ds_source *s);
int ds__rx_finished(ds_source *s);
void ds__rx_stop(ds_source *s);

/* --- for the thread --- */

/* 1 once the thread should end. */
int ds__rx_stopping(ds_rx *rx);
/* Waits while the queue is full; returns 1 if the thread should end. */
int ds__rx_wait_room(ds_rx *rx);
/* Sleeps us microseconds or until stop; returns 1 if it should end. */
int ds__rx_sleep(ds_rx *rx, int64_t us);
/* No more input: once drained, the source is finished. */
void ds__rx_finish(ds_rx *rx);
/* Queues a mark after the rows received so far; on_mark is called with it
   once those rows have been taken. */
int ds__rx_mark(ds_rx *rx, const char *mark);

/* An input named where. own_decoder: a decoder of its own (made from the
   source's options; a LISTEN client), else the source's, reset. */
int ds__rx_input_init(ds_rx *rx, ds_rx_input *in, const char *where,
                      int own_decoder);
void ds__rx_input_fini(ds_rx_input *in);
/* Decodes every complete record of n more bytes of input into the queue
   (ds__decode_buffer: lines, or CSV records with quoted line breaks); the
   incomplete rest waits in in->buf. DS_OK or DS_NOMEM. */
int ds__rx_feed(ds_rx *rx, ds_rx_input *in, const char *data, size_t n);
/* ds__rx_feed for rx->pull: decodes into out instead of the queue, at
   most max rows (0: no limit); *added gets the rows. At eof what is held
   ends the input's last record. */
int ds__rx_decode_into(ds_rx *rx, ds_rx_input *in, const char *data, size_t n,
                       int eof, ds_batch *out, int64_t max, int64_t *added);
/* The input ended. clean (EOF): an unterminated last record is a row;
   else it is a bad row with reason why (a connection lost mid-line). The
   decoder is reset and the line count restarts. */
int ds__rx_end_input(ds_rx *rx, ds_rx_input *in, int clean, const char *why);
/* Reads one chunk of fd into in: returns bytes read, 0 at EOF, or -1 with
   errno (EAGAIN included). */
ssize_t ds__rx_read_fd(ds_rx *rx, ds_rx_input *in, int fd);

/* src_file.c: a source reading fd (not closed) until EOF: FROM STDIN. */
ds_source *ds__src_fd_new(const ds_source_args *a, int fd, char *errmsg,
                          size_t errlen);

/* Monotonic microseconds. */
int64_t ds__rx_now_us(void);

/* --- net.c: addresses --- */

/* A socket address (struct sockaddr_in or _in6) as text for logs and bad
   rows: "127.0.0.1:9000", "[::1]:9000". */
void ds__net_peer_name(const void *sockaddr, char *buf, size_t len);
/* Splits "host:port", "[v6]:port"; for a listener also "port" and
   ":port" (host 127.0.0.1). DS_OK, or DS_ERROR with errmsg. */
int ds__net_split(const char *addr, int listener, char *host, size_t hostlen,
                  char *port, size_t portlen, char *errmsg, size_t errlen);

#endif
