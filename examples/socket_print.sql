-- The second example of Spark Streaming (socketTextStream), in dstream's
-- SQL: every line that arrives on a TCP connection to localhost:9000 is
-- printed with the batch it arrived in. Try it with a server on the other
-- side:
--
--     nc -lk 9000                 # then type lines
--     dstream examples/socket_print.sql
--
-- The source connects as a client and, when the server goes away, keeps
-- reconnecting (100 ms doubling to 5 s) until it comes back; Ctrl-C stops.
CREATE STREAM lines (line TEXT) FROM SOCKET 'localhost:9000';

SELECT line FROM lines;
