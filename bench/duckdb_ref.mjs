// duckdb_ref.mjs - the DuckDB reference (optional): the bench's workloads
// as SQL over the same input loaded into tables of an in-memory DuckDB,
// through the npm package @duckdb/node-api (installed into
// bench/node_modules by bench/run; bench/run skips DuckDB without it).
//
//   node duckdb_ref.mjs w1|w2|w3|w4|w5 FILE ROWS_PER_BATCH SIZE OUT.csv
//
// One thread (as dstream has). The import reads the file with read_csv or
// read_json into a table with b, the row's dstream batch number (1, 2, ...:
// ROWS_PER_BATCH rows each, in file order); the query (COPY ... TO OUT.csv
// included) computes the workload per batch or window with b. Prints
// "import_s=X query_s=Y version=V" on stderr. Same results as baseline/, sqlite_ref.c.
import { DuckDBInstance } from '@duckdb/node-api';
import { performance } from 'node:perf_hooks';

const [w, file, perBatchArg, sizeArg, out] = process.argv.slice(2);
const R = BigInt(perBatchArg);
const size = BigInt(sizeArg);
const q = (s) => `'${s.replaceAll("'", "''")}'`;

const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
const db = await inst.connect();

const readings = (json) => json
  ? `read_json(${q(file)}, format = 'newline_delimited', columns = {ts: 'VARCHAR', sensor: 'VARCHAR', temp: 'DOUBLE'})`
  : `read_csv(${q(file)}, header = false, auto_detect = false, quote = '', escape = '', columns = {'ts': 'VARCHAR', 'sensor': 'VARCHAR', 'temp': 'DOUBLE'})`;
// ts to microseconds: ISO text in the JSON file, epoch seconds (exact
// digits, no DECIMAL(38) which is slow) in the CSV file
const isoUs = `epoch_us(CAST(ts AS TIMESTAMP))`;
const epochUs = `CAST(split_part(ts, '.', 1) AS BIGINT) * 1000000
                 + CAST(rpad(split_part(ts, '.', 2), 6, '0') AS BIGINT)`;

const imports = {
  text: [`CREATE TABLE raw AS SELECT * FROM read_csv(${q(file)}, header = false,
            auto_detect = false, delim = '\x01', quote = '', escape = '',
            columns = {'line': 'VARCHAR'})`,
         `CREATE TABLE lines AS SELECT rowid // ${R} + 1 AS b, line FROM raw`,
         `DROP TABLE raw`],
  csv: [`CREATE TABLE raw AS SELECT * FROM ${readings(false)}`,
        `CREATE TABLE r AS SELECT rowid // ${R} + 1 AS b, ${epochUs} AS ts, sensor, temp FROM raw`,
        `DROP TABLE raw`],
  json: [`CREATE TABLE raw AS SELECT * FROM ${readings(true)}`,
         `CREATE TABLE r AS SELECT rowid // ${R} + 1 AS b, ${isoUs} AS ts, sensor, temp FROM raw`,
         `DROP TABLE raw`],
};

const words = `SELECT b, unnest(string_split(line, ' ')) AS word FROM lines
               WHERE line IS NOT NULL AND line <> ''`;
const queries = {
  w1: ['text', [], `SELECT word, count(*) FROM (${words}) GROUP BY b, word`],
  w2: ['csv', [
    `CREATE TABLE p AS SELECT b, sensor, count(*) AS c, count(temp) AS v,
       sum(temp) AS s, min(temp) AS mn, max(temp) AS mx FROM r GROUP BY b, sensor`],
    `WITH w AS (SELECT range AS j FROM range(1, (SELECT max(b) FROM r) + ${size})),
      s AS (SELECT DISTINCT sensor FROM p),
      d AS (SELECT w.j AS b, s.sensor, p.c, p.v, p.s, p.mn, p.mx
            FROM w CROSS JOIN s LEFT JOIN p ON p.b = w.j AND p.sensor = s.sensor),
      x AS (SELECT b, sensor, sum(c) OVER win AS c, sum(v) OVER win AS v,
            sum(s) OVER win AS s, min(mn) OVER win AS mn, max(mx) OVER win AS mx
            FROM d WINDOW win AS (PARTITION BY sensor ORDER BY b
            ROWS BETWEEN ${size - 1n} PRECEDING AND CURRENT ROW))
     SELECT make_timestamp(b * 1000000), sensor, s / v, mn, mx, c FROM x WHERE c > 0`],
  w3: ['csv', [], `SELECT make_timestamp(ts), sensor, temp FROM r WHERE temp > 34.5`],
  w4: ['json', [
    `CREATE TABLE wm AS SELECT b, max(m) OVER (ORDER BY b ROWS BETWEEN
       UNBOUNDED PRECEDING AND 1 PRECEDING) - 3000000 AS wprev
       FROM (SELECT b, max(ts) AS m FROM r GROUP BY b)`],
    `SELECT make_timestamp(w * 5000000), sensor, count(*), avg(temp) FROM
       (SELECT r.ts // 5000000 AS w, r.sensor, r.temp FROM r JOIN wm ON wm.b = r.b
        WHERE r.ts IS NOT NULL AND (wm.wprev IS NULL
              OR (r.ts // 5000000 + 1) * 5000000 > wm.wprev))
     GROUP BY w, sensor`],
  w5: ['text', [],
    `SELECT make_timestamp((w + 1) * 10000000), word, n FROM
       (SELECT (b - 1) // 10 AS w, word, count(*) AS n FROM (${words}) GROUP BY w, word)
     QUALIFY row_number() OVER (PARTITION BY w ORDER BY n DESC, word) <= 10`],
};

const [kind, prep, sql] = queries[w];
const t0 = performance.now();
for (const s of imports[kind]) await db.run(s);
const t1 = performance.now();
for (const s of prep) await db.run(s);
await db.run(`COPY (${sql}) TO ${q(out)} (FORMAT csv, HEADER false)`);
const t2 = performance.now();
const version = (await db.runAndReadAll('SELECT version()')).getRows()[0][0];
process.stderr.write(`import_s=${((t1 - t0) / 1e3).toFixed(6)} ` +
  `query_s=${((t2 - t1) / 1e3).toFixed(6)} version=${version}\n`);
