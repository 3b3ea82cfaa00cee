/*
** status.h - the live status line of a file run: batches done, rows per
** second, the last batch's processing time and scheduling delay, redrawn
** on standard error with \r while the run goes on, and cleared at the end.
** run.c draws it; the printer and the log callback (session.c) hide it
** while they write. Only when standard error is a terminal.
*/
#ifndef DS_SHELL_STATUS_H
#define DS_SHELL_STATUS_H

#include <pthread.h>
#include <stdint.h>

#include "dstream.h"

typedef struct status {
    pthread_mutex_t mu;
    int enabled;                /* stderr is a terminal and not --quiet */
    int shown;                  /* a line is on the screen */
    ds_engine *e;               /* borrowed */
    int64_t last_rows, last_us; /* for the rate */
    double rate;                /* rows per second, smoothed */
} status;

void status_init(status *s, ds_engine *e, int enabled);
void status_fini(status *s);

/* Redraws the line from ds_stats_get (call a few times a second). */
void status_draw(status *s);

/* Removes the line from the screen for good. */
void status_clear(status *s);

/* Hides the line and holds it off until status_release (for writers to
   the same terminal); both take the status as void *, for hooks. */
void status_hold(void *s);
void status_release(void *s);

/* Erases the line at once, from a context that cannot lock (before
   _exit). */
void status_erase_now(status *s);

#endif
