/**
 * Validation of declarations: structure (kinds, keys, types, ranges), then
 * the combinations (loss and discriminator, generator and data shapes,
 * merges), all at once, as data.
 *
 * @module
 */

import { checkNode, resolveNode } from "./_schema.ts";
import {
  datasetShape,
  isNonLinear,
  sequentialShape,
  type Shape,
  ShapeMismatch,
  showShape,
} from "./shapes.ts";
import {
  declarationError,
  type DeclarationIssue,
  formatIssueMessage,
  type IssueCode,
  type IssuePath,
  type ValidationResult,
} from "./issue.ts";
import type {
  Declaration,
  DiscriminatorDecl,
  ExperimentDecl,
  ResolvedExperiment,
} from "./types.ts";

const PAIR_LOSSES: readonly string[] = ["relation", "siamese"];

function push(
  issues: DeclarationIssue[],
  severity: "error" | "warning",
  code: IssueCode,
  path: IssuePath,
  problem: string,
  expected: string,
  received: string,
): void {
  issues.push({
    severity,
    code,
    path,
    problem,
    expected,
    received,
    message: formatIssueMessage(path, problem, expected, received),
  });
}

function shapeIssue(
  issues: DeclarationIssue[],
  e: unknown,
  note = "",
): void {
  if (!(e instanceof ShapeMismatch)) throw e;
  push(
    issues,
    "error",
    "shape",
    e.path,
    e.problem,
    e.expected,
    `${e.received}${note}`,
  );
}

/** The shape after merging two embeddings, or the packed input. */
function mergedShape(
  merge: "concat" | "sum" | "packed",
  shape: Shape,
): Shape {
  if (merge === "sum") return shape;
  return [...shape.slice(0, -1), 2 * shape[shape.length - 1]];
}

function isScalarOutput(shape: Shape): boolean {
  return shape.reduce((a, b) => a * b, 1) === 1 && shape.length <= 1;
}

function checkDiscriminator(
  d: DiscriminatorDecl,
  dataShape: Shape,
  path: IssuePath,
  issues: DeclarationIssue[],
): void {
  const scalar = (out: Shape, at: IssuePath) => {
    if (!isScalarOutput(out)) {
      push(
        issues,
        "error",
        "shape",
        at,
        "must end in one score per example",
        "output shape [1] (end with a dense layer of 1 unit)",
        showShape(out),
      );
    }
  };
  if (d.kind === "sequential") {
    try {
      scalar(sequentialShape(d, dataShape, path), path);
    } catch (e) {
      shapeIssue(issues, e);
    }
    return;
  }
  const hasEmbedding = "embedding" in d && d.embedding !== undefined;
  if (d.merge === "packed" && hasEmbedding) {
    push(
      issues,
      "error",
      "incompatible",
      [...path, "embedding"],
      'cannot be used with merge "packed", which stacks the samples at the input',
      'no embedding, or merge "concat" or "sum"',
      "an embedding module",
    );
    return;
  }
  if (d.merge !== "packed" && !hasEmbedding) {
    push(
      issues,
      "error",
      "missing",
      [...path, "embedding"],
      `is missing; merge "${d.merge}" combines two embeddings`,
      'an embedding module, or merge "packed"',
      "missing",
    );
    return;
  }
  let shape: Shape = dataShape;
  try {
    if (d.merge !== "packed") {
      shape = sequentialShape(d.embedding, dataShape, [...path, "embedding"]);
      if (shape.length === 0) {
        push(
          issues,
          "error",
          "shape",
          [...path, "merge"],
          "does not fit the embedding's output",
          "an embedding output of at least one axis",
          showShape(shape),
        );
        return;
      }
    }
  } catch (e) {
    shapeIssue(issues, e);
    return;
  }
  const merged = mergedShape(d.merge, shape);
  const note = ` (the shape after the "${d.merge}" merge of ${
    showShape(shape)
  } is ${showShape(merged)})`;
  try {
    const rel = sequentialShape(d.relation, merged, [...path, "relation"]);
    try {
      scalar(sequentialShape(d.head, rel, [...path, "head"]), [
        ...path,
        "head",
      ]);
    } catch (e) {
      shapeIssue(issues, e);
    }
  } catch (e) {
    shapeIssue(issues, e, d.relation.layers.length ? note : "");
  }
  if (
    d.merge !== "packed" &&
    !d.relation.layers.some(isNonLinear) &&
    !d.head.layers.some(isNonLinear)
  ) {
    const separable = d.merge === "sum"
      ? "D(a, b) = s(a) + s(b)"
      : "D(a, b) = s1(a) + s2(b)";
    push(
      issues,
      "warning",
      "linear_relation",
      [...path, "relation"],
      `is linear after the "${d.merge}" merge, so ${separable} separates into per-sample scores and is no longer a relation`,
      "a non-linear relation module (e.g. move a hidden block from the embedding to the relation module)",
      `${d.relation.layers.length} relation layer(s) and a ${d.head.layers.length}-layer head without a non-linearity`,
    );
  }
}

