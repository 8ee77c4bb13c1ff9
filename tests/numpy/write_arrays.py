"""Writes arrays of every dtype, order and rank with np.save, np.savez and np.savez_compressed,
and a JSON file of their C-order values, for the TypeScript reader to check against."""
import json
import sys

import numpy as np

out = sys.argv[1]
dtypes = ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64",
          "float32", "float64"]
shapes = [(5,), (3, 4), (2, 3, 4), (0, 3), ()]
arrays, expected = {}, {}
for dtype in dtypes:
    for shape in shapes:
        for order in "CF":
            n = int(np.prod(shape))
            v = (np.arange(n) * 7 % 11 - 3).reshape(shape)
            if dtype.startswith("float"):
                v = v * 0.375 + 0.1
            if dtype == "bool":
                v = v > 0
            if dtype.startswith("uint"):
                v = np.abs(v)
            a = np.asarray(v, dtype=dtype)
            a = np.asfortranarray(a) if order == "F" else np.ascontiguousarray(a)
            a = a.reshape(shape) if a.ndim != len(shape) else a  # 0-d stays 0-d
            key = f"{dtype}_{'x'.join(map(str, shape)) or 'scalar'}_{order}"
            arrays[key] = a
            expected[key] = {"dtype": dtype, "shape": list(a.shape),
                             "values": [float(x) for x in np.ravel(a, order="C")]}
            np.save(f"{out}/{key}.npy", a)
# A big-endian array, as some tools write.
arrays["float64_be"] = np.arange(6, dtype=">f8").reshape(2, 3)
expected["float64_be"] = {"dtype": "float64", "shape": [2, 3], "values": list(range(6))}
np.save(f"{out}/float64_be.npy", arrays["float64_be"])
np.savez(f"{out}/stored.npz", **arrays)
np.savez_compressed(f"{out}/deflated.npz", **arrays)
with open(f"{out}/expected.json", "w") as f:
    json.dump(expected, f)
