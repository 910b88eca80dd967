"""Runs one call of an imported Argo container or script template on this host (dflow's debug mode).

The importer (lib/argo/import/leaf.ts) makes every Argo leaf template a script template whose script exports
the call's values and execs this file; the template itself travels as JSON in DFLOW_ARGO_TEMPLATE:

  {"name": ..., "argv": [...], "source": str|null, "workingDir": str|null, "env": [[name, value]...],
   "params": {argoName: envVar}, "workflowParams": {name: envVar}, "context": {tag: envVar},
   "inArtifacts": {argoName: {"path": declared|null, "env": envVar|null, "raw": str|null}},
   "outputs": [declared absolute paths], "private": [top-level folders made private], "scriptPath": str}

What it does, as Argo's executor would inside the pod:
1. substitutes the `{{...}}` tags of argv, source, env values, workingDir and raw artifact data with the
   call's values (the importer has checked that every tag is one of the names above);
2. where the kernel allows it (a mount namespace: as root, or through a user namespace), runs the command
   chrooted in a private root: the host's top-level folders bound in, and /tmp and every top-level folder a
   declared path lives in replaced by the step's own folder (`<workdir>/tmp`, ...), so that the declared
   absolute paths resolve to the places the interpreter reads outputs from and two steps writing /tmp/x never
   collide. Without a namespace (DFLOW_ARGO_ISOLATION=none, or no permission) it runs on the host's paths and
   copies declared outputs into the work folder afterwards: parallel steps may then collide;
3. scales sleeps by DFLOW_ARGO_TIME_SCALE (a `sleep` on the PATH and python's time.sleep), when set;
4. fetches key-only and S3 input artifacts before the command and stores such outputs after it: a folder's
   keys for the local repository, an S3 bucket's through the package's S3 tool (`s3Tool`, lib/argo/import/s3-tool.ts).

Exits with the command's exit code (128 + N for a signal), as a shell reports it.
"""

import ctypes
import ctypes.util
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
MS_RDONLY = 1
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18

TAG = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


def fail(msg, code=2):
    sys.stderr.write(f"dflow argo leaf: {msg}\n")
    sys.exit(code)


spec = json.loads(os.environ["DFLOW_ARGO_TEMPLATE"])
workdir = os.getcwd()
isolation = os.environ.get("DFLOW_ARGO_ISOLATION", "namespace")
scale = float(os.environ.get("DFLOW_ARGO_TIME_SCALE", "1") or "1")


def env_of(name):
    """A value of the call: its environment variable, or the file the interpreter gave a big one in (dflow_file_…)."""
    if not name:
        return ""
    f = os.environ.get("dflow_file_" + name[len("dflow_"):]) if name.startswith("dflow_") else None
    if f is not None:
        with open(f, encoding="utf-8", errors="surrogateescape") as h:
            return h.read()
    return os.environ.get(name, "")


values = {}
for k, v in spec["params"].items():
    values[f"inputs.parameters.{k}"] = env_of(v)
for k, v in spec["workflowParams"].items():
    values[f"workflow.parameters.{k}"] = env_of(v)
for k, v in spec["context"].items():
    values[k] = env_of(v) if v.startswith("dflow_") else v
for k, v in spec["computed"].items():
    values[f"inputs.parameters.{k}"] = TAG.sub(lambda m: values.get(m.group(1), m.group(0)), v)