/** True when no structural issue lies at or below one of the paths. */
function cleanAt(
  structural: readonly DeclarationIssue[],
  base: IssuePath,
  keys: readonly string[],
): boolean {
  return !structural.some((i) =>
    base.every((p, n) => i.path[n] === p) &&
    (i.path.length <= base.length || keys.includes(String(i.path[base.length])))
  );
}

function checkExperiment(
  e: ResolvedExperiment,
  path: IssuePath,
  issues: DeclarationIssue[],
  structural: readonly DeclarationIssue[] = [],
): void {
  const clean = (...keys: string[]) => cleanAt(structural, path, keys);
  if (clean("loss", "discriminator")) {
    const pairLoss = PAIR_LOSSES.includes(e.loss.kind);
    const pairD = e.discriminator.kind === "relation";
    if (pairLoss !== pairD) {
      push(
        issues,
        "error",
        "incompatible",
        [...path, "loss", "kind"],
        pairLoss
          ? `is a pair loss and needs a relation discriminator`
          : `is a single-input loss and needs a single-input discriminator`,
        pairLoss
          ? 'discriminator.kind "relation" (or a single-input loss)'
          : 'discriminator.kind "sequential" (or loss "relation" / "siamese")',
        `loss "${e.loss.kind}" with discriminator "${e.discriminator.kind}"`,
      );
    }
  }
  if (!clean("data")) return;
  const dataShape = datasetShape(e.data);
  if (clean("data", "latentDim", "generator")) {
    try {
      const out = sequentialShape(e.generator, [e.latentDim], [
        ...path,
        "generator",
      ]);
      if (out.join() !== dataShape.join()) {
        push(
          issues,
          "error",
          "incompatible",
          [...path, "generator"],
          `does not produce the data's shape (data "${e.data.kind}")`,
          `output shape ${showShape(dataShape)}`,
          showShape(out),
        );
      }
    } catch (err) {
      shapeIssue(issues, err);
    }
  }
  if (clean("data", "discriminator")) {
    checkDiscriminator(
      e.discriminator,
      dataShape,
      [...path, "discriminator"],
      issues,
    );
  }
}

/**
 * Checks a declaration completely, without throwing: unknown kinds and
 * keys, wrong types, values out of range, then the combinations (a pair
 * loss needs a relation discriminator and vice versa; the generator must
 * produce the data's shape; every layer must accept its input shape,
 * including after the relation merge; the discriminator must end in one
 * score). Warns when a relation module after a `sum` or `concat` merge is
 * linear, since D(a, b) then separates into per-sample scores.
 *
 * @example A relation loss with a single-input discriminator
 * ```ts
 * import { validate } from "./validate.ts";
 * import assert from "node:assert/strict";
 *
 * const result = validate({
 *   kind: "experiment",
 *   name: "bad",
 *   data: { kind: "eight_gaussians" },
 *   latentDim: 2,
 *   generator: { kind: "sequential", layers: [{ kind: "dense", units: 2 }] },
 *   discriminator: { kind: "sequential", layers: [{ kind: "dense", units: 1 }] },
 *   loss: { kind: "relation" },
 * });
 * assert.equal(result.ok, false);
 * assert.deepEqual(result.issues[0].path, ["loss", "kind"]);
 * ```
 *
 * @param declaration An experiment or suite declaration, as data.
 * @returns Whether it is usable, and every issue found.
 */
