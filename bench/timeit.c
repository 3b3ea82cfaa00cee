/*
** timeit.c - runs a program and measures it, for bench/run.
**
**   timeit OUT_FILE PROGRAM [ARG...]
**
** Runs PROGRAM with its standard output written to OUT_FILE (its standard
** error passes through), waits for it, and prints on standard output
** "wall_s=<seconds> maxrss_kb=<peak resident set> status=<exit status>".
** A small process of its own, so that the child's peak RSS is its own
** (a child forked from a large process, like Python, inherits that
** process's peak in ru_maxrss on Linux).
*/
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: timeit OUT_FILE PROGRAM [ARG...]\n");
        return 2;
    }
    int out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) {
        perror(argv[1]);
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        dup2(out, 1);
        close(out);
        execvp(argv[2], argv + 2);
        perror(argv[2]);
        _exit(127);
    }
    close(out);
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("wait4");
        return 2;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) +
                  (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    printf("wall_s=%.6f maxrss_kb=%ld status=%d\n", wall, ru.ru_maxrss, code);
    return 0;
}
