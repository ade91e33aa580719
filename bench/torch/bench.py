"""PyTorch side of relgan's benchmark (`deno task bench`).

Reads a JSON spec on stdin (threads, reps, the conv and matmul cases of
bench/_cases.ts, the hand-built step cases, and the compiled Relation GAN
step cases of bench/_compiled_cases.ts) and prints one JSON object on
stdout: {"torch", "threads", "results": [{"case", "op", "ms", "rssMiB"}]}.
Shapes, batch sizes and optimiser settings are the ones bench/main.ts uses
for relgan. A compiled case carries relgan's resolved declarations: the
networks are built from them (relgan_nets.py), the step mirrors relgan's
trainStep (relgan_step.py), and its result also holds the PyTorch
parameter counts ("counts"), the loss check on relgan's initial weights
("check"), or "error" when the case could not be built or run.
"""

import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F

from relgan_step import CompiledCase


def rss_mib():
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * 4096 / 2**20


def timed(fn, reps, warmup=1):
    rss = rss_mib()
    for _ in range(warmup):
        fn()
        rss = max(rss, rss_mib())
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
        rss = max(rss, rss_mib())
    return statistics.median(times), rss


def out_side(side, stride):
    return -(-side // stride)


def conv_ops(case, reps):
    n, h, w, cin = case["x"]
    k, cout, s = case["k"], case["outC"], case["stride"]
    # TF "same" padding here is symmetric: total (out-1)s + k - in, split evenly.
    pad = ((out_side(h, s) - 1) * s + k - h) // 2
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(n, cin, h, w, generator=gen)
    wt = torch.randn(cout, cin, k, k, generator=gen)
    dy = torch.randn(n, cout, out_side(h, s), out_side(w, s), generator=gen)
    results = []
    for op in case["ops"]:
        if op == "fwd":
            fn = lambda: F.conv2d(x, wt, stride=s, padding=pad)
        elif op == "dgrad":
            fn = lambda: torch.ops.aten.convolution_backward(
                dy, x, wt, None, [s, s], [pad, pad], [1, 1], False, [0, 0], 1,
                [True, False, False])
        elif op == "wgrad":
            fn = lambda: torch.ops.aten.convolution_backward(
                dy, x, wt, None, [s, s], [pad, pad], [1, 1], False, [0, 0], 1,
                [False, True, False])
        elif op == "tconv":
            # The generator layer: dy (its input) → x-shaped output.
            fn = lambda: F.conv_transpose2d(dy, wt, stride=s, padding=pad)
        with torch.no_grad():
            ms, rss = timed(fn, reps)
        results.append({"case": case["name"], "op": op, "ms": ms, "rssMiB": rss})
    return results


def matmul_ops(case, reps):
    m, k, n = case["m"], case["k"], case["n"]
    gen = torch.Generator().manual_seed(0)
    a = torch.randn(m, k, generator=gen)
    b = torch.randn(k, n, generator=gen)
    dc = torch.randn(m, n, generator=gen)
    ops = {
        "fwd": lambda: a @ b,
        "dA": lambda: dc @ b.t(),
        "dB": lambda: a.t() @ dc,
    }
    out = []
    for op, fn in ops.items():
        ms, rss = timed(fn, reps)
        out.append({"case": case["name"], "op": op, "ms": ms, "rssMiB": rss})
    return out


class Discriminator(torch.nn.Module):
    """Issue 10's DCGAN-style discriminator: three 4×4 stride-2 convs (64, 128, 256), leaky ReLU 0.2, dense head."""

    def __init__(self):
        super().__init__()
        self.c1 = torch.nn.Conv2d(3, 64, 4, 2, 1)
        self.c2 = torch.nn.Conv2d(64, 128, 4, 2, 1)
        self.c3 = torch.nn.Conv2d(128, 256, 4, 2, 1)
        self.head = torch.nn.Linear(256 * 4 * 4, 1)

    def forward(self, x):
        h = F.leaky_relu(self.c1(x), 0.2)
        h = F.leaky_relu(self.c2(h), 0.2)
        h = F.leaky_relu(self.c3(h), 0.2)
        return self.head(h.flatten(1))


class Generator(torch.nn.Module):
    """The DSL's DCGAN 32 px generator: dense to 4×4×512, BN, ReLU; three 4×4 stride-2 transposed convs (256, 128, 64) with BN, ReLU; 3×3 conv to 3, tanh."""

    def __init__(self, latent):
        super().__init__()
        self.dense = torch.nn.Linear(latent, 4 * 4 * 512)
        self.bn0 = torch.nn.BatchNorm2d(512, eps=1e-3)
        chans = [512, 256, 128, 64]
        self.ups = torch.nn.ModuleList(
            [torch.nn.ConvTranspose2d(chans[i], chans[i + 1], 4, 2, 1) for i in range(3)])
        self.bns = torch.nn.ModuleList([torch.nn.BatchNorm2d(c, eps=1e-3) for c in chans[1:]])
        self.out = torch.nn.Conv2d(64, 3, 3, 1, 1)

    def forward(self, z):
        h = F.relu(self.bn0(self.dense(z).view(-1, 512, 4, 4)))
        for up, bn in zip(self.ups, self.bns):
            h = F.relu(bn(up(h)))
        return torch.tanh(self.out(h))


def adam(params):
    return torch.optim.Adam(params, lr=2e-4, betas=(0.5, 0.999), eps=1e-8)


def d_step(reps):
    gen = torch.Generator().manual_seed(0)
    d = Discriminator()
    opt = adam(d.parameters())
    x = torch.randn(64, 3, 32, 32, generator=gen)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.softplus(-d(x)).mean()
        loss.backward()
        opt.step()

    ms, rss = timed(step, reps)
    return [{"case": "dcgan D Adam step (issue 10 network)", "op": "step", "ms": ms, "rssMiB": rss}]


def gan_step(reps):
    gen = torch.Generator().manual_seed(0)
    g, d = Generator(128), Discriminator()
    opt_g, opt_d = adam(g.parameters()), adam(d.parameters())
    x = torch.randn(64, 3, 32, 32, generator=gen)
    z = torch.randn(64, 128, generator=gen)

    def step():
        # Discriminator update on real x and detached fakes.
        opt_d.zero_grad(set_to_none=True)
        fake = g(z).detach()
        loss_d = F.softplus(-d(x)).mean() + F.softplus(d(fake)).mean()
        loss_d.backward()
        opt_d.step()
        # Generator update (non-saturating).
        opt_g.zero_grad(set_to_none=True)
        loss_g = F.softplus(-d(g(z))).mean()
        loss_g.backward()
        opt_g.step()

    ms, rss = timed(step, reps)
    return [{"case": "dcgan32 GAN step (G + D, vanilla loss)", "op": "step", "ms": ms, "rssMiB": rss}]


def fid(n, dim, reps):
    gen = torch.Generator().manual_seed(0)
    a = torch.randn(n, dim, generator=gen, dtype=torch.float64)
    b = torch.randn(n, dim, generator=gen, dtype=torch.float64)

    def run():
        mu1, mu2 = a.mean(0), b.mean(0)
        c1 = torch.cov(a.t())
        c2 = torch.cov(b.t())
        eig = torch.linalg.eigvals(c1 @ c2)
        tr_sqrt = eig.sqrt().real.sum()
        return float(((mu1 - mu2) ** 2).sum() + c1.trace() + c2.trace() - 2 * tr_sqrt)

    ms, rss = timed(run, reps, warmup=0)
    return [{"case": f"FID {n} x {dim} features", "op": "fid", "ms": ms, "rssMiB": rss}]


def read_bundle(manifest):
    """relgan's weights and fixed inputs for the loss check: float32 values in `manifest`'s order."""
    with open(manifest["path"], "rb") as f:
        flat = torch.frombuffer(bytearray(f.read()), dtype=torch.float32)
    out, offset = {}, 0
    for entry in manifest["tensors"]:
        n = 1
        for d in entry["shape"]:
            n *= d
        t = flat[offset:offset + n].reshape(entry["shape"]).clone()
        offset += n
        if entry["list"]:
            out.setdefault(entry["key"], []).append(t)
        else:
            out[entry["key"]] = t
    for key in ("generator", "generatorState", "discriminator", "discriminatorState"):
        out.setdefault(key, [])
    return out


def compiled_step(spec, reps):
    """A relgan compiled step case: counts, the loss check on relgan's weights, then the timed step."""
    base = {"case": spec["name"], "op": "step"}
    try:
        check = None
        if spec.get("check"):
            small = dict(spec, plan=dict(spec["plan"], batchSize=spec["check"]["batch"]))
            check = CompiledCase(small).check(read_bundle(spec["check"]))
        case = CompiledCase(spec)
        counts = case.param_counts()
        ms, rss = timed(case.step, reps)
        counts["callsPerStep"] = {k: v / (reps + 1) for k, v in case.calls.items()}
    except Exception as error:  # reported in the row, the other cases still run
        return [dict(base, error=f"{type(error).__name__}: {error}")]
    return [dict(base, ms=ms, rssMiB=rss, counts=counts, check=check)]


def main():
    spec = json.load(sys.stdin)
    torch.set_num_threads(spec["threads"])
    reps = spec["reps"]
    results = []
    for case in spec["conv"]:
        results += conv_ops(case, reps)
    for case in spec["matmul"]:
        results += matmul_ops(case, reps)
    steps = spec["steps"]
    if "d_step" in steps:
        results += d_step(reps)
    if "gan_step" in steps:
        results += gan_step(reps)
    for case in spec.get("compiled", []):
        results += compiled_step(case, case["reps"])
    if "fid" in steps:
        results += fid(spec["fidN"], spec["fidD"], 1)
    json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(), "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
