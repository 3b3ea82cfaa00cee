/*
** src_stdin.c - FROM STDIN: the lines of standard input, until EOF, when
** the source is finished. The reading is src_file.c's: a regular file
** redirected to standard input is read like FROM FILE (inside x_take under
** the virtual clock); a pipe or terminal by a thread. Standard input is
** never closed.
*/
#include "receiver.h"

#include <unistd.h>

ds_source *ds__src_stdin_new(const ds_source_args *a, char *errmsg,
                             size_t errlen) {
    return ds__src_fd_new(a, STDIN_FILENO, errmsg, errlen);
}
