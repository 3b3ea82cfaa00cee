-- W1: word count per batch (DStream's countByValue), over the text lines.
-- bench/run fills in @DATA@ and @ROWS_PER_BATCH@.
SET batch_interval = 1 SECOND;
SET rows_per_batch = @ROWS_PER_BATCH@;
CREATE STREAM s (line TEXT) FROM FILE '@DATA@/words.txt';
SELECT word, COUNT(*) AS n
FROM s, UNNEST(split(line, ' ')) AS t(word)
GROUP BY word;
