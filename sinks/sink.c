/*
** sink.c - what every sink shares (sink.h), and the text forms of values
** that the file sink writes.
*/
#include "sink.h"

void ds__sink_free(ds_sink *s) {
    if (s)
        s->vt->x_free(s);
}
