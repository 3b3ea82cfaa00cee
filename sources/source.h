/*
** source.h - where a stream's rows come from: one interface, one file per
** kind (src_queue.c, and the socket, file and stdin sources), plus the
** decoders that turn input text into typed rows (decode.h).
**
** The scheduler asks each source for the rows of the next batch (x_take);
** live sources receive on their own threads in between and keep what they
** received in bounded buffers. Sources never see a plan: they know the
** stream's columns (names and types) and their options.
*/
#ifndef DS_SOURCE_H
#define DS_SOURCE_H

#include <pthread.h>

#include "../runtime/chunk.h"
#include "decode.h"

/* How the scheduler asks for rows. */
typedef struct ds_take {
    int virtual_clock; /* 1: give the next chunk (replay) */
    int64_t max_rows;  /* rows_per_batch for file, stdin, socket */
} ds_take;

typedef struct ds_source ds_source;

typedef struct ds_source_vtable {
    const char *name; /* "queue", "file", ... */
    /* Begins receiving (threads of live sources start here). */
    int (*x_start)(ds_source *s);
    /* Appends the rows of the next batch to out (same columns). */
    int (*x_take)(ds_source *s, const ds_take *how, ds_batch *out);
    /* 1 when rows are waiting to be taken. */
    int (*x_ready)(ds_source *s);
    /* 1 when nothing more will ever come and nothing is left to take. */
    int (*x_finished)(ds_source *s);
    /* Graceful stop: receive nothing more; what was received stays to be
       taken. */
    void (*x_stop)(ds_source *s);
    void (*x_free)(ds_source *s);
} ds_source_vtable;

/* Counters of a source (read under the engine lock). */
typedef struct ds_source_metrics {
    int64_t rows;     /* rows decoded and handed over */
    int64_t bad_rows; /* rows that could not be decoded */
} ds_source_metrics;

struct ds_source {
    const ds_source_vtable *vt;
    int ncols;
    int *types;          /* owned */
    char **names;        /* owned */
    ds_decoder *decoder; /* owned; NULL when rows come typed */
    ds_source_metrics metrics;
    char errmsg[256]; /* the last problem the source met, for SHOW;
                         written and read under errmu */
    pthread_mutex_t errmu;
    ds_log_fn log; /* set by the engine; may be NULL */
    void *log_user;
    /* set by the engine: receivers call it when rows arrive or the source
       finishes, so that a waiting scheduler looks again; may be NULL */
    void (*wake)(void *user);
    void *wake_user;
};

/* Copies the last problem the source met (empty if none) into buf. */
void ds__source_problem(ds_source *s, char *buf, size_t len);

/* Logs a formatted line through s->log (if set), and keeps warnings in
   s->errmsg. */
void ds__source_log(ds_source *s, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The common part: copies the columns; creates the decoder from opts. */
int ds__source_init(ds_source *s, const ds_source_vtable *vt, int ncols,
                    const char *const *names, const int *types,
                    const ds_decode_opts *opts, char *errmsg, size_t errlen);
void ds__source_fini(ds_source *s);
void ds__source_free(ds_source *s); /* takes NULL */

/* ---------------------------------------------------------------- QUEUE */

/* A queue fed by INSERT and ds_push; one_at_a_time: a batch takes one
   chunk (else all waiting chunks). */
ds_source *ds__src_queue_new(int ncols, const char *const *names,
                             const int *types, const ds_decode_opts *opts,
                             int one_at_a_time, char *errmsg, size_t errlen);
/* Appends a chunk of typed rows (copied). DS_MISUSE if closed. */
int ds__src_queue_push_rows(ds_source *s, const ds_batch *rows);
/* Decodes text (lines in the stream's format) into one chunk; bad rows are
   counted. DS_MISUSE if closed. */
int ds__src_queue_push_text(ds_source *s, const char *data, size_t len);
void ds__src_queue_close(ds_source *s);
int ds__src_is_queue(const ds_source *s);

/* ------------------------------------------------- SOCKET, FILE, STDIN */

/*
** What CREATE STREAM gives a receiving source (socket, listen, file,
** directory, stdin): its columns, its decoder options and its WITH
** options. Strings are borrowed for the constructor's call only. Fill with
** ds__source_args_init, then set what the statement says.
*/
typedef struct ds_source_args {
    int ncols;
    const char *const *names;
    const int *types;
    ds_decode_opts decode;
    const char *target;   /* address or path */
    size_t buffer_bytes;  /* bound of the decoded rows held (64 MiB) */
    const char *bad_rows; /* file that receives rejected rows, or NULL */
    int64_t max_rows;     /* rows_per_batch when created (a hint) */
    int virtual_clock;    /* the engine's clock when created (a hint) */
    /* SOCKET */
    int reconnect;                  /* 1 (default): reconnect after EOF */
    int64_t reconnect_delay_us;     /* first backoff step (100 ms) */
    int64_t reconnect_max_delay_us; /* backoff cap (5 s) */
    int64_t connect_timeout_us;     /* per attempt (5 s) */
    /* SOCKET LISTEN */
    int max_clients; /* connections at once (1024) */
    /* FILE */
    int existing;           /* read files already there (dir: 0) */
    int follow;             /* tail a growing file */
    int64_t settle_us;      /* dir: unchanged this long = complete (1 s) */
    int64_t poll_us;        /* dir, follow: rescan interval (1 s) */
    const char *checkpoint; /* dir: file listing files read, or NULL */
} ds_source_args;

#define DS_SOURCE_BUFFER_DEFAULT ((size_t)64 << 20)

void ds__source_args_init(ds_source_args *a);

/* Each returns the source, or NULL with the reason in errmsg (a missing
   path says "no such file or directory: <path>"). */
/* FROM SOCKET 'host:port': a TCP client that reconnects with backoff. */
ds_source *ds__src_socket_new(const ds_source_args *a, char *errmsg,
                              size_t errlen);
/* FROM SOCKET LISTEN 'host:port': a TCP server (bound here). */
ds_source *ds__src_listen_new(const ds_source_args *a, char *errmsg,
                              size_t errlen);
/* FROM FILE 'path' for a regular file (read once, or followed). */
ds_source *ds__src_file_new(const ds_source_args *a, char *errmsg,
                            size_t errlen);
/* FROM FILE 'dir/' or 'dir/<glob>': every new complete file, once. */
ds_source *ds__src_dir_new(const ds_source_args *a, char *errmsg,
                           size_t errlen);
/* FROM STDIN: standard input until EOF. */
ds_source *ds__src_stdin_new(const ds_source_args *a, char *errmsg,
                             size_t errlen);
/* Rows decoded and waiting to be taken, and the bytes they hold (for
   tests and metrics); 0 for sources that hold nothing. */
int64_t ds__source_buffered_bytes(ds_source *s);

#endif
