# Runs a command on a new pseudo-terminal (80x24 unless PTY_COLS/PTY_ROWS say otherwise): this process's stdin is typed
# into it, everything the terminal shows goes to stdout, and the exit code is the command's. Used by test/support/pty-session.ts.
import fcntl
import os
import pty
import select
import struct
import sys
import termios

cols = int(os.environ.get("PTY_COLS", "80"))
rows = int(os.environ.get("PTY_ROWS", "24"))
pid, master = pty.fork()
if pid == 0:
    # The child: stdin is the terminal; its size is set before the command starts, so it never reads 0x0.
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    os.execvp(sys.argv[1], sys.argv[1:])

stdin_open = True
while True:
    readable = [master] + ([0] if stdin_open else [])
    ready, _, _ = select.select(readable, [], [])
    if 0 in ready:
        data = os.read(0, 4096)
        if data:
            os.write(master, data)
        else:
            stdin_open = False
    if master in ready:
        try:
            data = os.read(master, 4096)
        except OSError:
            data = b""
        if not data:
            break
        os.write(1, data)
        sys.stdout.flush()

_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
