/**
 * The run-time schema of declarations: for every category of node, its
 * kinds, and for every kind its fields with their types, ranges and
 * defaults. Structural validation and default resolution both walk it, so
 * each default is written once, here.
 *
 * Adding a dataset, loss or evaluator kind is a local change: one entry in
 * its category below (and its type in `types.ts`, its loader in the
 * compiler's table).
 *
 * @module
 */

import type { DeclarationIssue, IssueCode, IssuePath } from "./issue.ts";
import { formatIssueMessage } from "./issue.ts";

/** A field's type, range and default. */
export type Field =
  | {
    readonly t: "number";
    readonly int?: boolean;
    readonly min?: number;
    readonly max?: number;
    /** Lower bound excluded. */
    readonly gt?: number;
    /** Upper bound excluded. */
    readonly lt?: number;
    /** The only accepted values. */
    readonly oneOf?: readonly number[];
    readonly opt?: boolean;
    readonly def?: number;
  }
  | {
    /** An image side: a positive integer, or `[height, width]`. */
    readonly t: "side";
    readonly opt?: boolean;
    readonly def?: undefined;
  }
  | {
    readonly t: "string";
    readonly enum?: readonly string[];
    readonly pattern?: RegExp;
    readonly opt?: boolean;
    readonly def?: string;
  }
  | { readonly t: "boolean"; readonly opt?: boolean; readonly def?: boolean }
  | {
    readonly t: "numbers";
    readonly int?: boolean;
    readonly min?: number;
    /** Exact number of entries. */
    readonly length?: number;
    readonly opt?: boolean;
    readonly def?: readonly number[];
  }
  | {
    readonly t: "node";
    readonly cat: Category;
    readonly opt?: boolean;
    readonly def?: unknown;
  }
  | {
    readonly t: "nodes";
    readonly cat: Category;
    readonly opt?: boolean;
    readonly def?: readonly unknown[];
    readonly minLength?: number;
  };

/** The categories of node; each lists its kinds. */
export type Category =
  | "declaration"
  | "experiment"
  | "suite"
  | "dataset"
  | "mnist"
  | "layer"
  | "sequential"
  | "discriminator"
  | "loss"
  | "margin"
  | "evaluator"
  | "feature_network"
  | "classifier_output"
  | "adam"
  | "training"
  | "schedule";

type Kinds = Readonly<Record<string, Readonly<Record<string, Field>>>>;

const positiveInt = { t: "number", int: true, min: 1 } as const;
const countOrZero = { t: "number", int: true, min: 0 } as const;
const init = {
  t: "string",
  enum: ["glorot_uniform", "he_normal", "normal_002"],
  opt: true,
  def: "glorot_uniform",
} as const;
const sn = { t: "boolean", opt: true, def: false } as const;

const side = { t: "side", opt: false } as const;
const channels = { t: "number", int: true, oneOf: [1, 3], opt: true } as const;
const limit = { ...positiveInt, opt: true } as const;

const dataset: Kinds = {
  eight_gaussians: {
    radius: { t: "number", gt: 0, opt: true },
    std: { t: "number", gt: 0, opt: true },
  },
  twenty_five_gaussians: {
    spacing: { t: "number", gt: 0, opt: true },
    std: { t: "number", gt: 0, opt: true },
  },
  swiss_roll: {
    noise: { t: "number", min: 0, opt: true },
    scale: { t: "number", gt: 0, opt: true },
  },
  mnist: {
    images: { t: "string", opt: true },
    labels: { t: "string", opt: true },
    limit,
  },
  stacked_mnist: {
    size: { ...positiveInt, opt: true },
    seed: { t: "number", int: true, min: 0, opt: true },
    imageSize: { t: "number", int: true, oneOf: [28, 32], opt: true },
    mnist: { t: "node", cat: "mnist", opt: true },
  },
  cifar10: {
    dir: { t: "string", opt: true },
    split: { t: "string", enum: ["train", "test", "all"], opt: true },
    download: { t: "boolean", opt: true },
    cacheDir: { t: "string", opt: true },
    url: { t: "string", opt: true },
    md5: { t: "string", opt: true },
    limit,
  },
  image_folder: {
    dir: { t: "string" },
    size: side,
    channels,
    recursive: { t: "boolean", opt: true },
    skipBad: { t: "boolean", opt: true },
    limit,
  },
  lsun: {
    path: { t: "string" },
    size: side,
    channels,
    skipBad: { t: "boolean", opt: true },
    limit,
  },
};

