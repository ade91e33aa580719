/**
 * Lowers layer declarations to functions over explicit `tf.Variable`s.
 * Each builder creates its variables once, initialised from its own fork
 * of the network's generator (labelled by the layer's path), and returns a
 * pure `apply`.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../random.ts";
import { layerShape, type Shape } from "../dsl/shapes.ts";
import { formatPath, type IssuePath } from "../dsl/issue.ts";
import type {
  ActivationFn,
  InitKind,
  LayerDecl,
  ResBlockDecl,
  SequentialDecl,
} from "../dsl/types.ts";

/** A lowered layer. */
export interface BuiltLayer {
  readonly outputShape: Shape;
  readonly variables: tf.Variable[];
  readonly state: tf.Variable[];
  /** `[batch, ...inputShape]` → `[batch, ...outputShape]`. */
  apply(x: tf.Tensor, training: boolean): tf.Tensor;
}

/** Where variables are created: the generator and the name prefix. */
export interface BuildContext {
  readonly rng: Rng;
  /** The network's name, e.g. `"generator"` (the first part of every path). */
  readonly network: string;
}

function uniqueName(name: string): string {
  const taken = tf.engine().registeredVariables;
  if (!(name in taken)) return name;
  let i = 2;
  while (`${name}~${i}` in taken) i++;
  return `${name}~${i}`;
}

function variable(
  path: IssuePath,
  label: string,
  shape: number[],
  values: Float32Array,
  trainable: boolean,
): tf.Variable {
  const name = uniqueName(`${formatPath(path)}/${label}`);
  const initial = tf.tensor(values, shape, "float32");
  const v = tf.variable(initial, trainable, name);
  initial.dispose();
  return v;
}

function initValues(
  rng: Rng,
  kind: InitKind,
  n: number,
  fanIn: number,
  fanOut: number,
): Float32Array {
  switch (kind) {
    case "glorot_uniform": {
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      return rng.uniform(n, -limit, limit);
    }
    case "he_normal":
      return rng.normal(n, 0, Math.sqrt(2 / fanIn));
    case "normal_002":
      return rng.normal(n, 0, 0.02);
    default: {
      const never: never = kind;
      throw new TypeError(`Unknown initialiser ${JSON.stringify(never)}`);
    }
  }
}

/** Passes values forward and nothing back: treats its input as a constant. */
const stopGradient = tf.customGrad(
  ((x: tf.Tensor) => ({
    value: tf.clone(x),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  })) as unknown as Parameters<typeof tf.customGrad>[0],
) as (x: tf.Tensor) => tf.Tensor;

/**
 * A weight tensor, optionally spectrally normalised: W / σ(W) with σ
 * estimated by one power iteration per training call on the matrix
 * `[fan, out]`; the iterate `u` is state (Miyato et al. 2018, algorithm 1).
 */
function weight(
  ctx: BuildContext,
  path: IssuePath,
  shape: number[],
  init: InitKind,
  fanIn: number,
  fanOut: number,
  spectralNorm: boolean,
  variables: tf.Variable[],
  state: tf.Variable[],
): (training: boolean) => tf.Tensor {
  const rng = ctx.rng.fork(`${formatPath(path)}/kernel`);
  const n = shape.reduce((a, b) => a * b, 1);
  const w = variable(
    path,
    "kernel",
    shape,
    initValues(rng, init, n, fanIn, fanOut),
    true,
  );
  variables.push(w);
  if (!spectralNorm) return () => w;
  const out = shape[shape.length - 1];
  const u0 = rng.fork("sn_u").normal(out);
  const norm = Math.hypot(...u0) || 1;
  const u = variable(path, "sn_u", [out], u0.map((x) => x / norm), false);
  state.push(u);
  return (training) => {
    const m = tf.reshape(w, [-1, out]); // [fan, out]
    const mConst = stopGradient(m);
    const mu = tf.matMul(mConst, tf.reshape(u, [out, 1])); // [fan, 1]
    const v = tf.div(mu, tf.add(tf.norm(mu), 1e-12)); // [fan, 1]
    const mtv = tf.matMul(mConst, v, true, false); // [out, 1]
    const uNew = tf.div(mtv, tf.add(tf.norm(mtv), 1e-12)); // [out, 1]
    // σ ≈ vᵀ W u with u, v held constant, so the gradient flows through W only.
    const sigma = tf.sum(tf.mul(v, tf.matMul(m, uNew))); // []
    if (training) u.assign(tf.reshape(uNew, [out]));
    return tf.div(w, sigma);
  };
}

