/*
** args.h - the command line of the dstream program: options, the inputs
** to run (files, -e SQL, - for standard input), and the usage text.
** Used by main.c; the options are read by session.c, run.c and repl.c.
*/
#ifndef DS_SHELL_ARGS_H
#define DS_SHELL_ARGS_H

#include <stdint.h>
#include <stdio.h>

/* Where one input's SQL comes from. */
typedef enum input_kind {
    IN_FILE,  /* a file name */
    IN_SQL,   /* -e 'SQL' */
    IN_STDIN, /* - */
} input_kind;

typedef struct input {
    input_kind kind;
    const char *arg;  /* borrowed from argv: the file name or the SQL */
    const char *name; /* how errors name it: the file, "-e", "<stdin>" */
    char *sql;        /* owned: the text, once loaded (input_load) */
} input;

typedef struct options {
    int64_t batch_interval_us; /* 0: the engine's default */
    int clock;                 /* -1: default, else DS_CLOCK_* */
    int format;                /* -1: default (table), else out_mode */
    const char *output;        /* NULL: standard output */
    int64_t max_batches;       /* 0: no limit */
    int64_t timeout_us;        /* 0: none */
    int quiet;
    input *inputs; /* owned */
    int ninputs;
} options;

/* What args_parse decided. */
#define ARGS_RUN 0   /* go on */
#define ARGS_EXIT 1  /* --help or --version was printed: exit 0 */
#define ARGS_USAGE 2 /* a usage error was printed: exit 2 */

/*
** Parses argv into *o (which it initializes). Prints --help and --version
** to stdout and usage errors (one line) to stderr. Returns ARGS_*.
** Release *o with args_fini in every case.
*/
int args_parse(options *o, int argc, char **argv);
void args_fini(options *o);

/*
** Reads every input's SQL (files, standard input). On failure prints a
** one-line error naming the input and returns ARGS_USAGE.
*/
int args_load(options *o);

/* Prints the usage summary (to stdout for --help, stderr otherwise). */
void args_usage(FILE *f, int examples);

/*
** "500ms", "3s", "2m", "1h", "1d", "250us", "1.5s"; a bare number is
** seconds. Returns 0 and sets *us, or -1.
*/
int args_duration(const char *s, int64_t *us);

#endif
