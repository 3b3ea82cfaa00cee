/*
** window.h - what a window operator is told about its window, and the
** window operators' constructors.
**
** Time: every row has a time tau. With event time (ON col) it is the
** column's value; with processing time it is the end of the row's batch
** minus one microsecond, so that the half-open window [end - size, end)
** holds the batches whose end time is in (end - size, end]. Windows end at
** origin + j * slide for whole j (origin: the epoch with event time, the
** engine's start with processing time) and hold [end - size, end). They
** are cut into panes of gcd(size, slide); a window is size/pane
** consecutive panes.
**
** The watermark W: with processing time the end of the current batch;
** with event time the largest tau seen minus the WATERMARK delay, which
** also advances with processing time once the input has been idle for
** idle_timeout. At the end of each batch every window whose end is at or
** before W is closed and, if it holds rows (always, with processing time),
** emitted. A row is late when every window it belongs to had closed before
** its batch. docs/windows.md has the full contract.
**
** Operators: op_window.c (TUMBLING, SLIDING), op_unbounded.c, op_session.c,
** op_count_window.c, op_window_rows.c (windows without aggregates).
*/
#ifndef DS_WINDOW_H
#define DS_WINDOW_H

#include "op.h"

typedef enum ds_wkind {
    DS_WK_TUMBLING = 1,
    DS_WK_SLIDING,
    DS_WK_SESSION,
    DS_WK_COUNT,
    DS_WK_UNBOUNDED,
} ds_wkind;

typedef struct ds_winspec {
    ds_wkind kind;
    int64_t size;         /* microseconds; rows for COUNT; gap for SESSION */
    int64_t slide;        /* microseconds; rows for COUNT; = size when none */
    int time_col;         /* event-time column of the input, -1: processing
                             time */
    int64_t delay;        /* WATERMARK delay, microseconds */
    int64_t idle_timeout; /* 0: the watermark waits for rows */
    int emit_changes;     /* EMIT CHANGES */
} ds_winspec;

/* The floor of a / b for b > 0. */
static inline int64_t ds__floordiv(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

/* Tracks the watermark of a query's input (shared by the window kinds). */
typedef struct ds_watermark {
    int64_t value;         /* INT64_MIN: none yet */
    int64_t max_tau;       /* largest time seen; INT64_MIN: none */
    int64_t last_rows_at;  /* batch time of the last batch with rows */
    int64_t value_at_rows; /* the watermark after that batch */
    int batch_rows;        /* rows in the current batch */
} ds_watermark;

void ds__watermark_init(ds_watermark *w);
/* Notes that the current batch brought rows (late ones and ones without a
   time too): the input is not idle. */
static inline void ds__watermark_input(ds_watermark *w, int nrows) {
    if (nrows > 0)
        w->batch_rows = 1;
}
/* Notes a row time seen in the current batch. */
static inline void ds__watermark_see(ds_watermark *w, int64_t tau) {
    if (tau > w->max_tau)
        w->max_tau = tau;
    w->batch_rows = 1;
}
/* The watermark after the batch that ends at batch_time. */
int64_t ds__watermark_advance(ds_watermark *w, const ds_winspec *spec,
                              int64_t batch_time);

/*
** The schedule of TUMBLING and SLIDING windows, shared by the operators
** with and without aggregates: when each window closes and is emitted.
** The operator keeps the panes; the driver calls it back.
*/
typedef struct ds_wdriver {
    ds_winspec w;
    int64_t g;        /* pane length: gcd(size, slide) */
    int64_t P, S;     /* panes per window, panes per slide */
    int64_t next_win; /* windows below it are closed; INT64_MIN: none yet */
    ds_watermark wm;
    void *op; /* the operator, for the callbacks */
    /* the smallest and largest pane id held, or INT64_MIN when none */
    int64_t (*x_first)(void *op);
    int64_t (*x_last)(void *op);
    /* forgets every pane below id */
    int (*x_drop_before)(void *op, int64_t id);
    /* emits window j (its bounds are set in ex); final: it has closed,
       else a partial result for EMIT CHANGES */
    int (*x_emit)(void *op, ds_opctx *ex, int64_t j, int final);
} ds_wdriver;

void ds__wdriver_init(ds_wdriver *d, const ds_winspec *spec, void *op);
/* The window origin: the epoch with event time, the engine's start with
   processing time. */
int64_t ds__wdriver_origin(const ds_wdriver *d, const ds_opctx *ex);
/* The pane of time tau. */
static inline int64_t ds__wdriver_pane(const ds_wdriver *d, int64_t origin,
                                       int64_t tau) {
    return ds__floordiv(tau - origin, d->g);
}
/* 1 if a row at time tau is late: every window holding it has closed. */
static inline int ds__wdriver_late(const ds_wdriver *d, int64_t origin,
                                   int64_t tau) {
    return d->next_win != INT64_MIN &&
           ds__floordiv(tau - origin + d->w.size, d->w.slide) < d->next_win;
}
/* End of a batch: advances the watermark, emits the windows it closed,
   then (EMIT CHANGES) the open ones. */
int ds__wdriver_advance(ds_wdriver *d, ds_opctx *ex, int64_t time);
/* End of input: emits every window still holding rows. */
int ds__wdriver_flush(ds_wdriver *d, ds_opctx *ex);

/* Constructors; def and expressions become owned by the operator. */
ds_op *ds__op_window_new(const ds_winspec *spec, ds_aggdef *def);
ds_op *ds__op_unbounded_new(const ds_winspec *spec, ds_aggdef *def);
ds_op *ds__op_session_new(const ds_winspec *spec, ds_aggdef *def);
ds_op *ds__op_count_window_new(const ds_winspec *spec, ds_aggdef *def);
/* Windows without aggregates: emits every row of each window. */
ds_op *ds__op_window_rows_new(const ds_winspec *spec, int ncols,
                              const int *types);

/* "TUMBLING 5s ON #2 WATERMARK 3s" for EXPLAIN. */
void ds__winspec_explain(const ds_winspec *spec, ds_strbuf *sb);
/* The window, then the keys and aggregates, for EXPLAIN. */
void ds__aggop_explain(const ds_winspec *w, const ds_aggdef *def,
                       ds_strbuf *sb);

/*
** Late rows: copies rows sel[0..nsel) of in to the query's late-row
** receiver (ex->late), counting them in ex->metrics.late_rows. Returns
** DS_OK or DS_NOMEM.
*/
int ds__window_late(ds_opctx *ex, const ds_chunk *in, const uint16_t *sel,
                    int nsel);

/*
** The times of the rows of in: column spec->time_col (a NULL time gives
** INT64_MIN: such a row belongs to no window and is late), or the batch's
** processing time minus one microsecond.
*/
void ds__window_times(const ds_winspec *spec, const ds_opctx *ex,
                      const ds_chunk *in, int64_t *tau);

#endif
