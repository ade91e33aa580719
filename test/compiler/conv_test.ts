import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { useBackend } from "../../src/backend/mod.ts";
import {
  datasets,
  layers,
  losses,
  networks,
  validate,
} from "../../src/dsl/mod.ts";
import {
  compileDiscriminator,
  type CompiledNetwork,
  type CompiledPairNetwork,
  compileNetwork,
  parameterTable,
} from "../../src/compiler/mod.ts";
import { Rng } from "../../src/random.ts";
import { assertClose, assertNoLeak } from "../_helpers.ts";

await useBackend("cpu");

const rng = () => new Rng(5);
const conv = (k: number, cin: number, cout: number) =>
  k * k * cin * cout + cout;
const bn = (c: number) => 2 * c;

Deno.test("DCGAN 32 px: parameter counts match the hand count (Miyato et al. 2018, table 3)", () => {
  const g = compileNetwork(networks.dcganGenerator({ size: 32 }), [128], {
    rng: rng(),
    path: "generator",
  });
  const expectedG = 128 * 4 * 4 * 512 + 4 * 4 * 512 + bn(512) +
    conv(4, 512, 256) + bn(256) + conv(4, 256, 128) + bn(128) +
    conv(4, 128, 64) + bn(64) + conv(3, 64, 3);
  assert.equal(g.paramCount, expectedG);
  assert.deepEqual(g.outputShape, [32, 32, 3]);
  // Batch-norm running statistics are state, not parameters: mean and variance per channel.
  assert.equal(
    g.state.reduce((n, v) => n + v.size, 0),
    2 * (512 + 256 + 128 + 64),
  );
  g.dispose();

  const d = compileDiscriminator(networks.dcganDiscriminator({ size: 32 }), [
    32,
    32,
    3,
  ], { rng: rng() });
  const expectedD = conv(3, 3, 64) + conv(4, 64, 64) + conv(3, 64, 128) +
    conv(4, 128, 128) + conv(3, 128, 256) + conv(4, 256, 256) +
    conv(3, 256, 512) + 4 * 4 * 512 + 1;
  assert.equal(d.paramCount, expectedD);
  d.dispose();
});

Deno.test("DCGAN 64 and 128 px: one more stage per doubling, channels capped at 512", () => {
  for (const size of [64, 128] as const) {
    const r = validate({
      kind: "experiment",
      name: `dcgan${size}`,
      data: datasets.imageFolder({ dir: "/nonexistent", size }),
      generator: networks.dcganGenerator({ size }),
      discriminator: networks.dcganDiscriminator({ size }),
      loss: losses.hinge(),
    });
    assert.deepEqual(r.issues, [], `size ${size}`);
  }
  const g = networks.dcganGenerator({ size: 128 });
  // dense block + 5 up-sampling stages + output block
  assert.equal(g.layers.length, 7);
  assert.throws(() => networks.dcganGenerator({ size: 48 as 32 }), RangeError);
});

Deno.test("SNGAN ResNet 32 px: parameter counts match the hand count", () => {
  const g = compileNetwork(networks.resnetGenerator(), [128], { rng: rng() });
  // per block: BN(256), conv3 256→256, BN(256), conv3 256→256, 1×1 shortcut 256→256
  const gBlock = bn(256) + conv(3, 256, 256) + bn(256) + conv(3, 256, 256) +
    conv(1, 256, 256);
  assert.equal(
    g.paramCount,
    128 * 4096 + 4096 + 3 * gBlock + bn(256) + conv(3, 256, 3),
  );
  assert.deepEqual(g.outputShape, [32, 32, 3]);
  g.dispose();

  const d = compileDiscriminator(networks.resnetDiscriminator(), [32, 32, 3], {
    rng: rng(),
  });
  const first = conv(3, 3, 128) + conv(3, 128, 128) + conv(1, 3, 128);
  const down = 2 * conv(3, 128, 128) + conv(1, 128, 128);
  const plain = 2 * conv(3, 128, 128); // identity shortcut
  assert.equal(d.paramCount, first + down + 2 * plain + 128 + 1);
  assert.equal(d.state.length, 0);
  d.dispose();

  const sn = compileDiscriminator(
    networks.resnetDiscriminator({ spectralNorm: true }),
    [32, 32, 3],
    { rng: rng() },
  );
  assert.equal(
    sn.paramCount,
    first + down + 2 * plain + 128 + 1,
    "spectral norm adds state, not parameters",
  );
  // one u vector per weight: 3 + 3 + 2 + 2 convolutions and the dense layer
  assert.equal(sn.state.length, 11);
  sn.dispose();
});

