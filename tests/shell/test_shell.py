"""test_shell.py - end-to-end tests of the interactive dstream shell under a
pseudo-terminal. Usage: python3 test_shell.py DSTREAM SCENARIO; exits 0
when the scenario passes. Every wait is bounded (ptyshell.Shell.expect)."""

import os
import signal
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ptyshell import Shell  # noqa: E402

PROMPT = r"dstream> "
MORE = r"    \.\.\.> "


def start(dstream, tmp, *args):
    env = dict(os.environ)
    env["HOME"] = tmp
    env["DSTREAM_HISTORY"] = os.path.join(tmp, "history")
    env["TERM"] = "xterm"
    env.pop("EDITRC", None)
    sh = Shell([dstream, *args], env=env, cwd=tmp)
    sh.expect(PROMPT)
    return sh


def leave(sh):
    sh.send(".quit\r")
    code = sh.wait()
    assert code == 0, "exit status %r; output:\n%s" % (code, sh.text())


def multiline(dstream, tmp):
    """A statement over three lines runs at its ';'."""
    sh = start(dstream, tmp)
    try:
        sh.send("CREATE STREAM q\r")
        sh.expect(MORE)
        sh.send("  (line TEXT)\r")
        sh.expect(MORE)
        sh.send("  FROM QUEUE;\r")
        sh.expect(PROMPT)
        sh.send("DESCRIBE q;\r")
        sh.expect(r"\| line +\| TEXT +\|")
        sh.expect(PROMPT)
        # a comment alone does not wait for more
        sh.send("-- nothing\r")
        sh.expect(PROMPT)
        sh.send("SHOW STREAMS\r")
        sh.expect(MORE)
        sh.send(";\r")
        sh.expect(r"\| q +\| QUEUE")
        sh.expect(PROMPT)
        leave(sh)
    finally:
        sh.close()


def history(dstream, tmp):
    """A statement typed in one session comes back with Up in the next."""
    sh = start(dstream, tmp)
    try:
        sh.send("CREATE STREAM hist_one (line TEXT)\r")  # two lines, one entry
        sh.expect(MORE)
        sh.send("FROM QUEUE;\r")
        sh.expect(PROMPT)
        sh.send("SHOW SETTINGS;\r")
        sh.expect(r"batch_interval")
        sh.expect(PROMPT)
        sh.send("\x04")  # Ctrl-D, so that SHOW SETTINGS is the last line
        assert sh.wait() == 0
    finally:
        sh.close()
    path = os.path.join(tmp, "history")
    assert os.path.exists(path), "no history file"
    saved = open(path, encoding="utf-8", errors="replace").read()
    assert "SETTINGS" in saved and "hist_one" in saved, saved

    sh = start(dstream, tmp)
    try:
        sh.send("\x1b[A")  # Up: the last statement
        sh.expect(r"SHOW SETTINGS;")
        sh.send("\x1b[A")  # Up again: the one before
        sh.expect(r"CREATE STREAM hist_one")
        sh.send("\r")
        sh.expect(PROMPT)
        sh.send("SHOW STREAMS;\r")
        sh.expect(r"\| hist_one +\| QUEUE")
        sh.expect(PROMPT)
        leave(sh)
    finally:
        sh.close()


def completion(dstream, tmp):
    """TAB completes a keyword, a stream name and a column name."""
    sh = start(dstream, tmp)
    try:
        sh.send("CREATE STREAM readings (sensor TEXT, temp DOUBLE) FROM QUEUE;\r")
        sh.expect(PROMPT)
        sh.send("SEL\t")
        sh.expect(r"SELECT ")
        sh.send("sen\t")
        sh.expect(r"sensor ")
        sh.send("FROM rea\t")
        sh.expect(r"readings ")
        sh.send("WHERE tem\t")
        sh.send("> 1;\r")
        # the completed statement ran: a foreground query
        sh.expect(r"-- query 1, batch \d+", timeout=10)
        sh.send("\x03")
        sh.expect(PROMPT)
        sh.send("DESCRIBE rea\t")
        sh.expect(r"readings ")
        sh.send(";\r")
        sh.expect(r"\| temp +\| DOUBLE")
        sh.expect(PROMPT)
        sh.send(".str\t")
        sh.expect(r"\.streams ")
        sh.send("\r")
        sh.expect(r"\| readings")
        sh.expect(PROMPT)
        leave(sh)
    finally:
        sh.close()
    text = sh.text()
    assert "SELECT sensor FROM readings WHERE temp > 1;" in text, text


