-- W2: a sliding window per sensor in processing time (1-second batches),
-- over the CSV readings. bench/run fills in @DATA@, @ROWS_PER_BATCH@ and
-- @SIZE@ (60 for the table, 2/60/600 for the scaling run).
SET batch_interval = 1 SECOND;
SET rows_per_batch = @ROWS_PER_BATCH@;
CREATE STREAM r (ts TIMESTAMP, sensor TEXT, temp DOUBLE)
    FROM FILE '@DATA@/readings.csv' FORMAT CSV;
SELECT window_end, sensor, AVG(temp) AS avg_temp, MIN(temp) AS min_temp,
       MAX(temp) AS max_temp, COUNT(*) AS n
FROM r WINDOW SLIDING (SIZE @SIZE@ SECONDS, SLIDE 1 SECOND)
GROUP BY sensor;
