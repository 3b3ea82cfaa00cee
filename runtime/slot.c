/*
** slot.c - packed partial states of one group (slot.h).
*/
#include "slot.h"

#include "agg_state.h"

enum {
    SLOT_COUNT, /* int64 cnt */
    SLOT_ISUM,  /* int64 sum, int64 cnt */
    SLOT_DSUM,  /* double sum, int64 cnt */
    SLOT_IMIN,  /* int64 v, int64 cnt */
    SLOT_IMAX,
    SLOT_DMIN, /* double v, int64 cnt */
    SLOT_DMAX,
    SLOT_SMIN, /* ds_str v, int64 cnt */
    SLOT_SMAX,
};

typedef struct icnt {
    int64_t v, cnt;
} icnt;
typedef struct dcnt {
    double v;
    int64_t cnt;
} dcnt;
typedef struct scnt {
    ds_str v;
    int64_t cnt;
} scnt;

static int kind_of(const ds_aggspec *sp) {
    int t = sp->arg_type;
    switch (sp->fn) {
    case DS_AGG_COUNT_STAR:
    case DS_AGG_COUNT:
        return SLOT_COUNT;
    case DS_AGG_SUM:
    case DS_AGG_AVG:
        return t == DS_DOUBLE ? SLOT_DSUM : SLOT_ISUM;
    case DS_AGG_MIN:
        return t == DS_DOUBLE ? SLOT_DMIN
               : t == DS_TEXT ? SLOT_SMIN
                              : SLOT_IMIN;
    case DS_AGG_MAX:
        return t == DS_DOUBLE ? SLOT_DMAX
               : t == DS_TEXT ? SLOT_SMAX
                              : SLOT_IMAX;
    default:
        return -1; /* COUNT(DISTINCT): not in slots */
    }
}

static int kind_size(int kind) {
    switch (kind) {
    case SLOT_COUNT:
        return 8;
    case SLOT_SMIN:
    case SLOT_SMAX:
        return (int)sizeof(scnt);
    default:
        return 16;
    }
}

int ds__slot_invertible(const ds_aggdef *def, int a) {
    int k = kind_of(&def->aggs[a]);
    return k == SLOT_COUNT || k == SLOT_ISUM;
}

void ds__slot_layout(ds_slotlayout *l, const ds_aggdef *def, int which) {
    l->def = def;
    l->nfields = 0;
    l->size = 0;
    for (int a = 0; a < def->naggs; a++) {
        int k = kind_of(&def->aggs[a]);
        if (k < 0)
            continue;
        int inv = k == SLOT_COUNT || k == SLOT_ISUM;
        if (!((inv && (which & DS_SLOT_INVERTIBLE)) ||
              (!inv && (which & DS_SLOT_COMBINE))))
            continue;
        ds_slotfield *f = &l->fields[l->nfields++];
        f->agg = a;
        f->kind = k;
        f->offset = l->size;
        l->size += kind_size(k);
    }
}

void ds__slot_clear(const ds_slotlayout *l, void *slot) {
    memset(slot, 0, (size_t)l->size);
}

void ds__slot_from_group(const ds_slotlayout *l, void *slot, const ds_aggtab *t,
                         int64_t g) {
    char *base = slot;
    for (int k = 0; k < l->nfields; k++) {
        const ds_slotfield *f = &l->fields[k];
        const ds_aggstate *s = &t->st[f->agg];
        char *p = base + f->offset;
        switch (f->kind) {
        case SLOT_COUNT:
            *(int64_t *)p = s->cnt[g];
            break;
        case SLOT_ISUM:
        case SLOT_IMIN:
        case SLOT_IMAX:
            ((icnt *)p)->v = s->isum[g];
            ((icnt *)p)->cnt = s->cnt[g];
            break;
        case SLOT_DSUM:
        case SLOT_DMIN:
        case SLOT_DMAX:
            ((dcnt *)p)->v = s->dsum[g];
            ((dcnt *)p)->cnt = s->cnt[g];
            break;
        default:
            ((scnt *)p)->v = s->str[g];
            ((scnt *)p)->cnt = s->cnt[g];
        }
    }
}

