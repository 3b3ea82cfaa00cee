-- W3: filter and project, over the CSV readings (about 5.8% pass).
-- bench/run fills in @DATA@ and @ROWS_PER_BATCH@; the references use the
-- same threshold (bench/run's THRESHOLD, sqlite_ref.c, duckdb_ref.mjs).
SET batch_interval = 1 SECOND;
SET rows_per_batch = @ROWS_PER_BATCH@;
CREATE STREAM r (ts TIMESTAMP, sensor TEXT, temp DOUBLE)
    FROM FILE '@DATA@/readings.csv' FORMAT CSV;
SELECT ts, sensor, temp FROM r WHERE temp > 34.5;
