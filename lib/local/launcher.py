"""The dflow-ts local launcher: starts the processes of script steps for the driver (see launcher.ts).

Why a process of its own: the driver is a large Node process, and starting a process from it forks all
of it (2-3 ms on a 2-core machine, during which its event loop stands still). posix_spawn from this
small process takes a fraction of that and leaves the driver free.

Protocol, one JSON object per line each way:

  driver -> launcher  {"id": 7, "file": "sh", "args": ["sh", "/runs/r/scripts/inc"], "cwd": "/runs/r/steps/a/workdir",
                       "env": {"PATH": "..."}, "log": "/runs/r/steps/a/log.txt", "capture": false}
  launcher -> driver  {"ready": true}                                 once, first
                      {"id": 7, "pid": 4242}                          started, in a session of its own
                      {"id": 7, "error": "No such file or directory: sh"}   could not start
                      {"id": 7, "exit": 0} or {"id": 7, "signal": "SIGTERM"}   ended; what it left behind
                                                                      in its process group is killed
                      {"id": 7, "exit": 0, "stdout": "aGkK"}          ended, its stdout captured (base64)

stdin is /dev/null; stdout and stderr are appended to the log, opened by the launcher with mode 0600. With
"capture", stdout comes through a pipe instead: each chunk is appended to the log as it comes (so the log
keeps stdout and stderr in their order) and kept, and the exit reply carries all of it, base64 — no file is
made for it (on this machine's file system each new file costs as much as a step's own work). A log that
cannot be opened is named: {"id": 7, "error": "could not open /runs/r/steps/a/log.txt: EROFS (read-only file system)"}. A command without a slash is looked up in the PATH of its own environment, from
its work folder, as execvp does. The driver stops a process group itself (it knows its id). When the
driver's end of the pipe closes (it exited, or was killed), every process group still alive is killed
and the launcher exits.

A job whose environment has DFLOW_NAMESPACE (an imported Argo leaf, lib/argo/import/leaf-sandbox.ts
`namespaceRequest`) asks to run in a mount namespace of its own, made here when the kernel allows it (as
root): {"private": ["tmp"], "unless": ["dflow_file_"], "off": {"DFLOW_ARGO_ISOLATION": "none"}, "make": ["argo"],
"script": "argo/staging/script"}.
Each `private` top-level folder of the host has the job's own folder of that name (in its work folder) bound
over it; `make` names top-level folders made (empty, once) on the host where missing, to be bound over;
`script` is a file made in the work folder, mode 0755, before the binds, for the job to write its script in
(Argo's /argo/staging/script) — or, with "scriptOn": "tmpfs" (its top-level folder is then not `private`), in a
tmpfs mounted over that folder in the namespace after the binds, so that nothing of it is on the host's disk; a
job with a variable starting with an `unless` prefix, or with a variable of `off` set to its value, is started
as any other.
The job then has DFLOW_NAMESPACE_MADE=1 instead. Where no namespace can be had, it is started as any other.

A request may say what runs in the namespace instead of the job's own command (`exec`, the imported leaf's
command itself, so that no shell starts only to paste its values: leaf-sandbox.ts `namespaceExec`):
{"argv": [["sh"], ["-c"], ["echo ", {"var": "dflow_in_x"}]], "env": [["K", ["v"]]], "unset": ["dflow_in_x"],
"cwd": ["/tmp/w"] or null, "source": [...] or null, "prune": ["tmp/workdir"], "prepend": {"PATH": ["/scaled"]}}.
Each word is a list of pieces, text or a variable of the job's environment pasted in (empty when unset):
never read by a shell. The command's environment is the job's without the `unset` names (and without
DFLOW_NAMESPACE), PATH set (/usr/bin:/bin when unset), the `prepend` folders put before their variables, then
`env`. The `prune` folders of the work folder are removed first when empty; `source` is written to the
`script` file; the command starts in `cwd` (`/` when null; made when missing), PWD naming it, and is looked
up in its PATH there. One that cannot be found or run is exec'd by `sh` (its message, exit 127 or 126), as a
shell would have.
"""

