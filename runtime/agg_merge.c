/*
** agg_merge.c - combining aggregate tables (a window from its panes) and
** writing their final values into output chunks (agg.h).
*/
#include "agg_state.h"

#include <stdio.h>

void ds__aggtab_key_view(const ds_aggtab *t, int64_t g, ds_vec *vs,
                         const ds_vec **kvp, int64_t *ival, double *dval,
                         ds_str *sval, uint8_t *bval) {
    for (int k = 0; k < t->def->nkeys; k++) {
        const ds_keycol *kc = &t->keys[k];
        ds_vec *v = &vs[k];
        v->type = kc->type;
        v->valid[0] = kc->null[g] ? 0 : 1;
        switch (kc->type) {
        case DS_DOUBLE:
            dval[k] = ((double *)kc->data)[g];
            v->v.f64 = &dval[k];
            break;
        case DS_TEXT:
            sval[k] = ((ds_str *)kc->data)[g];
            v->v.str = &sval[k];
            break;
        case DS_BOOLEAN:
            bval[k] = ((uint8_t *)kc->data)[g];
            v->v.b = &bval[k];
            break;
        default:
            ival[k] = ((int64_t *)kc->data)[g];
            v->v.i64 = &ival[k];
        }
        kvp[k] = v;
    }
}

/* The group of dst with the keys of src's group g, added when absent. */
static int64_t find_or_add_like(ds_aggtab *dst, const ds_aggtab *src,
                                int64_t g) {
    ds_vec vs[DS_AGG_MAX_KEYS];
    const ds_vec *kvp[DS_AGG_MAX_KEYS];
    int64_t ival[DS_AGG_MAX_KEYS];
    double dval[DS_AGG_MAX_KEYS];
    ds_str sval[DS_AGG_MAX_KEYS];
    uint8_t bval[DS_AGG_MAX_KEYS];
    ds__aggtab_key_view(src, g, vs, kvp, ival, dval, sval, bval);
    return ds__aggtab_group(dst, src->hashes[g], kvp, 0);
}

int ds__aggtab_merge(ds_aggtab *dst, const ds_aggtab *src, char *errmsg,
                     size_t errlen) {
    if (src->ngroups == 0)
        return DS_OK;
    int32_t *map = ds_malloc(sizeof(int32_t) * (size_t)src->ngroups);
    if (!map)
        return DS_NOMEM;
    int rc = DS_OK;
    for (int64_t g = 0; g < src->ngroups; g++) {
        int64_t d = find_or_add_like(dst, src, g);
        if (d < 0) {
            rc = DS_NOMEM;
            goto done;
        }
        map[g] = (int32_t)d;
    }
    for (int a = 0; a < src->def->naggs; a++) {
        const ds_aggspec *sp = &src->def->aggs[a];
        const ds_aggstate *s = &src->st[a];
        ds_aggstate *d = &dst->st[a];
        int type = sp->arg_type;
        if (sp->fn == DS_AGG_COUNT_DISTINCT) {
            for (uint64_t i = 0; s->set.slots && i <= s->set.mask; i++) {
                const ds_dentry *e = &s->set.slots[i];
                if (e->gid < 0)
                    continue;
                uint64_t vh = e->hash ^ ds__hash_u64((uint64_t)e->gid + 1);
                int added;
                rc = ds__dset_insert(dst, &d->set, type, map[e->gid], vh, &e->v,
                                     e->mult, &added);
                if (rc)
                    goto done;
                d->cnt[map[e->gid]] += added;
            }
            continue;
        }
        for (int64_t g = 0; g < src->ngroups; g++) {
            int32_t m = map[g];
            if (sp->fn == DS_AGG_COUNT_STAR || sp->fn == DS_AGG_COUNT) {
                d->cnt[m] += s->cnt[g];
            } else if (sp->fn == DS_AGG_SUM || sp->fn == DS_AGG_AVG) {
                if (s->cnt[g] == 0)
                    continue;
                if (d->dsum) {
                    d->dsum[m] += s->dsum[g];
                } else if (__builtin_add_overflow(d->isum[m], s->isum[g],
                                                  &d->isum[m])) {
                    rc = ds__agg_overflow(errmsg, errlen, sp);
                    goto done;
                }
                d->cnt[m] += s->cnt[g];
            } else if (s->cnt[g]) { /* MIN, MAX */
                int sign = sp->fn == DS_AGG_MIN ? -1 : 1;
                int first = d->cnt[m] == 0;
                d->cnt[m] += s->cnt[g];
                if (type == DS_DOUBLE) {
                    if (first || (sign < 0 ? s->dsum[g] < d->dsum[m]
                                           : s->dsum[g] > d->dsum[m]))
                        d->dsum[m] = s->dsum[g];
                } else if (type == DS_TEXT) {
                    if (first || ds__str_cmp(s->str[g], d->str[m]) * sign > 0)
                        if ((rc = ds__agg_set_text(&d->str[m], s->str[g])))
                            goto done;
                } else if (first || (sign < 0 ? s->isum[g] < d->isum[m]
                                              : s->isum[g] > d->isum[m])) {
                    d->isum[m] = s->isum[g];
                }
            }
        }
    }
done:
    ds_free(map);
    return rc;
}

