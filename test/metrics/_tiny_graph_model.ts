/**
 * Writes a tiny TensorFlow.js graph model directory (model.json + one
 * weight shard, the format tensorflowjs_converter writes) for the loader
 * tests: features = mean over h, w of the images, times W [c, f]; logits =
 * features · W2 [f, k]; softmax.
 *
 * @module
 */

export interface TinyGraphModel {
  dir: string;
  /** [c, f] row-major. */
  w: Float32Array;
  /** [f, k] row-major. */
  w2: Float32Array;
  /** The shard's bytes. */
  shard: Uint8Array<ArrayBuffer>;
}

const float = { type: "DT_FLOAT" };
const dims = (shape: number[]) => ({
  dim: shape.map((s) => ({ size: String(s) })),
});
const constant = (name: string, dtype: string, shape: number[]) => ({
  name,
  op: "Const",
  attr: {
    value: { tensor: { dtype, tensorShape: dims(shape) } },
    dtype: { type: dtype },
  },
});

export async function writeTinyGraphModel(
  dir: string,
  options: {
    size: [number, number, number];
    features: number;
    classes: number;
    seed?: number;
    metadata?: Record<string, unknown>;
  },
): Promise<TinyGraphModel> {
  const [h, w, c] = options.size;
  const f = options.features;
  const k = options.classes;
  let s = options.seed ?? 1;
  const next = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647 - 0.5;
  };
  const wv = Float32Array.from({ length: c * f }, next);
  const w2v = Float32Array.from({ length: f * k }, next);
  const axes = new Int32Array([1, 2]);

  const topology = {
    node: [
      {
        name: "images",
        op: "Placeholder",
        attr: { dtype: float, shape: { shape: dims([-1, h, w, c]) } },
      },
      constant("axes", "DT_INT32", [2]),
      constant("w", "DT_FLOAT", [c, f]),
      constant("w2", "DT_FLOAT", [f, k]),
      {
        name: "pooled",
        op: "Mean",
        input: ["images", "axes"],
        attr: { keep_dims: { b: false }, T: float, Tidx: { type: "DT_INT32" } },
      },
      {
        name: "pool_3",
        op: "MatMul",
        input: ["pooled", "w"],
        attr: {
          transpose_a: { b: false },
          transpose_b: { b: false },
          T: float,
        },
      },
      {
        name: "logits",
        op: "MatMul",
        input: ["pool_3", "w2"],
        attr: {
          transpose_a: { b: false },
          transpose_b: { b: false },
          T: float,
        },
      },
      { name: "softmax", op: "Softmax", input: ["logits"], attr: { T: float } },
    ],
    library: {},
    versions: { producer: 1 },
  };
  const shard = new Uint8Array(
    axes.byteLength + wv.byteLength + w2v.byteLength,
  );
  shard.set(new Uint8Array(axes.buffer), 0);
  shard.set(new Uint8Array(wv.buffer), axes.byteLength);
  shard.set(new Uint8Array(w2v.buffer), axes.byteLength + wv.byteLength);

  const json = {
    format: "graph-model",
    generatedBy: "relgan test",
    convertedBy: "relgan test",
    modelTopology: topology,
    weightsManifest: [{
      paths: ["group1-shard1of1.bin"],
      weights: [
        { name: "axes", shape: [2], dtype: "int32" },
        { name: "w", shape: [c, f], dtype: "float32" },
        { name: "w2", shape: [f, k], dtype: "float32" },
      ],
    }],
    ...(options.metadata ? { userDefinedMetadata: options.metadata } : {}),
  };
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/model.json`, JSON.stringify(json));
  await Deno.writeFile(`${dir}/group1-shard1of1.bin`, shard);
  return { dir, w: wv, w2: w2v, shard };
}
