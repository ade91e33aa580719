/**
 * The YAML form of declarations: `toYaml` writes one, `fromYaml` reads and
 * validates one, with the YAML line and column in every issue.
 *
 * @module
 */

import {
  isMap,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  stringify,
} from "yaml";
import { deepFreeze } from "./_build.ts";
import {
  declarationError,
  type DeclarationIssue,
  formatIssueMessage,
  type IssuePath,
  type ValidationResult,
} from "./issue.ts";
import { validate } from "./validate.ts";
import type { Declaration } from "./types.ts";

/**
 * Writes a declaration as YAML (2-space indentation, keys in declaration
 * order).
 *
 * @example Round trip
 * ```ts
 * import { datasets, losses, networks, experiment } from "./mod.ts";
 * import { fromYaml, toYaml } from "./yaml.ts";
 * import assert from "node:assert/strict";
 *
 * const run = experiment({
 *   name: "vanilla-8g",
 *   data: datasets.eightGaussians(),
 *   latentDim: 2,
 *   generator: networks.mlp({ hidden: [64], output: 2 }),
 *   discriminator: networks.mlpDiscriminator({ hidden: [64] }),
 *   loss: losses.vanilla(),
 * });
 * assert.deepEqual(fromYaml(toYaml(run)), run);
 * ```
 *
 * @param declaration An experiment or suite declaration.
 * @returns The YAML text.
 */
export function toYaml(declaration: Declaration): string {
  // Builders share frozen sub-objects; write each in full rather than as
  // YAML anchors and aliases, so spec.yaml reads like a hand-written file.
  return stringify(declaration, {
    indent: 2,
    lineWidth: 0,
    aliasDuplicateObjects: false,
  });
}

function locate(
  contents: unknown,
  path: IssuePath,
  counter: LineCounter,
  preferKey: boolean,
): { line: number; column: number } | undefined {
  let node = contents as Node | null | undefined;
  let best: { line: number; column: number } | undefined;
  const at = (n: Node | null | undefined) => {
    const offset = n?.range?.[0];
    if (offset === undefined) return undefined;
    const pos = counter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  best = at(node);
  for (let i = 0; i < path.length; i++) {
    const part = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) =>
        (p.key as { value?: unknown } | null)?.value === part
      );
      if (!pair) return best;
      if (last && preferKey) return at(pair.key as Node) ?? best;
      node = pair.value as Node;
      best = at(node) ?? at(pair.key as Node) ?? best;
    } else if (isSeq(node) && typeof part === "number") {
      node = node.items[part] as Node;
      if (!node) return best;
      best = at(node) ?? best;
    } else return best;
  }
  return best;
}

/** Parses YAML text; returns the data, or syntax issues with their lines. */
function parse(text: string): {
  value?: unknown;
  contents?: unknown;
  counter: LineCounter;
  issues: DeclarationIssue[];
} {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: true });
  const issues: DeclarationIssue[] = doc.errors.map((e) => {
    const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
    const location = { line: pos.line, column: pos.col };
    const problem = `is not valid YAML (${e.code})`;
    const received = JSON.stringify(e.message.split("\n")[0]);
    return {
      severity: "error" as const,
      code: "wrong_type" as const,
      path: [],
      problem,
      expected: "well-formed YAML",
      received,
      ...location,
      message: formatIssueMessage(
        [],
        problem,
        "well-formed YAML",
        received,
        location,
      ),
    };
  });
  if (issues.length) return { issues, counter };
  return { value: doc.toJS(), contents: doc.contents, issues, counter };
}

/**
 * Validates YAML text without throwing: syntax errors, then every issue of
 * {@linkcode validate}, each with its YAML line and column.
 *
 * @param text The YAML text of an experiment or suite.
 * @returns Whether it is usable, and every issue found.
 */
export function validateYaml(
  text: string,
): ValidationResult & { readonly value?: unknown } {
  const parsed = parse(text);
  if (parsed.issues.length) return { ok: false, issues: parsed.issues };
  const result = validate(parsed.value);
  const issues = result.issues.map((issue) => {
    const location = locate(
      parsed.contents,
      issue.path,
      parsed.counter,
      issue.code === "unknown_key",
    );
    if (!location) return issue;
    return {
      ...issue,
      ...location,
      message: formatIssueMessage(
        issue.path,
        issue.problem,
        issue.expected,
        issue.received,
        location,
      ),
    };
  });
  return { ok: result.ok, issues, value: parsed.value };
}

/**
 * Reads a declaration from YAML and validates it.
 *
 * @example A typo, with its line
 * ```ts
 * import { fromYaml } from "./yaml.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(
 *   () => fromYaml("kind: experiment\nname: x\nsead: 3\n"),
 *   /`sead` \(line 3, column 1\) is not a field/,
 * );
 * ```
 *
 * @param text YAML text.
 * @returns The declaration, deep-frozen.
 * @throws {TypeError} A `DeclarationTypeError` listing every error (with
 * lines) when the YAML is malformed, or a kind, key, type, shape or
 * combination is wrong.
 * @throws {RangeError} A `DeclarationRangeError` when the first error is a
 * value out of range.
 */
export function fromYaml(text: string): Declaration {
  const result = validateYaml(text);
  if (!result.ok) throw declarationError(result.issues);
  return deepFreeze(result.value as Declaration);
}