Deno.test("conv shapes: small DCGAN and ResNet nets run forward to the declared shapes", () => {
  const g = compileNetwork(
    networks.dcganGenerator({ size: 64, baseChannels: 4, maxChannels: 16 }),
    [8],
    { rng: rng() },
  );
  const z = tf.tensor2d(new Rng(1).normal(2 * 8), [2, 8]);
  const x = g.apply(z, { training: true });
  assert.deepEqual(x.shape, [2, 64, 64, 3]);
  const values = x.dataSync(); // device sync: test only
  assert.ok(values.every((v) => v >= -1 && v <= 1), "tanh output");
  const d = compileDiscriminator(
    networks.dcganDiscriminator({ size: 64, baseChannels: 4, maxChannels: 16 }),
    [64, 64, 3],
    { rng: rng() },
  );
  const s = d.input === "single" ? d.apply(x, { training: true }) : undefined;
  assert.deepEqual(s?.shape, [2]);
  tf.dispose([z, x, s!]);
  g.dispose();
  d.dispose();

  const rg = compileNetwork(networks.resnetGenerator({ channels: 4 }), [8], {
    rng: rng(),
  });
  const rd = compileDiscriminator(
    networks.resnetDiscriminator({ channels: 4 }),
    [32, 32, 3],
    { rng: rng() },
  );
  const z1 = tf.tensor2d(new Rng(1).normal(8), [1, 8]);
  const img = rg.apply(z1, { training: false });
  assert.deepEqual(img.shape, [1, 32, 32, 3]);
  const score = rd.input === "single"
    ? rd.apply(img, { training: false })
    : undefined;
  assert.deepEqual(score?.shape, [1]);
  tf.dispose([z1, img, score!]);
  rg.dispose();
  rd.dispose();
});

Deno.test("conv leaks: forward and backward through every conv layer kind and a relation D keep numTensors", async () => {
  // 8 × 8 images keep this fast; every kind of conv layer appears once.
  const g = compileNetwork(
    layers.sequential([
      layers.dense(2 * 2 * 4),
      layers.reshape([2, 2, 4]),
      layers.resBlock(4, {
        resample: "up",
        batchNorm: true,
        spectralNorm: true,
      }),
      layers.conv2dTranspose(4, 4, { stride: 2 }),
      layers.batchNorm(),
      layers.relu(),
      layers.conv2d(3, 3),
      layers.tanh(),
    ]),
    [4],
    { rng: rng() },
  );
  assert.deepEqual(g.outputShape, [8, 8, 3]);
  const trunk = layers.sequential([
    layers.resBlock(4, { resample: "down", first: true }),
    layers.resBlock(4, { resample: "down", spectralNorm: true }),
    layers.resBlock(4),
    layers.sequential([
      layers.upsample(),
      layers.avgPool(),
      layers.conv2d(4, 2, { stride: 2, padding: "valid" }),
    ]),
  ]);
  const d = compileDiscriminator(
    networks.relation(trunk, {
      merge: "concat",
      split: 2,
      head: layers.sequential([
        layers.relu(),
        layers.globalSumPool(),
        layers.dense(1),
      ]),
    }),
    [8, 8, 3],
    { rng: rng() },
  ) as CompiledPairNetwork;
  const z = tf.tensor2d(new Rng(2).normal(2 * 4), [2, 4]);
  const real = tf.tidy(() =>
    tf.tanh(tf.tensor4d(new Rng(3).normal(2 * 8 * 8 * 3), [2, 8, 8, 3]))
  );
  const step = () => {
    const { value, grads } = tf.variableGrads(() =>
      tf.tidy(() => {
        const fake = g.apply(z, { training: true });
        return tf.mean(d.apply(real, fake, { training: true })) as tf.Scalar;
      }), [...g.variables, ...d.variables]);
    value.dispose();
    tf.dispose(Object.values(grads));
  };
  step();
  await assertNoLeak("conv nets", () => {
    for (let i = 0; i < 3; i++) step();
  });
  tf.dispose([z, real]);
  g.dispose();
  d.dispose();
});

