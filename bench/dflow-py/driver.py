"""The dflow side of the bench's dflow runner (bench/dflow-py.ts): Python dflow's debug mode, kept
warm in one process (dflow imported once, as dflow-ts runs in the bench's own process).

Protocol: one JSON request a line on stdin, {"workload": "chain"|"fan"|"pychain"|"pyfan", "n": N,
"dir": DIR}; one JSON answer a line on fd 3, {"ms": wall time of wf.submit()} or {"error": "..."}.
The workflow is built before the clock starts and checked after it stops. dflow echoes step logs to
stdout, which the runner sends to /dev/null. The first line on fd 3 is {"ready": true, "version": ...}.

Workloads (the same as the dflow-ts side, bench/dflow-py.ts):
  chain    n ShellOPTemplate steps in sequence, step k's x = step k-1's y (printf %s $((x + 1)))
  fan      one step fanned out over with_param=[0..n-1], then a join reading the list of outputs
  pychain  n steps of a Python OP (OP.function, x + 1) in sequence
  pyfan    the Python OP fanned out over with_param=[0..n-1], then the shell join
"""
import json
import os
import sys
import time
import traceback

from dflow import (InputParameter, OutputParameter, ShellOPTemplate, Step,
                   Workflow, config)
from dflow.python import PythonOPTemplate

from dflow_bench_ops import inc_py

config["mode"] = "debug"
config["debug_pool_workers"] = int(os.environ.get("BENCH_DFLOW_WORKERS", "2"))

inc = ShellOPTemplate(name="inc", image="alpine",
                      script="printf %s $(({{inputs.parameters.x}} + 1)) > /tmp/y.txt")
inc.inputs.parameters = {"x": InputParameter()}
inc.outputs.parameters = {"y": OutputParameter(value_from_path="/tmp/y.txt")}

join = ShellOPTemplate(name="join", image="alpine",
                       script="echo '{{inputs.parameters.ys}}' > /tmp/all.txt")
join.inputs.parameters = {"ys": InputParameter()}
join.outputs.parameters = {"all": OutputParameter(value_from_path="/tmp/all.txt")}

inc_op = PythonOPTemplate(inc_py, image="python:3")


def build(workload, n):
    """The workflow and a function checking it after it ran."""
    wf = Workflow(name="bench-%s" % workload)
    if workload in ("chain", "pychain"):
        template = inc if workload == "chain" else inc_op
        prev = None
        for k in range(1, n + 1):
            x = 0 if prev is None else prev.outputs.parameters["y"]
            prev = Step(name="s%d" % k, template=template, parameters={"x": x})
            wf.add(prev)

        def check():
            got = wf.query_step(name="s%d" % n)[0].outputs.parameters["y"].value
            if str(got).strip() != str(n):
                raise RuntimeError("s%d.y = %r, expected %d" % (n, got, n))
        return wf, check
    template = inc if workload == "fan" else inc_op
    fan = Step(name="w", template=template, parameters={"x": "{{item}}"},
               with_param=list(range(n)))
    wf.add(fan)
    wf.add(Step(name="join", template=join,
                parameters={"ys": fan.outputs.parameters["y"]}))

    def check():
        got = wf.query_step(name="join")[0].outputs.parameters["all"].value
        ys = sorted(int(str(v).strip()) for v in json.loads(got))
        if ys != list(range(1, n + 1)):
            raise RuntimeError("join.all = %r, expected 1..%d" % (got[:80], n))
    return wf, check


def main():
    out = os.fdopen(3, "w", buffering=1)
    out.write(json.dumps({"ready": True, "python": sys.version.split()[0],
                          "dflow": os.path.dirname(sys.modules["dflow"].__file__)}) + "\n")
    for line in sys.stdin:
        req = json.loads(line)
        try:
            os.makedirs(req["dir"], exist_ok=True)
            os.chdir(req["dir"])
            config["debug_workdir"] = req["dir"]
            config["debug_artifact_dir"] = req["dir"]
            wf, check = build(req["workload"], int(req["n"]))
            t0 = time.perf_counter()
            wf.submit()
            ms = (time.perf_counter() - t0) * 1000
            status = wf.query_status()
            if status != "Succeeded":
                raise RuntimeError("workflow %s" % status)
            check()
            out.write(json.dumps({"ms": ms}) + "\n")
        except Exception as e:  # reported to the runner, which marks the workload FAILED
            out.write(json.dumps({"error": "%s: %s" % (type(e).__name__, e),
                                  "trace": traceback.format_exc()[-1500:]}) + "\n")


if __name__ == "__main__":
    main()
