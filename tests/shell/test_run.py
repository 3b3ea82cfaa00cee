"""test_run.py - end-to-end tests of dstream's file runs: finite sources
that end by themselves, graceful stop at SIGTERM, a second signal, exit
codes, usage errors, error positions, --timeout, --max-batches, the status
line. Usage: python3 test_run.py DSTREAM SOURCE_DIR SCENARIO; exits 0 when
the scenario passes. Every wait is bounded."""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptyshell import Shell  # noqa: E402

D = SRC = TMP = None


def run(*args, stdin=None, timeout=30):
    """Runs dstream to its end; returns (exit code, stdout, stderr)."""
    p = subprocess.run([D, *args], input=stdin, capture_output=True,
                       text=True, timeout=timeout, cwd=TMP)
    return p.returncode, p.stdout, p.stderr


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def wait_lines(path, n, proc, timeout=15):
    """Polls until the file at path has n lines."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "dstream ended early: %r" % proc.returncode
        if os.path.exists(path):
            with open(path) as f:
                if len(f.read().splitlines()) >= n:
                    return
        time.sleep(0.02)
    raise AssertionError("no %d lines in %s in time" % (n, path))


def big_file(rows):
    path = os.path.join(TMP, "big.csv")
    with open(path, "w") as f:
        f.write("\n".join(map(str, range(1, rows + 1))))
        f.write("\n")
    return path


def wordcount():
    """The seed's example ends by itself with exactly its two batches."""
    code, out, err = run("--clock", "virtual", "--format", "json",
                         os.path.join(SRC, "examples/queue_wordcount.sql"))
    assert code == 0, (code, err)
    lines = out.splitlines()
    want = [
        {"query": 1, "batch": 1, "time": "1970-01-01 00:00:03",
         "rows": [{"word": "Spark", "n": 1}, {"word": "Streaming", "n": 1},
                  {"word": "Sample", "n": 1}, {"word": "ssc", "n": 1}]},
        {"query": 1, "batch": 2, "time": "1970-01-01 00:00:06",
         "rows": [{"word": "Spark", "n": 2}, {"word": "Queue", "n": 1},
                  {"word": "API", "n": 1}]},
    ]
    got = [json.loads(line) for line in lines]
    for g in got:
        g["rows"].sort(key=lambda r: r["word"])
    for w in want:
        w["rows"].sort(key=lambda r: r["word"])
    assert got == want, out
    assert out.startswith('{"query":1,"batch":1,"time":"1970-01-01 00:00:03",'
                          '"rows":['), out
    # the same through -e and through standard input, and in table form
    sql = open(os.path.join(SRC, "examples/queue_wordcount.sql")).read()
    code, out2, err = run("--clock", "virtual", "--format", "json", "-e", sql)
    assert (code, out2) == (0, out), (code, out2, err)
    code, out3, err = run("--clock", "virtual", "--format", "json", "-",
                          stdin=sql)
    assert (code, out3) == (0, out), (code, out3, err)
    code, out4, err = run("--clock", "virtual", "--format", "json",
                          stdin=sql)  # piped, no terminal: the same
    assert (code, out4) == (0, out), (code, out4, err)
    code, table, err = run("--clock", "virtual", "-e", sql)
    assert code == 0 and "-- query 1, batch 2, time 1970-01-01 00:00:06, " \
        "3 rows" in table and "| Queue | 1 |" in table, table
    code, quiet, err = run("--clock", "virtual", "--quiet", "-e", sql)
    assert code == 0 and "-- query" not in quiet and "Queue" in quiet, quiet


