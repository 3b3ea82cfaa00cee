/*
** window.c - what the window operators share (window.h): the watermark,
** row times, late rows and EXPLAIN text.
*/
#include "window.h"

void ds__watermark_init(ds_watermark *w) {
    w->value = INT64_MIN;
    w->max_tau = INT64_MIN;
    w->last_rows_at = INT64_MIN;
    w->value_at_rows = INT64_MIN;
    w->batch_rows = 0;
}

int64_t ds__watermark_advance(ds_watermark *w, const ds_winspec *spec,
                              int64_t batch_time) {
    if (spec->time_col < 0) { /* processing time: everything up to now */
        w->value = batch_time;
        w->batch_rows = 0;
        return w->value;
    }
    if (w->batch_rows) {
        int64_t v =
            w->max_tau == INT64_MIN ? INT64_MIN : w->max_tau - spec->delay;
        if (v > w->value)
            w->value = v;
        w->last_rows_at = batch_time;
        w->value_at_rows = w->value;
    } else if (spec->idle_timeout > 0 && w->last_rows_at != INT64_MIN &&
               w->value_at_rows != INT64_MIN) {
        /* idle: after idle_timeout, move with processing time */
        int64_t idle = batch_time - w->last_rows_at - spec->idle_timeout;
        if (idle > 0 && w->value_at_rows + idle > w->value)
            w->value = w->value_at_rows + idle;
    }
    w->batch_rows = 0;
    return w->value;
}

void ds__window_times(const ds_winspec *spec, const ds_opctx *ex,
                      const ds_chunk *in, int64_t *tau) {
    if (spec->time_col < 0) {
        int64_t t = ex->batch_time - 1;
        for (int i = 0; i < in->n; i++)
            tau[i] = t;
        return;
    }
    const ds_vec *v = &in->cols[spec->time_col];
    for (int i = 0; i < in->n; i++)
        tau[i] = ds__vec_valid(v, i) ? v->v.i64[i] : INT64_MIN;
}

int ds__window_late(ds_opctx *ex, const ds_chunk *in, const uint16_t *sel,
                    int nsel) {
    ex->metrics.late_rows += nsel;
    if (!ex->late)
        return DS_OK;
    for (int j = 0; j < nsel; j++) {
        ds_chunk *t = ds__batch_tail(ex->late);
        if (!t)
            return DS_NOMEM;
        int rc = ds__chunk_append_row(t, in, sel[j], &ex->late->arena);
        if (rc)
            return rc;
        ex->late->rows++;
    }
    return DS_OK;
}

void ds__winspec_explain(const ds_winspec *w, ds_strbuf *sb) {
    static const char *names[] = {"",        "TUMBLING", "SLIDING",
                                  "SESSION", "COUNT",    "UNBOUNDED"};
    ds__strbuf_puts(sb, names[w->kind]);
    if (w->kind == DS_WK_COUNT) {
        ds__strbuf_printf(sb, " size=%lld slide=%lld", (long long)w->size,
                          (long long)w->slide);
    } else if (w->kind != DS_WK_UNBOUNDED) {
        ds__strbuf_puts(sb, w->kind == DS_WK_SESSION ? " gap=" : " size=");
        ds__strbuf_duration(sb, w->size);
        if (w->kind == DS_WK_SLIDING) {
            ds__strbuf_puts(sb, " slide=");
            ds__strbuf_duration(sb, w->slide);
        }
    }
    if (w->time_col >= 0) {
        ds__strbuf_printf(sb, " on=#%d watermark=", w->time_col);
        ds__strbuf_duration(sb, w->delay);
    } else {
        ds__strbuf_puts(sb, " processing-time");
    }
    if (w->emit_changes)
        ds__strbuf_puts(sb, " emit=changes");
}

/* ------------------------------------------------------------ the driver */

