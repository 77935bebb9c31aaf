#!/usr/bin/env python3
"""pcn4j's conv2d products against PyTorch's CPU conv on the same shapes, in one run.

Runs `pcn4j bench conv --json` (unless --no-pcn4j), then times PyTorch's forward conv2d and the
two products autograd uses for its backward (aten.convolution_backward with only the input
gradient, then only the weight gradient) on the same shapes, at 1 and N threads, and prints one
table: GFLOP/s = 2 * batch * out * H * W * in * 9 / time, median of timed repetitions.

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 pcn4j-bench/conv_torch.py [--threads 2] [--cpu-time] [--pcn4j ./pcn4j]

Needs python3-torch (Debian) or any PyTorch >= 1.12. OMP_WAIT_POLICY=PASSIVE keeps idle OpenMP
threads from spinning (set here too, before torch is imported, if the caller did not).
"""
import argparse
import json
import os
import subprocess
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

SHAPES = [(64, 3, 32, 32), (64, 32, 64, 32), (64, 64, 128, 16), (64, 128, 256, 8)]  # batch, in, out, size


def measure(fn, flops, clock=time.perf_counter, warmup_s=0.2, measure_s=0.4, min_reps=5):
    t0 = clock()
    calls = 0
    while clock() - t0 < warmup_s or calls < 2:
        fn()
        calls += 1
    per_call = (clock() - t0) / calls
    calls_per_rep = max(1, int(measure_s / min_reps / per_call))
    rates = []
    start = clock()
    while len(rates) < min_reps or clock() - start < measure_s:
        r0 = clock()
        for _ in range(calls_per_rep):
            fn()
        rates.append(flops * calls_per_rep / max(1e-9, clock() - r0) / 1e9)
        if len(rates) >= 3 and clock() - start > 3 * measure_s:
            break
    rates.sort()
    h = len(rates) // 2
    median = rates[h] if len(rates) % 2 else (rates[h - 1] + rates[h]) / 2
    return median, rates[-1]


def torch_rows(threads_list, batch, cpu_time):
    import torch
    import torch.nn.functional as F

    torch.manual_seed(0)
    rows = []
    for (_, cin, cout, size) in SHAPES:
        n = batch
        x = torch.randn(n, cin, size, size)
        w = torch.randn(cout, cin, 3, 3)
        b = torch.randn(cout)
        e = torch.randn(n, cout, size, size)
        flops = 2.0 * n * cout * size * size * cin * 9

        def fwd():
            F.conv2d(x, w, b, padding=1)

        def adj():
            torch.ops.aten.convolution_backward(e, x, w, [cout], [1, 1], [1, 1], [1, 1], False, [0, 0], 1,
                                                [True, False, False])

        def wg():
            torch.ops.aten.convolution_backward(e, x, w, [cout], [1, 1], [1, 1], [1, 1], False, [0, 0], 1,
                                                [False, True, False])

        with torch.no_grad():
            for t in threads_list:
                torch.set_num_threads(t)
                # With one thread, torch computes on the calling thread: its CPU time is the op's.
                clock = time.thread_time if cpu_time and t == 1 else time.perf_counter
                for op, fn in (("forward", fwd), ("adjoint", adj), ("weightgrad", wg)):
                    med, best = measure(fn, flops, clock)
                    rows.append({"batch": n, "in": cin, "out": cout, "size": size, "threads": t, "op": op,
                                 "gflops": med, "best": best, "impl": "torch"})
    return rows


def pcn4j_rows(launcher, threads, batch, cpu_time):
    cmd = [launcher, "bench", "conv", "--json", "--threads", str(threads), "--batch", str(batch)]
    out = subprocess.run(cmd + (["--cpu-time"] if cpu_time else []), check=True, capture_output=True,
                         text=True).stdout
    rows = []
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("{"):
            r = json.loads(line)
            r["impl"] = "pcn4j"
            rows.append(r)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--pcn4j", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pcn4j"))
    ap.add_argument("--no-pcn4j", action="store_true")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--cpu-time", action="store_true",
                    help="time 1-thread runs by the thread's CPU time (steadier on a busy machine)")
    a = ap.parse_args()
    threads = [1] if a.threads == 1 else [1, a.threads]
    rows = [] if a.no_pcn4j else pcn4j_rows(a.pcn4j, a.threads, a.batch, a.cpu_time)
    import torch
    rows += torch_rows(threads, a.batch, a.cpu_time)
    if a.json:
        for r in rows:
            print(json.dumps(r))
        return
    print("conv2d k3 p1, float32 NCHW, batch %d; torch %s (%s); OMP_WAIT_POLICY=%s" % (
        a.batch, torch.__version__, torch.backends.mkldnn.is_available() and "mkldnn" or "no mkldnn",
        os.environ.get("OMP_WAIT_POLICY")))
    print("GFLOP/s, median of timed repetitions" + ("; 1-thread rows by thread CPU time" if a.cpu_time else ""))
    print("%-18s %7s  %-10s %8s %8s %8s %9s" % ("shape", "threads", "op", "pcn4j", "torch", "pcn4j/t", "pcn4j gemm"))
    key = lambda r: (r["in"], r["out"], r["size"], r["threads"], r["op"])
    p = {key(r): r for r in rows if r["impl"] == "pcn4j"}
    for r in rows:
        if r["impl"] != "torch":
            continue
        k = key(r)
        mine = p.get(k)
        gemm = p.get((r["in"], r["out"], r["size"], r["threads"], "gemm"))
        print("%-18s %7d  %-10s %8s %8.1f %8s %9s" % (
            "%d->%d @ %dx%d" % (r["in"], r["out"], r["size"], r["size"]), r["threads"], r["op"],
            "%.1f" % mine["gflops"] if mine else "-", r["gflops"],
            "%.2f" % (mine["gflops"] / r["gflops"]) if mine else "-",
            "%.1f" % gemm["gflops"] if gemm else "-"))


if __name__ == "__main__":
    sys.exit(main())