def sigterm():
    """SIGTERM in the middle of a large finite input: exit 0, and every row
    read is counted once: batches hold consecutive rows from the first."""
    rows = 3000000
    path = big_file(rows)
    sql = write("count.sql", (
        "CREATE STREAM s (n BIGINT) FROM FILE '%s' FORMAT CSV\n"
        "    WITH (buffer_bytes = '256KB');\n"
        "SELECT COUNT(*) AS c, MIN(n) AS lo, MAX(n) AS hi FROM s;\n") % path)
    out = os.path.join(TMP, "count.csv")
    p = subprocess.Popen([D, "--batch-interval", "50ms", "--format", "csv",
                          "--output", out, sql], cwd=TMP,
                         stderr=subprocess.PIPE, text=True)
    try:
        wait_lines(out, 5, p)
        p.send_signal(signal.SIGTERM)
        code = p.wait(timeout=20)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    err = p.stderr.read()
    assert code == 0, (code, err)
    total, hi = 0, 0
    for line in open(out).read().splitlines():
        c, lo, h = line.split(",")
        c = int(c)
        if c == 0:
            assert lo == "" and h == "", line
            continue
        assert int(lo) == hi + 1, "a gap or a repeat before %r" % line
        assert int(h) - int(lo) + 1 == c, line
        total, hi = total + c, int(h)
    assert total == hi, (total, hi)
    assert 0 < total < rows, "the run was not stopped in the middle: %d" % total


def second_signal():
    """A second signal during the graceful stop ends at once with 130."""
    path = big_file(3000000)
    sql = write("count.sql", (
        "CREATE STREAM s (n BIGINT) FROM FILE '%s' FORMAT CSV\n"
        "    WITH (buffer_bytes = '256KB');\n"
        "SELECT COUNT(*) AS c FROM s;\n") % path)
    out = os.path.join(TMP, "count.csv")
    p = subprocess.Popen([D, "--batch-interval", "1s", "--format", "csv",
                          "--output", out, sql], cwd=TMP)
    try:
        wait_lines(out, 1, p)
        p.send_signal(signal.SIGINT)  # graceful: waits for the next batch
        time.sleep(0.2)
        p.send_signal(signal.SIGTERM)
        code = p.wait(timeout=10)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert code == 130, code


def usage():
    """Bad usage: a one-line error and exit 2."""
    sql = write("ok.sql", "SHOW STREAMS;\n")
    cases = [
        (["--bogus", sql], "unknown option: --bogus"),
        (["missing.sql"], "cannot read missing.sql: No such file"),
        ([TMP], "Is a directory"),
        (["--format", "xml", sql], "--format is table, csv or json"),
        (["--clock"], "--clock is real or virtual"),
        (["--batch-interval", "soon", sql], "--batch-interval needs"),
        (["--max-batches", "0", sql], "--max-batches needs"),
        (["-e"], "-e needs SQL"),
        (["--output", os.path.join(TMP, "no/such/dir/out"), sql],
         "cannot write"),
    ]
    for args, msg in cases:
        code, out, err = run(*args)
        assert code == 2, (args, code, err)
        assert err.count("\n") == 1 and msg in err, (args, err)
    code, out, err = run("--help")
    assert code == 0 and "--batch-interval" in out and "examples:" in out
    code, out, err = run("--version")
    assert code == 0 and out.startswith("dstream "), out
    code, out, err = run(sql)
    assert code == 0 and "| name |" in out, (code, out, err)