const layer: Kinds = {
  dense: {
    units: positiveInt,
    bias: { t: "boolean", opt: true, def: true },
    init,
    spectralNorm: sn,
  },
  conv2d: {
    filters: positiveInt,
    kernel: positiveInt,
    stride: { ...positiveInt, opt: true, def: 1 },
    padding: { t: "string", enum: ["same", "valid"], opt: true, def: "same" },
    bias: { t: "boolean", opt: true, def: true },
    init,
    spectralNorm: sn,
  },
  conv2d_transpose: {
    filters: positiveInt,
    kernel: positiveInt,
    stride: { ...positiveInt, opt: true, def: 2 },
    bias: { t: "boolean", opt: true, def: true },
    init,
    spectralNorm: sn,
  },
  activation: {
    fn: {
      t: "string",
      enum: [
        "relu",
        "leaky_relu",
        "tanh",
        "sigmoid",
        "elu",
        "softplus",
        "linear",
      ],
    },
    alpha: { t: "number", min: 0, opt: true, def: 0.2 },
  },
  batch_norm: {
    momentum: { t: "number", min: 0, lt: 1, opt: true, def: 0.9 },
    epsilon: { t: "number", gt: 0, opt: true, def: 1e-5 },
  },
  upsample: { factor: { ...positiveInt, opt: true, def: 2 } },
  avg_pool: { size: { ...positiveInt, opt: true, def: 2 } },
  global_sum_pool: {},
  reshape: { shape: { t: "numbers", int: true, min: 1 } },
  flatten: {},
  res_block: {
    filters: positiveInt,
    resample: {
      t: "string",
      enum: ["up", "down", "none"],
      opt: true,
      def: "none",
    },
    batchNorm: { t: "boolean", opt: true, def: false },
    first: { t: "boolean", opt: true, def: false },
    spectralNorm: sn,
    init,
  },
  sequential: { layers: { t: "nodes", cat: "layer" } },
};

const margin: Kinds = {
  distance: {
    norm: { t: "string", enum: ["l2", "l1"], opt: true, def: "l2" },
    scale: { t: "number", gt: 0, opt: true, def: 1 },
  },
  constant: { value: { t: "number", min: 0, opt: true, def: 100 } },
};

const loss: Kinds = {
  relation: {
    form: {
      t: "string",
      enum: ["per-sample", "batch-mean"],
      opt: true,
      def: "per-sample",
    },
    margin: {
      t: "node",
      cat: "margin",
      opt: true,
      def: { kind: "distance" },
    },
  },
  siamese: { margin: { t: "number", gt: 0, opt: true, def: 1 } },
  vanilla: {
    generator: {
      t: "string",
      enum: ["minimax", "non-saturating"],
      opt: true,
      def: "non-saturating",
    },
  },
  lsgan: {},
  wgan_gp: { lambda: { t: "number", min: 0, opt: true, def: 10 } },
  relativistic: { average: { t: "boolean", opt: true, def: false } },
  hinge: {},
};

const count = { ...positiveInt, opt: true } as const;
const imageMetric = {
  network: { t: "node", cat: "feature_network" },
  samples: count,
  batchSize: count,
  resize: { t: "string", enum: ["bilinear", "nearest"], opt: true },
  linearAlgebra: {
    t: "string",
    enum: ["auto", "openblas", "typescript"],
    opt: true,
  },
} as const;
const real = {
  realSamples: count,
  realSplit: { t: "string", opt: true },
} as const;

const evaluator: Kinds = {
  toy_modes: {
    samples: count,
    sigmas: { t: "number", gt: 0, opt: true },
    minCount: count,
    keepSamples: { t: "number", int: true, min: 0, opt: true },
  },
  swiss_roll_distance: {
    samples: count,
    projections: count,
    keepSamples: { t: "number", int: true, min: 0, opt: true },
  },
  fid: { ...imageMetric, ...real },
  kid: { ...imageMetric, ...real, subsets: count, subsetSize: count },
  is: { ...imageMetric, splits: count },
  stacked_mnist_modes: {
    samples: count,
    minCount: count,
    classifierDir: { t: "string", opt: true },
    chunk: count,
  },
};

