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
    FILE *out; /* borrowed */
    out_mode mode;
    int quiet; /* no header lines in table mode */
    int64_t emissions;
    /* called around each result (NULL: not), so that a status line on
       the same terminal can be hidden meanwhile */
    void (*hold)(void *user);
    void (*release)(void *user);
    void *hook_user;
} printer;

/*
** A ds_result_fn: prints r as p (a printer *) says and flushes. Returns 0.
** Results of statements (query id 0) print without the emission header;
** in CSV they get a header row of column names, emissions do not.
*/
int print_result(void *p, const ds_result *r);

/* Parses "table", "csv", "json"; -1 if none. */
int parse_mode(const char *s);

/* The name of mode m ("table", ...). */
const char *mode_name(out_mode m);

#endif