# the run's creation time (given by the template when its texts use it) stands for a cron run's scheduled
# time too; without it, the time the step starts, in RFC 3339
import datetime as _dt
values.setdefault("workflow.creationTimestamp", _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
values["workflow.scheduledTime"] = values["workflow.creationTimestamp"]
# its strftime fields (workflow.creationTimestamp.Y, .m, .d, ...), as Argo's setGlobalParameters gives them
_created = _dt.datetime.fromisoformat(values["workflow.creationTimestamp"].replace("Z", "+00:00"))
for _c in "YmdHMSyj":
    values[f"workflow.creationTimestamp.{_c}"] = _created.strftime("%" + _c)


def art_path(name, a, isolated):
    if a["path"] is not None and isolated:
        return a["path"]
    return env_of(a["env"]) if a["env"] else os.path.join(workdir, (a["path"] or name).lstrip("/"))


def substitute(text, isolated):
    if text is None:
        return None

    def one(m):
        tag = m.group(1)
        if tag in values:
            return values[tag]
        mm = re.fullmatch(r"inputs\.artifacts\.([-\w]+)\.path", tag)
        if mm and mm.group(1) in spec["inArtifacts"]:
            return art_path(mm.group(1), spec["inArtifacts"][mm.group(1)], isolated)
        mm = re.fullmatch(r"outputs\.(parameters|artifacts)\.([-\w]+)\.path", tag)
        if mm and tag in spec["outputPaths"]:
            p = spec["outputPaths"][tag]
            return p if isolated else os.path.join(workdir, p.lstrip("/"))
        return m.group(0)  # the importer checked every tag: anything else is not Argo's to replace either

    return TAG.sub(one, text)


libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


def mount(src, dst, fstype, flags):
    if libc.mount(src.encode() if src else None, dst.encode(), fstype.encode() if fstype else None, flags, None) != 0:
        e = ctypes.get_errno()
        raise OSError(e, f"mount {src} on {dst}: {os.strerror(e)}")


def enter_namespace():
    """A private mount namespace (a user namespace too when not root); False where the kernel refuses."""
    uid, gid = os.getuid(), os.getgid()
    if uid == 0 and libc.unshare(CLONE_NEWNS) == 0:
        pass
    elif libc.unshare(CLONE_NEWUSER | CLONE_NEWNS) == 0:
        try:
            with open("/proc/self/setgroups", "w") as f:
                f.write("deny")
            with open("/proc/self/uid_map", "w") as f:
                f.write(f"{uid} {uid} 1")
            with open("/proc/self/gid_map", "w") as f:
                f.write(f"{gid} {gid} 1")
        except OSError:
            return False
    else:
        return False
    try:
        mount(None, "/", None, MS_REC | MS_PRIVATE)
    except OSError:
        return False
    return True


def bind(src, dst):
    mount(src, dst, None, MS_BIND | MS_REC)


def placeholder(src, dst):
    if os.path.isdir(src):
        os.makedirs(dst, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        open(dst, "a").close()


def build_root(root):
    os.makedirs(root, exist_ok=True)
    mount("tmpfs", root, "tmpfs", 0)
    private = set(spec["private"]) | {"tmp"}
    staging = spec["scriptPath"].lstrip("/").split("/")[0]  # a pod's /argo is its own (the launcher may have made an empty one on the host)
    for e in os.listdir("/"):
        if e in private or e == staging:
            continue
        src, dst = "/" + e, os.path.join(root, e)
        if os.path.islink(src):
            os.symlink(os.readlink(src), dst)
            continue
        try:
            placeholder(src, dst)
            bind(src, dst)
        except OSError:
            pass  # an entry that cannot be bound (a socket…) is left out
    for d in sorted(private):
        mine = os.path.join(workdir, d)
        os.makedirs(mine, exist_ok=True)
        os.makedirs(os.path.join(root, d), exist_ok=True)
        bind(mine, os.path.join(root, d))
    for m in spec["mounts"]:
        # an emptyDir is a folder of the step's own; a claim, one the run's steps share
        src = os.path.join(shared_dir(m["shared"]), m["subPath"] or "") if m["shared"] else os.path.join(workdir, m["path"].lstrip("/"))
        os.makedirs(src, exist_ok=True)
        os.makedirs(os.path.join(root, m["path"].lstrip("/")), exist_ok=True)
        bind(src, os.path.join(root, m["path"].lstrip("/")))
    # Input artifacts were staged as links to the run's files, which the private root may hide: bind them.
    for name, a in spec["inArtifacts"].items():
        if a["path"] is None or a["env"] is None:
            continue
        staged = os.path.join(workdir, a["path"].lstrip("/"))
        if os.path.islink(staged) or a["subPath"]:
            target = os.path.realpath(staged)
            if a["subPath"]:
                target = os.path.join(target, sub_path(a, True))  # the part of the artifact the call passes
            os.unlink(staged) if os.path.islink(staged) else shutil.rmtree(staged) if os.path.isdir(staged) else os.unlink(staged)
            placeholder(target, staged)
            inside = os.path.join(root, a["path"].lstrip("/"))
            if not os.path.lexists(inside):
                placeholder(target, inside)  # a path right under / (`/art`) is in no private folder: made in the root's tmpfs
            bind(target, inside)


def sub_path(a, isolated):
    """The part of an input artifact a call passes (`subPath`, its tags substituted), inside the artifact."""
    p = substitute(a["subPath"], isolated).strip("/")
    if ".." in p.split("/"):
        fail(f"the subPath {p!r} leaves its artifact")
    return p


def shared_dir(name):
    """`<run folder>/volumes/NAME`: the run folder is the work folder's third parent (RUN/steps/ID/workdir)."""
    run = os.path.dirname(os.path.dirname(os.path.dirname(workdir)))
    if not os.path.isdir(os.path.join(run, "steps")):
        fail(f"cannot find the run folder of {workdir} for the shared volume {name}")
    return os.path.join(run, "volumes", name)


def repo_path(key, isolated):
    """Where a key of the artifact repository lives (a folder: the local stand-in of Argo's default repository)."""
    k = substitute(key, isolated).strip("/")
    if not k or ".." in k.split("/"):
        fail(f"the artifact key {k!r} is not a key of the repository")
    return os.path.join(spec["repository"], k)


def copy_tree(src, dst):
    if os.path.lexists(dst):
        shutil.rmtree(dst) if os.path.isdir(dst) and not os.path.islink(dst) else os.unlink(dst)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copytree(src, dst, symlinks=True) if os.path.isdir(src) else shutil.copy2(src, dst)


def s3_tool(op, where, key, path, isolated):
    """Moves one artifact to or from its S3 bucket with the package's S3 tool (lib/argo/import/s3-tool.ts, through
    lib/storage's client), in Argo's layout; returns its exit code (3: no such key)."""
    k = substitute(key, isolated).lstrip("/")
    if not k:
        fail(f"the S3 key {key!r} is empty")
    req = {"op": op, "s3": where["s3"], "key": k, "path": path, "archive": where["archive"]}
    env = {**os.environ, "DFLOW_ARGO_S3": json.dumps(req), "NODE_NO_WARNINGS": "1"}
    env.pop("DFLOW_ARGO_TEMPLATE", None)
    return subprocess.run(spec["s3Tool"], env=env, stdin=subprocess.DEVNULL).returncode


def http_get(name, a, dst, isolated):
    """An input artifact over HTTP, fetched by the package's HTTP tool (lib/argo/import/http-tool.ts) to `dst`;
    fails the step saying why, but skips an optional input the server does not have (404)."""
    h = a["http"]
    req = {"method": "GET", "headers": [n for n, _ in h["headers"]], "artifact": {"path": dst, "archive": h["archive"]}}
    env = {**os.environ, "DFLOW_ARGO_HTTP": json.dumps(req), "DFLOW_ARGO_HTTP_URL": substitute(h["url"], isolated), "NODE_NO_WARNINGS": "1"}
    for i, (_, v) in enumerate(h["headers"]):
        env[f"DFLOW_ARGO_HTTP_H{i}"] = substitute(v, isolated)
    env.pop("DFLOW_ARGO_TEMPLATE", None)
    r = subprocess.run(spec["httpTool"], env=env, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode == 3 and a.get("optional"):
        return
    if r.returncode != 0:
        fail(f"input artifact {name}: {r.stderr.strip() or f'the HTTP tool exited {r.returncode}'}")


def fetch_keys(isolated):
    """Key-only input artifacts: copied from the artifact repository to their paths in the step's folder (from
    its S3 bucket, when it has one); those over HTTP fetched from their url."""
    for name, a in spec["inArtifacts"].items():
        if a.get("http"):
            dst = os.path.join(workdir, (a["path"] or name).lstrip("/"))
            if os.path.lexists(dst):
                shutil.rmtree(dst) if os.path.isdir(dst) and not os.path.islink(dst) else os.unlink(dst)
            http_get(name, a, dst, isolated)
            continue
        if a.get("key") is None:
            continue
        if a.get("s3"):
            dst = os.path.join(workdir, (a["path"] or name).lstrip("/"))
            if os.path.lexists(dst):
                shutil.rmtree(dst) if os.path.isdir(dst) and not os.path.islink(dst) else os.unlink(dst)
            rc = s3_tool("get", a["s3"], a["key"], dst, isolated)
            if rc == 3 and a.get("optional"):
                continue
            if rc != 0:
                fail(f"input artifact {name}: it could not be read from s3://{a['s3']['s3']['bucket']}/{substitute(a['key'], isolated).lstrip('/')}")
            continue
        src = repo_path(a["key"], isolated)
        if not os.path.exists(src):
            if a.get("optional"):
                continue
            fail(f"input artifact {name}: no key {os.path.relpath(src, spec['repository'])!r} in the artifact repository {spec['repository']}")
        copy_tree(src, os.path.join(workdir, (a["path"] or name).lstrip("/")))


def store_keys(isolated):
    """Key-only output artifacts: copied to the artifact repository under their keys (after the outputs are in the work folder)."""
    for declared, key in spec.get("outKeys", {}).items():
        mine = os.path.join(workdir, declared.lstrip("/"))
        where = spec.get("outS3", {}).get(declared)
        if where:
            if os.path.exists(mine) and s3_tool("put", where, key, mine, isolated) != 0:
                return f"the output artifact at {declared} could not be written to s3://{where['s3']['bucket']}/{substitute(key, isolated).lstrip('/')}"
            continue
        dst = repo_path(key, isolated)
        # A folder is put file by file under its key, as S3 does: objects other calls put under it stay
        # (a grouped slice's calls each put their entries under one key).
        if os.path.isdir(mine) and not os.path.islink(mine) and os.path.isdir(dst) and not os.path.islink(dst):
            shutil.copytree(mine, dst, symlinks=True, dirs_exist_ok=True)
        elif os.path.exists(mine):
            copy_tree(mine, dst)


def prune_output_dirs():
    """The interpreter makes the folders of declared outputs before a step; a pod has none of them (a script's
    `os.mkdir("/mnt/out")` must work, as in map-reduce): empty ones below a top-level folder are removed."""
    for p in spec["outputs"]:
        d = os.path.dirname(os.path.join(workdir, p.lstrip("/")))
        while len(os.path.relpath(d, workdir).split("/")) > 1 and os.path.isdir(d) and not os.listdir(d):
            os.rmdir(d)
            d = os.path.dirname(d)


def write_raw(isolated):
    prune_output_dirs()
    fetch_keys(isolated)
    for name, a in spec["inArtifacts"].items():
        if a["raw"] is None:
            continue
        p = os.path.join(workdir, (a["path"] or name).lstrip("/"))
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            f.write(substitute(a["raw"], isolated))


SLEEP = """#!{py}
import sys, time, re
s = 0.0
for a in sys.argv[1:]:
    m = re.fullmatch(r"([0-9.]+)([smhd]?)", a)
    if not m:
        sys.stderr.write("sleep: invalid time interval %r\\n" % a); sys.exit(1)
    s += float(m.group(1)) * {{"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}}[m.group(2)]
time.sleep(s * {scale})
"""

SITE = """import time as _t
_sleep = _t.sleep
_t.sleep = lambda s: _sleep(s * {scale})
"""


def tools(base, env):
    """Puts the time-scaled sleep (and python's) on the PATH of the step; returns the folder."""
    bindir = os.path.join(base, ".dflow-bin")
    os.makedirs(bindir, exist_ok=True)
    if scale != 1:
        with open(os.path.join(bindir, "sleep"), "w") as f:
            f.write(SLEEP.format(py=os.path.realpath(sys.executable), scale=scale))
        os.chmod(os.path.join(bindir, "sleep"), 0o755)
        pydir = os.path.join(base, ".dflow-py")
        os.makedirs(pydir, exist_ok=True)
        with open(os.path.join(pydir, "sitecustomize.py"), "w") as f:
            f.write(SITE.format(scale=scale))
        env["PYTHONPATH"] = pydir + (":" + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return bindir


def program(argv0, env, bindir):
    """The command as the host runs it: python is this python, others are copied beside the sleep shim."""
    if argv0 in ("python", "python3") or re.fullmatch(r"(/usr(/local)?)?/bin/python3?", argv0):
        return os.path.realpath(sys.executable)
    if "/" in argv0:
        return argv0
    found = shutil.which(argv0, path=env.get("PATH"))
    if found and not found.startswith(("/usr/", "/bin/", "/sbin/")):
        # found in a folder the private root may hide (a tool of the tests, a user's bin): copied in
        dst = os.path.join(bindir, argv0)
        if not os.path.exists(dst):
            shutil.copy2(found, dst)
    return argv0


def open_memo(isolated):
    """The template's memoize cache for this call's key (argo-memo.py: the ConfigMap format, written once)."""
    sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
    try:
        return __import__("argo-memo").Memo(spec["memoize"], substitute(spec["memoize"]["key"], isolated), spec["repository"])
    except ValueError as e:
        fail(str(e))


def serve_memoized(outputs):
    """Gives a cache hit's outputs as if the template had run: each output parameter at its path, each output
    artifact copied from the repository, the result on stdout."""
    for a in outputs.get("artifacts") or []:
        declared = spec["memoize"]["artifacts"].get(a.get("name"))
        if declared is not None:
            copy_tree(a["local"], os.path.join(workdir, declared.lstrip("/")))
    for p in outputs.get("parameters", []):
        declared = spec["memoize"]["outputs"].get(p["name"])
        if declared is None:
            continue
        mine = os.path.join(workdir, declared.lstrip("/"))
        os.makedirs(os.path.dirname(mine), exist_ok=True)
        with open(mine, "w") as f:
            f.write(p.get("value", ""))
    sys.stdout.write(outputs.get("result", ""))
    sys.stdout.flush()
    sys.exit(0)


def save_memoized(memo, result):
    """A successful run's outputs into its cache entry: the output parameters' values, the output artifacts it wrote."""
    params = []
    for name, declared in spec["memoize"]["outputs"].items():
        mine = os.path.join(workdir, declared.lstrip("/"))
        if os.path.isfile(mine):
            with open(mine) as f:
                params.append({"name": name, "value": f.read(), "valueFrom": {"path": declared}})
    arts = []
    for name, declared in spec["memoize"]["artifacts"].items():
        mine = os.path.join(workdir, declared.lstrip("/"))
        if os.path.lexists(mine):
            arts.append({"name": name, "path": mine, "declared": declared})
    memo.save(params, arts, result)


def main():
    isolated = isolation != "none" and enter_namespace()
    memo = open_memo(isolated) if spec.get("memoize") else None
    if memo:
        cached = memo.hit()
        if cached is not None:
            serve_memoized(cached)
    captured = os.path.join(os.path.dirname(workdir), "argo-stdout") if memo else None
    # the template's synchronization (after a memoize hit, as Argo's controller checks the cache first): held until this process ends
    if spec.get("locks"):
        sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
        held = __import__("argo-lock").acquire(spec["locks"])  # noqa: F841 (held while the containers run)
    step_dir = os.path.dirname(workdir)
    root = os.path.join(step_dir, "argo-root")
    env = {k: v for k, v in os.environ.items() if not k.startswith("dflow_") and k not in ("DFLOW_ARGO_TEMPLATE", "DFLOW_NAMESPACE")}
    write_raw(isolated)
    if isolated:
        try:
            build_root(root)
        except OSError as e:
            fail(f"could not make the step's private root: {e}")
        base = root
        inside = lambda p: p
    else:
        base = step_dir
        inside = lambda p: p
        if any(m["shared"] for m in spec["mounts"]):
            fail("a shared volume needs a mount namespace (DFLOW_ARGO_ISOLATION=none, or the kernel refused one)")
        for name, a in spec["inArtifacts"].items():
            # without a private root, input artifacts are placed at their declared host paths
            if a["path"] is None:
                continue
            staged = os.path.join(workdir, a["path"].lstrip("/"))
            if a["subPath"]:
                staged = os.path.join(os.path.realpath(staged), sub_path(a, isolated))
            if os.path.exists(staged) and os.path.realpath(staged) != os.path.realpath(a["path"]):
                os.makedirs(os.path.dirname(a["path"]) or "/", exist_ok=True)
                if os.path.lexists(a["path"]):
                    shutil.rmtree(a["path"]) if os.path.isdir(a["path"]) and not os.path.islink(a["path"]) else os.unlink(a["path"])
                shutil.copytree(staged, a["path"], symlinks=True) if os.path.isdir(staged) else shutil.copy2(staged, a["path"])
    bindir = tools(base, env)
    env["PATH"] = ("/.dflow-bin" if isolated else bindir) + ":" + env.get("PATH", "/usr/bin:/bin")
    base_env = env

    def start(c, quiet):
        """Starts one container's command; `quiet`: its stdout goes to stderr (only the main container's is the result)."""
        cenv = dict(base_env)
        for k, v in c["env"]:
            cenv[k] = substitute(v, isolated)
        argv = [substitute(a, isolated) for a in c["argv"]]
        if c["source"] is not None:
            sp = spec["scriptPath"]
            host = os.path.join(base, sp.lstrip("/")) if isolated else os.path.join(step_dir, "argo-script")
            os.makedirs(os.path.dirname(host), exist_ok=True)
            with open(host, "w") as f:
                f.write(substitute(c["source"], isolated))
            os.chmod(host, 0o755)  # Argo's script file can be run as a command (`command: [sh, -c]`)
            argv.append(sp if isolated else host)
        argv[0] = program(argv[0], cenv, bindir)
        cwd = substitute(c["workingDir"], isolated) if c["workingDir"] else ("/" if isolated else workdir)
        # a memoized template's result is kept with its outputs: its stdout goes through a file (opened before the chroot)
        out_fd = os.open(captured, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644) if captured and not quiet else None
        pid = os.fork()
        if out_fd is not None and pid != 0:
            os.close(out_fd)
        if pid == 0:
            try:
                if isolated:
                    os.chroot(root)
                os.makedirs(cwd, exist_ok=True)
                os.chdir(cwd)
                if quiet:
                    os.dup2(2, 1)
                elif out_fd is not None:
                    os.dup2(out_fd, 1)
                for s in (signal.SIGPIPE, signal.SIGINT, signal.SIGTERM):
                    signal.signal(s, signal.SIG_DFL)
                os.execvpe(argv[0], argv, cenv)
            except OSError as e:
                sys.stderr.write(f"dflow argo leaf: could not run {argv[0]}: {e.strerror}\n")
                os._exit(127)
        return pid

    running = {}  # pid -> container name

    def forward(n, _f):
        for pid in list(running):
            try:
                os.kill(pid, n)
            except ProcessLookupError:
                pass

    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, forward)

    def wait_any():
        while True:
            try:
                pid, status = os.waitpid(-1, 0)
            except InterruptedError:
                continue
            if pid in running:
                return running.pop(pid), os.waitstatus_to_exitcode(status)

    def code_of(c):
        return c if c >= 0 else 128 - c

    containers = spec["containers"]
    mains = [c for c in containers if c["role"] == "main"]
    one = len(mains) == 1
    code = 0
    # init containers, one after another
    for c in containers:
        if c["role"] != "init":
            continue
        running[start(c, True)] = c["name"]
        _, code = wait_any()
        if code != 0:
            break
    sidecars = []
    if code == 0:
        for c in containers:
            if c["role"] == "sidecar":
                pid = start(c, True)
                running[pid] = c["name"]
                sidecars.append(pid)
        # the main container, or a containerSet's containers as their dependencies allow; a failure starts no more
        done, pending = set(), list(mains)
        while pending or any(n in {m["name"] for m in mains} for n in running.values()):
            if code == 0:
                for c in [c for c in pending if all(d in done for d in c["dependencies"])]:
                    pending.remove(c)
                    running[start(c, not one and c["name"] != "main")] = c["name"]
            if not [n for n in running.values() if n in {m["name"] for m in mains}]:
                break
            name, rc = wait_any()
            if name in {m["name"] for m in mains}:
                done.add(name)
                if rc != 0 and code == 0:
                    code = code_of(rc)
        if code == 0 and pending:
            code = 1
        # sidecars are stopped once the main containers have ended (as Argo's wait container does)
        for pid in sidecars:
            if pid in running:
                try:
                    os.kill(pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        while running:
            wait_any()
    for p in spec["outputs"]:
        rel = p.lstrip("/")
        mine = os.path.join(workdir, rel)
        if os.path.lexists(mine):
            continue
        src = os.path.join(root, rel) if isolated else p
        if os.path.exists(src):
            os.makedirs(os.path.dirname(mine), exist_ok=True)
            shutil.copytree(src, mine) if os.path.isdir(src) else shutil.copy2(src, mine)
    if code == 0:
        # an output parameter whose file is missing and whose default has tags: its default, substituted (as Argo substitutes the template)
        for declared, text in spec.get("outDefaults", {}).items():
            mine = os.path.join(workdir, declared.lstrip("/"))
            if not os.path.lexists(mine):
                os.makedirs(os.path.dirname(mine), exist_ok=True)
                with open(mine, "w") as f:
                    f.write(substitute(text, isolated))
        err = store_keys(isolated)
        if err:
            sys.stderr.write(f"dflow argo leaf: {err}\n")
            code = 1
    if captured:
        result = ""
        if os.path.exists(captured):
            with open(captured, errors="replace") as f:
                result = f.read()
            sys.stdout.write(result)
            sys.stdout.flush()
        if code == 0:
            save_memoized(memo, result.rstrip("\n"))
    sys.exit(code)


main()
