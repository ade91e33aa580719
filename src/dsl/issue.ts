/**
 * Problems found in a declaration, as data, and the errors that carry them.
 *
 * @module
 */

/** A path inside a declaration: keys and list indices. */
export type IssuePath = readonly (string | number)[];

/** What kind of problem an issue is. */
export type IssueCode =
  | "unknown_key"
  | "unknown_kind"
  | "missing"
  | "wrong_type"
  | "out_of_range"
  | "incompatible"
  | "shape"
  | "linear_relation"
  | "duplicate_name";

/** One problem in a declaration. */
export interface DeclarationIssue {
  /** Errors stop compilation; warnings do not. */
  readonly severity: "error" | "warning";
  /** What kind of problem. */
  readonly code: IssueCode;
  /** Where the problem is, e.g. `["discriminator", "relation", "layers", 0]`. */
  readonly path: IssuePath;
  /** What is wrong, e.g. `"is out of range"`. */
  readonly problem: string;
  /** What was expected. */
  readonly expected: string;
  /** The current value, rendered. */
  readonly received: string;
  /** Line (1-based) in the YAML source, when the declaration came from YAML. */
  readonly line?: number;
  /** Column (1-based) in the YAML source. */
  readonly column?: number;
  /** The full sentence: path, location, problem, expected and current value. */
  readonly message: string;
}

/** The outcome of {@linkcode validate}: every issue at once. */
export interface ValidationResult {
  /** True when there is no error (warnings allowed). */
  readonly ok: boolean;
  /** Errors and warnings, errors first, each in the order found. */
  readonly issues: readonly DeclarationIssue[];
}

/**
 * Renders a path as `discriminator.relation.layers[0]`; the root is
 * `(root)`.
 *
 * @example Paths
 * ```ts
 * import { formatPath } from "./issue.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatPath(["runs", 2, "loss", "kind"]), "runs[2].loss.kind");
 * assert.equal(formatPath([]), "(root)");
 * ```
 *
 * @param path Keys and indices.
 * @returns The dotted form.
 */
export function formatPath(path: IssuePath): string {
  let out = "";
  for (const part of path) {
    out += typeof part === "number" ? `[${part}]` : out ? `.${part}` : part;
  }
  return out || "(root)";
}

/**
 * Builds an issue's sentence.
 *
 * @param path Where.
 * @param problem What is wrong.
 * @param expected What was expected.
 * @param received The current value, rendered.
 * @param location The YAML line and column, when known.
 * @returns E.g. ``declaration at `training.batchSize` (line 4, column 14) is out of range: expected an integer ≥ 1, current value is 0``.
 */
export function formatIssueMessage(
  path: IssuePath,
  problem: string,
  expected: string,
  received: string,
  location?: { line: number; column: number },
): string {
  const where = location
    ? ` (line ${location.line}, column ${location.column})`
    : "";
  return `declaration at \`${
    formatPath(path)
  }\`${where} ${problem}: expected ${expected}, current value is ${received}`;
}

function summary(issues: readonly DeclarationIssue[]): string {
  const errors = issues.filter((i) => i.severity === "error");
  const lines = errors.map((i) => `  - ${i.message}`);
  return `Cannot use the declaration: ${errors.length} problem${
    errors.length === 1 ? "" : "s"
  } found; fix ${errors.length === 1 ? "it" : "them"} and retry:\n${
    lines.join("\n")
  }`;
}

/** A declaration with a wrong kind, key, type or shape; carries all its issues. */
export class DeclarationTypeError extends TypeError {
  /** Every issue found (errors and warnings). */
  readonly issues: readonly DeclarationIssue[];
  /** @param issues At least one error. */
  constructor(issues: readonly DeclarationIssue[]) {
    super(summary(issues));
    this.name = "DeclarationTypeError";
    this.issues = issues;
  }
}

/** A declaration whose first error is a value out of range; carries all its issues. */
export class DeclarationRangeError extends RangeError {
  /** Every issue found (errors and warnings). */
  readonly issues: readonly DeclarationIssue[];
  /** @param issues At least one error. */
  constructor(issues: readonly DeclarationIssue[]) {
    super(summary(issues));
    this.name = "DeclarationRangeError";
    this.issues = issues;
  }
}

/**
 * The error to throw for a failed validation: a `RangeError` when the first
 * error is a value out of range, a `TypeError` otherwise.
 *
 * @param issues The issues; at least one must be an error.
 * @returns The error, not thrown.
 */
export function declarationError(
  issues: readonly DeclarationIssue[],
): DeclarationTypeError | DeclarationRangeError {
  const first = issues.find((i) => i.severity === "error");
  return first?.code === "out_of_range"
    ? new DeclarationRangeError(issues)
    : new DeclarationTypeError(issues);
}
