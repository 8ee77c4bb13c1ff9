"""Checks that NumPy opens what TypeScript wrote: every file named in DIR/expected.json, as .npy
and inside DIR/stored.npz and DIR/deflated.npz, must equal the listed dtype, shape and values."""
import json
import sys

import numpy as np

d = sys.argv[1]
expected = json.load(open(f"{d}/expected.json"))
bad = []
for archive in ["stored", "deflated"]:
    with np.load(f"{d}/{archive}.npz") as z:
        if sorted(z.files) != sorted(expected):
            bad.append(f"{archive}: keys {sorted(z.files)}")
        for key, e in expected.items():
            for where, a in [(f"{archive}.npz:{key}", z[key]), (f"{key}.npy", np.load(f"{d}/{key}.npy"))]:
                want = np.asarray(e["values"], dtype=e["dtype"]).reshape(e["shape"])
                if a.dtype != np.dtype(e["dtype"]) or a.shape != tuple(e["shape"]) or not np.array_equal(a, want):
                    bad.append(f"{where}: {a.dtype} {a.shape} {a.ravel()[:5]}")
print("\n".join(bad) if bad else "ok")
sys.exit(1 if bad else 0)
