#!/bin/sh
# FROM FILE under the virtual clock: the program reads a finite file in
# batches of rows_per_batch rows, and exits 0 by itself once it is read.
set -eu
D=$1
rm -rf data && mkdir data
printf 'sensor,temp\n' > data/readings.csv
i=0
while [ $i -lt 250 ]; do
    printf 's%d,%d.5\n' $((i % 3)) $i >> data/readings.csv
    i=$((i + 1))
done
printf 's9,not a number\n' >> data/readings.csv

timeout 20 "$D" --clock virtual --format csv -e "
SET rows_per_batch = 100;
CREATE STREAM r (sensor TEXT, temp DOUBLE) FROM FILE 'data/readings.csv'
    FORMAT CSV WITH (header = true, bad_rows = 'data/bad.txt');
SELECT sensor, COUNT(*) AS n, MIN(temp) AS lo FROM r GROUP BY sensor
ORDER BY sensor;" > out.csv

cat > want.csv <<'END'
s0,34,0.5
s1,33,1.5
s2,33,2.5
s0,33,102.5
s1,34,100.5
s2,33,101.5
s0,17,201.5
s1,16,202.5
s2,17,200.5
END
diff want.csv out.csv
grep -q '^data/readings.csv:252	column temp' data/bad.txt
