/**
 * Experiment files: a TypeScript module that default-exports an experiment
 * or suite declaration (and may export `smoke` and `report`), or a YAML
 * file holding one.
 *
 * @module
 */

import { assertValid } from "./validate.ts";
import { fromYaml } from "./yaml.ts";
import type { Declaration } from "./types.ts";

/** What an experiment module's `report(context)` receives after its runs. */
export interface ReportContext {
  /** The suite's directory (or the single run's parent). */
  readonly outDir: string;
  /** Every run, in order, with its `summary.json` (null when it has none). */
  readonly runs: ReadonlyArray<{
    readonly name: string;
    readonly dir: string;
    readonly summary: Readonly<Record<string, unknown>> | null;
  }>;
  /** Whether the runs were the `smoke` declaration's. */
  readonly smoke: boolean;
}

/** An experiment file, loaded and validated. */
export interface ExperimentFile {
  /** The path as given. */
  readonly path: string;
  /** The file name without folder and extension, e.g. `"gaussians"`. */
  readonly stem: string;
  /** The default export, or the YAML document. */
  readonly declaration: Declaration;
  /** The module's `smoke` export; null when absent (always for YAML). */
  readonly smoke: Declaration | null;
  /** The module's `report` export; null when absent (always for YAML). */
  readonly report: ((context: ReportContext) => Promise<void>) | null;
}

function checked(path: string, what: string, value: unknown): Declaration {
  try {
    return assertValid(value);
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) {
      error.message =
        `Cannot load experiment file ${path}: its ${what} is not a valid declaration.\n${error.message}`;
    }
    throw error;
  }
}

/**
 * Loads an experiment file: `.ts`, `.js` or `.mjs` modules by import,
 * `.yaml` or `.yml` files by {@linkcode fromYaml} (issues carry lines).
 *
 * @example A YAML file
 * ```ts
 * import { loadExperimentFile } from "./experiment_file.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/x.yaml`, [
 *   "kind: experiment",
 *   "name: x",
 *   "data: { kind: swiss_roll }",
 *   "latentDim: 2",
 *   "generator: { kind: sequential, layers: [{ kind: dense, units: 2 }] }",
 *   "discriminator: { kind: sequential, layers: [{ kind: dense, units: 1 }] }",
 *   "loss: { kind: lsgan }",
 * ].join("\n"));
 * const file = await loadExperimentFile(`${dir}/x.yaml`);
 * assert.equal(file.stem, "x");
 * assert.equal(file.declaration.kind, "experiment");
 * assert.equal(file.smoke, null);
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @param path A file path, relative to the working directory or absolute.
 * @returns The file's declarations and report function.
 * @throws {TypeError} When the file is missing, of another type, has no
 * default export, exports a `report` that is not a function, or holds an
 * invalid declaration (with every issue).
 * @throws {RangeError} When a declaration's first problem is a value out
 * of range.
 */
export async function loadExperimentFile(
  path: string,
): Promise<ExperimentFile> {
  const stem = path.replace(/^.*\//, "").replace(/\.[^.]*$/, "");
  try {
    await Deno.stat(path);
  } catch {
    throw new TypeError(
      `Cannot load experiment file ${path}: no such file; pass the path of an experiments/*.ts module or a .yaml declaration`,
    );
  }
  if (/\.ya?ml$/i.test(path)) {
    const text = await Deno.readTextFile(path);
    let declaration: Declaration;
    try {
      declaration = fromYaml(text);
    } catch (error) {
      if (error instanceof TypeError || error instanceof RangeError) {
        error.message = `Cannot load experiment file ${path}: ${error.message}`;
      }
      throw error;
    }
    return { path, stem, declaration, smoke: null, report: null };
  }
  if (!/\.(ts|js|mjs)$/i.test(path)) {
    throw new TypeError(
      `Cannot load experiment file ${path}: expected a .ts module or a .yaml file, current extension is "${
        path.match(/\.[^./]*$/)?.[0] ?? "(none)"
      }"`,
    );
  }
  const url = new URL(path, `file://${Deno.cwd()}/`).href;
  const module = await import(url);
  if (module.default === undefined) {
    throw new TypeError(
      `Cannot load experiment file ${path}: it has no default export; export default an experiment(...) or suite(...) declaration`,
    );
  }
  if (module.report !== undefined && typeof module.report !== "function") {
    throw new TypeError(
      `Cannot load experiment file ${path}: its report export must be an async function of the report context, current type is ${typeof module
        .report}`,
    );
  }
  return {
    path,
    stem,
    declaration: checked(path, "default export", module.default),
    smoke: module.smoke === undefined
      ? null
      : checked(path, "smoke export", module.smoke),
    report: module.report ?? null,
  };
}
