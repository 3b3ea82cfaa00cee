"""ptyshell.py - drives the dstream shell under a pseudo-terminal for the
tests in test_shell.py: start it, type keys, wait (bounded, polled) for
text to appear on the screen, and collect how it exited."""

import os
import pty
import re
import select
import signal
import time


# What line editing writes to move the cursor and clear, and carriage
# returns: dropped before matching, so that "SEL", "\r", "ESC[13G", "ECT"
# (a redraw after completion) reads as "SELECT".
ESCAPES = re.compile(rb"\x1b(\[[0-9;?]*[ -/]*[@-~]|[()][0-9A-B]|[=>])")


class ShellError(AssertionError):
    pass


class Shell:
    """One dstream process on the slave side of a new pty."""

    def __init__(self, argv, env=None, cwd=None, timeout=10.0):
        self.timeout = timeout
        self.raw = b""  # everything the shell wrote
        self.out = b""  # the same without terminal escapes
        self.mark = 0  # expect() searches self.out from here
        pid, fd = pty.fork()
        if pid == 0:  # the child: the pty is its terminal
            try:
                if cwd:
                    os.chdir(cwd)
                os.execve(argv[0], argv, env if env is not None else os.environ)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.status = None

    def _read(self, wait):
        r, _, _ = select.select([self.fd], [], [], wait)
        if not r:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # EIO: the child has gone
            data = b""
        if not data:
            self._reap(block=True)
            return None
        self.raw += data
        self.out = ESCAPES.sub(b"", self.raw).replace(b"\r", b"")
        return True

    def send(self, text):
        """Types text (a str: '\\r' is Enter, '\\x03' Ctrl-C, '\\t' TAB)."""
        # libedit prints the prompt before it puts the terminal in raw
        # mode: keys sent at once would be echoed by the terminal too
        time.sleep(0.1)
        data = text.encode()
        for i in range(0, len(data), 64):
            os.write(self.fd, data[i : i + 64])
            time.sleep(0.01)

    def expect(self, pattern, timeout=None):
        """Waits until the regular expression pattern (str) matches the
        output after the previous match; returns the match."""
        rx = re.compile(pattern.encode(), re.S)
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            m = rx.search(self.out, self.mark)
            if m:
                self.mark = m.end()
                return m
            left = deadline - time.monotonic()
            if left <= 0 or self._read(min(left, 0.1)) is None:
                if rx.search(self.out, self.mark):
                    continue
                raise ShellError(
                    "timed out waiting for %r; output so far:\n%s"
                    % (pattern, self.text())
                )

    def settle(self, quiet=0.3, timeout=None):
        """Reads until nothing has come for `quiet` seconds."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while time.monotonic() < deadline:
            got = self._read(quiet)
            if not got:
                return

    def text(self):
        return self.out.decode("utf-8", "replace")

    def since_mark(self):
        return self.out[self.mark :].decode("utf-8", "replace")

    def _reap(self, block):
        if self.status is not None:
            return self.status
        pid, st = os.waitpid(self.pid, 0 if block else os.WNOHANG)
        if pid:
            self.status = os.waitstatus_to_exitcode(st)
        return self.status

    def wait(self, timeout=None):
        """Waits for the shell to exit; returns its exit code."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while time.monotonic() < deadline:
            if self._reap(block=False) is not None:
                return self.status
            self._read(0.05)
        raise ShellError("the shell did not exit; output:\n" + self.text())

    def close(self):
        if self._reap(block=False) is None:
            os.kill(self.pid, signal.SIGKILL)
            self._reap(block=True)
        try:
            os.close(self.fd)
        except OSError:
            pass
