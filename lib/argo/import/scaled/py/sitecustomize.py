"""time.sleep scaled by DFLOW_ARGO_TIME_SCALE in an imported step's python (leaf-sandbox.ts puts this folder
first on its PYTHONPATH, as argo-leaf.py its own)."""
import os as _os
import time as _t

_scale = float(_os.environ.get("DFLOW_ARGO_TIME_SCALE", "1") or "1")
_sleep = _t.sleep
_t.sleep = lambda s: _sleep(s * _scale)
