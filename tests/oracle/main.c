/*
** main.c - the oracle's command line (docs/oracle.md):
**
**   oracle cases PATH...     run .case files (a directory: every *.case)
**   oracle random [--seed S] [--cases N] [--budget SECONDS] [--case I]
**                 [--save DIR] [-v]
**
** Prints one report per failure and a summary line; exits 1 if anything
** failed (a known bug that still fails is counted, not failed).
*/
#include "oracle.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
** Runs one case file in a child process, so that a case that crashes the
** engine (or trips a sanitizer) is reported as that case's failure and the
** other cases still run. The child sends its figures back through a pipe.
** A crashing case that holds a known-bug query counts as that known bug.
*/
static void run_file(const char *path, const oopts *o, ostats *st) {
    ocase c;
    char err[1024];
    if (ocase_read(&c, path, err, sizeof err)) {
        st->cases++;
        st->failures++;
        fprintf(o->out, "\nFAIL %s\n", err);
        ocase_fini(&c);
        return;
    }
    int known = 0;
    for (int k = 0; k < c.nqueries; k++)
        known += c.queries[k].known_bug != NULL &&
                 (!c.queries[k].asan_only || SANITIZED);
    int fd[2];
    fflush(NULL);
    pid_t pid = pipe(fd) == 0 ? fork() : -1;
    if (pid == 0) {
        close(fd[0]);
        ostats mine;
        memset(&mine, 0, sizeof mine);
        orun_case(&c, o, &mine);
        fflush(NULL);
        ssize_t w = write(fd[1], &mine, sizeof mine);
        ocase_fini(&c);
        /* exit, not _exit: a leak checker runs at exit */
        exit(w == (ssize_t)sizeof mine ? 0 : 3);
    }
    ostats mine;
    memset(&mine, 0, sizeof mine);
    int status = 0, got = 0;
    if (pid > 0) {
        close(fd[1]);
        got = read(fd[0], &mine, sizeof mine) == (ssize_t)sizeof mine;
        close(fd[0]);
        waitpid(pid, &status, 0);
    } else { /* no fork: run here */
        orun_case(&c, o, &mine);
        got = 1;
    }
    int bad_exit = pid > 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (got && bad_exit) {
        /* the run was compared, then a sanitizer complained at exit */
        mine.failures += known ? 0 : 1;
        mine.known_bugs += known ? 1 : 0;
        fprintf(o->out,
                "\n%s %s: the case's process ended with %s %d "
                "after its checks (a leak or sanitizer report above)\n",
                known ? "KNOWN-BUG" : "FAIL", path,
                WIFSIGNALED(status) ? "signal" : "exit",
                WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    }
    if (got) {
        st->cases += mine.cases;
        st->queries += mine.queries;
        st->emissions += mine.emissions;
        st->rows += mine.rows;
        st->errors_expected += mine.errors_expected;
        st->known_bugs += mine.known_bugs;
        st->skipped += mine.skipped;
        st->windows += mine.windows;
        st->late += mine.late;
        st->failures += mine.failures;
    } else {
        st->cases++;
        if (known) {
            st->known_bugs++;
            fprintf(o->out,
                    "\nKNOWN-BUG %s: the case crashed (%s %d); it "
                    "holds a known-bug query\n",
                    path, WIFSIGNALED(status) ? "signal" : "exit",
                    WIFSIGNALED(status) ? WTERMSIG(status)
                                        : WEXITSTATUS(status));
        } else {
            st->failures++;
            fprintf(o->out, "\nFAIL %s: the case crashed (%s %d)\n", path,
                    WIFSIGNALED(status) ? "signal" : "exit",
                    WIFSIGNALED(status) ? WTERMSIG(status)
                                        : WEXITSTATUS(status));
        }
    }
    ocase_fini(&c);
}

static void run_path(const char *path, const oopts *o, ostats *st) {
    struct stat sb;
    if (stat(path, &sb) != 0) {
        st->failures++;
        fprintf(o->out, "FAIL %s: no such file or directory\n", path);
        return;
    }
    if (!S_ISDIR(sb.st_mode)) {
        run_file(path, o, st);
        return;
    }
    DIR *d = opendir(path);
    if (!d)
        return;
    char **names = NULL;
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".case") != 0)
            continue;
        names = orealloc(names, sizeof(char *) * (size_t)(n + 1));
        obuf b = {0};
        obuf_printf(&b, "%s/%s", path, de->d_name);
        names[n++] = obuf_take(&b);
    }
    closedir(d);
    osort(names, (size_t)n, sizeof(char *), cmp_str);
    for (int k = 0; k < n; k++) {
        run_file(names[k], o, st);
        free(names[k]);
    }
    free(names);
}

static void summary(const char *what, const ostats *st, double secs) {
    printf("\noracle %s: %d cases, %d queries, %d emissions (%d rows; %d "
           "of windows, %d late rows) checked, %d expected errors, %d known "
           "bugs, %d failures, %.1f s\n",
           what, st->cases, st->queries, st->emissions, st->rows, st->windows,
           st->late, st->errors_expected, st->known_bugs, st->failures, secs);
}

static int usage(void) {
    fprintf(stderr,
            "usage: oracle cases PATH...\n"
            "       oracle random [--seed S] [--cases N] [--budget SECONDS]"
            " [--case I] [--save DIR] [-v]\n");
    return 2;
}

int main(int argc, char **argv) {
    if (argc < 2)
        return usage();
    ostats st;
    memset(&st, 0, sizeof st);
    oopts o = {0, stdout, 40};
    double t0 = now_s();
    if (strcmp(argv[1], "cases") == 0) {
        if (argc < 3)
            return usage();
        for (int k = 2; k < argc; k++)
            run_path(argv[k], &o, &st);
        summary("cases", &st, now_s() - t0);
        return st.failures ? 1 : 0;
    }
    if (strcmp(argv[1], "random") == 0) {
        ogen_opts g = {20261124, 1000000, 60.0, -1, 0, NULL};
        for (int k = 2; k < argc; k++) {
            const char *a = argv[k];
            const char *v = k + 1 < argc ? argv[k + 1] : NULL;
            if (strcmp(a, "-v") == 0) {
                g.verbose = 1;
                continue;
            }
            if (!v)
                return usage();
            if (strcmp(a, "--seed") == 0)
                g.seed = strtoull(v, NULL, 0);
            else if (strcmp(a, "--cases") == 0)
                g.cases = strtol(v, NULL, 10);
            else if (strcmp(a, "--budget") == 0)
                g.budget_s = strtod(v, NULL);
            else if (strcmp(a, "--case") == 0)
                g.only = strtol(v, NULL, 10);
            else if (strcmp(a, "--save") == 0)
                g.save = v;
            else
                return usage();
            k++;
        }
        ogen_main(&g, &st);
        summary("random", &st, now_s() - t0);
        return st.failures ? 1 : 0;
    }
    return usage();
}