const layout = { t: "string", enum: ["NHWC", "NCHW"], opt: true } as const;
const featureNetwork: Kinds = {
  inception_v3: {
    path: { t: "string" },
    featuresOutput: { t: "string", opt: true },
    classifierOutput: { t: "node", cat: "classifier_output", opt: true },
    layout,
    inputRange: { t: "numbers", length: 2, opt: true },
    expectedHash: { t: "string", opt: true },
  },
  graph_model: {
    path: { t: "string" },
    name: { t: "string", opt: true },
    featuresOutput: { t: "string", opt: true },
    classifierOutput: { t: "node", cat: "classifier_output", opt: true },
    inputSize: { t: "numbers", int: true, min: 1, length: 3, opt: true },
    inputRange: { t: "numbers", length: 2, opt: true },
    layout,
  },
};

const classifierOutput: Kinds = {
  probabilities: { name: { t: "string" } },
  logits: { name: { t: "string" } },
};

const adam: Kinds = {
  adam: {
    learningRate: { t: "number", gt: 0, opt: true, def: 0.0002 },
    beta1: { t: "number", min: 0, lt: 1, opt: true, def: 0.5 },
    beta2: { t: "number", min: 0, lt: 1, opt: true, def: 0.999 },
    epsilon: { t: "number", gt: 0, opt: true, def: 1e-8 },
  },
};

const training: Kinds = {
  training: {
    iterations: { ...positiveInt, opt: true, def: 10000 },
    batchSize: { ...positiveInt, opt: true, def: 64 },
    dSteps: { ...positiveInt, opt: true, def: 1 },
    order: {
      t: "string",
      enum: ["discriminator-first", "generator-first"],
      opt: true,
      def: "discriminator-first",
    },
    generatorOptimizer: {
      t: "node",
      cat: "adam",
      opt: true,
      def: { kind: "adam" },
    },
    discriminatorOptimizer: {
      t: "node",
      cat: "adam",
      opt: true,
      def: { kind: "adam" },
    },
    emaDecay: { t: "number", min: 0, lt: 1, opt: true, def: 0 },
  },
};

const schedule: Kinds = {
  schedule: {
    logEvery: { ...countOrZero, opt: true, def: 100 },
    sampleEvery: { ...countOrZero, opt: true, def: 0 },
    sampleCount: { ...positiveInt, opt: true, def: 64 },
    checkpointEvery: { ...countOrZero, opt: true, def: 0 },
    evalEvery: { ...countOrZero, opt: true, def: 0 },
  },
};

const experimentFields: Readonly<Record<string, Field>> = {
  name: { t: "string", pattern: /^[A-Za-z0-9_.-]+$/ },
  seed: { t: "number", int: true, min: 0, max: 2 ** 32 - 1, opt: true, def: 0 },
  data: { t: "node", cat: "dataset" },
  latentDim: { ...positiveInt, opt: true, def: 128 },
  generator: { t: "node", cat: "sequential" },
  discriminator: { t: "node", cat: "discriminator" },
  loss: { t: "node", cat: "loss" },
  training: {
    t: "node",
    cat: "training",
    opt: true,
    def: { kind: "training" },
  },
  schedule: {
    t: "node",
    cat: "schedule",
    opt: true,
    def: { kind: "schedule" },
  },
  evaluators: { t: "nodes", cat: "evaluator", opt: true, def: [] },
};

const suiteFields: Readonly<Record<string, Field>> = {
  name: { t: "string", pattern: /^[A-Za-z0-9_.-]+$/ },
  runs: { t: "nodes", cat: "experiment", minLength: 1 },
};

const relationFields: Readonly<Record<string, Field>> = {
  merge: { t: "string", enum: ["concat", "sum", "packed"] },
  embedding: { t: "node", cat: "sequential", opt: true },
  relation: { t: "node", cat: "sequential" },
  head: { t: "node", cat: "sequential" },
};

/** Every category's kinds and their fields. */
export const SCHEMA: Readonly<Record<Category, Kinds>> = {
  declaration: { experiment: experimentFields, suite: suiteFields },
  experiment: { experiment: experimentFields },
  suite: { suite: suiteFields },
  dataset,
  mnist: { mnist: dataset.mnist },
  layer,
  sequential: { sequential: layer.sequential },
  discriminator: { sequential: layer.sequential, relation: relationFields },
  loss,
  margin,
  evaluator,
  feature_network: featureNetwork,
  classifier_output: classifierOutput,
  adam,
  training,
  schedule,
};

