"""Locks of Argo's synchronization, held on this host: a mutex is an exclusive lock (flock) on one file, a
semaphore of limit N a lock on one of N files. A lock is held as long as the process that took it lives, so
a crashed holder never leaves one behind.

Used two ways: imported by argo-leaf.py for a template's synchronization (held while the pod's containers
run), and run as a program for a workflow's (held for the whole run by the process that runs it): it reads
the locks as JSON from argv[1], takes them, writes `held` on stdout, and exits when its stdin closes.

A lock is `{"kind": "mutex"|"semaphore", "name": str, "files": [path, ...]}` (one file for a mutex).
"""

import fcntl
import json
import os
import sys
import time


def acquire(locks):
    """Takes every lock, in the order given (waiting as long as it takes); returns the open files that hold them."""
    held = []
    for lock in locks:
        for f in lock["files"]:
            os.makedirs(os.path.dirname(f), exist_ok=True)
        if len(lock["files"]) == 1:
            fh = open(lock["files"][0], "a")
            fcntl.flock(fh, fcntl.LOCK_EX)
            held.append(fh)
            continue
        got = None
        while got is None:
            for f in lock["files"]:
                fh = open(f, "a")
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    got = fh
                    break
                except BlockingIOError:
                    fh.close()
            if got is None:
                time.sleep(0.02)
        held.append(got)
    return held


if __name__ == "__main__":
    held = acquire(json.loads(sys.argv[1]))
    sys.stdout.write("held\n")
    sys.stdout.flush()
    sys.stdin.read()
