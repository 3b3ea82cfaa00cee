-- W5: the 10 most frequent words of every 10-second tumbling window in
-- processing time. bench/run fills in @DATA@ and @ROWS_PER_BATCH@.
SET batch_interval = 1 SECOND;
SET rows_per_batch = @ROWS_PER_BATCH@;
CREATE STREAM s (line TEXT) FROM FILE '@DATA@/words.txt';
SELECT window_end, word, COUNT(*) AS n
FROM s, UNNEST(split(line, ' ')) AS t(word)
WINDOW TUMBLING (SIZE 10 SECONDS)
GROUP BY word
ORDER BY n DESC, word
LIMIT 10;
