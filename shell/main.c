/*
** main.c - the dstream program: with query files, -e SQL or - it runs
** them (run.c); with none, and standard input a terminal, it starts the
** interactive shell (repl.c); SQL piped in without a terminal runs as a
** file. Written only against include/dstream.h (design section 6).
*/
#include <locale.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <stdio.h>
#include <unistd.h>

#include "args.h"
#include "repl.h"
#include "run.h"

/*
** Batches free and allocate the same memory again every interval: keep
** freed memory in the process instead of returning it to the kernel each
** time (trimming dominated the profile of socket input), and grow the
** heap 16 MiB at a time. The first 16 MiB are mapped in at once, here:
** touched a page at a time they fault on each, about 10 us a page in a
** virtual machine, which made the first batch several times slower than
** the others.
*/
static void heap_prepare(void) {
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    mallopt(M_TOP_PAD, 16 << 20);
    char *start = sbrk(0);
    void *p[4];
    int n = 0;
    while (n < 4 && (char *)sbrk(0) == start) /* until the heap grows */
        p[n++] = malloc(100 << 10);
    uintptr_t a = ((uintptr_t)p[0] + 4095) & ~(uintptr_t)4095;
    uintptr_t e = (uintptr_t)sbrk(0) & ~(uintptr_t)4095;
#ifdef MADV_POPULATE_WRITE
    if (p[0] && e > a)
        (void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
#endif
    while (n)
        free(p[--n]);
}

int main(int argc, char **argv) {
    heap_prepare();
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