import base64
import ctypes
import errno
import json
import os
import selectors
import signal
import socket
import sys

# Python ignores these; a step must start with every signal at its default.
DEFAULT_SIGNALS = (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)


found = {}  # (file, PATH) -> path, as a shell's hash table; only for a PATH of absolute folders (the same from any folder)


def program(file, env):
    """The path execvp would run for `file` (PATH searched from the current folder)."""
    if "/" in file:
        return file
    path = env.get("PATH", os.defpath)
    key = (file, path)
    if key in found and os.path.isfile(found[key]):
        return found[key]
    folders = path.split(":")
    denied = None
    for folder in folders:
        candidate = os.path.join(folder or ".", file)
        if os.path.isfile(candidate):
            if os.access(candidate, os.X_OK):
                if all(f.startswith("/") for f in folders):
                    found[key] = candidate
                return candidate
            denied = candidate
    if denied:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), denied)
    raise FileNotFoundError(errno.ENOENT, "command not found", file)


class StorageError(Exception):
    """A file of the step's folder that cannot be opened: the message names it and the error code."""


def opened(path, flags):
    """A descriptor of `path` (private to its owner when created), or a StorageError naming it."""
    try:
        return os.open(path, flags, 0o600)
    except OSError as e:
        text = e.strerror[:1].lower() + e.strerror[1:] if e.strerror else ""
        raise StorageError(f"could not open {path}: {errno.errorcode.get(e.errno, e.errno)} ({text})") from e


class Captured:
    """A job's stdout pipe: what comes is appended to its log and kept (see the header)."""

    def __init__(self, log):
        self.read_end, self.write_end = os.pipe()
        os.set_blocking(self.read_end, False)
        self.log = os.dup(log)
        self.chunks = []

    def pump(self, reads=16):
        """Takes what the pipe holds now (at most `reads` chunks, so that one busy job leaves the others their
        turn); None once it is empty for now, False once it is closed at the other end."""
        for _ in range(reads):
            try:
                chunk = os.read(self.read_end, 1 << 16)
            except BlockingIOError:
                return None
            if not chunk:
                return False
            self.chunks.append(chunk)
            view = memoryview(chunk)
            while view:
                view = view[os.write(self.log, view):]
        return True

    def close(self):
        """Takes what is left (the job has ended: what its group left behind was killed) and lets the pipe go."""
        try:  # to its end, or to what is there now (a process that left the job's group may hold it open)
            while self.pump():
                pass
        except OSError:
            pass
        os.close(self.read_end)
        os.close(self.log)
        return base64.b64encode(b"".join(self.chunks)).decode("ascii")


