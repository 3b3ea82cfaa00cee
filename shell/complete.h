/*
** complete.h - tab completion in the shell: SQL keywords, function and
** type names, dot-commands, and the names of streams and their columns
** (asked of the engine with SHOW STREAMS and DESCRIBE each time).
*/
#ifndef DS_SHELL_COMPLETE_H
#define DS_SHELL_COMPLETE_H

#include <histedit.h>

/* Binds TAB to the completion of el, whose client data is the repl. */
void complete_install(EditLine *el);

#endif
