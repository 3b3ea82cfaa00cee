-- W4: event-time tumbling windows with a watermark, over the JSON readings
-- (2% of them out of order). bench/run fills in @DATA@ and @ROWS_PER_BATCH@.
SET batch_interval = 1 SECOND;
SET rows_per_batch = @ROWS_PER_BATCH@;
CREATE STREAM r (ts TIMESTAMP, sensor TEXT, temp DOUBLE)
    FROM FILE '@DATA@/readings.jsonl' FORMAT JSON;
SELECT window_start, sensor, COUNT(*) AS n, AVG(temp) AS avg_temp
FROM r WINDOW TUMBLING (SIZE 5 SECONDS) ON ts WATERMARK 3 SECONDS
GROUP BY sensor;
