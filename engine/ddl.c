/*
** ddl.c - the statements that act on the engine rather than run
** continuously: CREATE STREAM (from a source or AS SELECT), DROP, INSERT
** INTO queue VALUES, SET, SHOW, DESCRIBE, EXPLAIN and STOP QUERY. The
** dispatcher ds__engine_run_stmt also starts SELECT queries (query.c).
*/
#include "engine.h"

#include <stdio.h>

/* --------------------------------------------------------- CREATE STREAM */

static int create_derived_stream(ds_engine *e, const char *sql,
                                 const ds_ast_stmt *st) {
    if (st->columns)
        return ds__engine_sql_errorf(e, sql, st->name.off,
                                     "a stream AS SELECT takes its "
                                     "columns from the SELECT");
    struct ds_query *q = NULL;
    int rc = ds__query_create(e, sql, st, st->select, DS_TARGET_STREAM, NULL,
                              NULL, NULL, &q);
    if (rc)
        return rc;
    const char **names;
    int *types;
    ds_stream *s = NULL;
    if (!ds__query_columns(q, &names, &types))
        s = ds__stream_new(st->name.s, q->plan->out.ncols, names, types,
                           sql + st->off, (size_t)st->len);
    ds_free(names);
    ds_free(types);
    if (!s) {
        ds__query_end(q, 0, DS_NOMEM, "out of memory");
        return ds__engine_error(e, DS_NOMEM, -1, "out of memory");
    }
    s->kind = DS_SRC_NONE;
    s->producer = q;
    s->level = q->input->level + 1;
    q->out_stream = s;
    return ds__engine_add_stream(e, s);
}

static int create_stream(ds_engine *e, const char *sql, const ds_ast_stmt *st) {
    if (ds__engine_find_stream(e, st->name.s)) {
        if (st->if_not_exists)
            return DS_OK;
        return ds__engine_sql_errorf(e, sql, st->name.off,
                                     "stream %s already exists", st->name.s);
    }
    return st->select ? create_derived_stream(e, sql, st)
                      : ds__engine_create_source_stream(e, sql, st);
}

/* ------------------------------------------------------------- DROP */

static int drop(ds_engine *e, const char *sql, const ds_ast_stmt *st) {
    if (st->object == DS_OBJ_SINK)
        return ds__engine_drop_sink(e, sql, st);
    if (st->object != DS_OBJ_STREAM) {
        if (st->if_exists)
            return DS_OK;
        return ds__engine_sql_errorf(
            e, sql, st->name.off, "no such %s: %s",
            st->object == DS_OBJ_SINK ? "sink" : "table", st->name.s);
    }
    ds_stream *s = ds__engine_find_stream(e, st->name.s);
    if (!s) {
        if (st->if_exists)
            return DS_OK;
        return ds__engine_sql_errorf(e, sql, st->name.off, "no such stream: %s",
                                     st->name.s);
    }
    for (int k = 0; k < e->nqueries; k++) {
        struct ds_query *q = e->queries[k];
        if (!q->ended && q->input == s) {
            char id[32];
            snprintf(id, sizeof id, "%d", q->id);
            return ds__engine_sql_errorf(
                e, sql, st->name.off,
                "stream %s is read by query %s; stop it first", s->name, id);
        }
    }
    if (s->producer && !s->producer->ended)
        ds__query_end(s->producer, 0, DS_OK, "stopped");
    for (int k = 0; k < e->nqueries; k++) {
        if (e->queries[k]->out_stream == s)
            e->queries[k]->out_stream = NULL;
        if (e->queries[k]->late_stream == s) {
            e->queries[k]->late_stream = NULL;
            e->queries[k]->ex.late = NULL;
        }
    }
    for (int k = 0; k < e->nstreams; k++) {
        if (e->streams[k] == s) {
            memmove(&e->streams[k], &e->streams[k + 1],
                    sizeof(ds_stream *) * (size_t)(e->nstreams - k - 1));
            e->nstreams--;
            break;
        }
    }
    for (int k = 0; k < e->nqueries; k++)
        if (e->queries[k]->input == s)
            e->queries[k]->input = NULL;
    ds__stream_free(s);
    return DS_OK;
}

