/*
** run.h - the file runner of the dstream program: registers every input's
** statements, closes the queues, starts the engine and waits until every
** query has ended, --timeout, or a signal (the first stops gracefully, a
** second ends at once with 130), with a status line on a terminal.
*/
#ifndef DS_SHELL_RUN_H
#define DS_SHELL_RUN_H

#include "args.h"

/* Runs o's inputs (loaded). Returns the exit status: 0, or 1 when a
   statement or a query failed. */
int run_files(const options *o);

#endif
