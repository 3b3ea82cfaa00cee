/*
** print.h - how the dstream program prints results: an aligned table with
** a header line per emission, CSV rows, or one JSON line per emission
** (design section 6). Written only against include/dstream.h.
*/
#ifndef DS_SHELL_PRINT_H
#define DS_SHELL_PRINT_H

#include <stdio.h>

#include "dstream.h"

typedef enum out_mode {
    OUT_TABLE,
    OUT_CSV,
    OUT_JSON,
} out_mode;

typedef struct printer {
    FILE *out;    /* borrowed */
    out_mode mode;
    int quiet;    /* no header lines in table mode */
    int64_t emissions;
} printer;

/* A ds_result_fn: prints r as p (a printer *) says. Returns 0. */
int print_result(void *p, const ds_result *r);

/* Parses "table", "csv", "json"; -1 if none. */
int parse_mode(const char *s);

#endif
