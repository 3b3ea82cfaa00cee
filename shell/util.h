/*
** util.h - small helpers of the dstream program: reading a whole file,
** a growable string, and the first word of a statement. Used by args.c,
** session.c, repl.c, complete.c and dot.c.
*/
#ifndef DS_SHELL_UTIL_H
#define DS_SHELL_UTIL_H

#include <stddef.h>
#include <stdio.h>

/* Reads all of f into a NUL-terminated malloc'd string (the caller frees
   it); NULL on error with errno set. */
char *read_all(FILE *f);

/* Reads the file at path as read_all does; NULL with errno set. A
   directory is an error (EISDIR). */
char *read_path(const char *path);

/* A growable NUL-terminated string. */
typedef struct strbuf {
    char *s; /* owned; NULL until something is added */
    size_t len, cap;
} strbuf;

/* Appends n bytes of p; returns 0, or -1 when out of memory. */
int sb_add(strbuf *b, const char *p, size_t n);
void sb_clear(strbuf *b);
void sb_fini(strbuf *b);

/*
** Copies into word (size cap, upper-cased) the first word of the statement
** at sql (length len), skipping blanks and comments; "" if none.
*/
void first_word(const char *sql, size_t len, char *word, size_t cap);

#endif