/* ------------------------------------------------------- INSERT VALUES */

static int insert_values(ds_engine *e, const char *sql, const ds_ast_stmt *st) {
    ds_stream *s = ds__engine_find_stream(e, st->name.s);
    if (!s)
        return ds__engine_sql_errorf(e, sql, st->name.off, "no such stream: %s",
                                     st->name.s);
    if (!s->source || !ds__src_is_queue(s->source))
        return ds__engine_sql_errorf(e, sql, st->name.off,
                                     "INSERT INTO ... VALUES needs "
                                     "a QUEUE stream; %s is a %s stream",
                                     s->name, ds__source_kind_name(s->kind));
    ds_batch *rows = NULL;
    ds_parse_error err;
    int rc = ds__plan_values(sql, st, &s->schema, &rows, &err);
    if (rc == DS_NOMEM)
        return ds__engine_error(e, rc, -1, "out of memory");
    if (rc)
        return ds__engine_sql_error(e, sql, &err);
    rc = ds__src_queue_push_rows(s->source, rows);
    ds__batch_free(rows);
    if (rc == DS_MISUSE)
        return ds__engine_sql_errorf(e, sql, st->name.off, "queue %s is closed",
                                     s->name);
    if (rc)
        return ds__engine_error(e, rc, -1, "out of memory");
    pthread_cond_broadcast(&e->cv);
    return DS_OK;
}

/* ---------------------------------------------------------------- SET */

static int set(ds_engine *e, const char *sql, const ds_ast_stmt *st) {
    const char *name = st->name.s;
    const ds_ast_expr *v = st->value;
    if (ds__name_eq(name, "batch_interval")) {
        int64_t us = v->ival;
        if (!st->value_is_duration)
            return ds__engine_sql_errorf(e, sql, v->off,
                                         "batch_interval needs a "
                                         "duration, like 3 SECONDS");
        if (us <= 0)
            return ds__engine_sql_errorf(e, sql, v->off,
                                         "batch_interval must be "
                                         "positive");
        if (e->running || e->batch_no > 0)
            return ds__engine_sql_errorf(e, sql, st->off,
                                         "batch_interval cannot change "
                                         "once batches have run");
        e->batch_interval_us = us;
        return DS_OK;
    }
    if (ds__name_eq(name, "rows_per_batch")) {
        if (v->kind != DS_AE_INT || v->ival <= 0)
            return ds__engine_sql_errorf(e, sql, v->off,
                                         "rows_per_batch needs a "
                                         "positive integer");
        e->rows_per_batch = v->ival;
        return DS_OK;
    }
    if (ds__name_eq(name, "idle_timeout")) {
        if (!st->value_is_duration || v->ival <= 0)
            return ds__engine_sql_errorf(e, sql, v->off,
                                         "idle_timeout needs a positive "
                                         "duration, like 5 SECONDS");
        e->idle_timeout_us = v->ival;
        return DS_OK;
    }
    if (ds__name_eq(name, "checkpoint_dir")) {
        if (v->kind != DS_AE_STRING || !v->str[0])
            return ds__engine_sql_errorf(e, sql, v->off,
                                         "checkpoint_dir needs a directory "
                                         "name in quotes");
        char *d = ds__strndup(v->str, strlen(v->str));
        if (!d)
            return ds__engine_error(e, DS_NOMEM, -1, "out of memory");
        ds_free(e->checkpoint_dir);
        e->checkpoint_dir = d;
        return DS_OK;
    }
    if (ds__name_eq(name, "clock")) {
        const char *c = v->kind == DS_AE_STRING ? v->str : "";
        int clock;
        if (ds__name_eq(c, "real"))
            clock = DS_CLOCK_REAL;
        else if (ds__name_eq(c, "virtual"))
            clock = DS_CLOCK_VIRTUAL;
        else
            return ds__engine_sql_errorf(e, sql, v->off,
                                         "clock is 'real' or "
                                         "'virtual'");
        if (e->running)
            return ds__engine_sql_errorf(e, sql, st->off,
                                         "clock cannot change while "
                                         "the engine runs");
        e->clock = clock;
        return DS_OK;
    }
    return ds__engine_sql_errorf(
        e, sql, st->name.off,
        "unknown setting '%s' (known: "
        "%s)",
        name,
        "batch_interval, rows_per_batch, clock, idle_timeout, checkpoint_dir");
}