export function validate(declaration: unknown): ValidationResult {
  const structural: DeclarationIssue[] = [];
  checkNode("declaration", declaration, [], structural);
  const issues: DeclarationIssue[] = [...structural];
  const top = structural.some((i) =>
    i.path.length === 0 ||
    (i.path.length === 1 && (i.path[0] === "kind" || i.path[0] === "runs"))
  );
  if (!top) {
    // Combinations are checked wherever the parts they read are sound, so
    // one broken field does not hide the other problems.
    const resolved = resolveNode("declaration", declaration) as Declaration;
    if (resolved.kind === "suite") {
      const seen = new Map<string, number>();
      (resolved.runs ?? []).forEach((run, i) => {
        if (!cleanAt(structural, ["runs", i], ["kind"])) return;
        checkExperiment(
          run as ResolvedExperiment,
          ["runs", i],
          issues,
          structural,
        );
        const before = seen.get(run.name);
        if (before !== undefined) {
          push(
            issues,
            "error",
            "duplicate_name",
            ["runs", i, "name"],
            `repeats the name of runs[${before}]`,
            "a name unique within the suite",
            JSON.stringify(run.name),
          );
        } else seen.set(run.name, i);
      });
    } else {
      checkExperiment(resolved as ResolvedExperiment, [], issues, structural);
    }
  }
  const errors = issues.filter((i) => i.severity === "error");
  return {
    ok: errors.length === 0,
    issues: [...errors, ...issues.filter((i) => i.severity === "warning")],
  };
}

/**
 * Validates and returns the declaration unchanged.
 *
 * @param declaration An experiment or suite declaration, as data.
 * @returns The same value, typed.
 * @throws {TypeError} A `DeclarationTypeError` listing every error when a
 * kind, key, type or shape is wrong.
 * @throws {RangeError} A `DeclarationRangeError` when the first error is a
 * value out of range.
 */
export function assertValid(declaration: unknown): Declaration {
  const result = validate(declaration);
  if (!result.ok) throw declarationError(result.issues);
  return declaration as Declaration;
}

/**
 * Fills in every default of a valid experiment, recursively.
 *
 * @example Defaults
 * ```ts
 * import { resolveExperiment } from "./validate.ts";
 * import assert from "node:assert/strict";
 *
 * const r = resolveExperiment({
 *   kind: "experiment",
 *   name: "x",
 *   data: { kind: "eight_gaussians" },
 *   latentDim: 2,
 *   generator: { kind: "sequential", layers: [{ kind: "dense", units: 2 }] },
 *   discriminator: { kind: "sequential", layers: [{ kind: "dense", units: 1 }] },
 *   loss: { kind: "vanilla" },
 * });
 * assert.equal(r.training.batchSize, 64);
 * assert.equal(r.training.generatorOptimizer.beta2, 0.999);
 * ```
 *
 * @param experiment A declaration that passes {@linkcode validate}.
 * @returns A deep-frozen copy with every default present.
 * @throws {TypeError | RangeError} When the declaration is not valid.
 */
export function resolveExperiment(
  experiment: ExperimentDecl,
): ResolvedExperiment {
  const result = validate(experiment);
  if (!result.ok) throw declarationError(result.issues);
  if ((experiment as { kind: string }).kind !== "experiment") {
    throw new TypeError(
      `Cannot resolve the declaration as an experiment: its kind must be "experiment", current value is ${
        JSON.stringify((experiment as { kind: string }).kind)
      }`,
    );
  }
  return resolveNode("experiment", experiment) as ResolvedExperiment;
}
