"""One relgan training step (src/engine/train_step.ts) in PyTorch.

A compiled case arrives as JSON: the resolved generator, discriminator and
loss declarations, the data shape, the latent size, the training plan
(batch size, dSteps, order, both Adam settings, EMA decay) and relgan's
parameter counts. `CompiledCase` builds the networks (relgan_nets), the loss
(relgan_losses) and two torch.optim.Adam with the plan's settings, and
`step()` does what trainStep does, update by update:

- discriminator update: draw x1 (and x2 for pair losses), z, y1 = G(z) in
  training mode without gradients, uniform draws for single losses; the
  discriminator loss; gradients of the discriminator's weights only; Adam.
  y1 becomes the relation history y2.
- generator update: draw x1 (x2), z, uniform; y1 = G(z) on the tape; the
  generator loss through D; gradients of the generator's weights only
  (torch.autograd.grad, as tf.variableGrads: no discriminator weight
  gradients); Adam. y1, detached, becomes y2.
- the EMA of the generator's weights when the plan keeps one;
- one sync that reads every loss and both weight sums.

Before the first step y2 is a batch from the initial generator, as
initTrainState draws it. Real data: a fixed random image set indexed per
batch (CIFAR-10 sized, as relgan's synthetic CIFAR files), or the 8 gaussians.
"""

import math

import torch

from relgan_losses import build_loss
from relgan_nets import build_discriminator, build_generator, load_relgan, to_torch_layout, torch_shape


def _adam(params, plan):
    return torch.optim.Adam(params, lr=plan["learningRate"], betas=(plan["beta1"], plan["beta2"]), eps=plan["epsilon"])


class _RealData:
    def __init__(self, decl, shape, gen):
        self.kind, self.shape, self.gen = decl["kind"], shape, gen
        if self.kind == "eight_gaussians":
            radius, self.std = decl.get("radius", 2 / 1.414), decl.get("std", 0.02)
            angles = torch.arange(8) * (2 * math.pi / 8)
            self.centers = torch.stack([radius * angles.cos(), radius * angles.sin()], 1)
        else:
            # Seeded random images in [-1, 1], as many as relgan's synthetic CIFAR-10 test file holds.
            self.images = torch.rand(1000, *torch_shape(shape), generator=gen) * 2 - 1

    def sample(self, n):
        if self.kind == "eight_gaussians":
            idx = torch.randint(8, (n,), generator=self.gen)
            return self.centers[idx] + torch.randn(n, 2, generator=self.gen) * self.std
        return self.images[torch.randint(self.images.shape[0], (n,), generator=self.gen)]