/* ------------------------------------------------- SHOW, DESCRIBE, ... */

/* Rows of TEXT and BIGINT columns built for a statement's result. */
typedef struct table {
    ds_schema schema;
    ds_column cols[8];
    int types[8];
    ds_batch *rows;
} table;

static int table_init(table *t, int n, const char *const *names,
                      const int *types) {
    t->schema.ncols = n;
    t->schema.cols = t->cols;
    for (int k = 0; k < n; k++) {
        t->cols[k].name = (char *)names[k];
        t->cols[k].type = types[k];
        t->types[k] = types[k];
    }
    t->rows = ds__batch_new(n, t->types);
    return t->rows ? DS_OK : DS_NOMEM;
}

/* Appends a row; vals[k] is a string for TEXT, an int64 for BIGINT. */
static int table_row(table *t, const ds_value *vals) {
    ds_chunk *c = ds__batch_tail(t->rows);
    if (!c)
        return DS_NOMEM;
    for (int k = 0; k < t->schema.ncols; k++) {
        ds_value v = vals[k];
        if (v.type == DS_TEXT) {
            char *p = ds__arena_strndup(&t->rows->arena, v.u.s.p, v.u.s.n);
            if (!p)
                return DS_NOMEM;
            v.u.s.p = p;
        }
        ds__vec_put(&c->cols[k], c->n, &v);
    }
    c->n++;
    t->rows->rows++;
    return DS_OK;
}

static ds_value tv(const char *s) {
    ds_value v;
    v.type = s ? DS_TEXT : DS_NULL;
    v.u.s.p = s;
    v.u.s.n = s ? strlen(s) : 0;
    return v;
}

static ds_value iv(int64_t i) {
    ds_value v;
    v.type = DS_BIGINT;
    v.u.i = i;
    return v;
}

static int table_done(ds_engine *e, table *t, int rc) {
    if (!rc)
        rc = ds__engine_deliver_rows(e, &t->schema, t->rows);
    ds__batch_free(t->rows);
    if (rc == DS_NOMEM)
        return ds__engine_error(e, rc, -1, "out of memory");
    return rc;
}

static const char *query_state(const struct ds_query *q) {
    if (!q->ended)
        return "running";
    if (q->status == DS_OK)
        return q->errmsg[0] ? q->errmsg : "ended";
    return "failed";
}