def start(job):
    """Starts one job in a new session; returns its pid and its Captured stdout (or None)."""
    # The log is opened here, not by posix_spawn, so that a failure names the file rather than the program.
    fds = [opened(job["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT)]
    captured = None
    try:
        if job.get("capture"):
            captured = Captured(fds[0])
            fds.append(captured.write_end)
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
            (os.POSIX_SPAWN_DUP2, fds[0], 2),
            (os.POSIX_SPAWN_DUP2, fds[-1], 1),
        ]
        # This process is single-threaded: its own folder is the child's (posix_spawn has no chdir).
        os.chdir(job["cwd"])
        path = program(job["file"], job["env"])
        ask = namespace_of(job)
        pid = start_in_namespace(job, ask, actions, path) if ask is not None else None
        if pid is None:
            pid = os.posix_spawn(path, job["args"], job["env"], file_actions=actions, setsid=True, setsigdef=DEFAULT_SIGNALS)
        started, captured = captured, None
        return pid, started
    finally:
        for fd in fds:
            os.close(fd)
        if captured is not None:  # not started
            captured.close()


CLONE_NEWNS = 0x00020000
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MS_NOSUID = 2
MS_NODEV = 4
libc = None  # loaded with the first namespace asked for; False once the kernel refused one
home = None  # a descriptor of the launcher's own mount namespace, to come back to
releaser = None  # the socket to the process that lets steps' namespaces go (see release_namespaces)
held = {}  # pid -> a descriptor of the mount namespace its step runs in, until the step has been reported ended
asked = {}  # DFLOW_NAMESPACE text -> what it asks (a template's calls all give the same text)


def namespace_of(job):
    """What the job asks of its namespace (see the header), or None (start it as any other)."""
    global libc, home, releaser
    request = job["env"].get("DFLOW_NAMESPACE")
    if request is None or libc is False:
        return None
    ask = asked.get(request)
    if ask is None:  # one text per template: read once (a long-lived launcher keeps the last few hundred)
        if len(asked) >= 256:
            asked.clear()
        ask = asked[request] = json.loads(request)
    if any(name.startswith(prefix) for name in job["env"] for prefix in ask.get("unless", [])):
        return None
    if any(job["env"].get(name) == value for name, value in ask.get("off", {}).items()):
        return None
    tops = ask["private"]
    made = ask.get("make", [])
    if not all(t and "/" not in t and t not in (".", "..") and (os.path.isdir("/" + t) and not os.path.islink("/" + t) or t in made and not os.path.lexists("/" + t)) for t in tops):
        return None
    if libc is None:
        try:
            lib = ctypes.CDLL(None, use_errno=True)
            lib.unshare.argtypes = [ctypes.c_int]
            lib.setns.argtypes = [ctypes.c_int, ctypes.c_int]
            lib.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_void_p]
            home = os.open("/proc/self/ns/mnt", os.O_RDONLY | os.O_CLOEXEC)
            releaser = release_namespaces()
            libc = lib
        except (OSError, AttributeError):
            libc = False
            return None
    return ask


def release_namespaces():
    """A process of its own that closes the namespaces' descriptors it is sent: freeing a mount namespace waits
    for an RCU grace period (milliseconds, more on a loaded machine), which would otherwise come between each
    step's end and the launcher's wait, or hold the launcher itself. Ends when the launcher does."""
    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    if os.fork() == 0:
        try:
            mine.close()
            null = os.open("/dev/null", os.O_RDWR)
            for fd in (0, 1):
                os.dup2(null, fd)
            while True:
                data, fds, _, _ = socket.recv_fds(theirs, 16, 16)
                for fd in fds:
                    os.close(fd)
                if not data:
                    break
        finally:
            os._exit(0)
    theirs.close()
    return mine


def mounted(what, result):
    if result != 0:
        e = ctypes.get_errno()
        raise OSError(e, f"{what}: {os.strerror(e)}")


def start_in_namespace(job, ask, actions, path):
    """The launcher enters a new mount namespace, binds the step's folders (see the header), starts the command
    there with posix_spawn (which forks nothing of this process) and comes back to its own namespace. Returns
    the pid, or None when the kernel refused the namespace (the job is then started as any other)."""
    global libc
    env = {k: v for k, v in job["env"].items() if k != "DFLOW_NAMESPACE"}
    cwd = os.getcwd()
    tops = ask["private"]
    run = ask.get("exec")
    args = list(job["args"])
    opened_args = []
    try:
        if run is not None:
            args, env = exec_of(run, env)
            for d in run.get("prune", []):
                try:
                    os.rmdir(os.path.join(cwd, d))
                except OSError:
                    pass
        else:
            env["DFLOW_NAMESPACE_MADE"] = "1"
            hidden = tuple("/" + t + "/" for t in tops)
            for i in range(1, len(args)):
                a = os.path.abspath(args[i]) if args[i] else ""
                if a.startswith(hidden) and os.path.isfile(a):
                    fd = os.open(a, os.O_RDONLY)
                    os.set_inheritable(fd, True)
                    opened_args.append(fd)
                    args[i] = f"/dev/fd/{fd}"
        for t in tops:
            folder(os.path.join(cwd, t))
        in_memory = ask.get("scriptOn") == "tmpfs"
        if ask.get("script") and not in_memory:
            write_script(os.path.join(cwd, ask["script"]), run, job["env"])
        if libc.unshare(CLONE_NEWNS) != 0:
            libc = False
            return None
        try:
            for t in ask.get("make", []):
                if not os.path.lexists("/" + t):
                    try:
                        os.mkdir("/" + t, 0o755)  # on the host's file system: a mount point, left empty
                    except FileExistsError:
                        pass
                    except OSError:
                        return None
            # opened in the new namespace (a descriptor of the old one cannot be bound), all before any bind
            sources = [os.open(os.path.join(cwd, t), os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC) for t in tops]
            try:
                mounted("making / private", libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None))
                for t, fd in zip(tops, sources):
                    # through its descriptor: the folder may be under one bound before it
                    mounted(f"binding {cwd}/{t} over /{t}", libc.mount(f"/proc/self/fd/{fd}".encode(), f"/{t}".encode(), None, MS_BIND | MS_REC, None))
            finally:
                for fd in sources:
                    os.close(fd)
            if ask.get("script") and in_memory:
                write_in_memory(ask["script"], run, job["env"])
            if run is not None:
                path, args = enter(run, args, env, job["env"])
            held[None] = os.open("/proc/self/ns/mnt", os.O_RDONLY | os.O_CLOEXEC)
            pid = os.posix_spawn(path, args, env, file_actions=actions, setsid=True, setsigdef=DEFAULT_SIGNALS)
            held[pid] = held.pop(None)
            return pid
        finally:
            if libc.setns(home, CLONE_NEWNS) != 0:  # this process cannot go on in a step's namespace
                sys.stderr.write(f"dflow launcher: could not come back to its own mount namespace: {os.strerror(ctypes.get_errno())}\n")
                os._exit(70)
    finally:
        let_go(None)  # not started: its namespace goes at once
        for fd in opened_args:
            os.close(fd)