/** The kinds of a category, e.g. every dataset kind. */
export function kindsOf(cat: Category): readonly string[] {
  return Object.keys(SCHEMA[cat]);
}

/** Renders a value for a message: JSON, cut to 60 characters. */
export function show(value: unknown): string {
  if (value === undefined) return "missing";
  if (typeof value === "number" && !Number.isFinite(value)) {
    return String(value);
  }
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function issue(
  issues: DeclarationIssue[],
  code: IssueCode,
  path: IssuePath,
  problem: string,
  expected: string,
  received: unknown,
): void {
  const receivedText = show(received);
  issues.push({
    severity: "error",
    code,
    path,
    problem,
    expected,
    received: receivedText,
    message: formatIssueMessage(path, problem, expected, receivedText),
  });
}

function describeRange(f: Extract<Field, { t: "number" }>): string {
  if (f.oneOf) return `one of ${f.oneOf.join(", ")}`;
  const parts: string[] = [];
  if (f.gt !== undefined) parts.push(`> ${f.gt}`);
  if (f.min !== undefined) parts.push(`≥ ${f.min}`);
  if (f.lt !== undefined) parts.push(`< ${f.lt}`);
  if (f.max !== undefined) parts.push(`≤ ${f.max}`);
  const kind = f.int ? "an integer" : "a number";
  return parts.length ? `${kind} ${parts.join(" and ")}` : kind;
}

function checkNumber(
  f: Extract<Field, { t: "number" | "numbers" }>,
  v: unknown,
  path: IssuePath,
  issues: DeclarationIssue[],
): void {
  const expected = f.t === "number"
    ? describeRange(f)
    : `${f.int ? "an integer" : "a number"}${
      f.min !== undefined ? ` ≥ ${f.min}` : ""
    }`;
  if (typeof v !== "number" || Number.isNaN(v)) {
    issue(issues, "wrong_type", path, "has the wrong type", expected, v);
    return;
  }
  const bad = (f.int && !Number.isInteger(v)) || !Number.isFinite(v) ||
    (f.min !== undefined && v < f.min) ||
    (f.t === "number" &&
      ((f.max !== undefined && v > f.max) ||
        (f.gt !== undefined && v <= f.gt) ||
        (f.lt !== undefined && v >= f.lt) ||
        (f.oneOf !== undefined && !f.oneOf.includes(v))));
  if (bad) issue(issues, "out_of_range", path, "is out of range", expected, v);
}

function checkField(
  f: Field,
  v: unknown,
  path: IssuePath,
  issues: DeclarationIssue[],
): void {
  switch (f.t) {
    case "number":
      return checkNumber(f, v, path, issues);
    case "string": {
      if (typeof v !== "string") {
        const expected = f.enum
          ? `one of ${f.enum.map((e) => `"${e}"`).join(", ")}`
          : "a string";
        issue(issues, "wrong_type", path, "has the wrong type", expected, v);
      } else if (f.enum && !f.enum.includes(v)) {
        issue(
          issues,
          "out_of_range",
          path,
          "is not an accepted value",
          `one of ${f.enum.map((e) => `"${e}"`).join(", ")}`,
          v,
        );
      } else if (f.pattern && !f.pattern.test(v)) {
        issue(
          issues,
          "out_of_range",
          path,
          "is not an accepted name",
          "letters, digits, '_', '-' or '.' only",
          v,
        );
      }
      return;
    }
    case "side": {
      const ok = (x: unknown) =>
        typeof x === "number" && Number.isInteger(x) && x >= 1;
      const expected =
        "a positive integer or [height, width] of positive integers";
      if (Array.isArray(v) ? v.length !== 2 || !v.every(ok) : !ok(v)) {
        const wrongType = !(typeof v === "number" || Array.isArray(v));
        issue(
          issues,
          wrongType ? "wrong_type" : "out_of_range",
          path,
          wrongType ? "has the wrong type" : "is out of range",
          expected,
          v,
        );
      }
      return;
    }
    case "boolean":
      if (typeof v !== "boolean") {
        issue(
          issues,
          "wrong_type",
          path,
          "has the wrong type",
          "true or false",
          v,
        );
      }
      return;
    case "numbers":
      if (!Array.isArray(v)) {
        issue(
          issues,
          "wrong_type",
          path,
          "has the wrong type",
          "a list of numbers",
          v,
        );
        return;
      }
      if (f.length !== undefined && v.length !== f.length) {
        issue(
          issues,
          "out_of_range",
          path,
          "has the wrong length",
          `a list of ${f.length} numbers`,
          v,
        );
        return;
      }
      v.forEach((x, i) => checkNumber(f, x, [...path, i], issues));
      return;
    case "node":
      checkNode(f.cat, v, path, issues);
      return;
    case "nodes":
      if (!Array.isArray(v)) {
        issue(
          issues,
          "wrong_type",
          path,
          "has the wrong type",
          `a list of ${f.cat} declarations`,
          v,
        );
        return;
      }
      if (f.minLength !== undefined && v.length < f.minLength) {
        issue(
          issues,
          "out_of_range",
          path,
          "is too short",
          `at least ${f.minLength} entr${f.minLength === 1 ? "y" : "ies"}`,
          v,
        );
      }
      v.forEach((x, i) => checkNode(f.cat, x, [...path, i], issues));
      return;
    default: {
      const never: never = f;
      throw new TypeError(`Unknown field spec ${show(never)}`);
    }
  }
}

/**
 * Checks a node's structure against its category: an object with a known
 * `kind`, no unknown keys, every required field present and every field of
 * the right type and range. Appends to `issues`.
 */
export function checkNode(
  cat: Category,
  v: unknown,
  path: IssuePath,
  issues: DeclarationIssue[],
): void {
  const kinds = SCHEMA[cat];
  const kindList = Object.keys(kinds).map((k) => `"${k}"`).join(", ");
  if (!isPlainObject(v)) {
    issue(
      issues,
      "wrong_type",
      path,
      `must be a ${cat} declaration`,
      `an object { kind: ${kindList}, ... }`,
      v,
    );
    return;
  }
  if (!("kind" in v)) {
    issue(
      issues,
      "missing",
      [...path, "kind"],
      "is missing",
      `one of ${kindList}`,
      undefined,
    );
    return;
  }
  const fields = typeof v.kind === "string" && Object.hasOwn(kinds, v.kind)
    ? kinds[v.kind]
    : undefined;
  if (fields === undefined) {
    issue(
      issues,
      "unknown_kind",
      [...path, "kind"],
      `is not a ${cat} kind`,
      `one of ${kindList}`,
      v.kind,
    );
    return;
  }
  for (const key of Object.keys(v)) {
    if (key === "kind" || Object.hasOwn(fields, key)) continue;
    const known = Object.keys(fields);
    issue(
      issues,
      "unknown_key",
      [...path, key],
      `is not a field of a "${v.kind}" ${cat}`,
      known.length
        ? `one of ${known.map((k) => `"${k}"`).join(", ")}`
        : "no fields besides kind",
      v[key],
    );
  }
  for (const [key, f] of Object.entries(fields)) {
    const value = v[key];
    if (value === undefined) {
      if (!f.opt) {
        issue(
          issues,
          "missing",
          [...path, key],
          "is missing",
          expectedOf(f),
          undefined,
        );
      }
      continue;
    }
    checkField(f, value, [...path, key], issues);
  }
}

function expectedOf(f: Field): string {
  switch (f.t) {
    case "number":
      return describeRange(f);
    case "string":
      return f.enum
        ? `one of ${f.enum.map((e) => `"${e}"`).join(", ")}`
        : "a string";
    case "boolean":
      return "true or false";
    case "side":
      return "a positive integer or [height, width]";
    case "numbers":
      return "a list of numbers";
    case "node":
      return `a ${f.cat} declaration`;
    case "nodes":
      return `a list of ${f.cat} declarations`;
  }
}

/**
 * Returns a copy of a structurally valid node with every default filled in,
 * recursively, deep-frozen.
 */
export function resolveNode(cat: Category, v: unknown): unknown {
  if (!isPlainObject(v) || typeof v.kind !== "string") return v;
  const fields = SCHEMA[cat][v.kind];
  if (fields === undefined) return v;
  const out: Record<string, unknown> = { kind: v.kind };
  for (const [key, f] of Object.entries(fields)) {
    const value = v[key] === undefined ? f.def : v[key];
    if (value === undefined) continue;
    if (f.t === "node") out[key] = resolveNode(f.cat, value);
    else if (f.t === "nodes") {
      out[key] = Object.freeze(
        (value as unknown[]).map((x) => resolveNode(f.cat, x)),
      );
    } else if (Array.isArray(value)) out[key] = Object.freeze([...value]);
    else out[key] = value;
  }
  return Object.freeze(out);
}
