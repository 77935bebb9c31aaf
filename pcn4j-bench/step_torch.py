#!/usr/bin/python3
"""The PyTorch step doing the same matrix products as `pcn4j bench step` (issue 12).

One training step of a tanh MLP (identity output, Gaussian energy), batch 64, T = 5, the setting
`pcn4j bench step` times: state SGD lr 0.05 momentum 0.5, weights AdamW lr 1e-4, weight decay 0.

  pc  feedforward initialisation (x_l = mu_l), then T inference steps; each step computes the
      state gradients eps_l - (f'(a_{l+1}) * eps_{l+1}) W_{l+1}, moves the free states, and
      recomputes the predictions whose source moved. As pcn4j does, a product is skipped when
      its error is known to be exactly zero (at step 1 only the output's error is non-zero, the
      wave of non-zero errors moves down one layer per step) and a clamped input's first-layer
      product is computed once. Then the weight gradients -(f'(a) * eps)^T x / B and an AdamW step.
  bp  the same net by autograd: forward, loss 0.5 * sum((y - out)^2) / B, backward (no product
      for the input's gradient: it does not require one), AdamW.

Every matrix product is counted (2 m n k) and printed as mflop, to be checked against pcn4j's
figure for the same model and algorithm (the wrapper step_vs_torch.sh does). Timed by the
clock, in rounds; the median round is printed.

  OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 pcn4j-bench/step_torch.py --threads 1 [--json]
      [--models 784-128-128-10,784-1000-1000-10] [--algorithms pc,bp] [--seconds 2] [--rounds 5]
"""
import argparse
import json
import os
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch loads its OpenMP runtime
import torch  # noqa: E402

FLOPS = [0]


def mm(out_bias, a, b, alpha=1.0, beta=1.0):
    """beta * out_bias + alpha * a @ b, counted."""
    FLOPS[0] += 2 * a.shape[0] * a.shape[1] * b.shape[1]
    return torch.addmm(out_bias, a, b, beta=beta, alpha=alpha)


class PcStep:
    def __init__(self, sizes, batch, steps, gen):
        self.sizes, self.batch, self.steps = sizes, batch, steps
        self.w, self.b = [], []
        for i in range(1, len(sizes)):
            lim = 1.0 / sizes[i - 1] ** 0.5
            self.w.append(((torch.rand(sizes[i], sizes[i - 1], generator=gen) * 2 - 1) * lim))
            self.b.append(((torch.rand(sizes[i], generator=gen) * 2 - 1) * lim))
        self.params = self.w + self.b
        for p in self.params:
            p.grad = torch.zeros_like(p)
        self.opt = torch.optim.AdamW(self.params, lr=1e-4, weight_decay=0.0)

    @torch.no_grad()
    def step(self, x, y):
        w, b, L, B = self.w, self.b, len(self.w), self.batch
        xs = [x] + [None] * L
        mu = [None] * (L + 1)
        der = [None] * (L + 1)

        def predict(l):  # mu_l from x_{l-1}: tanh for hidden layers, identity at the output
            a = mm(b[l - 1].expand(B, -1), xs[l - 1], w[l - 1].t())
            if l < L:
                mu[l] = torch.tanh(a)
                der[l] = 1 - mu[l] * mu[l]
            else:
                mu[l] = a

        for l in range(1, L + 1):
            predict(l)
            if l < L:
                xs[l] = mu[l].clone()
        xs[L] = y
        vel = [None] + [torch.zeros_like(xs[l]) for l in range(1, L)]
        nonzero = [False] * L + [True]  # hidden errors start at exactly zero
        eps = [None] * (L + 1)
        for _ in range(self.steps):
            for l in range(1, L + 1):
                eps[l] = xs[l] - mu[l] if nonzero[l] else None
            moved = [False] * (L + 1)
            for l in range(1, L):
                g = eps[l].clone() if nonzero[l] else torch.zeros_like(xs[l])
                if nonzero[l + 1]:
                    delta = eps[l + 1] if l + 1 == L else der[l + 1] * eps[l + 1]
                    g = mm(g, delta, w[l], alpha=-1.0)
                    moved[l] = True
                if moved[l]:
                    vel[l].mul_(0.5).add_(g)
                    xs[l].add_(vel[l], alpha=-0.05)
                    nonzero[l] = True  # x_l moved away from mu_l
            for l in range(1, L + 1):
                if moved[l - 1]:
                    predict(l)
                    nonzero[l] = True
        for l in range(1, L + 1):
            eps[l] = xs[l] - mu[l]
        for l in range(1, L + 1):
            delta = eps[l] if l == L else der[l] * eps[l]
            FLOPS[0] += 2 * delta.shape[1] * delta.shape[0] * xs[l - 1].shape[1]
            torch.mm(delta.t(), xs[l - 1], out=w[l - 1].grad)
            w[l - 1].grad.mul_(-1.0 / B)
            torch.sum(delta, 0, out=b[l - 1].grad)
            b[l - 1].grad.mul_(-1.0 / B)
        self.opt.step()


