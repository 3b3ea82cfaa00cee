/*
** session.h - one engine and how the program talks to it: opening it from
** the options, where results and log lines go, running SQL text statement
** by statement (SELECTs opened with ds_query_open, the rest with ds_exec),
** the foreground wait of the shell, and SQL errors with file, line, column
** and a caret. Used by run.c (file runs), repl.c and dot.c (the shell).
*/
#ifndef DS_SHELL_SESSION_H
#define DS_SHELL_SESSION_H

#include <signal.h>
#include <stdio.h>

#include "args.h"
#include "dstream.h"
#include "print.h"
#include "status.h"

/* Set by the shell's SIGINT handler; a foreground query ends when set. */
extern volatile sig_atomic_t session_interrupted;

typedef struct session {
    ds_engine *e; /* owned */
    printer pr;
    FILE *out;       /* owned unless stdout: where results go */
    int interactive; /* the shell: SELECTs run in the foreground */
    int timer;       /* .timer on */
    status *st;      /* borrowed, may be NULL: hidden around log lines */
    /* .. a private receiver of statement results (completion) */
    ds_result_fn capture;
    void *capture_user;
    /* file runs: the queries opened, to check how each ended */
    ds_query **queries; /* owned array; handles owned by the engine */
    int nqueries, capqueries;
} session;

/* What session_run_text and session_exec return. */
#define RUN_OK 0
#define RUN_ERROR 1       /* an error was reported */
#define RUN_INTERRUPTED 2 /* Ctrl-C ended a foreground query */

/*
** Opens the engine as the options say (batch interval, clock, max batches,
** format, output file). Prints the error and returns 1 on failure (2 when
** the output file cannot be opened); session_close in every case.
*/
int session_open(session *s, const options *o, int interactive);
void session_close(session *s);

/*
** Runs every statement of text in order. name is how errors name the
** text ("q.sql", "-e"; NULL in the shell). In a file run SELECT and INSERT
** ... SELECT are opened and kept to run once the engine starts; in the
** shell a SELECT runs in the foreground until it ends or Ctrl-C, INSERT
** ... SELECT in the background. Stops at the first error, which it
** reports. Returns RUN_*.
*/
int session_run_text(session *s, const char *name, const char *text);

/* Runs sql with ds_exec, reporting errors as the shell does. RUN_*. */
int session_exec(session *s, const char *sql);

/*
** Runs sql with ds_exec and sends the rows of its statements to fn
** instead of the printer. Returns the ds_exec result; prints nothing.
*/
int session_capture(session *s, const char *sql, ds_result_fn fn, void *user);

/* Sends results to the file at path (NULL: standard output). Returns 0,
   or -1 with errno set (the output is then unchanged). */
int session_set_output(session *s, const char *path);

/*
** The shell starts the scheduler when a query needs it: the scheduler
** thread ends by itself whenever no query runs. This (re)starts it when a
** query is live and it does not run.
*/
void session_ensure_running(session *s);

/*
** Prints an SQL error: "<prefix>name:line:col: msg" (or "line L, column
** C: msg" without a name), then the line of text holding byte offset off
** and a caret under it. off < 0: the message alone. msg may carry the
** engine's "line L, column C: " prefix, which is dropped.
*/
void session_report(FILE *f, const char *prefix, const char *name,
                    const char *text, long off, const char *msg);

#endif