def interrupt(dstream, tmp):
    """Ctrl-C ends a running SELECT and the shell goes on; Ctrl-C at the
    prompt drops what was typed."""
    sh = start(dstream, tmp, "--batch-interval", "100ms")
    try:
        sh.send("CREATE STREAM q (line TEXT) FROM QUEUE;\r")
        sh.expect(PROMPT)
        sh.send("INSERT INTO q VALUES ('alpha beta'), ('beta');\r")
        sh.expect(PROMPT)
        sh.send(
            "SELECT word, COUNT(*) AS n FROM q, "
            "UNNEST(split(line, ' ')) AS t(word) GROUP BY word ORDER BY word;\r"
        )
        sh.expect(r"-- query 1, batch 1, time [0-9:. -]+, 2 rows")
        sh.expect(r"\| alpha +\| +1 \|")
        sh.expect(r"\| beta +\| +2 \|")
        sh.expect(r"-- query 1, batch 3")  # still running, every batch
        sh.send("\x03")
        sh.expect(PROMPT)
        sh.settle()
        assert "-- query 1" not in sh.since_mark(), sh.since_mark()
        sh.send("SHOW QUERIES;\r")  # the query was closed
        m = sh.expect(PROMPT)
        sh.send("SELECT line FROM q;\r")  # a second one in the same shell
        sh.expect(r"-- query 2, batch \d+")
        sh.send("\x03")
        sh.expect(PROMPT)
        # Ctrl-C while typing: the line is dropped
        sh.send("SELECT garbage garbage")
        sh.expect("garbage garbage")
        sh.send("\x03")
        sh.expect(PROMPT)
        sh.send("CREATE STREAM x\r")
        sh.expect(MORE)
        sh.send("\x03")  # also a statement over several lines
        sh.expect(PROMPT)
        sh.send("SHOW STREAMS;\r")
        sh.expect(r"\| q +\| QUEUE")
        sh.expect(PROMPT)
        leave(sh)
        assert m is not None
        assert "syntax error" not in sh.text(), sh.text()
    finally:
        sh.close()


def syntax_error(dstream, tmp):
    """An error names line and column, shows a caret, and the shell goes
    on."""
    sh = start(dstream, tmp)
    try:
        sh.send("SET batch_interval = 1 SECOND;\r")
        sh.expect(PROMPT)
        sh.send("CREATE STREAM s\r")
        sh.expect(MORE)
        sh.send("  FORM QUEUE;\r")
        sh.expect(r"Error: line 2, column 3: syntax error near 'FORM'")
        sh.expect(r"  FORM QUEUE;\r?\n    \^")
        sh.expect(PROMPT)
        sh.send("SELECT * FROM nowhere;\r")
        sh.expect(r"no such stream: nowhere")
        sh.expect(PROMPT)
        sh.send("INSERT INTO out SELECT 1 FROM nowhere;\r")
        sh.expect(r"Error: ")
        sh.expect(PROMPT)
        sh.send("CREATE STREAM s (line TEXT) FROM QUEUE;\r")
        sh.expect(PROMPT)
        sh.send(".streams\r")
        sh.expect(r"\| s +\| QUEUE")
        sh.expect(PROMPT)
        leave(sh)
    finally:
        sh.close()


