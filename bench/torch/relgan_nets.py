"""PyTorch networks built from relgan's resolved network declarations.

relgan's compiler (src/compiler/_layers.ts, compile_network.ts) lowers a
declaration (plain JSON: {"kind": "sequential", "layers": [...]}) to tfjs ops
over explicit variables. This module lowers the same JSON to torch.nn
modules, layer for layer, so the benchmark's PyTorch side runs the same
architecture as relgan's compile() output:

- dense             -> nn.Linear            (relgan kernel [in, units])
- conv2d            -> nn.Conv2d            (relgan kernel [k, k, in, out], TF "same" padding)
- conv2d_transpose  -> nn.ConvTranspose2d   (relgan kernel [k, k, filters, in])
- batch_norm        -> nn.BatchNorm1d/2d    (batch statistics in training; relgan momentum m is torch momentum 1 - m)
- activation, upsample (nearest), avg_pool, global_sum_pool, reshape, flatten
- res_block         -> the block of _layers.ts resBlock (bn1, relu, up, conv1, bn2, relu, conv2, down; shortcut)
- spectralNorm      -> torch.nn.utils.spectral_norm(dim=0), one power iteration per training forward, as relgan's weight()
- relation discriminators: D(a, b) = head(relation(merge(e(a), e(b)))), merge concat / sum / packed.

Images run in PyTorch's own layout, NCHW; relgan's are NHWC. Every module
lists its parameters in relgan's variable order with a converter from
relgan's layout (`relgan_params`, `relgan_state`), so the benchmark can
check the parameter count variable by variable and load relgan's initial
weights to compare a loss value. A flatten right before a dense layer (and a
reshape right after one) is PyTorch's plain flatten/view; the (h, w, c)
against (c, h, w) order difference is absorbed into that dense layer's
weights on import. Elsewhere a reshape of an image keeps NHWC element order
exactly, with permutes.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn


def _prod(shape):
    return math.prod(shape)


def _same_pad(size, k, s):
    """TF "same" padding of one axis: (before, after)."""
    out = -(-size // s)
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2


def _conv_kernel(a):
    """relgan conv2d kernel [k, k, in, out] -> torch [out, in, k, k]."""
    return a.permute(3, 2, 0, 1)


def _tconv_kernel(a):
    """relgan conv2d_transpose kernel [k, k, filters, in] -> torch ConvTranspose2d [in, filters, k, k]."""
    return a.permute(3, 2, 0, 1)


class _Layer(nn.Module):
    """A lowered layer: `relgan_params()` / `relgan_state()` list (tensor, converter) in relgan's variable order."""

    def relgan_params(self):
        return []

    def relgan_state(self):
        return []


def _weighted(module, sn):
    """Wraps a weight layer in spectral normalisation (u over the weight's dim 0, as relgan's u over its kernel's last axis)."""
    if sn:
        module = torch.nn.utils.spectral_norm(module, dim=0, eps=1e-12)
    return module


def _weight_param(module):
    return module.weight_orig if hasattr(module, "weight_orig") else module.weight


def _sn_state(module, sn):
    # relgan's state "sn_u" [out]: torch's weight_u buffer, same vector.
    return [(module.weight_u, lambda a: a)] if sn else []


class Dense(_Layer):
    def __init__(self, decl, in_shape, in_hwc=None, out_hwc=None):
        super().__init__()
        units = decl["units"]
        self.sn = decl.get("spectralNorm", False)
        self.lin = _weighted(nn.Linear(in_shape[0], units, bias=decl.get("bias", True) is not False), self.sn)
        self.in_hwc, self.out_hwc, self.units, self.n_in = in_hwc, out_hwc, units, in_shape[0]

    def forward(self, x):
        return self.lin(x)

    def _kernel(self, a):
        w = a.t()  # [units, in]
        if self.in_hwc is not None:
            h, wd, c = self.in_hwc
            w = w.reshape(self.units, h, wd, c).permute(0, 3, 1, 2).reshape(self.units, -1)
        if self.out_hwc is not None:
            h, wd, c = self.out_hwc
            w = w.reshape(h, wd, c, self.n_in).permute(2, 0, 1, 3).reshape(-1, self.n_in)
        return w

    def _bias(self, a):
        if self.out_hwc is not None:
            h, wd, c = self.out_hwc
            return a.reshape(h, wd, c).permute(2, 0, 1).reshape(-1)
        return a

    def relgan_params(self):
        ps = [(_weight_param(self.lin), self._kernel)]
        if self.lin.bias is not None:
            ps.append((self.lin.bias, self._bias))
        return ps

    def relgan_state(self):
        if self.sn and self.out_hwc is not None:
            h, wd, c = self.out_hwc
            return [(self.lin.weight_u, lambda a: a.reshape(h, wd, c).permute(2, 0, 1).reshape(-1))]
        return _sn_state(self.lin, self.sn)


