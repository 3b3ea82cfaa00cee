/*
** repl.h - the interactive shell: libedit line editing with persistent
** history, statements over several lines that run at ';', Ctrl-C that
** clears the line or ends the foreground query, Ctrl-D or .quit to leave.
** Dot-commands are in dot.c, tab completion in complete.c.
*/
#ifndef DS_SHELL_REPL_H
#define DS_SHELL_REPL_H

#include <histedit.h>

#include "args.h"
#include "session.h"
#include "util.h"

typedef struct repl {
    session s;
    const options *o; /* borrowed */
    EditLine *el;     /* owned */
    History *hist;    /* owned */
    char *hist_path;  /* owned; NULL: no history file */
    strbuf stmt;      /* the statement typed so far */
    int quit;         /* .quit, Ctrl-D, SIGTERM */
    int depth;        /* .read nesting */
} repl;

/* Runs the shell until .quit, Ctrl-D or SIGTERM/SIGHUP. Returns the exit
   status: 0, or 1 when the engine could not be opened. */
int repl_run(const options *o);

/* Adds line (without its newline) to the history and saves the file. */
void repl_remember(repl *r, const char *line);

#endif
