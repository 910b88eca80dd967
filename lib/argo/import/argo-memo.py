"""Argo's memoize cache on this host: a ConfigMap document (JSON) per cache, one entry per key, in the format of
Argo's (workflow/controller/cache/configmap_cache.go): data KEY = JSON `{nodeID, outputs: {parameters, artifacts,
result, exitCode}, creationTimestamp, lastHitTimestamp}`, label `workflows.argoproj.io/configmap-type: Cache`,
read and written under a lock of its own. An entry's output artifacts are copied into the artifact repository
(a folder) under `memoize/CONFIGMAP/KEY/NAME` and named by that key, as Argo's entry names the key its pod stored.

Used two ways: imported by argo-leaf.py for a leaf template's memoize, and run as a program for a steps or dag
template's (lib/argo/import/composite-memo.ts): it reads a request as JSON on stdin,

  {"op": "hit"|"save", "memo": {"file", "configMap", "maxAge"}, "key": str, "repository": str,
   "parameters": [{"name", "value"}], "artifacts": [{"name", "path"}], "result": str}   (the last three for save)

and writes `{"outputs": ...}` on stdout (for hit: the entry's outputs, each artifact with `local`, its path in
the repository; null on a miss). Exits 2 with a message on stderr for a key that is not a ConfigMap key.
"""

import datetime as _dt
import fcntl
import json
import os
import re
import shutil
import sys

KEY = re.compile(r"[-._a-zA-Z0-9]+")


def now_rfc3339():
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _copy(src, dst):
    if os.path.lexists(dst):
        shutil.rmtree(dst) if os.path.isdir(dst) and not os.path.islink(dst) else os.unlink(dst)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copytree(src, dst, symlinks=True) if os.path.isdir(src) else shutil.copy2(src, dst)


class Memo:
    """One template's memoize cache, for one key (its tags substituted): `m` is {file, configMap, maxAge (seconds or None)}."""

    def __init__(self, m, key, repository):
        if not KEY.fullmatch(key):
            raise ValueError(f"memoize key {key!r} is not a valid ConfigMap key ([-._a-zA-Z0-9]+)")
        self.m, self.key, self.repository = m, key, repository
        os.makedirs(os.path.dirname(m["file"]), exist_ok=True)

    def _locked(self, update):
        with open(self.m["file"] + ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                with open(self.m["file"]) as f:
                    cm = json.load(f)
            except FileNotFoundError:
                cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": self.m["configMap"], "labels": {"workflows.argoproj.io/configmap-type": "Cache"}}, "data": {}}
            out = update(cm)
            tmp = self.m["file"] + ".tmp"
            with open(tmp, "w") as f:
                json.dump(cm, f, indent=2)
            os.replace(tmp, self.m["file"])
            return out

    def _local(self, key):
        k = key.strip("/")
        if not k or ".." in k.split("/"):
            return None
        return os.path.join(self.repository, k)

    def hit(self):
        """The cached outputs, when an entry is younger than maxAge (its lastHitTimestamp is then updated); each
        artifact with `local`, its path in the repository. None on a miss — also when an artifact the entry
        names is gone from the repository (the template runs again rather than lose it)."""

        def look(cm):
            raw = (cm.get("data") or {}).get(self.key)
            if raw is None:
                return None
            e = json.loads(raw)
            made = _dt.datetime.strptime(e["creationTimestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=_dt.timezone.utc)
            age = (_dt.datetime.now(_dt.timezone.utc) - made).total_seconds()
            if self.m["maxAge"] is not None and age > self.m["maxAge"]:
                return None
            outputs = e["outputs"]
            for a in outputs.get("artifacts") or []:
                p = self._local((a.get("s3") or {}).get("key") or "")
                if p is None or not os.path.exists(p):
                    sys.stderr.write(f"dflow argo memoize: the entry {self.key}: its artifact {a.get('name')} is gone from the repository: the template runs\n")
                    return None
                a["local"] = p
            e["lastHitTimestamp"] = now_rfc3339()
            cm["data"][self.key] = json.dumps(e, separators=(",", ":"))
            return outputs

        return self._locked(look)

    def save(self, parameters, artifacts, result):
        """Stores a successful run's outputs: `parameters` [{name, value, ...}] as they are, `artifacts`
        [{name, path (where it is now), ...}] copied into the repository and named by their keys there."""
        arts = []
        for a in artifacts:
            key = f"memoize/{self.m['configMap']}/{self.key}/{a['name']}"
            _copy(a["path"], self._local(key))
            arts.append({**{k: v for k, v in a.items() if k not in ("path", "declared")}, **({"path": a["declared"]} if a.get("declared") else {}), "s3": {"key": key}})
        outputs = {"parameters": parameters, **({"artifacts": arts} if arts else {}), "result": result, "exitCode": "0"}

        def put(cm):
            t = now_rfc3339()
            e = {"nodeID": os.environ.get("DFLOW_ARGO_NODE", "local"), "outputs": outputs, "creationTimestamp": t, "lastHitTimestamp": t}
            cm.setdefault("data", {})[self.key] = json.dumps(e, separators=(",", ":"))

        self._locked(put)


if __name__ == "__main__":
    req = json.load(sys.stdin)
    try:
        memo = Memo(req["memo"], req["key"], req["repository"])
    except ValueError as e:
        sys.stderr.write(f"{e}\n")
        sys.exit(2)
    if req["op"] == "hit":
        json.dump({"outputs": memo.hit()}, sys.stdout)
    else:
        memo.save(req.get("parameters") or [], req.get("artifacts") or [], req.get("result") or "")
        json.dump({"outputs": None}, sys.stdout)