class Conv(_Layer):
    def __init__(self, in_c, filters, k, stride, padding, bias, sn, in_hw):
        super().__init__()
        self.sn = sn
        pads = (0, 0), (0, 0)
        if padding == "same":
            pads = _same_pad(in_hw[0], k, stride), _same_pad(in_hw[1], k, stride)
        symmetric = pads[0][0] == pads[0][1] and pads[1][0] == pads[1][1]
        self.extra = None if symmetric else (pads[1][0], pads[1][1], pads[0][0], pads[0][1])
        self.conv = _weighted(
            nn.Conv2d(in_c, filters, k, stride, padding=(pads[0][0], pads[1][0]) if symmetric else 0, bias=bias), sn)

    def forward(self, x):
        if self.extra is not None:
            x = F.pad(x, self.extra)
        return self.conv(x)

    def relgan_params(self):
        ps = [(_weight_param(self.conv), _conv_kernel)]
        if self.conv.bias is not None:
            ps.append((self.conv.bias, lambda a: a))
        return ps

    def relgan_state(self):
        return _sn_state(self.conv, self.sn)


class ConvTranspose(_Layer):
    def __init__(self, decl, in_shape):
        super().__init__()
        k, s = decl["kernel"], decl.get("stride", 2)
        total = max(k - s, 0)  # TF "same" padding of the conv this one transposes
        if total % 2:
            raise ValueError(
                f"Cannot build conv2d_transpose with kernel {k} and stride {s} in PyTorch: TF 'same' pads it "
                f"asymmetrically ({total} in all), which ConvTranspose2d cannot express; use k - s even")
        self.sn = decl.get("spectralNorm", False)
        self.conv = _weighted(nn.ConvTranspose2d(
            in_shape[2], decl["filters"], k, s, padding=total // 2,
            output_padding=s - k + total, bias=decl.get("bias", True) is not False), self.sn)

    def forward(self, x):
        return self.conv(x)

    def relgan_params(self):
        ps = [(_weight_param(self.conv), _tconv_kernel)]
        if self.conv.bias is not None:
            ps.append((self.conv.bias, lambda a: a))
        return ps

    def relgan_state(self):
        return _sn_state(self.conv, self.sn)


class BatchNorm(_Layer):
    def __init__(self, channels, momentum, eps, image):
        super().__init__()
        cls = nn.BatchNorm2d if image else nn.BatchNorm1d
        self.bn = cls(channels, eps=eps, momentum=1 - momentum)

    def forward(self, x):
        return self.bn(x)

    def relgan_params(self):
        return [(self.bn.weight, lambda a: a), (self.bn.bias, lambda a: a)]

    def relgan_state(self):
        return [(self.bn.running_mean, lambda a: a), (self.bn.running_var, lambda a: a)]


_ACTIVATIONS = {
    "relu": F.relu,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "elu": F.elu,
    "softplus": F.softplus,
    "linear": lambda x: x,
}


class Activation(_Layer):
    def __init__(self, decl):
        super().__init__()
        fn = decl["fn"]
        if fn == "leaky_relu":
            alpha = decl.get("alpha", 0.2)
            self.fn = lambda x: F.leaky_relu(x, alpha)
        elif fn in _ACTIVATIONS:
            self.fn = _ACTIVATIONS[fn]
        else:
            raise ValueError(f"Cannot build activation {fn!r} in PyTorch: expected one of leaky_relu, {', '.join(_ACTIVATIONS)}")

    def forward(self, x):
        return self.fn(x)


class Lambda(_Layer):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x)


def _reshape(in_shape, out_shape, plain):
    """relgan's reshape/flatten (NHWC element order); `plain` when a neighbouring dense layer absorbs the order."""
    if plain and len(in_shape) == 3 and len(out_shape) == 1:
        return Lambda(lambda x: x.flatten(1))
    if plain and len(in_shape) == 1 and len(out_shape) == 3:
        h, w, c = out_shape
        return Lambda(lambda x: x.view(x.shape[0], c, h, w))

    def exact(x):
        if x.dim() == 4:
            x = x.permute(0, 2, 3, 1)
        x = x.reshape(x.shape[0], *out_shape)
        return x.permute(0, 3, 1, 2) if len(out_shape) == 3 else x

    return Lambda(exact)


