/**
 * `path=value` overrides (the command line's `--set` and `--seed`),
 * applied to a copy of a declaration and validated like the rest.
 *
 * @module
 */

import { parse as parseYaml } from "yaml";
import { deepFreeze } from "./_build.ts";
import { type Category, type Field, SCHEMA } from "./_schema.ts";
import {
  declarationError,
  type DeclarationIssue,
  formatPath,
} from "./issue.ts";
import { validate } from "./validate.ts";
import type { Declaration } from "./types.ts";

/** Splits `training.generatorOptimizer.beta1` or `generator.layers[2].units`. */
function parsePath(text: string): (string | number)[] {
  const parts: (string | number)[] = [];
  for (const piece of text.split(".")) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(piece);
    if (!m || (m[1] === "" && m[2] === "")) return [];
    if (m[1] !== "") parts.push(/^\d+$/.test(m[1]) ? Number(m[1]) : m[1]);
    for (const idx of m[2].matchAll(/\[(\d+)\]/g)) parts.push(Number(idx[1]));
  }
  return parts;
}

/** The schema field of `key` in a node of a category, when known. */
function fieldOf(
  cat: Category | undefined,
  node: Record<string, unknown>,
  key: string,
): Field | undefined {
  if (!cat || typeof node.kind !== "string") return undefined;
  return SCHEMA[cat][node.kind]?.[key];
}

function setPath(
  root: Record<string, unknown>,
  rootCat: Category,
  path: (string | number)[],
  value: unknown,
  override: string,
): void {
  let node: unknown = root;
  let cat: Category | undefined = rootCat;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    let field: Field | undefined;
    let next: unknown;
    if (Array.isArray(node)) {
      if (typeof key !== "number" || key >= node.length) {
        throw new RangeError(
          `Cannot apply --set ${override}: \`${
            formatPath(path.slice(0, i))
          }\` has ${node.length} entries, so \`${
            formatPath(path.slice(0, i + 1))
          }\` does not exist`,
        );
      }
      next = node[key];
    } else {
      const obj = node as Record<string, unknown>;
      field = fieldOf(cat, obj, String(key));
      if (obj[key] === undefined && field?.t === "node" && field.def) {
        obj[key] = structuredClone(field.def);
      }
      next = obj[key];
      if (field?.t === "node" || field?.t === "nodes") cat = field.cat;
      else cat = undefined;
    }
    if (next === null || typeof next !== "object") {
      throw new TypeError(
        `Cannot apply --set ${override}: \`${
          formatPath(path.slice(0, i + 1))
        }\` is ${
          next === undefined ? "absent" : `the value ${JSON.stringify(next)}`
        }, not a node; set the whole node instead, e.g. --set ${
          formatPath(path.slice(0, i + 1))
        }={kind: ...}`,
      );
    }
    node = next;
  }
  const last = path[path.length - 1];
  if (Array.isArray(node)) {
    if (typeof last !== "number" || last > node.length) {
      throw new RangeError(
        `Cannot apply --set ${override}: \`${
          formatPath(path.slice(0, -1))
        }\` has ${node.length} entries; the index must be at most ${node.length}`,
      );
    }
  }
  (node as Record<string | number, unknown>)[last] = value;
}

/**
 * Applies `path=value` overrides to a copy of a declaration, then
 * validates the result. The path is dotted, list entries by index
 * (`training.batchSize`, `generator.layers[2].units` or
 * `generator.layers.2.units`); the value is read as YAML (`10`, `0.5`,
 * `true`, `l1`, `[64, 64]`, `{kind: adam, beta1: 0}`). Sections left to
 * their defaults (`training`, `schedule`, the optimisers, a relation
 * loss's margin) are created when a path enters them. On a suite, a path
 * that does not start with `runs` applies to every run.
 *
 * @example `--set` and `--seed`
 * ```ts
 * import { applyOverrides, datasets, experiment, losses, networks } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const run = experiment({
 *   name: "x",
 *   data: datasets.eightGaussians(),
 *   latentDim: 2,
 *   generator: networks.mlp({ hidden: [8], output: 2 }),
 *   discriminator: networks.mlpDiscriminator({ hidden: [8] }),
 *   loss: losses.vanilla(),
 * });
 * const changed = applyOverrides(run, ["seed=4", "training.generatorOptimizer.beta1=0"]);
 * assert.equal(changed.seed, 4);
 * assert.equal(changed.training?.generatorOptimizer?.beta1, 0);
 * assert.equal(run.seed, undefined, "the original is unchanged");
 * assert.throws(() => applyOverrides(run, ["training.batchSize=0"]), RangeError);
 * ```
 *
 * @param declaration An experiment or suite.
 * @param overrides `path=value` strings, applied in order.
 * @returns A new, validated, frozen declaration.
 * @throws {TypeError} When an override is not `path=value`, its path leads
 * through a value that is not a node, or the result has a wrong key, type
 * or combination (the message names the override).
 * @throws {RangeError} When an index is past the end of a list or the
 * result has a value out of range.
 */
export function applyOverrides<T extends Declaration>(
  declaration: T,
  overrides: readonly string[],
): T {
  const copy = structuredClone(declaration) as unknown as Record<
    string,
    unknown
  >;
  const touched: string[] = [];
  for (const override of overrides) {
    const eq = override.indexOf("=");
    const path = eq > 0 ? parsePath(override.slice(0, eq).trim()) : [];
    if (path.length === 0) {
      throw new TypeError(
        `Cannot apply --set ${override}: expected path=value, e.g. --set training.iterations=100`,
      );
    }
    let value: unknown;
    try {
      value = parseYaml(override.slice(eq + 1));
    } catch (error) {
      throw new TypeError(
        `Cannot apply --set ${override}: the value is not valid YAML (${
          (error instanceof Error ? error.message : String(error)).split(
            "\n",
          )[0]
        })`,
      );
    }
    if (copy.kind === "suite" && path[0] !== "runs") {
      const runs = copy.runs as Record<string, unknown>[];
      for (const run of runs) {
        setPath(run, "experiment", path, structuredClone(value), override);
      }
    } else {
      setPath(copy, "declaration", path, value, override);
    }
    touched.push(override);
  }
  const result = validate(copy);
  if (!result.ok) {
    const issues: DeclarationIssue[] = result.issues.map((i) => ({
      ...i,
      message: `${i.message} (after --set ${touched.join(", --set ")})`,
    }));
    throw declarationError(issues);
  }
  return deepFreeze(copy) as unknown as T;
}
