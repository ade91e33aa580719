/**
 * The files of a run directory, apart from the checkpoint.
 *
 * @module
 */

import type { TrainSummary } from "./train_record.ts";

/** File names inside a run directory. */
export const RUN_FILES = {
  spec: "spec.yaml",
  command: "command.json",
  metrics: "metrics.jsonl",
  summary: "summary.json",
  samples: "samples",
} as const;

/** What `command.json` holds. */
export interface CommandFile {
  readonly argv: readonly string[];
  readonly seed: number;
  readonly backend: string;
  /** Every later invocation that resumed this run, with its starting step. */
  readonly resumes: ReadonlyArray<
    { argv: readonly string[]; backend: string; step: number }
  >;
}

/** Joins path parts with `/`. */
export function join(...parts: string[]): string {
  return parts.join("/").replace(/\/+/g, "/");
}

/** Writes text to a file through a temporary file and a rename. */
export async function writeTextAtomic(
  path: string,
  text: string,
): Promise<void> {
  const temporary = `${path}.${Deno.pid}.tmp`;
  await Deno.writeTextFile(temporary, text);
  await Deno.rename(temporary, path);
}

/** Writes command.json for a fresh run, or adds this invocation to it on resume. */
export async function writeCommand(
  dir: string,
  argv: readonly string[],
  seed: number,
  backend: string,
  resumedAt: number | null,
): Promise<void> {
  const path = join(dir, RUN_FILES.command);
  let command: CommandFile = { argv, seed, backend, resumes: [] };
  if (resumedAt !== null) {
    try {
      const previous = JSON.parse(await Deno.readTextFile(path)) as CommandFile;
      command = {
        ...previous,
        resumes: [...(previous.resumes ?? []), {
          argv,
          backend,
          step: resumedAt,
        }],
      };
    } catch {
      command = {
        argv,
        seed,
        backend,
        resumes: [{ argv, backend, step: resumedAt }],
      };
    }
  }
  await writeTextAtomic(path, JSON.stringify(command, null, 2) + "\n");
}

/**
 * Prepares metrics.jsonl: empties it for a fresh run; on resume keeps only
 * the records up to the checkpoint's step (a killed run may have logged
 * steps past its last checkpoint, which the resumed run logs again) and
 * drops the final evaluation, which the resumed run repeats.
 *
 * @returns The losses of the last kept step record (`d/…` and `g/…`
 * keys), or an empty object.
 */
export async function prepareMetrics(
  dir: string,
  resumedAt: number | null,
): Promise<Record<string, number>> {
  const path = join(dir, RUN_FILES.metrics);
  if (resumedAt === null) {
    await Deno.writeTextFile(path, "");
    return {};
  }
  let text = "";
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const kept: Array<Record<string, unknown>> = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const record = JSON.parse(line) as Record<string, unknown>;
      // The final evaluation runs again when the run ends.
      const final = record.checkpoint === "final";
      if ((record.step as number) <= resumedAt && !final) kept.push(record);
    } catch {
      // A line cut short by the kill.
    }
  }
  await writeTextAtomic(
    path,
    kept.map((r) => JSON.stringify(r) + "\n").join(""),
  );
  const last = kept.filter((r) => !("eval" in r)).at(-1) ?? {};
  return Object.fromEntries(
    Object.entries(last).filter(([k, v]) =>
      /^[dg]\//.test(k) && typeof v === "number"
    ),
  ) as Record<string, number>;
}

/** Appends one JSON object as a line of metrics.jsonl. */
export async function appendMetrics(
  dir: string,
  record: Record<string, unknown>,
): Promise<void> {
  await Deno.writeTextFile(
    join(dir, RUN_FILES.metrics),
    JSON.stringify(record) + "\n",
    { append: true },
  );
}

/**
 * Writes summary.json: the summary's fields, with the evaluator scores also
 * at the top level under their own keys.
 */
export async function writeSummary(
  dir: string,
  summary: TrainSummary,
): Promise<void> {
  const text = JSON.stringify({ ...summary.scores, ...summary }, jsonSafe, 2);
  await writeTextAtomic(join(dir, RUN_FILES.summary), text + "\n");
}

/** JSON replacer that writes non-finite numbers as strings instead of null. */
export function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === "number" && !Number.isFinite(value)
    ? String(value)
    : value;
}
