"""The trivial Python OP of the dflow runner (bench/dflow-py.ts): x + 1, as dflow-ts's bench/fn-op.ts.

It lives in a module of its own (not the driver's __main__) so that dflow's generated step script
imports it (`from dflow_bench_ops import inc_py`) instead of inlining the driver's source.
"""
from dflow.python import OP


@OP.function
def inc_py(x: int) -> {"y": int}:
    return {"y": x + 1}