static int show(ds_engine *e, const ds_ast_stmt *st) {
    table t;
    int rc = DS_OK;
    const int T = DS_TEXT, I = DS_BIGINT;
    switch (st->show) {
    case DS_SHOW_STREAMS: {
        const char *names[] = {"name",     "source", "columns", "rows",
                               "bad_rows", "state",  "problem"};
        const int types[] = {T, T, T, I, I, T, T};
        if (table_init(&t, 7, names, types))
            return ds__engine_error(e, DS_NOMEM, -1, "out of memory");
        for (int k = 0; k < e->nstreams && !rc; k++) {
            ds_stream *s = e->streams[k];
            ds_strbuf cols;
            ds__strbuf_init(&cols);
            for (int c = 0; c < s->schema.ncols; c++)
                ds__strbuf_printf(&cols, "%s%s %s", c ? ", " : "",
                                  s->schema.cols[c].name,
                                  ds_type_name(s->schema.cols[c].type));
            char problem[256] = "";
            if (s->source)
                ds__source_problem(s->source, problem, sizeof problem);
            ds_value row[7] = {
                tv(s->name),
                tv(ds__source_kind_name(s->kind)),
                tv(ds__strbuf_cstr(&cols)),
                iv(s->source ? s->source->metrics.rows : s->rows_total),
                iv(s->source ? s->source->metrics.bad_rows : 0),
                tv(s->finished ? "finished" : "open"),
                tv(problem)};
            rc = table_row(&t, row);
            ds__strbuf_fini(&cols);
        }
        break;
    }
    case DS_SHOW_QUERIES: {
        const char *names[] = {"id", "state", "input", "emissions", "sql"};
        const int types[] = {I, T, T, I, T};
        if (table_init(&t, 5, names, types))
            return ds__engine_error(e, DS_NOMEM, -1, "out of memory");
        for (int k = 0; k < e->nqueries && !rc; k++) {
            struct ds_query *q = e->queries[k];
            ds_value row[5] = {iv(q->id), tv(query_state(q)),
                               tv(q->input ? q->input->name : NULL),
                               iv(q->ex.metrics.emissions), tv(q->sql)};
            rc = table_row(&t, row);
        }
        break;
    }
    case DS_SHOW_METRICS: {
        const char *names[] = {"query",     "input_rows",   "output_rows",
                               "emissions", "state_rows",   "state_bytes",
                               "late_rows", "last_batch_us"};
        const int types[] = {I, I, I, I, I, I, I, I};
        if (table_init(&t, 8, names, types))
            return ds__engine_error(e, DS_NOMEM, -1, "out of memory");
        for (int k = 0; k < e->nqueries && !rc; k++) {
            struct ds_query *q = e->queries[k];
            if (q->plan)
                ds__pipeline_metrics(&q->plan->pipeline, &q->ex);
            ds_op_metrics *m = &q->ex.metrics;
            ds_value row[8] = {iv(q->id),          iv(m->input_rows),
                               iv(m->output_rows), iv(m->emissions),
                               iv(m->state_rows),  iv(m->state_bytes),
                               iv(m->late_rows),   iv(q->last_ms_x1000)};
            rc = table_row(&t, row);
        }
        break;
    }
    case DS_SHOW_SETTINGS: {
        const char *names[] = {"name", "value"};
        const int types[] = {T, T};
        if (table_init(&t, 2, names, types))
            return ds__engine_error(e, DS_NOMEM, -1, "out of memory");
        char buf[64];
        snprintf(buf, sizeof buf, "%lld ms",
                 (long long)(e->batch_interval_us / 1000));
        ds_value r1[2] = {tv("batch_interval"), tv(buf)};
        rc = table_row(&t, r1);
        ds_value r2[2] = {tv("clock"),
                          tv(e->clock == DS_CLOCK_REAL ? "real" : "virtual")};
        if (!rc)
            rc = table_row(&t, r2);
        char rb[32];
        snprintf(rb, sizeof rb, "%lld", (long long)e->rows_per_batch);
        ds_value r3[2] = {tv("rows_per_batch"), tv(rb)};
        if (!rc)
            rc = table_row(&t, r3);
        break;
    }
    case DS_SHOW_SINKS: {
        const char *names[] = {"name", "kind", "target", "rows", "writer"};
        const int types[] = {T, T, T, I, I};
        if (table_init(&t, 5, names, types))
            return ds__engine_error(e, DS_NOMEM, -1, "out of memory");
        for (int k = 0; k < e->nsinks && !rc; k++) {
            ds_sinkent *s = e->sinks[k];
            ds_value row[5] = {tv(s->name), tv(s->sink->vt->name),
                               tv(s->target ? s->target : "<stdout>"),
                               iv(s->sink->rows),
                               s->writer ? iv(s->writer->id) : tv(NULL)};
            rc = table_row(&t, row);
        }
        break;
    }
    default: { /* tables: none can exist yet */
        const char *names[] = {"name"};
        const int types[] = {T};
        if (table_init(&t, 1, names, types))
            return ds__engine_error(e, DS_NOMEM, -1, "out of memory");
        break;
    }
    }
    return table_done(e, &t, rc);
}

