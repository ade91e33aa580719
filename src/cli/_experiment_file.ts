/**
 * Reading experiment files for the command line: a TypeScript module that
 * default-exports a declaration (and may export `smoke` and `report`), or a
 * YAML file holding one; `--set` overrides; picking a suite's runs.
 *
 * @module
 */

import { parse as parseYaml } from "yaml";
import { assertValid } from "../dsl/mod.ts";
import type { Declaration, ExperimentDecl } from "../dsl/types.ts";

/** What `report(context)` of an experiment module receives. */
export interface ReportContext {
  /** The suite's (or the single run's parent) directory. */
  readonly outDir: string;
  readonly runs: ReadonlyArray<
    {
      readonly name: string;
      readonly dir: string;
      readonly summary: Readonly<Record<string, unknown>> | null;
    }
  >;
  readonly smoke: boolean;
}

/** An experiment file, loaded. */
export interface ExperimentFile {
  /** The path as given. */
  readonly path: string;
  /** The file's name without directory and extension, e.g. `gaussians`. */
  readonly stem: string;
  /** The default export (or the YAML document). */
  readonly declaration: Declaration;
  /** The module's `smoke` export, when it has one. */
  readonly smoke: Declaration | null;
  /** The module's `report` export, when it has one. */
  readonly report: ((context: ReportContext) => Promise<void>) | null;
}

/**
 * Loads an experiment file.
 *
 * @throws {TypeError} When the file is missing, of another kind, or does not
 * hold a valid declaration.
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
    let document: unknown;
    try {
      document = parseYaml(await Deno.readTextFile(path));
    } catch (error) {
      throw new TypeError(
        `Cannot load experiment file ${path}: it is not valid YAML (${
          firstLine(error)
        })`,
      );
    }
    return {
      path,
      stem,
      declaration: assertValid(document),
      smoke: null,
      report: null,
    };
  }
  if (!/\.(ts|js|mjs)$/i.test(path)) {
    throw new TypeError(
      `Cannot load experiment file ${path}: expected a .ts module or a .yaml file`,
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
    declaration: assertValid(module.default),
    smoke: module.smoke === undefined ? null : assertValid(module.smoke),
    report: module.report ?? null,
  };
}

/** The names of a declaration's runs: one for an experiment, each run's for a suite. */
export function listRuns(declaration: Declaration): string[] {
  return declaration.kind === "suite"
    ? declaration.runs.map((r) => r.name)
    : [declaration.name];
}

/**
 * Picks one run by name.
 *
 * @throws {RangeError} When no run has that name; the message lists them.
 */
export function selectRun(
  declaration: Declaration,
  name: string,
): ExperimentDecl {
  const runs = declaration.kind === "suite" ? declaration.runs : [declaration];
  const run = runs.find((r) => r.name === name);
  if (!run) {
    throw new RangeError(
      `Cannot select run "${name}": ${declaration.kind} "${declaration.name}" has no such run; its runs are ${
        runs.map((r) => r.name).join(", ")
      }`,
    );
  }
  return run;
}

/**
 * Applies `path=value` overrides to an experiment. The path is dotted
 * (`training.iterations`, `generator.blocks.0.units`); the value is read as
 * YAML (`10`, `true`, `0.5`, `[1, 2]`, `text`). Missing `training`,
 * `schedule` and optimiser sections are created.
 *
 * @throws {TypeError} When an override is not `path=value`, its path does
 * not exist, or the result is not a valid declaration.
 */
export function applyOverrides(
  experiment: ExperimentDecl,
  overrides: readonly string[],
): ExperimentDecl {
  const copy = structuredClone(experiment) as unknown as Record<
    string,
    unknown
  >;
  for (const override of overrides) {
    const eq = override.indexOf("=");
    if (eq <= 0) {
      throw new TypeError(
        `Cannot apply --set ${override}: expected path=value, e.g. --set training.iterations=100`,
      );
    }
    const path = override.slice(0, eq).split(".");
    const value = parseYaml(override.slice(eq + 1));
    let node: Record<string, unknown> = copy;
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i];
      if (node[key] === undefined && key in SECTIONS) {
        node[key] = { kind: SECTIONS[key] };
      }
      const next = node[key];
      if (next === null || typeof next !== "object") {
        throw new TypeError(
          `Cannot apply --set ${override}: ${
            path.slice(0, i + 1).join(".")
          } is not an object in the declaration of "${experiment.name}"`,
        );
      }
      node = next as Record<string, unknown>;
    }
    node[path[path.length - 1]] = value;
  }
  return assertValid(copy) as ExperimentDecl;
}

/** Sections a declaration may leave out (defaults), with their kinds. */
const SECTIONS: Readonly<Record<string, string>> = {
  training: "training",
  schedule: "schedule",
  generatorOptimizer: "adam",
  discriminatorOptimizer: "adam",
};

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split(
    "\n",
  )[0];
}
