-- The first example of Spark Streaming's queueStream, in dstream's SQL:
-- two chunks of text go into a queue; each batch takes one chunk, splits
-- it into words and counts every word (DStream countByValue).
SET batch_interval = 3 SECONDS;

CREATE STREAM lines (line TEXT) FROM QUEUE;

INSERT INTO lines VALUES ('Spark Streaming Sample ssc');
INSERT INTO lines VALUES ('Spark Queue Spark API');

SELECT word, COUNT(*) AS n
FROM lines, UNNEST(split(line, ' ')) AS t(word)
GROUP BY word;