int ds__slot_combine(const ds_slotlayout *l, void *dst, const void *src,
                     char *errmsg, size_t errlen) {
    char *d0 = dst;
    const char *s0 = src;
    for (int k = 0; k < l->nfields; k++) {
        const ds_slotfield *f = &l->fields[k];
        char *d = d0 + f->offset;
        const char *s = s0 + f->offset;
        switch (f->kind) {
        case SLOT_COUNT:
            *(int64_t *)d += *(const int64_t *)s;
            break;
        case SLOT_ISUM: {
            icnt *x = (icnt *)d;
            const icnt *y = (const icnt *)s;
            if (__builtin_add_overflow(x->v, y->v, &x->v))
                return ds__agg_overflow(errmsg, errlen, &l->def->aggs[f->agg]);
            x->cnt += y->cnt;
            break;
        }
        case SLOT_DSUM: {
            dcnt *x = (dcnt *)d;
            const dcnt *y = (const dcnt *)s;
            x->v += y->v;
            x->cnt += y->cnt;
            break;
        }
        case SLOT_IMIN:
        case SLOT_IMAX: {
            icnt *x = (icnt *)d;
            const icnt *y = (const icnt *)s;
            if (y->cnt &&
                (!x->cnt || (f->kind == SLOT_IMIN ? y->v < x->v : y->v > x->v)))
                x->v = y->v;
            x->cnt += y->cnt;
            break;
        }
        case SLOT_DMIN:
        case SLOT_DMAX: {
            dcnt *x = (dcnt *)d;
            const dcnt *y = (const dcnt *)s;
            if (y->cnt &&
                (!x->cnt || (f->kind == SLOT_DMIN ? y->v < x->v : y->v > x->v)))
                x->v = y->v;
            x->cnt += y->cnt;
            break;
        }
        default: {
            scnt *x = (scnt *)d;
            const scnt *y = (const scnt *)s;
            if (y->cnt) {
                int c = x->cnt ? ds__str_cmp(y->v, x->v) : 0;
                if (!x->cnt || (f->kind == SLOT_SMIN ? c < 0 : c > 0))
                    x->v = y->v;
            }
            x->cnt += y->cnt;
        }
        }
    }
    return DS_OK;
}

int ds__slot_combine3(const ds_slotlayout *l, void *dst, const void *a,
                      const void *b, char *errmsg, size_t errlen) {
    ds__slot_copy(l, dst, a);
    return ds__slot_combine(l, dst, b, errmsg, errlen);
}

void ds__slot_subtract(const ds_slotlayout *l, void *dst, const void *src) {
    char *d0 = dst;
    const char *s0 = src;
    for (int k = 0; k < l->nfields; k++) {
        const ds_slotfield *f = &l->fields[k];
        char *d = d0 + f->offset;
        const char *s = s0 + f->offset;
        if (f->kind == SLOT_COUNT) {
            *(int64_t *)d -= *(const int64_t *)s;
        } else if (f->kind == SLOT_ISUM) {
            /* the difference of two sums that fit is exact; it fits too */
            ((icnt *)d)->v = (int64_t)((uint64_t)((icnt *)d)->v -
                                       (uint64_t)((const icnt *)s)->v);
            ((icnt *)d)->cnt -= ((const icnt *)s)->cnt;
        }
    }
}

