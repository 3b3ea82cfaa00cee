/*
** gen.c - the bench's input generator. Deterministic: the same flags and
** seed always write the same bytes.
**
**   gen [--quick] [--lines N] [--readings N] [--seed S] [--max-delay-ms D]
**       [--late-percent P] DIR
**
** writes into DIR:
**   words.txt       N lines of 10 words each, drawn from a 10,000-word
**                   vocabulary with a Zipf (s = 1) distribution;
**   readings.csv    ts,sensor,temp: ts in epoch seconds with milliseconds,
**                   advancing 1 ms per row from 2026-01-01 00:00:00 UTC,
**                   sensor "s0".."s999" drawn uniformly, temp in
**                   [10.00, 36.00) with two decimals; P% (default 2) of
**                   the rows are out of order: their ts is moved back by
**                   1 ms to D ms (default 3000);
**   readings.jsonl  the same readings as JSON lines, ts as ISO-8601 text:
**                   {"ts":"2026-01-01T00:00:00.001Z","sensor":"s7",
**                    "temp":21.37};
**   manifest.txt    what was written: "lines=N words=N readings=N seed=S
**                   max_delay_ms=D late_percent=P", for bench/run.
** --quick is 100,000 lines and 200,000 readings; the defaults are 1,000,000
** and 3,000,000. Run by bench/run.
*/
#include "bench.h"
#include "bench_hash.h"

#define VOCAB 10000
#define SENSORS 1000
#define BASE_SECS 1767225600LL /* 2026-01-01 00:00:00 UTC */

static uint64_t rng_state;

/* splitmix64: small, fast and good enough for test data. */
static uint64_t rng(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double rng_unit(void) { return (double)(rng() >> 11) * 0x1.0p-53; }

static FILE *open_out(const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        die("cannot write %s", path);
    setvbuf(f, NULL, _IOFBF, 1 << 20);
    return f;
}

static void close_out(FILE *f) {
    if (fclose(f) != 0)
        die("write failed%s", "");
}

/* The vocabulary: distinct lowercase words of 2 to 10 letters. */
static char **make_vocab(void) {
    char **w = xmalloc(VOCAB * sizeof *w);
    sid_map seen;
    sid_init(&seen, 1 << 15);
    for (int i = 0; i < VOCAB;) {
        int len = 2 + (int)(rng() % 9);
        char *s = xmalloc((size_t)len + 1);
        for (int k = 0; k < len; k++)
            s[k] = (char)('a' + rng() % 26);
        s[len] = 0;
        size_t before = seen.count;
        sid_get(&seen, s, (size_t)len);
        if (seen.count == before) {
            free(s);
            continue;
        }
        w[i++] = s;
    }
    sid_fini(&seen);
    return w;
}

static void gen_words(const char *dir, int64_t lines) {
    char **vocab = make_vocab();
    size_t vlen[VOCAB];
    double *cdf = xmalloc(VOCAB * sizeof *cdf);
    double total = 0;
    for (int i = 0; i < VOCAB; i++) {
        total += 1.0 / (i + 1);
        cdf[i] = total;
        vlen[i] = strlen(vocab[i]);
    }
    FILE *f = open_out(dir, "words.txt");
    for (int64_t l = 0; l < lines; l++) {
        for (int k = 0; k < 10; k++) {
            double u = rng_unit() * total;
            int lo = 0, hi = VOCAB - 1;
            while (lo < hi) {
                int mid = (lo + hi) / 2;
                if (cdf[mid] < u)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (k)
                putc(' ', f);
            fwrite(vocab[lo], 1, vlen[lo], f);
        }
        putc('\n', f);
    }
    close_out(f);
    for (int i = 0; i < VOCAB; i++)
        free(vocab[i]);
    free(vocab);
    free(cdf);
}

static void gen_readings(const char *dir, int64_t rows, int max_delay_ms,
                         int late_permille) {
    FILE *csv = open_out(dir, "readings.csv");
    FILE *json = open_out(dir, "readings.jsonl");
    date_cache dc = DATE_CACHE_INIT;
    for (int64_t i = 0; i < rows; i++) {
        int64_t ms = BASE_SECS * 1000 + i;
        if ((int)(rng() % 1000) < late_permille && max_delay_ms > 0)
            ms -= 1 + (int64_t)(rng() % (uint64_t)max_delay_ms);
        int sensor = (int)(rng() % SENSORS);
        int centi = 1000 + (int)(rng() % 2600);
        int64_t secs = ms / 1000;
        int frac = (int)(ms % 1000);
        fprintf(csv, "%lld.%03d,s%d,%d.%02d\n", (long long)secs, frac, sensor,
                centi / 100, centi % 100);
        int64_t day = secs / 86400, sod = secs % 86400;
        const char *date = cached_date(&dc, day);
        fprintf(json,
                "{\"ts\":\"%sT%02d:%02d:%02d.%03dZ\",\"sensor\":\"s%d\","
                "\"temp\":%d.%02d}\n",
                date, (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60),
                frac, sensor, centi / 100, centi % 100);
    }
    close_out(csv);
    close_out(json);
}

static int64_t num_arg(const char *s) {
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end || v < 0)
        die("not a count: %s", s);
    return v;
}

int main(int argc, char **argv) {
    int64_t lines = 1000000, readings = 3000000;
    uint64_t seed = 42;
    int max_delay = 3000, late_pct = 2;
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (!strcmp(a, "--quick")) {
            lines = 100000;
            readings = 200000;
        } else if (!strcmp(a, "--lines") && more) {
            lines = num_arg(argv[++i]);
        } else if (!strcmp(a, "--readings") && more) {
            readings = num_arg(argv[++i]);
        } else if (!strcmp(a, "--seed") && more) {
            seed = (uint64_t)num_arg(argv[++i]);
        } else if (!strcmp(a, "--max-delay-ms") && more) {
            max_delay = (int)num_arg(argv[++i]);
        } else if (!strcmp(a, "--late-percent") && more) {
            late_pct = (int)num_arg(argv[++i]);
        } else if (a[0] != '-' && !dir) {
            dir = a;
        } else {
            fprintf(stderr, "usage: gen [--quick] [--lines N] [--readings N] "
                            "[--seed S] [--max-delay-ms D] [--late-percent P] "
                            "DIR\n");
            return 2;
        }
    }
    if (!dir)
        die("no output directory given%s", "");
    rng_state = seed;
    gen_words(dir, lines);
    rng_state = seed ^ 0x5EED5EED5EEDull;
    gen_readings(dir, readings, max_delay, late_pct * 10);
    FILE *m = open_out(dir, "manifest.txt");
    fprintf(m,
            "lines=%lld words=%lld readings=%lld seed=%llu max_delay_ms=%d "
            "late_percent=%d\n",
            (long long)lines, (long long)lines * 10, (long long)readings,
            (unsigned long long)seed, max_delay, late_pct);
    close_out(m);
    return 0;
}
