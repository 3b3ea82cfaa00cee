/*
** repl.c - the interactive shell (repl.h). Characters are read through
** our own libedit read function, which polls standard input and gives up
** when SIGINT's handler sets session_interrupted: that is how Ctrl-C
** clears the line being edited. The handlers restart system calls, so the
** engine's threads never see EINTR.
*/
#include "repl.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "complete.h"
#include "dot.h"

static volatile sig_atomic_t quit_signal; /* SIGTERM or SIGHUP */

static void on_sigint(int sig) {
    (void)sig;
    session_interrupted = 1;
}

static void on_sigquit(int sig) {
    (void)sig;
    quit_signal = 1;
    session_interrupted = 1;
}

static void handlers(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sa.sa_handler = on_sigint;
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_sigquit;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

/* libedit's read function: one character, 0 at end of input, -1 when
   interrupted. */
static int read_char(EditLine *el, wchar_t *wc) {
    (void)el;
    mbstate_t ps;
    memset(&ps, 0, sizeof ps);
    for (;;) {
        if (session_interrupted) {
            errno = EINTR;
            return -1;
        }
        struct pollfd p = {STDIN_FILENO, POLLIN, 0};
        int k = poll(&p, 1, 100);
        if (k < 0 && errno != EINTR)
            return -1;
        if (k <= 0)
            continue;
        char c;
        ssize_t got = read(STDIN_FILENO, &c, 1);
        if (got == 0)
            return 0;
        if (got < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            return -1;
        }
        size_t m = mbrtowc(wc, &c, 1, &ps);
        if (m == (size_t)-2)
            continue; /* more bytes of this character to come */
        if (m == (size_t)-1) {
            *wc = (wchar_t)(unsigned char)c; /* not in the locale: as is */
            return 1;
        }
        if (m == 0)
            *wc = 0;
        return 1;
    }
}

static char *prompt(EditLine *el) {
    repl *r = NULL;
    el_get(el, EL_CLIENTDATA, &r);
    return r && r->stmt.len ? "    ...> " : "dstream> ";
}

static char *history_path(void) {
    const char *p = getenv("DSTREAM_HISTORY");
    if (p && *p)
        return strdup(p);
    const char *home = getenv("HOME");
    if (!home || !*home)
        return NULL;
    size_t n = strlen(home) + sizeof "/.dstream_history";
    char *path = malloc(n);
    if (path)
        snprintf(path, n, "%s/.dstream_history", home);
    return path;
}

void repl_remember(repl *r, const char *line) {
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        n--;
    if (!n || !r->hist)
        return;
    char *entry = strndup(line, n);
    if (!entry)
        return;
    HistEvent ev;
    history(r->hist, &ev, H_ENTER, entry);
    if (r->hist_path)
        history(r->hist, &ev, H_SAVE, r->hist_path);
    free(entry);
}

static int edit_init(repl *r) {
    HistEvent ev;
    r->hist = history_init();
    if (!r->hist)
        return -1;
    history(r->hist, &ev, H_SETSIZE, 1000);
    history(r->hist, &ev, H_SETUNIQUE, 1);
    r->hist_path = history_path();
    if (r->hist_path)
        history(r->hist, &ev, H_LOAD, r->hist_path); /* none yet: fine */
    r->el = el_init("dstream", stdin, stdout, stderr);
    if (!r->el)
        return -1;
    el_set(r->el, EL_CLIENTDATA, r);
    el_set(r->el, EL_EDITOR, "emacs");
    el_set(r->el, EL_PROMPT, prompt);
    el_set(r->el, EL_HIST, history, r->hist);
    el_set(r->el, EL_GETCFN, read_char);
    complete_install(r->el);
    el_source(r->el, NULL); /* ~/.editrc */
    return 0;
}

/* One line from the editor: a dot-command, or more of a statement that
   runs once it ends with ';'. */
static void take_line(repl *r, const char *line) {
    if (r->stmt.len == 0) {
        const char *p = line + strspn(line, " \t\r\n");
        if (!*p)
            return;
        if (*p == '.') {
            repl_remember(r, p);
            dot_command(r, p);
            return;
        }
    }
    if (sb_add(&r->stmt, line, strlen(line))) {
        fprintf(stderr, "Error: out of memory\n");
        sb_clear(&r->stmt);
        return;
    }
    if (ds_statement_length(r->stmt.s) == 0) { /* blanks and comments */
        sb_clear(&r->stmt);
        return;
    }
    if (!ds_complete(r->stmt.s))
        return; /* "    ...> " for the rest */
    repl_remember(r, r->stmt.s);
    char *text = r->stmt.s;
    r->stmt.s = NULL; /* statements may reset r->stmt meanwhile */
    sb_fini(&r->stmt);
    session_run_text(&r->s, NULL, text);
    free(text);
}

int repl_run(const options *o) {
    repl r;
    memset(&r, 0, sizeof r);
    r.o = o;
    int rc = session_open(&r.s, o, 1);
    if (rc)
        goto done;
    /* The scheduler starts with the first query (session_ensure_running):
       it ends whenever no query runs, and the real clock's time starts
       when it first starts, so starting it now would have the first query
       catch up on every interval since. */
    handlers();
    if (edit_init(&r)) {
        fprintf(stderr, "dstream: cannot start line editing\n");
        rc = 1;
        goto done;
    }
    if (!o->quiet)
        printf("dstream %s, a continuous query engine. Enter .help for "
               "help, Ctrl-D to leave.\n",
               DS_VERSION);
    while (!r.quit && !quit_signal) {
        session_interrupted = 0;
        int count = 0;
        const char *line = el_gets(r.el, &count);
        if (quit_signal)
            break;
        if (session_interrupted) { /* Ctrl-C: drop what was typed */
            sb_clear(&r.stmt);
            fputc('\n', stdout);
            fflush(stdout);
            continue;
        }
        if (!line || count <= 0) { /* Ctrl-D */
            fputc('\n', stdout);
            break;
        }
        take_line(&r, line);
    }
done:
    if (r.el)
        el_end(r.el); /* gives the terminal back as it was */
    if (r.hist)
        history_end(r.hist);
    free(r.hist_path);
    sb_fini(&r.stmt);
    session_close(&r.s);
    return rc == 2 ? 2 : rc ? 1 : 0;
}
