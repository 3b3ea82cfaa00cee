/*
** source.c - the part every source shares (source.h): its columns and its
** decoder.
*/
#include "source.h"

#include <stdio.h>

int ds__source_init(ds_source *s, const ds_source_vtable *vt, int ncols,
                    const char *const *names, const int *types,
                    const ds_decode_opts *opts, char *errmsg, size_t errlen) {
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->errmu, NULL);
    s->vt = vt;
    s->ncols = ncols;
    s->types = ds_malloc(sizeof(int) * (size_t)(ncols ? ncols : 1));
    s->names = ds_malloc(sizeof(char *) * (size_t)(ncols ? ncols : 1));
    if (!s->types || !s->names) {
        snprintf(errmsg, errlen, "out of memory");
        return DS_NOMEM;
    }
    for (int k = 0; k < ncols; k++)
        s->names[k] = NULL;
    for (int k = 0; k < ncols; k++) {
        s->types[k] = types[k];
        s->names[k] = ds__strndup(names[k], strlen(names[k]));
        if (!s->names[k]) {
            snprintf(errmsg, errlen, "out of memory");
            return DS_NOMEM;
        }
    }
    if (opts) {
        s->decoder = ds__decoder_new(opts, ncols, names, types, errmsg, errlen);
        if (!s->decoder)
            return DS_ERROR;
    }
    return DS_OK;
}

void ds__source_fini(ds_source *s) {
    for (int k = 0; s->names && k < s->ncols; k++)
        ds_free(s->names[k]);
    ds_free(s->names);
    ds_free(s->types);
    ds__decoder_free(s->decoder);
    s->names = NULL;
    s->types = NULL;
    s->decoder = NULL;
    pthread_mutex_destroy(&s->errmu);
}

void ds__source_free(ds_source *s) {
    if (s)
        s->vt->x_free(s);
}

void ds__source_log(ds_source *s, int level, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (level == DS_LOG_WARN) {
        pthread_mutex_lock(&s->errmu);
        snprintf(s->errmsg, sizeof s->errmsg, "%.255s", msg);
        pthread_mutex_unlock(&s->errmu);
    }
    if (s->log)
        s->log(s->log_user, level, msg);
}

void ds__source_problem(ds_source *s, char *buf, size_t len) {
    pthread_mutex_lock(&s->errmu);
    snprintf(buf, len, "%s", s->errmsg);
    pthread_mutex_unlock(&s->errmu);
}
