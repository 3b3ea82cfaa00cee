#!/bin/sh
# FROM STDIN: lines from a pipe, and from a file redirected to standard
# input; the program ends at EOF.
set -eu
D=$1
SQL="CREATE STREAM l (line TEXT) FROM STDIN;
SELECT COUNT(*) AS n, MIN(line) AS lo, MAX(line) AS hi FROM l;"

printf 'b\r\na\nc' | timeout 20 "$D" --clock virtual --format csv -e "$SQL" \
    > out1.csv
[ "$(cat out1.csv)" = "3,a,c" ]

seq 1 250000 > in.txt
timeout 20 "$D" --clock virtual --format csv -e "$SQL" < in.txt > out2.csv
[ "$(cat out2.csv)" = "$(printf '100000,1,99999\n100000,100001,200000\n50000,200001,250000')" ]

# a pipe under the real clock: everything arrives, the end ends the run
seq 1 1000 | timeout 20 "$D" --batch-interval 100ms --format csv -e \
    "CREATE STREAM l (line TEXT) FROM STDIN;
     SELECT COUNT(*) AS n FROM l;" > out3.csv
[ "$(awk -F, '{ s += $1 } END { print s }' out3.csv)" = 1000 ]

# a pipe under the virtual clock: batches of at most rows_per_batch rows
seq 1 250000 | timeout 20 "$D" --clock virtual --format csv -e "$SQL" \
    > out4.csv
[ "$(awk -F, '{ s += $1; if ($1 > 100000) bad = 1 } END { print s, bad + 0 }' \
    out4.csv)" = "250000 0" ]