def write_in_memory(script, run, values):
    """Mounts a tmpfs over the script's top-level folder, in the step's namespace, and writes the script there:
    nothing of it on the host's disk, where each file and folder made costs as much as a small step."""
    top = "/" + script.split("/")[0]
    mounted(f"mounting a tmpfs over {top}", libc.mount(b"tmpfs", top.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, b"mode=0755"))
    write_script("/" + script, run, values)


def write_script(path, run, values):
    """Makes the script file, mode 0755, and its folders; writes the request's source in it, its values pasted
    (without one, the job writes the file itself)."""
    folder(os.path.dirname(path))
    source = pasted(run["source"], values) if run is not None and run.get("source") is not None else None
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if source is not None else 0), 0o755)
    try:
        data = memoryview(source.encode("utf-8", "surrogateescape") if source is not None else b"")
        while data:
            data = data[os.write(fd, data):]
    finally:
        os.close(fd)
    os.chmod(path, 0o755)  # whatever the umask: Argo's script file can be run as a command


def folder(path):
    """Makes a folder and those above it where missing: a stat for one there already (the driver has made a
    step's output folders), where a mkdir that fails costs as much as one that makes it."""
    if not os.path.isdir(path):
        os.makedirs(path, exist_ok=True)


def pasted(word, values):
    """A word of an `exec` request (see the header) with its variables' values pasted in."""
    return "".join(p if isinstance(p, str) else values.get(p["var"], "") for p in word)


def exec_of(run, env):
    """The argv and environment of an `exec` request, from the job's environment `env` (see the header)."""
    out = {k: v for k, v in env.items() if k not in set(run.get("unset", []))}
    out["PATH"] = env.get("PATH", "/usr/bin:/bin")
    for name, folders in run.get("prepend", {}).items():
        out[name] = ":".join([*folders, *([out[name]] if out.get(name) else [])])
    for name, word in run.get("env", []):
        out[name] = pasted(word, env)
    return [pasted(w, env) for w in run["argv"]], out


def enter(run, args, env, values):
    """In the step's namespace: goes to the command's working folder (made when missing; PWD names it) and
    finds the command in its PATH; returns what posix_spawn runs. One not found, or not runnable, is exec'd by
    sh, whose message and exit code (127, 126) the step then has, as when a shell ran it."""
    wd = os.path.normpath(pasted(run["cwd"], values)) if run.get("cwd") is not None else "/"
    try:
        os.chdir(wd)
    except FileNotFoundError:
        os.makedirs(wd, exist_ok=True)
        os.chdir(wd)
    env["PWD"] = wd
    try:
        return program(args[0], env), args
    except OSError:
        return "/bin/sh", ["sh", "-c", 'exec "$@"', "sh", *args]


