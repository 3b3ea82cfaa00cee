/*
** gen_window.c - random WINDOW clauses for the oracle's generator (gen.h):
** every kind, in processing time (sizes, slides and gaps multiples of the
** batch interval, as planning requires) and event time over the stream's
** ts column (epoch-aligned sizes and slides, some with a WATERMARK delay or
** LATE INTO), and EMIT CHANGES. The model in wmodel.c is what checks them.
*/
#include "gen.h"

#include <stdlib.h>
#include <string.h>

static void duration(obuf *b, int64_t us) {
    if (us % 1000000 == 0)
        obuf_printf(b, "%lld SECOND%s", (long long)(us / 1000000),
                    us == 1000000 ? "" : "S");
    else
        obuf_printf(b, "%lld MILLISECONDS", (long long)(us / 1000));
}

static int64_t pick(grng *r, const int64_t *v, int n) {
    return v[grng_int(r, n)];
}

char *gen_window(grng *r, const gschema *s, int idx, int *agg, int *late,
                 int *kind) {
    *agg = 0;
    *late = 0;
    *kind = OW_NONE;
    if (!s->windows || grng_pct(r, 25))
        return NULL;
    static const int64_t ev_sizes[] = {250000,  500000,  1000000, 2000000,
                                       3000000, 5000000, 10000000};
    static const int64_t ev_gaps[] = {500000, 1000000, 2000000, 3000000,
                                      5000000};
    static const int64_t delays[] = {250000, 1000000, 2000000, 5000000};
    int64_t I = s->interval_us;
    int event = s->ts && grng_pct(r, 60);
    int p = grng_int(r, 100);
    *kind = p < 30   ? OW_TUMBLING
            : p < 58 ? OW_SLIDING
            : p < 76 ? OW_SESSION
            : p < 90 ? OW_COUNT
                     : OW_UNBOUNDED;
    if (*kind == OW_COUNT || *kind == OW_UNBOUNDED)
        event = 0;
    *agg = *kind == OW_SESSION || *kind == OW_COUNT || *kind == OW_UNBOUNDED;
    obuf b = {0};
    obuf_puts(&b, "WINDOW ");
    if (*kind == OW_TUMBLING || *kind == OW_SLIDING) {
        int64_t size, slide;
        if (event) {
            size = pick(r, ev_sizes, 7);
            slide = size;
            for (int t = 0; t < 10 && *kind == OW_SLIDING; t++) {
                slide = pick(r, ev_sizes, 7);
                if (slide <= size && size / slide <= 8)
                    break;
                slide = size;
            }
        } else {
            static const int64_t mult[] = {1, 2, 3, 4, 6};
            size = I * pick(r, mult, 5);
            slide = *kind == OW_SLIDING ? I * (1 + grng_int(r, (int)(size / I)))
                                        : size;
        }
        if (*kind == OW_TUMBLING) {
            obuf_puts(&b, "TUMBLING (SIZE ");
            duration(&b, size);
        } else {
            obuf_puts(&b,
                      grng_pct(r, 80) ? "SLIDING (SIZE " : "HOPPING (SIZE ");
            duration(&b, size);
            obuf_puts(&b, ", SLIDE ");
            duration(&b, slide);
        }
        obuf_puts(&b, ")");
    } else if (*kind == OW_SESSION) {
        obuf_puts(&b, "SESSION (GAP ");
        duration(&b, event ? pick(r, ev_gaps, 5) : I * (1 + grng_int(r, 3)));
        obuf_puts(&b, ")");
    } else if (*kind == OW_COUNT) {
        int m = 1 + grng_int(r, 4), n = m + grng_int(r, 7);
        if (grng_pct(r, 20))
            obuf_printf(&b, "COUNT (SIZE %d)", n);
        else
            obuf_printf(&b, "COUNT (SIZE %d, SLIDE %d)", n, m);
    } else {
        obuf_puts(&b, "UNBOUNDED");
    }
    if (event) {
        obuf_puts(&b, " ON ts");
        if (grng_pct(r, 50)) {
            obuf_puts(&b, " WATERMARK ");
            duration(&b, pick(r, delays, 4));
        }
        if (grng_pct(r, 25)) {
            obuf_printf(&b, " LATE INTO late%d", idx + 1);
            *late = 1;
        }
    }
    if (*kind != OW_COUNT && grng_pct(r, 20))
        obuf_puts(&b, " EMIT CHANGES");
    return obuf_take(&b);
}