function bias(
  path: IssuePath,
  n: number,
  variables: tf.Variable[],
): tf.Variable {
  const b = variable(path, "bias", [n], new Float32Array(n), true);
  variables.push(b);
  return b;
}

function activate(x: tf.Tensor, fn: ActivationFn, alpha: number): tf.Tensor {
  switch (fn) {
    case "relu":
      return tf.relu(x);
    case "leaky_relu":
      return tf.leakyRelu(x, alpha);
    case "tanh":
      return tf.tanh(x);
    case "sigmoid":
      return tf.sigmoid(x);
    case "elu":
      return tf.elu(x);
    case "softplus":
      return tf.softplus(x);
    case "linear":
      return x;
    default: {
      const never: never = fn;
      throw new TypeError(`Unknown activation ${JSON.stringify(never)}`);
    }
  }
}

function batchNorm(
  path: IssuePath,
  channels: number,
  momentum: number,
  epsilon: number,
): BuiltLayer {
  const gamma = variable(
    path,
    "gamma",
    [channels],
    new Float32Array(channels).fill(1),
    true,
  );
  const beta = variable(
    path,
    "beta",
    [channels],
    new Float32Array(channels),
    true,
  );
  const mean = variable(
    path,
    "moving_mean",
    [channels],
    new Float32Array(channels),
    false,
  );
  const vari = variable(
    path,
    "moving_variance",
    [channels],
    new Float32Array(channels).fill(1),
    false,
  );
  return {
    outputShape: [],
    variables: [gamma, beta],
    state: [mean, vari],
    apply(x, training) {
      const axes = x.shape.slice(0, -1).map((_, i) => i);
      let m: tf.Tensor = mean;
      let v: tf.Tensor = vari;
      if (training) {
        const moments = tf.moments(x, axes); // [c], [c]
        m = moments.mean;
        v = moments.variance;
        mean.assign(tf.add(tf.mul(mean, momentum), tf.mul(m, 1 - momentum)));
        vari.assign(tf.add(tf.mul(vari, momentum), tf.mul(v, 1 - momentum)));
      }
      // (x − μ) / √(σ² + ε) · γ + β
      const scale = tf.mul(tf.rsqrt(tf.add(v, epsilon)), gamma); // [c]
      return tf.add(tf.mul(tf.sub(x, m), scale), beta);
    },
  };
}

function conv(
  ctx: BuildContext,
  path: IssuePath,
  inC: number,
  filters: number,
  kernel: number,
  stride: number,
  padding: "same" | "valid",
  init: InitKind,
  spectralNorm: boolean,
  useBias: boolean,
  variables: tf.Variable[],
  state: tf.Variable[],
): (x: tf.Tensor4D, training: boolean) => tf.Tensor4D {
  const w = weight(
    ctx,
    path,
    [kernel, kernel, inC, filters],
    init,
    kernel * kernel * inC,
    kernel * kernel * filters,
    spectralNorm,
    variables,
    state,
  );
  const b = useBias ? bias(path, filters, variables) : undefined;
  // The bias rides in the convolution (tf.fused.conv2d): one pass fewer
  // over the output than a separate add, on every backend.
  return (x, training) =>
    tf.fused.conv2d({
      x,
      filter: w(training) as tf.Tensor4D,
      strides: stride,
      pad: padding,
      bias: b,
    }); // [b, h', w', f]
}