static int describe(ds_engine *e, const char *sql, const ds_ast_stmt *st) {
    ds_stream *s = ds__engine_find_stream(e, st->name.s);
    if (!s)
        return ds__engine_sql_errorf(e, sql, st->name.off, "no such stream: %s",
                                     st->name.s);
    table t;
    const char *names[] = {"column", "type"};
    const int types[] = {DS_TEXT, DS_TEXT};
    if (table_init(&t, 2, names, types))
        return ds__engine_error(e, DS_NOMEM, -1, "out of memory");
    int rc = DS_OK;
    for (int k = 0; k < s->schema.ncols && !rc; k++) {
        ds_value row[2] = {tv(s->schema.cols[k].name),
                           tv(ds_type_name(s->schema.cols[k].type))};
        rc = table_row(&t, row);
    }
    return table_done(e, &t, rc);
}

static const ds_schema *env_find(void *user, const char *name,
                                 const char **canonical) {
    ds_stream *s = ds__engine_find_stream(user, name);
    if (!s)
        return NULL;
    *canonical = s->name;
    return &s->schema;
}

static int explain(ds_engine *e, const char *sql, const ds_ast_stmt *st) {
    ds_plan_env env;
    ds__engine_plan_env(e, &env);
    ds_plan *plan = NULL;
    ds_parse_error err;
    int rc = ds__plan_select(&env, sql, st->select, &plan, &err);
    if (rc == DS_NOMEM)
        return ds__engine_error(e, rc, -1, "out of memory");
    if (rc)
        return ds__engine_sql_error(e, sql, &err);
    char *text = ds__plan_explain(plan);
    ds__plan_free(plan);
    if (!text)
        return ds__engine_error(e, DS_NOMEM, -1, "out of memory");
    table t;
    const char *names[] = {"plan"};
    const int types[] = {DS_TEXT};
    rc = table_init(&t, 1, names, types);
    for (char *line = text; !rc && *line;) {
        char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        ds_value v = {DS_TEXT, {.s = {line, n}}};
        rc = table_row(&t, &v);
        line += n + (nl ? 1 : 0);
    }
    ds_free(text);
    if (rc == DS_NOMEM && !t.rows)
        return ds__engine_error(e, rc, -1, "out of memory");
    return table_done(e, &t, rc);
}

static int stop_query(ds_engine *e, const char *sql, const ds_ast_stmt *st) {
    for (int k = 0; k < e->nqueries; k++) {
        struct ds_query *q = e->queries[k];
        if (q->id == st->query_id) {
            if (!q->ended)
                ds__query_end(q, 0, DS_OK, "stopped");
            return DS_OK;
        }
    }
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)st->query_id);
    return ds__engine_sql_errorf(e, sql, st->off, "no such query: %s", id);
}

int ds__engine_run_stmt(ds_engine *e, const char *sql, const ds_ast_stmt *st) {
    switch (st->kind) {
    case DS_STMT_SELECT: {
        struct ds_query *q;
        return ds__query_create(e, sql, st, st->select, DS_TARGET_CALLBACK,
                                e->cfg.on_result, e->cfg.on_result_user, NULL,
                                &q);
    }
    case DS_STMT_CREATE_STREAM:
        return create_stream(e, sql, st);
    case DS_STMT_CREATE_TABLE:
        return ds__engine_sql_errorf(e, sql, st->off,
                                     "not supported yet: reference "
                                     "tables (CREATE TABLE %s)",
                                     st->name.s);
    case DS_STMT_CREATE_SINK:
        return ds__engine_create_sink(e, sql, st);
    case DS_STMT_INSERT_VALUES:
        return insert_values(e, sql, st);
    case DS_STMT_INSERT_SELECT:
        return ds__engine_insert_select(e, sql, st);
    case DS_STMT_DROP:
        return drop(e, sql, st);
    case DS_STMT_SHOW:
        return show(e, st);
    case DS_STMT_DESCRIBE:
        return describe(e, sql, st);
    case DS_STMT_SET:
        return set(e, sql, st);
    case DS_STMT_EXPLAIN:
        return explain(e, sql, st);
    case DS_STMT_STOP_QUERY:
        return stop_query(e, sql, st);
    }
    return DS_OK;
}

/* The planner's view of the catalog, for query.c. */
void ds__engine_plan_env(ds_engine *e, ds_plan_env *env) {
    env->find_stream = env_find;
    env->user = e;
    env->batch_interval_us = e->batch_interval_us;
    env->idle_timeout_us = e->idle_timeout_us;
}