class ResBlock(_Layer):
    """_layers.ts resBlock: pre-activation residual block, resample up / down / none, optional batch norm."""

    def __init__(self, decl, in_shape):
        super().__init__()
        d = {"resample": "none", "batchNorm": False, "first": False, "spectralNorm": False, **decl}
        in_c, f, sn = in_shape[2], d["filters"], d["spectralNorm"]
        self.first, self.resample = d["first"], d["resample"]
        h, w = in_shape[0], in_shape[1]
        up = 2 if self.resample == "up" else 1
        self.bn1 = BatchNorm(in_c, 0.9, 1e-5, True) if d["batchNorm"] and not self.first else None
        self.c1 = Conv(in_c, f, 3, 1, "same", True, sn, (h * up, w * up))
        self.bn2 = BatchNorm(f, 0.9, 1e-5, True) if d["batchNorm"] else None
        self.c2 = Conv(f, f, 3, 1, "same", True, sn, (h * up, w * up))
        learnable = in_c != f or self.resample != "none"
        self.sc = Conv(in_c, f, 1, 1, "same", True, sn, (h, w)) if learnable else None

    def forward(self, x):
        h = x
        if self.bn1 is not None:
            h = self.bn1(h)
        if not self.first:
            h = F.relu(h)
        if self.resample == "up":
            h = F.interpolate(h, scale_factor=2, mode="nearest")
        h = self.c1(h)
        if self.bn2 is not None:
            h = self.bn2(h)
        h = self.c2(F.relu(h))
        if self.resample == "down":
            h = F.avg_pool2d(h, 2)
        s = x
        if self.first:
            s = self.sc(F.avg_pool2d(s, 2))
        else:
            if self.resample == "up":
                s = F.interpolate(s, scale_factor=2, mode="nearest")
            if self.sc is not None:
                s = self.sc(s)
            if self.resample == "down":
                s = F.avg_pool2d(s, 2)
        return h + s

    def relgan_params(self):
        # relgan's order: conv1, conv2, shortcut, then bn1, bn2.
        parts = [self.c1, self.c2, self.sc, self.bn1, self.bn2]
        return [p for m in parts if m is not None for p in m.relgan_params()]

    def relgan_state(self):
        parts = [self.c1, self.c2, self.sc, self.bn1, self.bn2]
        return [s for m in parts if m is not None for s in m.relgan_state()]


