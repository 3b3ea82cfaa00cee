/*
** dot.h - the shell's dot-commands: .help, .read, .mode, .output,
** .streams, .queries, .stats, .timer, .stop, .quit and .exit.
*/
#ifndef DS_SHELL_DOT_H
#define DS_SHELL_DOT_H

#include "repl.h"

/* Runs the dot-command line (starting with '.'); errors print and the
   shell goes on. Sets r->quit for .quit and .exit. */
void dot_command(repl *r, const char *line);

#endif