int ds__slot_add_row(const ds_slotlayout *l, void *slot, const ds_agginput *ai,
                     int i, char *errmsg, size_t errlen) {
    char *base = slot;
    for (int k = 0; k < l->nfields; k++) {
        const ds_slotfield *f = &l->fields[k];
        char *p = base + f->offset;
        const ds_vec *v = ai->args[f->agg];
        if (!v) { /* COUNT(*) */
            (*(int64_t *)p)++;
            continue;
        }
        if (!ds__vec_valid(v, i))
            continue;
        switch (f->kind) {
        case SLOT_COUNT:
            (*(int64_t *)p)++;
            break;
        case SLOT_ISUM: {
            icnt *x = (icnt *)p;
            if (__builtin_add_overflow(x->v, v->v.i64[i], &x->v))
                return ds__agg_overflow(errmsg, errlen, &l->def->aggs[f->agg]);
            x->cnt++;
            break;
        }
        case SLOT_DSUM:
            ((dcnt *)p)->v += v->v.f64[i];
            ((dcnt *)p)->cnt++;
            break;
        case SLOT_IMIN:
        case SLOT_IMAX: {
            icnt *x = (icnt *)p;
            int64_t y = v->type == DS_BOOLEAN ? v->v.b[i] : v->v.i64[i];
            if (!x->cnt || (f->kind == SLOT_IMIN ? y < x->v : y > x->v))
                x->v = y;
            x->cnt++;
            break;
        }
        case SLOT_DMIN:
        case SLOT_DMAX: {
            dcnt *x = (dcnt *)p;
            double y = v->v.f64[i];
            if (!x->cnt || (f->kind == SLOT_DMIN ? y < x->v : y > x->v))
                x->v = y;
            x->cnt++;
            break;
        }
        default: {
            scnt *x = (scnt *)p;
            ds_str y = v->v.str[i];
            int c = x->cnt ? ds__str_cmp(y, x->v) : 0;
            if (!x->cnt || (f->kind == SLOT_SMIN ? c < 0 : c > 0))
                x->v = y;
            x->cnt++;
        }
        }
    }
    return DS_OK;
}

void ds__slot_output(const ds_slotlayout *l, const void *slot, ds_chunk *out,
                     int col0, int row) {
    const char *base = slot;
    for (int k = 0; k < l->nfields; k++) {
        const ds_slotfield *f = &l->fields[k];
        const ds_aggspec *sp = &l->def->aggs[f->agg];
        const char *p = base + f->offset;
        ds_vec *v = &out->cols[col0 + f->agg];
        switch (f->kind) {
        case SLOT_COUNT:
            v->v.i64[row] = *(const int64_t *)p;
            ds__vec_set_valid(v, row);
            break;
        case SLOT_ISUM: {
            const icnt *x = (const icnt *)p;
            ds__vec_put_valid(v, row, x->cnt > 0);
            if (!x->cnt)
                break;
            if (sp->fn == DS_AGG_AVG)
                v->v.f64[row] = (double)x->v / (double)x->cnt;
            else
                v->v.i64[row] = x->v;
            break;
        }
        case SLOT_DSUM: {
            const dcnt *x = (const dcnt *)p;
            ds__vec_put_valid(v, row, x->cnt > 0);
            if (x->cnt)
                v->v.f64[row] =
                    sp->fn == DS_AGG_AVG ? x->v / (double)x->cnt : x->v;
            break;
        }
        case SLOT_IMIN:
        case SLOT_IMAX: {
            const icnt *x = (const icnt *)p;
            ds__vec_put_valid(v, row, x->cnt > 0);
            if (!x->cnt)
                break;
            if (sp->result_type == DS_BOOLEAN)
                v->v.b[row] = (uint8_t)x->v;
            else
                v->v.i64[row] = x->v;
            break;
        }
        case SLOT_DMIN:
        case SLOT_DMAX: {
            const dcnt *x = (const dcnt *)p;
            ds__vec_put_valid(v, row, x->cnt > 0);
            if (x->cnt)
                v->v.f64[row] = x->v;
            break;
        }
        default: {
            const scnt *x = (const scnt *)p;
            ds__vec_put_valid(v, row, x->cnt > 0);
            if (x->cnt)
                v->v.str[row] = x->v;
        }
        }
    }
}

int ds__slot_each_text(const ds_slotlayout *l, void *slot,
                       int (*fn)(void *user, ds_str *s), void *user) {
    char *base = slot;
    for (int k = 0; k < l->nfields; k++) {
        const ds_slotfield *f = &l->fields[k];
        if (f->kind != SLOT_SMIN && f->kind != SLOT_SMAX)
            continue;
        scnt *x = (scnt *)(base + f->offset);
        if (x->cnt) {
            int rc = fn(user, &x->v);
            if (rc)
                return rc;
        }
    }
    return DS_OK;
}

int ds__slot_text_offsets(const ds_slotlayout *l, int *offsets, int max) {
    int n = 0;
    for (int k = 0; k < l->nfields && n < max; k++)
        if (l->fields[k].kind == SLOT_SMIN || l->fields[k].kind == SLOT_SMAX)
            offsets[n++] = l->fields[k].offset;
    return n;
}