function upsample(x: tf.Tensor, factor: number): tf.Tensor {
  const [, h, w] = x.shape;
  return tf.image.resizeNearestNeighbor(
    x as tf.Tensor4D,
    [h * factor, w * factor],
  ); // [b, h·f, w·f, c]
}

function resBlock(
  ctx: BuildContext,
  layer: Required<ResBlockDecl>,
  input: Shape,
  path: IssuePath,
): BuiltLayer {
  const variables: tf.Variable[] = [];
  const state: tf.Variable[] = [];
  const inC = input[2];
  const f = layer.filters;
  const at = (name: string): IssuePath => [...path, name];
  const sn = layer.spectralNorm;
  const bn1 = layer.batchNorm && !layer.first
    ? batchNorm(at("bn1"), inC, 0.9, 1e-5)
    : undefined;
  const c1 = conv(
    ctx,
    at("conv1"),
    inC,
    f,
    3,
    1,
    "same",
    layer.init,
    sn,
    true,
    variables,
    state,
  );
  const bn2 = layer.batchNorm ? batchNorm(at("bn2"), f, 0.9, 1e-5) : undefined;
  const c2 = conv(
    ctx,
    at("conv2"),
    f,
    f,
    3,
    1,
    "same",
    layer.init,
    sn,
    true,
    variables,
    state,
  );
  const learnable = inC !== f || layer.resample !== "none";
  const sc = learnable
    ? conv(
      ctx,
      at("shortcut"),
      inC,
      f,
      1,
      1,
      "same",
      layer.init,
      sn,
      true,
      variables,
      state,
    )
    : undefined;
  for (const bn of [bn1, bn2]) {
    if (bn) {
      variables.push(...bn.variables);
      state.push(...bn.state);
    }
  }
  const down = (x: tf.Tensor) => tf.avgPool(x as tf.Tensor4D, 2, 2, "valid");
  return {
    outputShape: layerShape(layer, input, path),
    variables,
    state,
    apply(x, training) {
      let h = x; // [b, h, w, inC]
      if (bn1) h = bn1.apply(h, training);
      if (!layer.first) h = tf.relu(h);
      if (layer.resample === "up") h = upsample(h, 2);
      h = c1(h as tf.Tensor4D, training);
      if (bn2) h = bn2.apply(h, training);
      h = c2(tf.relu(h) as tf.Tensor4D, training); // [b, h', w', f]
      if (layer.resample === "down") h = down(h);
      let s = x;
      if (layer.first) {
        s = sc!(down(s) as tf.Tensor4D, training);
      } else {
        if (layer.resample === "up") s = upsample(s, 2);
        if (sc) s = sc(s as tf.Tensor4D, training);
        if (layer.resample === "down") s = down(s);
      }
      return tf.add(h, s); // [b, h', w', f]
    },
  };
}

/**
 * Lowers one resolved layer declaration.
 *
 * @param ctx Generator and name prefix.
 * @param layer The layer, defaults filled in.
 * @param input Its per-example input shape.
 * @param path Its path, for names, forks and errors.
 * @returns The layer's variables, state, output shape and apply.
 * @throws {ShapeMismatch} When the layer cannot take `input`.
 */