def _out_shape(decl, shape):
    kind = decl["kind"]
    if kind == "dense":
        return [decl["units"]]
    if kind == "conv2d":
        s, k = decl.get("stride", 1), decl["kernel"]
        same = decl.get("padding", "same") == "same"
        side = (lambda n: -(-n // s)) if same else (lambda n: (n - k) // s + 1)
        return [side(shape[0]), side(shape[1]), decl["filters"]]
    if kind == "conv2d_transpose":
        s = decl.get("stride", 2)
        return [shape[0] * s, shape[1] * s, decl["filters"]]
    if kind in ("activation", "batch_norm"):
        return list(shape)
    if kind == "upsample":
        f = decl.get("factor", 2)
        return [shape[0] * f, shape[1] * f, shape[2]]
    if kind == "avg_pool":
        s = decl.get("size", 2)
        return [shape[0] // s, shape[1] // s, shape[2]]
    if kind == "global_sum_pool":
        return [shape[2]]
    if kind == "reshape":
        return list(decl["shape"])
    if kind == "flatten":
        return [_prod(shape)]
    if kind == "res_block":
        s = {"up": 2, "down": 0.5}.get(decl.get("resample", "none"), 1)
        return [int(shape[0] * s), int(shape[1] * s), decl["filters"]]
    raise ValueError(f"Cannot compute the output shape of layer kind {kind!r}")


class Sequential(_Layer):
    def __init__(self, decl, in_shape):
        super().__init__()
        layers, shapes = decl["layers"], [list(in_shape)]
        for layer in layers:
            shapes.append(_out_shape(layer, shapes[-1]) if layer["kind"] != "sequential" else None)
            if shapes[-1] is None:
                shapes[-1] = Sequential(layer, shapes[-2]).out_shape
        mods = []
        for i, layer in enumerate(layers):
            kind, shape, out = layer["kind"], shapes[i], shapes[i + 1]
            prev = layers[i - 1]["kind"] if i > 0 else None
            nxt = layers[i + 1]["kind"] if i + 1 < len(layers) else None
            if kind == "dense":
                in_hwc = shapes[i - 1] if prev in ("flatten", "reshape") and len(shapes[i - 1]) == 3 else None
                out_hwc = shapes[i + 2] if nxt == "reshape" and len(shapes[i + 2]) == 3 else None
                mods.append(Dense(layer, shape, in_hwc, out_hwc))
            elif kind in ("flatten", "reshape"):
                plain = (nxt == "dense" and len(shape) == 3 and len(out) == 1) or (
                    prev == "dense" and len(shape) == 1 and len(out) == 3)
                mods.append(_reshape(shape, out, plain))
            elif kind == "conv2d":
                mods.append(Conv(shape[2], layer["filters"], layer["kernel"], layer.get("stride", 1),
                                 layer.get("padding", "same"), layer.get("bias", True) is not False,
                                 layer.get("spectralNorm", False), shape[:2]))
            elif kind == "conv2d_transpose":
                mods.append(ConvTranspose(layer, shape))
            elif kind == "batch_norm":
                mods.append(BatchNorm(shape[-1], layer.get("momentum", 0.9), layer.get("epsilon", 1e-5), len(shape) == 3))
            elif kind == "activation":
                mods.append(Activation(layer))
            elif kind == "upsample":
                f = layer.get("factor", 2)
                mods.append(Lambda(lambda x, f=f: F.interpolate(x, scale_factor=f, mode="nearest")))
            elif kind == "avg_pool":
                s = layer.get("size", 2)
                mods.append(Lambda(lambda x, s=s: F.avg_pool2d(x, s)))
            elif kind == "global_sum_pool":
                mods.append(Lambda(lambda x: x.sum((2, 3))))
            elif kind == "res_block":
                mods.append(ResBlock(layer, shape))
            elif kind == "sequential":
                mods.append(Sequential(layer, shape))
            else:
                raise ValueError(f"Cannot build layer kind {kind!r} in PyTorch: the benchmark's counterpart does not know it")
        self.layers = nn.ModuleList(mods)
        self.out_shape = shapes[-1]

    def forward(self, x):
        for m in self.layers:
            x = m(x)
        return x

    def relgan_params(self):
        return [p for m in self.layers for p in m.relgan_params()]

    def relgan_state(self):
        return [s for m in self.layers for s in m.relgan_state()]


class SingleDiscriminator(_Layer):
    """A sequential discriminator: scores `[batch]`."""

    def __init__(self, decl, data_shape):
        super().__init__()
        self.net = Sequential(decl, data_shape)

    def forward(self, x):
        return self.net(x).reshape(x.shape[0])

    def relgan_params(self):
        return self.net.relgan_params()

    def relgan_state(self):
        return self.net.relgan_state()


class RelationDiscriminator(_Layer):
    """compile_network.ts's relation discriminator: D(a, b) = h(r(merge(e(a), e(b)))), `[batch]`."""

    def __init__(self, decl, data_shape):
        super().__init__()
        self.merge = decl["merge"]
        shape = list(data_shape)
        self.embedding = None
        if self.merge != "packed":
            self.embedding = Sequential(decl["embedding"], shape)
            shape = self.embedding.out_shape
        merged = shape if self.merge == "sum" else [*shape[:-1], 2 * shape[-1]]
        self.relation = Sequential(decl["relation"], merged)
        self.head = Sequential(decl["head"], self.relation.out_shape)

    def forward(self, a, b):
        # NHWC's last axis (channels, or features) is dim 1 here in both layouts.
        if self.merge == "packed":
            m = torch.cat([a, b], 1)
        else:
            ea, eb = self.embedding(a), self.embedding(b)
            m = ea + eb if self.merge == "sum" else torch.cat([ea, eb], 1)
        return self.head(self.relation(m)).reshape(a.shape[0])

    def _parts(self):
        return [p for p in (self.embedding, self.relation, self.head) if p is not None]

    def relgan_params(self):
        return [p for m in self._parts() for p in m.relgan_params()]

    def relgan_state(self):
        return [s for m in self._parts() for s in m.relgan_state()]


def build_generator(decl, latent_dim):
    return Sequential(decl, [latent_dim])


def build_discriminator(decl, data_shape):
    if decl["kind"] == "relation":
        return RelationDiscriminator(decl, data_shape)
    return SingleDiscriminator(decl, data_shape)


def torch_shape(relgan_shape):
    """A relgan per-example shape ([h, w, c] or [n]) in PyTorch's layout."""
    return [relgan_shape[2], relgan_shape[0], relgan_shape[1]] if len(relgan_shape) == 3 else list(relgan_shape)


def to_torch_layout(t):
    """A relgan batch (NHWC or [batch, n]) in PyTorch's layout."""
    return t.permute(0, 3, 1, 2).contiguous() if t.dim() == 4 else t


def load_relgan(module, params, state):
    """Copies relgan's variables (lists of tensors in relgan's layout and order) into `module`."""
    targets = module.relgan_params()
    states = module.relgan_state()
    if len(targets) != len(params) or len(states) != len(state):
        raise ValueError(
            f"Cannot load relgan's weights: relgan has {len(params)} variables and {len(state)} state tensors, "
            f"the PyTorch module {len(targets)} and {len(states)}")
    with torch.no_grad():
        for (dst, convert), src in zip(targets + states, list(params) + list(state)):
            value = convert(src)
            if tuple(value.shape) != tuple(dst.shape):
                raise ValueError(f"Cannot load a relgan variable of shape {list(src.shape)}: converted to "
                                 f"{list(value.shape)} but the PyTorch tensor is {list(dst.shape)}")
            dst.copy_(value)
