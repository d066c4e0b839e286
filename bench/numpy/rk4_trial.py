"""
Plain NumPy baseline for `npm run bench` (bench/numpyBaseline.ts): the same 500 ms trial as
trial_ms.* (RK4, 199 steps, f(x; g) = c·tanh(g·x/c) with c = r0 below zero and rmax − r0 above,
model-spec §2), written the way a researcher would write it in NumPy, float64, dense W @ r.

Issue 15 compares GainLab with a jitted JAX version measured on another machine; JAX cannot be
installed here, so the bench times this NumPy trial in the same run as GainLab's kernels and the
comparison is made as ratios to NumPy (the issue gives NumPy and JAX on its machine too).

Reads one JSON request on stdin: n, sessions, repeats, warmup, dynamics, and W (n×n, row-major),
x0 (n) and gains (sessions×n) as base64 little-endian float64. Writes one JSON line: per-repeat
wall times (ms) of one session and of `sessions` sessions batched (W @ R with R of n×sessions, the
NumPy analogue of vmap), and the rates at the last sample of both (to check the trial is the same).
The readout/error is not included (a few µs; it only makes NumPy look faster).
"""
import base64
import json
import sys
import time

import numpy as np


def array(req, key, shape):
    return np.frombuffer(base64.b64decode(req[key]), dtype="<f8").reshape(shape).copy()


def main():
    req = json.load(sys.stdin)
    n = req["n"]
    sessions = req["sessions"]
    dyn = req["dynamics"]
    W = array(req, "W", (n, n))
    x0 = array(req, "x0", (n,))
    gains = array(req, "gains", (sessions, n))
    tau = dyn["tau"]
    c_neg = dyn["r0"]
    c_pos = dyn["rmax"] - dyn["r0"]
    steps = dyn["nSamples"] - 1
    h = dyn["duration"] / steps

    def rates(x, g):
        c = np.where(x < 0, c_neg, c_pos)
        return c * np.tanh(g * x / c)

    def trial(x_start, g):
        x = x_start.copy()
        out = np.empty((steps + 1,) + x.shape)
        out[0] = rates(x, g)
        for k in range(steps):
            k1 = (-x + W @ rates(x, g)) / tau
            p = x + 0.5 * h * k1
            k2 = (-p + W @ rates(p, g)) / tau
            p = x + 0.5 * h * k2
            k3 = (-p + W @ rates(p, g)) / tau
            p = x + h * k3
            k4 = (-p + W @ rates(p, g)) / tau
            x = x + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4)
            out[k + 1] = rates(x, g)
        return out

    def timed(fn):
        for _ in range(req["warmup"]):
            fn()
        times = []
        for _ in range(req["repeats"]):
            start = time.perf_counter()
            fn()
            times.append(1000 * (time.perf_counter() - start))
        return times

    g0 = gains[0]
    batch_x0 = np.repeat(x0[:, None], sessions, axis=1)
    batch_g = np.ascontiguousarray(gains.T)
    one = trial(x0, g0)
    batch = trial(batch_x0, batch_g)
    result = {
        "numpy": np.__version__,
        "one_ms": timed(lambda: trial(x0, g0)),
        "batch_ms": timed(lambda: trial(batch_x0, batch_g)),
        "one_last": one[-1].tolist(),
        "batch_last": batch[-1].T.tolist(),
    }
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
