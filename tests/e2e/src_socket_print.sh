#!/bin/sh
# examples/socket_print.sql against a server like `nc -lk`: a python3
# loopback server on an OS-chosen port sends lines (one connection, then a
# second one: the source reconnects); SIGINT stops the program gracefully
# with every line printed and exit status 0.
set -eu
D=$1
SRC=$2
cat > server.py <<'END'
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(4)
open("port", "w").write(str(s.getsockname()[1]))
s.settimeout(15)
for conn in range(2):
    c, _ = s.accept()
    for i in range(5):
        c.sendall(("conn%d line %d\n" % (conn, i)).encode())
        time.sleep(0.02)
    c.close()
time.sleep(5)
END
rm -f port
python3 server.py &
SERVER=$!
n=0
while [ ! -s port ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n + 1)); done
sed "s/localhost:9000/localhost:$(cat port)/" "$SRC/examples/socket_print.sql" \
    > socket_print.sql

"$D" --batch-interval 100ms --format csv socket_print.sql > out.csv 2> err.txt &
PROG=$!
n=0
while [ "$(grep -c line out.csv || true)" -lt 10 ] && [ $n -lt 200 ]; do
    sleep 0.05
    n=$((n + 1))
done
kill -INT $PROG
status=0
wait $PROG || status=$?
kill $SERVER 2>/dev/null || true
[ $status -eq 0 ] || { echo "exit status $status"; cat err.txt; exit 1; }
for c in 0 1; do
    for i in 0 1 2 3 4; do
        [ "$(grep -cx "conn$c line $i" out.csv)" = 1 ] || {
            echo "missing conn$c line $i"; cat out.csv; exit 1; }
    done
done
