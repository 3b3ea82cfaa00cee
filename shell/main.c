/*
** main.c - the dstream program: with query files, -e SQL or - it runs
** them (run.c); with none, and standard input a terminal, it starts the
** interactive shell (repl.c); SQL piped in without a terminal runs as a
** file. Written only against include/dstream.h (design section 6).
*/
#include <locale.h>
#include <malloc.h>
#include <stdio.h>
#include <unistd.h>

#include "args.h"
#include "repl.h"
#include "run.h"

int main(int argc, char **argv) {
    /* batches free and allocate the same memory again every interval:
       keep freed memory in the process instead of returning it to the
       kernel each time (trimming dominated the profile of socket input) */
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_TOP_PAD, 16 << 20);
    options o;
    int rc = args_parse(&o, argc, argv);
    if (rc != ARGS_RUN) {
        args_fini(&o);
        return rc == ARGS_EXIT ? 0 : 2;
    }
    if (o.ninputs == 0 && isatty(STDIN_FILENO)) {
        setlocale(LC_CTYPE, "");
        rc = repl_run(&o);
    } else {
        if (o.ninputs == 0) { /* SQL piped in: as "dstream -" */
            o.inputs[0].kind = IN_STDIN;
            o.inputs[0].arg = "-";
            o.inputs[0].name = "<stdin>";
            o.ninputs = 1;
        }
        rc = args_load(&o) != ARGS_RUN ? 2 : run_files(&o);
    }
    args_fini(&o);
    return rc;
}