/* ------------------------------------------------------------- output */

/* The final values of the aggregates of group g, at row i of out. */
static void output_aggs(const ds_aggtab *t, int64_t g, ds_chunk *out, int i) {
    int nk = t->def->nkeys;
    for (int a = 0; a < t->def->naggs; a++) {
        const ds_aggspec *sp = &t->def->aggs[a];
        const ds_aggstate *s = &t->st[a];
        ds_vec *v = &out->cols[nk + a];
        switch (sp->fn) {
        case DS_AGG_COUNT_STAR:
        case DS_AGG_COUNT:
        case DS_AGG_COUNT_DISTINCT:
            v->v.i64[i] = s->cnt[g];
            ds__vec_set_valid(v, i);
            break;
        case DS_AGG_AVG:
            ds__vec_put_valid(v, i, s->cnt[g] > 0);
            if (s->cnt[g])
                v->v.f64[i] = (s->dsum ? s->dsum[g] : (double)s->isum[g]) /
                              (double)s->cnt[g];
            break;
        default: /* SUM, MIN, MAX */
            ds__vec_put_valid(v, i, s->cnt[g] > 0);
            if (!s->cnt[g])
                break;
            if (sp->result_type == DS_DOUBLE)
                v->v.f64[i] = s->dsum[g];
            else if (sp->result_type == DS_TEXT)
                v->v.str[i] = s->str[g];
            else if (sp->result_type == DS_BOOLEAN)
                v->v.b[i] = (uint8_t)s->isum[g];
            else
                v->v.i64[i] = s->isum[g];
        }
    }
}

int ds__aggtab_output(const ds_aggtab *t, int64_t from, int count,
                      ds_chunk *out) {
    int nk = t->def->nkeys;
    for (int k = 0; k < nk; k++) {
        const ds_keycol *kc = &t->keys[k];
        ds_vec *v = &out->cols[k];
        size_t w = ds__type_width(kc->type);
        memcpy(v->v.raw, (const char *)kc->data + (size_t)from * w,
               w * (size_t)count);
        for (int i = 0; i < count; i++)
            ds__vec_put_valid(v, i, !kc->null[from + i]);
    }
    for (int i = 0; i < count; i++)
        output_aggs(t, from + i, out, i);
    out->n = count;
    return DS_OK;
}

int ds__aggtab_output_groups(const ds_aggtab *t, const int64_t *groups,
                             int count, ds_chunk *out) {
    int nk = t->def->nkeys;
    for (int i = 0; i < count; i++) {
        int64_t g = groups[i];
        for (int k = 0; k < nk; k++) {
            const ds_keycol *kc = &t->keys[k];
            ds_vec *v = &out->cols[k];
            size_t w = ds__type_width(kc->type);
            memcpy((char *)v->v.raw + (size_t)i * w,
                   (const char *)kc->data + (size_t)g * w, w);
            ds__vec_put_valid(v, i, !kc->null[g]);
        }
        output_aggs(t, g, out, i);
    }
    out->n = count;
    return DS_OK;
}