Deno.test("batch norm: training normalises with batch moments and moves the running statistics", () => {
  const net = compileNetwork(
    layers.sequential([layers.batchNorm({ momentum: 0.5 })]),
    [2],
    { rng: rng() },
  ) as CompiledNetwork;
  const x = tf.tensor2d([[1, 10], [3, 14]]);
  const y = net.apply(x, { training: true });
  // per channel: mean (1+3)/2 = 2, variance 1 → (x−2)/√(1+1e-5); mean 12, variance 4 → (x−12)/√(4+1e-5)
  assertClose(y.dataSync(), [
    -1 / Math.sqrt(1 + 1e-5),
    -2 / Math.sqrt(4 + 1e-5),
    1 / Math.sqrt(1 + 1e-5),
    2 / Math.sqrt(4 + 1e-5),
  ], 1e-5);
  const [mean, variance] = net.state;
  // running ← 0.5 · running + 0.5 · batch, from 0 and 1
  assertClose(mean.dataSync(), [0.5 * 2, 0.5 * 12], 1e-6);
  assertClose(variance.dataSync(), [0.5 + 0.5 * 1, 0.5 + 0.5 * 4], 1e-6);
  const inference = net.apply(x, { training: false });
  assertClose(inference.dataSync(), [
    (1 - 1) / Math.sqrt(1 + 1e-5),
    (10 - 6) / Math.sqrt(2.5 + 1e-5),
    (3 - 1) / Math.sqrt(1 + 1e-5),
    (14 - 6) / Math.sqrt(2.5 + 1e-5),
  ], 1e-5);
  assertClose(
    mean.dataSync(),
    [1, 6],
    1e-6,
    "inference leaves the statistics alone",
  );
  tf.dispose([x, y, inference]);
  net.dispose();
});

Deno.test("up-sampling and pooling: nearest repeats pixels, average pooling averages 2×2 windows", () => {
  const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
  const up = compileNetwork(layers.sequential([layers.upsample()]), [2, 2, 1], {
    rng: rng(),
  });
  const pool = compileNetwork(
    layers.sequential([layers.avgPool()]),
    [4, 4, 1],
    { rng: rng() },
  );
  const y = up.apply(x, { training: false });
  assert.deepEqual(Array.from(y.dataSync()), [
    1,
    1,
    2,
    2,
    1,
    1,
    2,
    2,
    3,
    3,
    4,
    4,
    3,
    3,
    4,
    4,
  ]);
  const back = pool.apply(y, { training: false });
  assert.deepEqual(Array.from(back.dataSync()), [1, 2, 3, 4]);
  tf.dispose([x, y, back]);
});

Deno.test("spectral norm: the normalised dense weight has largest singular value ≈ 1 after power iterations", () => {
  const net = compileNetwork(
    layers.sequential([layers.dense(3, { spectralNorm: true, bias: false })]),
    [4],
    { rng: rng() },
  );
  const eye = tf.eye(4);
  for (let i = 0; i < 30; i++) tf.dispose(net.apply(eye, { training: true }));
  // apply(I) = W / σ; its largest singular value is the square root of the top eigenvalue of MᵀM (power iteration in plain numbers).
  const wsn = net.apply(eye, { training: false });
  const m = Array.from(wsn.dataSync()); // [4, 3] row-major
  const mtm = (i: number, j: number) =>
    [0, 1, 2, 3].reduce((s, r) => s + m[r * 3 + i] * m[r * 3 + j], 0);
  let v = [1, 1, 1];
  let lambda = 0;
  for (let it = 0; it < 200; it++) {
    const w = [0, 1, 2].map((i) =>
      [0, 1, 2].reduce((s, j) => s + mtm(i, j) * v[j], 0)
    );
    lambda = Math.hypot(...w);
    v = w.map((x) => x / lambda);
  }
  assert.ok(
    Math.abs(Math.sqrt(lambda) - 1) < 1e-3,
    `σ(W/σ̂) = ${Math.sqrt(lambda)}`,
  );
  tf.dispose([eye, wsn]);
  net.dispose();
});

Deno.test("shape checking: a conv discriminator on the wrong data names the layer path", () => {
  const r = validate({
    kind: "experiment",
    name: "x",
    data: datasets.cifar10(),
    generator: networks.dcganGenerator({ size: 64 }),
    discriminator: networks.dcganDiscriminator({ size: 32 }),
    loss: losses.vanilla(),
  });
  assert.equal(r.ok, false);
  assert.deepEqual(r.issues[0].path, ["generator"]);
  assert.equal(r.issues[0].expected, "output shape [32, 32, 3]");
  assert.equal(r.issues[0].received, "[64, 64, 3]");
  assert.throws(
    () =>
      compileNetwork(
        layers.sequential([layers.resBlock(8, { resample: "down" })]),
        [5, 5, 3],
        { rng: rng(), path: "discriminator" },
      ),
    /res_block down-sampling needs an even height and width/,
  );
});