class BpStep:
    def __init__(self, sizes, batch, gen):
        layers = []
        for i in range(1, len(sizes)):
            lin = torch.nn.Linear(sizes[i - 1], sizes[i])
            lim = 1.0 / sizes[i - 1] ** 0.5
            with torch.no_grad():
                lin.weight.copy_((torch.rand(sizes[i], sizes[i - 1], generator=gen) * 2 - 1) * lim)
                lin.bias.copy_((torch.rand(sizes[i], generator=gen) * 2 - 1) * lim)
            layers.append(lin)
            if i < len(sizes) - 1:
                layers.append(torch.nn.Tanh())
        self.net = torch.nn.Sequential(*layers)
        self.batch = batch
        self.opt = torch.optim.AdamW(self.net.parameters(), lr=1e-4, weight_decay=0.0)
        # forward 2 B n_in n_out per layer, backward: weight gradients per layer, input gradients
        # for every layer but the first
        self.flops = 0
        for i in range(1, len(sizes)):
            per = 2 * batch * sizes[i - 1] * sizes[i]
            self.flops += per * (2 if i == 1 else 3)

    def step(self, x, y):
        self.opt.zero_grad(set_to_none=False)
        out = self.net(x)
        loss = 0.5 * torch.sum((y - out) ** 2) / self.batch
        loss.backward()
        self.opt.step()
        FLOPS[0] += self.flops


def time_case(fn, seconds, rounds, clock):
    end = time.perf_counter() + 1.0  # warm-up
    n = 0
    while time.perf_counter() < end or n < 20:
        fn()
        n += 1
    FLOPS[0] = 0
    fn()
    flops = FLOPS[0]
    samples = []
    for _ in range(rounds):
        budget = seconds / rounds
        t0 = clock()
        k = 0
        while clock() - t0 < budget or k < 3:
            fn()
            k += 1
        samples.append((clock() - t0) / k * 1e6)
    samples.sort()
    return samples[len(samples) // 2], flops


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", default="784-128-128-10,784-1000-1000-10")
    ap.add_argument("--algorithms", default="pc,bp")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("-T", "--inference-steps", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--cpu-time", action="store_true",
                    help="time by the calling thread's CPU time (needs --threads 1), as pcn4j bench step --cpu-time")
    ap.add_argument("--keep-denormals", action="store_true",
                    help="leave denormal floats on (default: flushed, PyTorch's fastest setting)")
    args = ap.parse_args()
    # The PC weight gradients of the hidden layers are tiny, and AdamW's second moment (grad^2)
    # goes denormal: without flushing, its sqrt and div ran 10x slower here. The JVM cannot
    # flush denormals, so flushing favours PyTorch; the comparison errs on its side.
    torch.set_flush_denormal(not args.keep_denormals)
    torch.set_num_threads(args.threads)
    if args.cpu_time and args.threads != 1:
        sys.exit("step_torch.py: --cpu-time needs --threads 1")
    clock = time.thread_time if args.cpu_time else time.perf_counter
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1)
    for model in args.models.split(","):
        sizes = [int(s) for s in model.split("-")]
        x = torch.rand(args.batch_size, sizes[0], generator=gen) * 2 - 1
        y = torch.zeros(args.batch_size, sizes[-1])
        y[torch.arange(args.batch_size), torch.randint(sizes[-1], (args.batch_size,), generator=gen)] = 1
        for alg in args.algorithms.split(","):
            if alg == "pc":
                s = PcStep(sizes, args.batch_size, args.inference_steps, gen)
            elif alg == "bp":
                s = BpStep(sizes, args.batch_size, gen)
            else:
                sys.exit("step_torch.py: --algorithms: unknown algorithm '%s' (pc or bp)" % alg)
            us, flops = time_case(lambda: s.step(x, y), args.seconds, args.rounds, clock)
            row = {"model": model, "algorithm": alg, "impl": "torch-" + torch.__version__,
                   "batch": args.batch_size, "T": args.inference_steps, "threads": args.threads,
                   "step_us": us, "flush_denormal": not args.keep_denormals, "mflop": flops / 1e6, "gflops": flops / us / 1e3}
            if args.cpu_time:
                row["clock"] = "thread-cpu"
            if args.json:
                print(json.dumps(row), flush=True)
            else:
                print("%-20s %-3s torch %s, %d threads: %10.1f us  %8.1f MFLOP  %6.1f GFLOP/s"
                      % (model, alg, torch.__version__, args.threads, us, flops / 1e6, flops / us / 1e3),
                      flush=True)


if __name__ == "__main__":
    main()
