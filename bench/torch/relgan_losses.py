"""PyTorch counterparts of relgan's GAN losses (src/losses/), from the
resolved loss declaration ({"kind": ..., options}).

Each loss has `input` ("pair" or "single") and `discriminator(critic, batch)`
/ `generator(critic, batch)` returning a scalar, with the critic called in
the same order as relgan's (pair losses: D(x1, x2), D(y1, y2), D(x1, y1);
single losses: D(real), D(fake), then the WGAN-GP interpolates).
Stable forms as relgan's: -log sigmoid(t) = softplus(-t), -log(1 - sigmoid(t)) = softplus(t).
"""

import torch
import torch.nn.functional as F


def _margin(a, b, margin):
    """relation_margin.ts: Delta(a, b) of the flattened samples, as data, `[batch]`."""
    if margin["kind"] == "constant":
        return torch.full((a.shape[0],), float(margin["value"]))
    diff = (a.detach() - b.detach()).reshape(a.shape[0], -1)
    norm = diff.square().sum(1).sqrt() if margin.get("norm", "l2") == "l2" else diff.abs().sum(1)
    return norm * margin.get("scale", 1)


class Relation:
    """relation.ts: eq. 6 (per-sample) or eq. 7 (batch-mean) for D; 2 E[D(x1,y1)] - E[D(x1,x2)] - E[D(y1,y2)] for G."""

    input = "pair"

    def __init__(self, decl):
        self.form = decl.get("form", "per-sample")
        self.margin = decl.get("margin", {"kind": "distance", "norm": "l2", "scale": 1})

    @staticmethod
    def _scores(critic, b):
        return critic(b["real"], b["real2"]), critic(b["fake"], b["fakePrev"]), critic(b["real"], b["fake"])

    def discriminator(self, critic, b):
        rr, ff, rf = self._scores(critic, b)
        m_r = _margin(b["real2"], b["fake"], self.margin)
        m_f = _margin(b["fakePrev"], b["real"], self.margin)
        if self.form == "per-sample":
            return F.relu(rr - rf + m_r).mean() + F.relu(ff - rf + m_f).mean()
        a = rf.mean()
        return F.relu(rr.mean() - a + m_r.mean()) + F.relu(ff.mean() - a + m_f.mean())

    def generator(self, critic, b):
        rr, ff, rf = self._scores(critic, b)
        return rf.mean() * 2 + -rr.mean() + -ff.mean()


class Siamese:
    """siamese.ts: contrastive terms, near(d) = d^2 / 2, far(d) = [m - d]+^2 / 2, the asymmetric pair twice."""

    input = "pair"

    def __init__(self, decl):
        self.m = decl.get("margin", 1)

    def _side(self, critic, b, side):
        rr, ff, rf = critic(b["real"], b["real2"]), critic(b["fake"], b["fakePrev"]), critic(b["real"], b["fake"])
        near = lambda d: d.square() * 0.5
        far = lambda d: F.relu(self.m - d).square() * 0.5
        if side == "d":
            terms = [near(rr), near(ff), far(rf) * 2]
        else:
            terms = [far(rr), far(ff), near(rf) * 2]
        return sum(t.mean() for t in terms)

    def discriminator(self, critic, b):
        return self._side(critic, b, "d")

    def generator(self, critic, b):
        return self._side(critic, b, "g")


class Vanilla:
    input = "single"

    def __init__(self, decl):
        self.minimax = decl.get("generator", "non-saturating") == "minimax"

    def discriminator(self, critic, b):
        real, fake = critic(b["real"]), critic(b["fake"])
        return F.softplus(-real).mean() + F.softplus(fake).mean()

    def generator(self, critic, b):
        fake = critic(b["fake"])
        return (-F.softplus(fake)).mean() if self.minimax else F.softplus(-fake).mean()


class LeastSquares:
    input = "single"

    def __init__(self, decl):
        pass

    def discriminator(self, critic, b):
        real, fake = critic(b["real"]), critic(b["fake"])
        return (real - 1).square().mean() * 0.5 + fake.square().mean() * 0.5

    def generator(self, critic, b):
        return ((critic(b["fake"]) - 1).square() * 0.5).mean()


class WganGp:
    """wgan_gp.ts: E[D(fake)] - E[D(real)] + lambda E[(||grad D(x_hat)|| - 1)^2], x_hat = u real + (1 - u) fake."""

    input = "single"

    def __init__(self, decl):
        self.lam = decl.get("lambda", 10)

    def discriminator(self, critic, b):
        real, fake = critic(b["real"]), critic(b["fake"])
        x, y = b["real"], b["fake"]
        eps = b["uniform"].reshape(-1, *([1] * (x.dim() - 1)))
        interp = (eps * x + (1 - eps) * y).requires_grad_(True)
        (grad,) = torch.autograd.grad(critic(interp).sum(), interp, create_graph=True)
        norm = (grad.reshape(x.shape[0], -1).square().sum(1) + 1e-12).sqrt()
        return fake.mean() - real.mean() + (norm - 1).square().mean() * self.lam

    def generator(self, critic, b):
        return -critic(b["fake"]).mean()


class Relativistic:
    """relativistic.ts: RSGAN softplus(down - up), or RaGAN against the other side's batch mean."""

    input = "single"

    def __init__(self, decl):
        self.average = decl.get("average", False)

    def _side(self, up, down):
        if not self.average:
            return F.softplus(down - up).mean()
        return F.softplus(down.mean() - up).mean() + F.softplus(down - up.mean()).mean()

    def discriminator(self, critic, b):
        real, fake = critic(b["real"]), critic(b["fake"])
        return self._side(real, fake)

    def generator(self, critic, b):
        real, fake = critic(b["real"]), critic(b["fake"])
        return self._side(fake, real)


class Hinge:
    input = "single"

    def __init__(self, decl):
        pass

    def discriminator(self, critic, b):
        real, fake = critic(b["real"]), critic(b["fake"])
        return F.relu(1 - real).mean() + F.relu(1 + fake).mean()

    def generator(self, critic, b):
        return -critic(b["fake"]).mean()


LOSSES = {
    "relation": Relation,
    "siamese": Siamese,
    "vanilla": Vanilla,
    "lsgan": LeastSquares,
    "wgan_gp": WganGp,
    "relativistic": Relativistic,
    "hinge": Hinge,
}


def build_loss(decl):
    kind = decl["kind"]
    if kind not in LOSSES:
        raise ValueError(f"Cannot build loss {kind!r} in PyTorch: expected one of {', '.join(LOSSES)}")
    return LOSSES[kind](decl)