def sql_error():
    """A SQL error names file, line and column, shows the line and a caret
    under the column, and exits 1; a failed query exits 1 too."""
    path = write("q.sql", "SET batch_interval = 1 SECOND;\n"
                          "CREATE STREAM s FORM QUEUE;\n")
    code, out, err = run("q.sql")
    assert code == 1, (code, err)
    assert err == ("dstream: q.sql:2:17: syntax error near 'FORM'\n"
                   "  CREATE STREAM s FORM QUEUE;\n"
                   "                  ^\n"), repr(err)
    assert os.path.exists(path)
    # a later file: positions are the file's own
    write("a.sql", "CREATE STREAM q (line TEXT) FROM QUEUE;\n")
    write("b.sql", "-- b\n\nSELECT\n\tnope FROM q;\n")
    code, out, err = run("a.sql", "b.sql")
    assert code == 1 and err.startswith("dstream: b.sql:4:2: "), err
    assert "\tnope FROM q;\n  \t^\n" in err, repr(err)
    # -e
    code, out, err = run("-e", "SHOW STREAMS; SELEC 1;")
    assert code == 1 and err.startswith("dstream: -e:1:15: syntax error"), err
    # a query that fails while it runs
    code, out, err = run("--clock", "virtual", "-e",
                         "CREATE STREAM q (n BIGINT) FROM QUEUE;"
                         "INSERT INTO q VALUES (9223372036854775807);"
                         "SELECT n + 1 AS m FROM q;")
    assert code == 1 and "dstream: query 1: " in err and "overflow" in err, \
        (code, err)
    # sinks are not built yet: the error is reported, exit 1
    code, out, err = run("-e", "CREATE STREAM q (n BIGINT) FROM QUEUE;"
                               "INSERT INTO nowhere SELECT n FROM q;")
    assert code == 1 and err.startswith("dstream: -e:1:"), err


def timeout_and_max_batches():
    """--timeout stops a run that would never end, gracefully; --max-batches
    ends it after N batches; log lines go to stderr with 'dstream: '."""
    sql = ("CREATE STREAM s (line TEXT) FROM SOCKET LISTEN '127.0.0.1:0';"
           "SELECT COUNT(*) AS n FROM s;")
    t0 = time.monotonic()
    code, out, err = run("--batch-interval", "100ms", "--timeout", "700ms",
                         "--format", "csv", "-e", sql, timeout=20)
    assert code == 0, (code, err)
    assert time.monotonic() - t0 < 10
    assert 2 <= len(out.splitlines()) <= 20, out
    assert "dstream: listening on 127.0.0.1:" in err, err
    code, out, err = run("--batch-interval", "50ms", "--max-batches", "3",
                         "--format", "csv", "--quiet", "-e", sql, timeout=20)
    assert code == 0 and out.splitlines() == ["0", "0", "0"], (code, out, err)


def status_line():
    """On a terminal, stderr shows a status line while the run goes on,
    and clears it at the end; through a pipe, never."""
    path = big_file(400000)
    sql = write("count.sql", (
        "CREATE STREAM s (n BIGINT) FROM FILE '%s' FORMAT CSV\n"
        "    WITH (buffer_bytes = '256KB');\n"
        "SELECT COUNT(*) AS c FROM s;\n") % path)
    out = os.path.join(TMP, "out.csv")
    sh = Shell([D, "--batch-interval", "50ms", "--format", "csv", "--output",
                out, sql], cwd=TMP, timeout=20)
    try:
        code = sh.wait()
    finally:
        sh.close()
    assert code == 0, code
    raw = sh.raw.decode()
    assert "\r\x1b[Kbatch " in raw and " rows/s" in raw, raw
    assert raw.endswith("\r\x1b[K"), repr(raw[-100:])
    assert sum(int(x) for x in open(out).read().split()) == 400000
    code, o, err = run("--batch-interval", "50ms", "--format", "csv", sql)
    assert code == 0 and err == "", repr(err)
    sh = Shell([D, "--quiet", "--batch-interval", "50ms", "--format", "csv",
                "--output", out, sql], cwd=TMP, timeout=20)
    try:
        code = sh.wait()
    finally:
        sh.close()
    assert code == 0 and b"rows/s" not in sh.raw, sh.raw


SCENARIOS = {f.__name__: f for f in (wordcount, sigterm, second_signal, usage,
                                     sql_error, timeout_and_max_batches,
                                     status_line)}

if __name__ == "__main__":
    D, SRC, name = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    with tempfile.TemporaryDirectory(prefix="dstream-run-") as TMP:
        SCENARIOS[name]()
    print("ok", name)
