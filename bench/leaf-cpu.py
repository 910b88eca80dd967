"""CPU per step of a step's own processes, started as the launcher starts them (its start()), 50 in a loop.

    python3 -I bench/leaf-cpu.py lib/local/launcher.py ROUNDS YAML_SCRIPT [x]

YAML_SCRIPT: an imported leaf's step script, as `dflow run` writes it (`<run folder>/scripts/inc` of a YAML
whose template inc runs `sh -c 'echo $(({{inputs.parameters.x}} + 1)) > /tmp/y.txt'`). Each round runs a
DSL-like script (one `sh`), the YAML step in the launcher's namespace (the launcher pastes the value and
starts the command, `sh -c`, itself: the request below is the one lib/argo/import/leaf.ts writes for inc), and
the YAML script without it (bubblewrap); `x` adds the command alone, no namespace (it writes y.txt in its folder).
CPU = this process's (the launcher's part) + its children's, the namespace releaser's included. Root only.
"""
import importlib.util, json, os, resource, sys, time
spec = importlib.util.spec_from_file_location("launcher", sys.argv[1])
L = importlib.util.module_from_spec(spec); spec.loader.exec_module(L)
N = 50
base = {"PATH": os.environ["PATH"], "dflow_in_x": "1", "dflow_workflow_name": "w", "dflow_step_name": "s", "DFLOW_ARGO_TEMPLATE": "{}"}
work = "/tmp/dflow-leaf-cpu"
os.makedirs(work, exist_ok=True)
yaml_script = os.path.abspath(sys.argv[3])
open(work + "/dsl.sh", "w").write(': "${dflow_in_x}"\necho $(( dflow_in_x + 1 )) > y.txt\n')
def run(name, args, env):
    root = f"{work}/w-{name.split()[0]}"
    os.makedirs(root + "/workdir", exist_ok=True)
    job = {"file": "sh", "args": args, "cwd": root + "/workdir", "env": env, "log": root + "/log.txt"}
    s0, c0, t0 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    for _ in range(N):
        pid = L.start(job)
        pid = pid[0] if isinstance(pid, tuple) else pid  # (pid, captured stdout) since the launcher pipes a kept stdout
        _, st = os.waitpid(pid, 0)
        if hasattr(L, "let_go"):
            L.let_go(pid)
        assert st == 0, (name, st, open(root + "/log.txt").read()[-300:])
    if getattr(L, "releaser", None) is not None:  # its CPU counted: it ends, and is waited for
        L.releaser.close(); L.releaser = None; L.libc = None
        try:
            while True: os.wait()
        except ChildProcessError: pass
    s1, c1, t1 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    cpu = (s1.ru_utime + s1.ru_stime - s0.ru_utime - s0.ru_stime) + (c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime)
    launcher = s1.ru_utime + s1.ru_stime - s0.ru_utime - s0.ru_stime
    print(f"{name:10} CPU {cpu / N * 1000:6.2f} ms/step (launcher's own {launcher / N * 1000:5.2f}), wall {(t1 - t0) / N * 1000:6.2f} ms/step")
names = ["dflow_in_x", "dflow_workflow_name", "dflow_step_name"]
command = [["sh"], ["-c"], ["echo $((", {"var": "dflow_in_x"}, " + 1)) > /tmp/y.txt"]]
exec_ = {"argv": command, "env": [], "unset": ["DFLOW_ARGO_TEMPLATE", "OLDPWD", *[m for n in names for m in (n, "dflow_file_" + n[6:])]], "cwd": None, "source": None, "prune": [], "prepend": {}}
ns = {**base, "DFLOW_NAMESPACE": json.dumps({"private": ["tmp"], "unless": ["dflow_file_"], "exec": exec_})}
for rnd in range(int(sys.argv[2]) if len(sys.argv) > 2 else 2):
    run("dsl", ["sh", work + "/dsl.sh"], base)
    run("yaml-ns", ["sh", yaml_script], ns)
    run("yaml-bwrap", ["sh", yaml_script], base)
if len(sys.argv) > 4:
    for _ in range(2):
        run("command-only (no ns)", ["sh", "-c", "echo $(( dflow_in_x + 1 )) > y.txt"], base)