Deno.test("res_block: up-sampling and optimised first blocks match graphs built by hand", () => {
  const byName = (net: CompiledNetwork, suffix: string) => {
    const v = [...net.variables, ...net.state].find((x) =>
      x.name.endsWith(suffix)
    );
    assert.ok(v, `no variable ${suffix}`);
    return v;
  };
  const convBy = (net: CompiledNetwork, part: string, x: tf.Tensor) =>
    tf.add(
      tf.conv2d(
        x as tf.Tensor4D,
        byName(net, `${part}/kernel`) as tf.Tensor4D,
        1,
        "same",
      ),
      byName(net, `${part}/bias`),
    );
  const up = (x: tf.Tensor) =>
    tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [
      x.shape[1]! * 2,
      x.shape[2]! * 2,
    ]);
  const pool = (x: tf.Tensor) => tf.avgPool(x as tf.Tensor4D, 2, 2, "valid");
  // Inference-mode batch norm with fresh statistics (mean 0, variance 1, γ = 1, β = 0) is x / √(1 + ε).
  const bn = (x: tf.Tensor) => tf.div(x, Math.sqrt(1 + 1e-5));
  const x = tf.tensor4d(new Rng(8).normal(2 * 4 * 4 * 3), [2, 4, 4, 3]);

  const g = compileNetwork(
    layers.sequential([
      layers.resBlock(5, { resample: "up", batchNorm: true }),
    ]),
    [4, 4, 3],
    { rng: rng(), path: "g" },
  );
  const gGot = g.apply(x, { training: false });
  const gWant = tf.tidy(() => {
    const h = convBy(
      g,
      "conv2",
      tf.relu(bn(convBy(g, "conv1", up(tf.relu(bn(x)))))),
    );
    return tf.add(h, convBy(g, "shortcut", up(x)));
  });
  assert.deepEqual(gGot.shape, [2, 8, 8, 5]);
  assertClose(gGot.dataSync(), gWant.dataSync(), 1e-4, "generator block");

  const d = compileNetwork(
    layers.sequential([layers.resBlock(5, { resample: "down", first: true })]),
    [4, 4, 3],
    { rng: rng(), path: "d" },
  );
  const dGot = d.apply(x, { training: false });
  const dWant = tf.tidy(() => {
    const h = pool(convBy(d, "conv2", tf.relu(convBy(d, "conv1", x))));
    return tf.add(h, convBy(d, "shortcut", pool(x)));
  });
  assert.deepEqual(dGot.shape, [2, 2, 2, 5]);
  assertClose(
    dGot.dataSync(),
    dWant.dataSync(),
    1e-4,
    "first discriminator block",
  );

  const plain = compileNetwork(layers.sequential([layers.resBlock(3)]), [
    4,
    4,
    3,
  ], { rng: rng(), path: "p" });
  assert.equal(
    plain.variables.some((v) => v.name.includes("shortcut")),
    false,
    "identity shortcut when shapes agree",
  );
  const pGot = plain.apply(x, { training: false });
  const pWant = tf.tidy(() =>
    tf.add(
      convBy(plain, "conv2", tf.relu(convBy(plain, "conv1", tf.relu(x)))),
      x,
    )
  );
  assertClose(pGot.dataSync(), pWant.dataSync(), 1e-4, "plain block");

  tf.dispose([x, gGot, gWant, dGot, dWant, pGot, pWant]);
  for (const n of [g, d, plain]) n.dispose();
});

Deno.test("parameterTable: per-layer rows sum to the network's counts", () => {
  const g = compileNetwork(
    networks.dcganGenerator({ size: 32, baseChannels: 4, maxChannels: 8 }),
    [8],
    { rng: rng(), path: "generator" },
  );
  const rows = parameterTable(g);
  assert.equal(rows.reduce((n, r) => n + r.params, 0), g.paramCount);
  assert.equal(
    rows.reduce((n, r) => n + r.state, 0),
    g.state.reduce((n, v) => n + v.size, 0),
  );
  assert.deepEqual(rows[0], {
    path: "generator.layers[0].layers[0]",
    params: 8 * 4 * 4 * 8 + 4 * 4 * 8,
    state: 0,
  });
  assert.deepEqual(rows[1], {
    path: "generator.layers[0].layers[2]",
    params: 2 * 8,
    state: 2 * 8,
  });
  g.dispose();
});

Deno.test("compileNetwork: an invalid layer is a declaration error at its path, before any variable", () => {
  const before = tf.memory().numTensors;
  assert.throws(
    () =>
      compileNetwork(
        {
          kind: "sequential",
          layers: [{ kind: "dense", units: 4 }, { kind: "dense", units: -1 }],
        },
        [2],
        { rng: rng(), path: "generator" },
      ),
    (e: Error) =>
      e instanceof RangeError &&
      /`generator\.layers\[1\]\.units` is out of range/.test(e.message),
  );
  assert.equal(tf.memory().numTensors, before);
});