class CompiledCase:
    def __init__(self, spec, seed=0):
        self.spec = spec
        self.gen = torch.Generator().manual_seed(seed)
        self.g = build_generator(spec["generator"], spec["latentDim"]).train()
        self.d = build_discriminator(spec["discriminator"], spec["dataShape"]).train()
        self.loss = build_loss(spec["loss"])
        if (self.loss.input == "pair") != (spec["discriminator"]["kind"] == "relation"):
            raise ValueError(f"Cannot build case {spec['name']!r}: loss {spec['loss']['kind']} takes "
                             f"{self.loss.input} input but the discriminator is {spec['discriminator']['kind']}")
        self.plan = spec["plan"]
        self.g_params = list(self.g.parameters())
        self.d_params = list(self.d.parameters())
        self.opt_g = _adam(self.g_params, self.plan["optim"]["generator"])
        self.opt_d = _adam(self.d_params, self.plan["optim"]["discriminator"])
        self.data = _RealData(spec["data"], spec["dataShape"], self.gen)
        decay = self.plan["emaDecay"]
        self.ema = [p.detach().clone() for p in self.g_params] if decay > 0 else None
        self.fake_prev = None
        if self.loss.input == "pair":
            with torch.no_grad():
                self.fake_prev = self.g(self._z(self.plan["batchSize"]))
        # Calls of each network since construction, to compare the step's structure with relgan's.
        self.calls = {"generator": 0, "discriminator": 0}
        self.g.register_forward_pre_hook(lambda *_: self._count("generator"))
        self.d.register_forward_pre_hook(lambda *_: self._count("discriminator"))

    def _count(self, net):
        self.calls[net] += 1

    # ------------------------------------------------------------ counts
    def param_counts(self):
        """Trainable scalars of each module, as PyTorch counts them, and per relgan variable."""
        return {
            "generator": sum(p.numel() for p in self.g.parameters()),
            "discriminator": sum(p.numel() for p in self.d.parameters()),
            "generatorVariables": [list(p.shape) for p, _ in self.g.relgan_params()],
            "discriminatorVariables": [list(p.shape) for p, _ in self.d.relgan_params()],
        }

    # ------------------------------------------------------------ step
    def _z(self, n):
        return torch.randn(n, self.spec["latentDim"], generator=self.gen)

    def _critic(self):
        if self.loss.input == "pair":
            return lambda a, b: self.d(a, b)
        return lambda x: self.d(x)

    def _batch(self, n, fake):
        b = {"real": self.data.sample(n), "fake": fake}
        if self.loss.input == "pair":
            b["real2"] = self.data.sample(n)
            b["fakePrev"] = self.fake_prev
        else:
            b["uniform"] = torch.rand(n, generator=self.gen)
        return b

    def _apply(self, opt, params, grads):
        for p, g in zip(params, grads):
            p.grad = g
        opt.step()

    def _d_update(self, n):
        # Sample; y1 = G(z) without gradients.
        z = self._z(n)
        with torch.no_grad():
            fake = self.g(z)
        batch = self._batch(n, fake)
        # Discriminator scores, loss, gradients of D's weights; Adam.
        loss = self.loss.discriminator(self._critic(), batch)
        grads = torch.autograd.grad(loss, self.d_params)
        self._apply(self.opt_d, self.d_params, grads)
        if self.loss.input == "pair":
            self.fake_prev = fake
        return loss.detach()

    def _g_update(self, n):
        # Sample; y1 = G(z) on the tape.
        batch = self._batch(n, None)
        y1 = self.g(self._z(n))
        batch["fake"] = y1
        # Generator loss through D, gradients of G's weights only; Adam.
        loss = self.loss.generator(self._critic(), batch)
        grads = torch.autograd.grad(loss, self.g_params)
        self._apply(self.opt_g, self.g_params, grads)
        if self.loss.input == "pair":
            self.fake_prev = y1.detach()
        return loss.detach()

    def step(self):
        n = self.plan["batchSize"]
        updates = ["d"] * self.plan["dSteps"]
        updates = updates + ["g"] if self.plan["order"] == "discriminator-first" else ["g"] + updates
        values = [self._d_update(n) if u == "d" else self._g_update(n) for u in updates]
        if self.ema is not None:
            decay = self.plan["emaDecay"]
            with torch.no_grad():
                for e, p in zip(self.ema, self.g_params):
                    e.mul_(decay).add_(p, alpha=1 - decay)
        # Metrics: one read of every loss and both weight sums.
        with torch.no_grad():
            sums = [sum(p.sum() for p in ps) for ps in (self.g_params, self.d_params)]
            return torch.stack(values + sums).tolist()

    # ------------------------------------------------------------ check
    def check(self, bundle):
        """Loads relgan's weights and fixed inputs, returns G(z), the scores and both loss values (relgan's layout)."""
        load_relgan(self.g, bundle["generator"], bundle["generatorState"])
        load_relgan(self.d, bundle["discriminator"], bundle["discriminatorState"])
        t = {k: to_torch_layout(bundle[k]) for k in ("x1", "x2", "z", "y2", "uniform") if k in bundle}
        fake = self.g(t["z"])
        b = {"real": t["x1"], "fake": fake.detach()}
        if self.loss.input == "pair":
            b.update(real2=t["x2"], fakePrev=t["y2"])
            scores = self.d(t["x1"], t["x2"])
        else:
            b["uniform"] = t["uniform"]
            scores = self.d(t["x1"])
        d_loss = self.loss.discriminator(self._critic(), b)
        g_loss = self.loss.generator(self._critic(), b)
        back = fake.detach().permute(0, 2, 3, 1) if fake.dim() == 4 else fake.detach()
        return {
            "fake": back.reshape(-1).tolist(),
            "scores": scores.detach().reshape(-1).tolist(),
            "dLoss": float(d_loss),
            "gLoss": float(g_loss),
        }
