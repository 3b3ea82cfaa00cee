/*
** embed.c - dstream inside a C program: the seed's first example (Spark's
** queueStream word count) through the C API, one batch at a time with
** ds_step. Build: part of the project (build/examples/embed), or against an
** installed library: cc embed.c $(pkg-config --cflags --libs dstream).
*/
#include <stdio.h>

#include "dstream.h"

/* Prints each emission: the batch, then one "word count" line per row. */
static int on_result(void *user, const ds_result *r) {
    (void)user;
    printf("batch %lld:\n", (long long)ds_result_batch(r));
    for (int64_t i = 0; i < ds_result_row_count(r); i++)
        printf("  %s %lld\n", ds_result_text(r, i, 0, NULL),
               (long long)ds_result_int64(r, i, 1));
    return 0;
}

int main(void) {
    ds_config cfg;
    ds_config_init(&cfg);
    cfg.batch_interval_us = 3000000; /* Seconds(3) */
    ds_engine *e;
    int rc = ds_open(&e, &cfg);
    ds_query *q = NULL;
    if (rc == DS_OK)
        rc = ds_exec(e, "CREATE STREAM lines (line TEXT) FROM QUEUE;");
    if (rc == DS_OK)
        rc = ds_query_open(e,
                           "SELECT word, COUNT(*) AS n "
                           "FROM lines, UNNEST(split(line, ' ')) AS t(word) "
                           "GROUP BY word ORDER BY n DESC, word;",
                           on_result, NULL, &q);
    /* the queue: two chunks, one per batch, then closed */
    if (rc == DS_OK)
        rc = ds_push(e, "lines", "Spark Streaming Sample ssc\n", 27);
    if (rc == DS_OK)
        rc = ds_push(e, "lines", "Spark Queue Spark API\n", 22);
    if (rc == DS_OK)
        rc = ds_queue_close(e, "lines");
    while (rc == DS_OK)
        rc = ds_step(e); /* DS_DONE once the query has ended */
    if (rc != DS_DONE) {
        fprintf(stderr, "embed: %s\n", ds_errmsg(e));
        ds_close(e);
        return 1;
    }
    printf("query %d ended: %s\n", ds_query_id(q), ds_query_errmsg(q));
    ds_query_close(q);
    ds_close(e);
    return 0;
}