def dotcommands(dstream, tmp):
    """.mode, .output, .timer, .queries, .stats, .stop, .read, .help, and
    Ctrl-D leaves with status 0."""
    out = os.path.join(tmp, "out.json")
    with open(os.path.join(tmp, "setup.sql"), "w") as f:
        f.write("CREATE STREAM q (line TEXT) FROM QUEUE;\n"
                "INSERT INTO q VALUES ('x'), ('y');\n")
    sh = start(dstream, tmp, "--batch-interval", "100ms")
    try:
        sh.send(".help\r")
        sh.expect(r"\.stop N")
        sh.expect(PROMPT)
        sh.send(".read setup.sql\r")
        sh.expect(PROMPT)
        sh.send(".mode\r")
        sh.expect(r"table")
        sh.expect(PROMPT)
        sh.send(".mode json\r")
        sh.expect(PROMPT)
        sh.send(".output out.json\r")
        sh.expect(PROMPT)
        sh.send("SELECT line FROM q;\r")
        sh.settle(quiet=0.6)
        sh.send("\x03")
        sh.expect(PROMPT)
        sh.send(".output\r")
        sh.expect(PROMPT)
        sh.send(".timer on\r")
        sh.expect(PROMPT)
        sh.send("SHOW QUERIES;\r")
        sh.expect(r'\{"rows":\[\]\}')
        sh.expect(r"Run Time: [0-9.]+ s")
        sh.expect(PROMPT)
        sh.send(".timer off\r")
        sh.expect(PROMPT)
        sh.send(".mode table\r")
        sh.expect(PROMPT)
        sh.send("CREATE STREAM words AS SELECT line AS w FROM q;\r")
        sh.expect(PROMPT)
        sh.send(".stats\r")
        sh.expect(r"\| +2 \|")  # the derived stream's query is query 2
        sh.expect(r"batches \d+, input rows")
        sh.expect(PROMPT)
        sh.send(".stop 2\r")
        sh.expect(PROMPT)
        sh.send(".queries\r")
        sh.expect(r"\| +2 \| stopped")
        sh.expect(PROMPT)
        sh.send(".stop 99\r")
        sh.expect(r"no such query: 99")
        sh.expect(PROMPT)
        sh.send(".bogus\r")
        sh.expect(r"unknown command \.bogus")
        sh.expect(PROMPT)
        sh.send("\x04")  # Ctrl-D
        code = sh.wait()
        assert code == 0, "exit status %r" % code
    finally:
        sh.close()
    lines = open(out).read().splitlines()
    assert lines, "nothing in out.json"
    assert lines[0].startswith('{"query":1,"batch":1,"time":"'), lines[0]
    assert lines[0].endswith('"rows":[{"line":"x"},{"line":"y"}]}'), lines[0]


def terminate(dstream, tmp):
    """SIGTERM during a foreground query leaves the shell with status 0,
    and the statement typed before is in the history file."""
    sh = start(dstream, tmp, "--batch-interval", "100ms")
    try:
        sh.send("CREATE STREAM q (line TEXT) FROM QUEUE;\r")
        sh.expect(PROMPT)
        sh.send("SELECT line FROM q;\r")
        sh.expect(r"-- query 1, batch 2")
        os.kill(sh.pid, signal.SIGTERM)
        code = sh.wait()
        assert code == 0, "exit status %r; output:\n%s" % (code, sh.text())
    finally:
        sh.close()
    saved = open(os.path.join(tmp, "history"), errors="replace").read()
    assert "line\\040FROM\\040q;" in saved or "line FROM q;" in saved, saved


SCENARIOS = {
    f.__name__: f
    for f in (multiline, history, completion, interrupt, syntax_error,
              dotcommands, terminate)
}

if __name__ == "__main__":
    dstream, name = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="dstream-shell-") as tmp:
        SCENARIOS[name](os.path.abspath(dstream), tmp)
    print("ok", name)