static int64_t gcd(int64_t a, int64_t b) {
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

void ds__wdriver_init(ds_wdriver *d, const ds_winspec *spec, void *op) {
    memset(d, 0, sizeof *d);
    d->w = *spec;
    if (d->w.slide <= 0)
        d->w.slide = d->w.size;
    d->g = gcd(d->w.size, d->w.slide);
    d->P = d->w.size / d->g;
    d->S = d->w.slide / d->g;
    d->next_win = INT64_MIN;
    d->op = op;
    ds__watermark_init(&d->wm);
}

int64_t ds__wdriver_origin(const ds_wdriver *d, const ds_opctx *ex) {
    return d->w.time_col >= 0 ? 0 : ex->origin;
}

static void set_bounds(ds_wdriver *d, ds_opctx *ex, int64_t j) {
    ex->emit.has_window = 1;
    ex->emit.window_end = ds__wdriver_origin(d, ex) + j * d->w.slide;
    ex->emit.window_start = ex->emit.window_end - d->w.size;
    ex->eval.window_start = ex->emit.window_start;
    ex->eval.window_end = ex->emit.window_end;
}

static int emit(ds_wdriver *d, ds_opctx *ex, int64_t j, int final) {
    set_bounds(d, ex, j);
    return d->x_emit(d->op, ex, j, final);
}

/* Emits, in order, every window holding rows whose end is at or before
   limit (INT64_MAX: all of them). */
static int emit_with_rows(ds_wdriver *d, ds_opctx *ex, int64_t limit) {
    int64_t org = ds__wdriver_origin(d, ex);
    for (;;) {
        if (d->next_win != INT64_MIN) {
            int rc = d->x_drop_before(d->op, d->next_win * d->S - d->P);
            if (rc)
                return rc;
        }
        int64_t first = d->x_first(d->op);
        if (first == INT64_MIN)
            return DS_OK;
        int64_t j = ds__floordiv(first + d->S, d->S);
        if (d->next_win != INT64_MIN && j < d->next_win)
            j = d->next_win;
        if (limit != INT64_MAX && org + j * d->w.slide > limit)
            return DS_OK;
        int rc = emit(d, ex, j, 1);
        if (rc)
            return rc;
        d->next_win = j + 1;
    }
}

/* EMIT CHANGES: the partial result of every open window holding rows. */
static int emit_open(ds_wdriver *d, ds_opctx *ex) {
    int64_t first = d->x_first(d->op), last = d->x_last(d->op);
    if (first == INT64_MIN)
        return DS_OK;
    int64_t j = ds__floordiv(first + d->S, d->S);
    if (d->next_win != INT64_MIN && j < d->next_win)
        j = d->next_win;
    int64_t end = ds__floordiv(last + d->P, d->S);
    for (; j <= end; j++) {
        int rc = emit(d, ex, j, 0);
        if (rc)
            return rc;
    }
    return DS_OK;
}

int ds__wdriver_advance(ds_wdriver *d, ds_opctx *ex, int64_t time) {
    int64_t W = ds__watermark_advance(&d->wm, &d->w, time);
    int rc = DS_OK;
    int64_t org = ds__wdriver_origin(d, ex);
    if (d->w.time_col < 0) { /* processing time: every window, even empty */
        if (d->next_win == INT64_MIN)
            d->next_win = ds__floordiv(time - 1 - org, d->w.slide) + 1;
        while (!rc && org + d->next_win * d->w.slide <= W) {
            rc = d->x_drop_before(d->op, d->next_win * d->S - d->P);
            if (!rc)
                rc = emit(d, ex, d->next_win, 1);
            d->next_win++;
        }
    } else if (W != INT64_MIN) {
        rc = emit_with_rows(d, ex, W);
        int64_t closed = ds__floordiv(W - org, d->w.slide) + 1;
        if (!rc && (d->next_win == INT64_MIN || closed > d->next_win))
            d->next_win = closed;
    }
    if (!rc && d->w.emit_changes)
        rc = emit_open(d, ex);
    return rc;
}

int ds__wdriver_flush(ds_wdriver *d, ds_opctx *ex) {
    return emit_with_rows(d, ex, INT64_MAX);
}

void ds__aggop_explain(const ds_winspec *w, const ds_aggdef *def,
                       ds_strbuf *sb) {
    ds__winspec_explain(w, sb);
    ds__strbuf_putc(sb, ' ');
    ds__aggdef_explain(def, sb);
}
