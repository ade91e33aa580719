/**
 * What every builder does with the node it made: check it against the
 * schema, throw every issue at once, and freeze it.
 *
 * @module
 */

import { type Category, checkNode } from "./_schema.ts";
import { declarationError, type DeclarationIssue } from "./issue.ts";

/** Deep-freezes plain data in place and returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Drops keys whose value is `undefined`, so optional options stay absent. */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as T;
}

/**
 * Checks a freshly built node of a category and returns it frozen.
 *
 * @throws {TypeError | RangeError} Listing every issue, when it is invalid.
 */
export function built<T>(cat: Category, node: T): T {
  const issues: DeclarationIssue[] = [];
  const clean = compact(node as object) as T;
  checkNode(cat, clean, [], issues);
  if (issues.length) throw declarationError(issues);
  return deepFreeze(clean);
}