def let_go(pid):
    """The step `pid` was reported ended: its namespace goes to the releaser."""
    namespace = held.pop(pid, None)
    if namespace is not None:
        try:
            socket.send_fds(releaser, [b"ns"], [namespace])
        finally:
            os.close(namespace)


def unsupported():
    """Why this Python or system cannot start jobs as start() does (then the driver starts them itself), or None."""
    if not hasattr(os, "posix_spawn") or not hasattr(os, "POSIX_SPAWN_OPEN"):
        return "this python3 has no os.posix_spawn (3.8 or later is needed)"
    try:  # the same options as start(), once (setsid needs glibc 2.26 or later)
        probe = {"file": "/bin/sh", "args": ["sh", "-c", ":"], "env": {}, "cwd": "/", "log": "/dev/null"}
        os.waitpid(start(probe)[0], 0)
    except Exception as e:
        return f"posix_spawn cannot start a job here: {type(e).__name__}: {e}"
    return None


def main():
    why = unsupported()
    if why:
        sys.stdout.write(json.dumps({"unsupported": why}) + "\n")
        return
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    stdin = sys.stdin.buffer.raw
    os.set_blocking(stdin.fileno(), False)
    out = sys.stdout.buffer
    selector = selectors.DefaultSelector()
    selector.register(stdin, selectors.EVENT_READ, "jobs")
    selector.register(wake_r, selectors.EVENT_READ, "children")
    running = {}  # pid -> job id
    captures = {}  # pid -> its Captured stdout, until the job is reported ended

    def send(message):
        out.write(json.dumps(message).encode() + b"\n")
        out.flush()

    def reap():
        while running:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            job = running.pop(pid, None)
            try:
                os.killpg(pid, signal.SIGKILL)  # what it left behind, as when a pod ends
            except (ProcessLookupError, PermissionError):
                pass
            if job is not None:
                ended = {"id": job}
                if os.WIFSIGNALED(status):
                    ended["signal"] = signal.Signals(os.WTERMSIG(status)).name
                else:
                    ended["exit"] = os.WEXITSTATUS(status)
                captured = captures.pop(pid, None)
                if captured is not None:
                    if captured.read_end in selector.get_map():
                        selector.unregister(captured.read_end)
                    ended["stdout"] = captured.close()
                send(ended)
            let_go(pid)

    send({"ready": True})
    pending = b""
    try:
        while True:
            for key, _ in selector.select():
                if key.data == "children":
                    try:
                        os.read(wake_r, 4096)
                    except BlockingIOError:
                        pass
                    reap()
                    continue
                if key.data != "jobs":  # a job's stdout (its pid): ended at the other end, the pipe waits for the job's exit
                    captured = captures.get(key.data)  # None: reaped in this same round
                    if captured is not None and captured.pump() is False:
                        selector.unregister(key.fileobj)
                    continue
                chunk = stdin.read(1 << 16)
                if chunk is None:
                    continue
                if not chunk:
                    return
                *lines, pending = (pending + chunk).split(b"\n")
                for line in lines:
                    job = json.loads(line)
                    try:
                        pid, captured = start(job)
                    except StorageError as e:
                        send({"id": job["id"], "error": str(e)})
                        continue
                    except OSError as e:
                        send({"id": job["id"], "error": f"{e.strerror}: {e.filename}" if e.filename else str(e)})
                        continue
                    except Exception as e:  # a value the system cannot take (an unencodable name, …): this job only
                        send({"id": job["id"], "error": f"{type(e).__name__}: {e}"})
                        continue
                    running[pid] = job["id"]
                    if captured is not None:
                        captures[pid] = captured
                        selector.register(captured.read_end, selectors.EVENT_READ, pid)
                    send({"id": job["id"], "pid": pid})
    except BrokenPipeError:
        pass
    finally:
        for pid in running:
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


if __name__ == "__main__":
    main()