export function buildLayer(
  ctx: BuildContext,
  layer: LayerDecl,
  input: Shape,
  path: IssuePath,
): BuiltLayer {
  const outputShape = layerShape(layer, input, path);
  const variables: tf.Variable[] = [];
  const state: tf.Variable[] = [];
  const done = (
    apply: (x: tf.Tensor, training: boolean) => tf.Tensor,
  ): BuiltLayer => ({ outputShape, variables, state, apply });
  switch (layer.kind) {
    case "dense": {
      const w = weight(
        ctx,
        path,
        [input[0], layer.units],
        layer.init ?? "glorot_uniform",
        input[0],
        layer.units,
        layer.spectralNorm ?? false,
        variables,
        state,
      );
      const b = layer.bias !== false
        ? bias(path, layer.units, variables)
        : undefined;
      return done((x, training) =>
        tf.fused.matMul({
          a: x as tf.Tensor2D,
          b: w(training) as tf.Tensor2D,
          bias: b,
        }) // [b, units]
      );
    }
    case "conv2d": {
      const c = conv(
        ctx,
        path,
        input[2],
        layer.filters,
        layer.kernel,
        layer.stride ?? 1,
        layer.padding ?? "same",
        layer.init ?? "glorot_uniform",
        layer.spectralNorm ?? false,
        layer.bias !== false,
        variables,
        state,
      );
      return done((x, training) => c(x as tf.Tensor4D, training));
    }
    case "conv2d_transpose": {
      const k = layer.kernel;
      const s = layer.stride ?? 2;
      const w = weight(
        ctx,
        path,
        [k, k, layer.filters, input[2]],
        layer.init ?? "glorot_uniform",
        k * k * input[2],
        k * k * layer.filters,
        layer.spectralNorm ?? false,
        variables,
        state,
      );
      const b = layer.bias !== false
        ? bias(path, layer.filters, variables)
        : undefined;
      return done((x, training) => {
        const y = tf.conv2dTranspose(
          x as tf.Tensor4D,
          w(training) as tf.Tensor4D,
          [x.shape[0], ...outputShape] as [number, number, number, number],
          s,
          "same",
        ); // [b, h·s, w·s, filters]
        return b ? tf.add(y, b) : y;
      });
    }
    case "activation":
      return done((x) => activate(x, layer.fn, layer.alpha ?? 0.2));
    case "batch_norm": {
      const bn = batchNorm(
        path,
        input[input.length - 1],
        layer.momentum ?? 0.9,
        layer.epsilon ?? 1e-5,
      );
      variables.push(...bn.variables);
      state.push(...bn.state);
      return done(bn.apply);
    }
    case "upsample":
      return done((x) => upsample(x, layer.factor ?? 2));
    case "avg_pool": {
      const s = layer.size ?? 2;
      return done((x) => tf.avgPool(x as tf.Tensor4D, s, s, "valid"));
    }
    case "global_sum_pool":
      return done((x) => tf.sum(x, [1, 2])); // [b, c]
    case "reshape":
    case "flatten":
      return done((x) => tf.reshape(x, [x.shape[0], ...outputShape]));
    case "res_block":
      return resBlock(
        ctx,
        {
          resample: "none",
          batchNorm: false,
          first: false,
          spectralNorm: false,
          init: "glorot_uniform",
          ...layer,
        },
        input,
        path,
      );
    case "sequential":
      return buildSequential(ctx, layer, input, path);
    default: {
      const never: never = layer;
      throw new TypeError(`Unknown layer kind ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Lowers a sequence of layers; layer i lives at `[...path, "layers", i]`.
 *
 * @param ctx Generator and name prefix.
 * @param seq The sequence.
 * @param input Its per-example input shape.
 * @param path Its path.
 * @returns The composed layer.
 * @throws {ShapeMismatch} At the first layer that cannot take its input.
 */
export function buildSequential(
  ctx: BuildContext,
  seq: SequentialDecl,
  input: Shape,
  path: IssuePath,
): BuiltLayer {
  const built: BuiltLayer[] = [];
  let shape = input;
  try {
    seq.layers.forEach((layer, i) => {
      const b = buildLayer(ctx, layer, shape, [...path, "layers", i]);
      built.push(b);
      shape = b.outputShape;
    });
  } catch (e) {
    for (const b of built) {
      for (const v of [...b.variables, ...b.state]) v.dispose();
    }
    throw e;
  }
  return {
    outputShape: shape,
    variables: built.flatMap((b) => b.variables),
    state: built.flatMap((b) => b.state),
    apply: (x, training) => built.reduce((h, b) => b.apply(h, training), x),
  };
}
