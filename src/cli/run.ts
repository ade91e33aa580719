/**
 * `deno task run <experiment.ts | experiment.yaml> [flags]`: runs an
 * experiment file, or every run of a suite.
 *
 * Flags:
 *
 * - `--backend B`: `auto` (default), `tensorflow`, `webgpu`, `wasm`, `cpu`.
 * - `--out DIR`: the run directory (default `runs/<file>/<run>`); for a
 *   suite, the suite's directory (default `runs/<file>`), which holds one
 *   directory per run.
 * - `--resume DIR`: continue the run in DIR from its checkpoint; the file
 *   may be left out, the declaration is then DIR's `spec.yaml`.
 * - `--seed N`: override the experiment's seed.
 * - `--set path=value` (repeatable): override a declaration value, e.g.
 *   `--set training.iterations=100`.
 * - `--list`: print the run names and stop.
 * - `--only NAME`: run only that run of a suite.
 * - `--smoke`: use the module's `smoke` declaration.
 * - `--concurrency N`: worker processes a suite runs at once (default: the
 *   number of cores).
 *
 * The first line of every run's output is the backend line. Bad input (a
 * usage, type or range error) ends with one line on stderr and exit code
 * 2; a diverged run with its message and exit code 3; any other failure,
 * or a suite with a failed or diverged run, with exit code 1. Set
 * `RELGAN_TRACE=1` to also print the stack.
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  formatBackendLine,
  parseBackendChoice,
  useBackend,
} from "../backend/mod.ts";
import { compile } from "../compiler/mod.ts";
import {
  applyOverrides,
  type ExperimentDecl,
  type ExperimentFile,
  listRuns,
  loadExperimentFile,
  type ReportContext,
  selectRun,
} from "../dsl/mod.ts";
import {
  CHECKPOINT_FILE,
  readCheckpoint,
  train,
  type TrainRecord,
  type TrainSummary,
} from "../engine/mod.ts";
import { runSuite } from "../suite/mod.ts";
import {
  formatEventLine,
  formatProgressBar,
  formatStepLine,
} from "./_progress.ts";

/** Reads `--concurrency`; undefined leaves the suite runner's default. */
function parseConcurrency(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(
      `Cannot run the suite: --concurrency must be an integer ≥ 1, current value is "${value}"`,
    );
  }
  return n;
}

const USAGE =
  `usage: deno task run <experiment.ts | experiment.yaml> [--backend auto|tensorflow|webgpu|wasm|cpu] [--out DIR] [--resume DIR] [--seed N] [--set path=value]... [--list] [--only NAME] [--smoke] [--concurrency N]`;

/** Bad command-line input: printed as one line, exit code 2. */
class UsageError extends Error {}

/** Exit codes. */
const EXIT = { ok: 0, failed: 1, usage: 2, diverged: 3 } as const;

async function main(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        backend: { type: "string", default: "auto" },
        out: { type: "string" },
        resume: { type: "string" },
        seed: { type: "string" },
        set: { type: "string", multiple: true, default: [] },
        list: { type: "boolean", default: false },
        only: { type: "string" },
        smoke: { type: "boolean", default: false },
        concurrency: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}; ${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return EXIT.ok;
  }
  if (positionals.length > 1) {
    throw new UsageError(
      `Cannot run: expected one experiment file, got ${positionals.length} (${
        positionals.join(" ")
      }); ${USAGE}`,
    );
  }
  if (positionals.length === 0 && values.resume === undefined) {
    throw new UsageError(`Cannot run: no experiment file given; ${USAGE}`);
  }
  if (
    values.resume !== undefined && values.out !== undefined &&
    values.out !== values.resume
  ) {
    throw new UsageError(
      `Cannot run: --out ${values.out} and --resume ${values.resume} name different directories; a resumed run continues in its own directory, so pass only --resume`,
    );
  }
  const overrides = [
    ...(values.seed === undefined ? [] : [`seed=${parseSeed(values.seed)}`]),
    ...values.set,
  ];
  const backendChoice = parseBackendChoice(values.backend);

  if (values.list) {
    if (positionals.length === 0) {
      throw new UsageError(`Cannot list runs: no experiment file given`);
    }
    const file = await loadExperimentFile(positionals[0]);
    const declaration = values.smoke ? smokeOf(file) : file.declaration;
    for (const name of listRuns(declaration)) console.log(name);
    return EXIT.ok;
  }

  const info = await useBackend(backendChoice);
  const backendLine = formatBackendLine(info);
  console.log(backendLine);

  // Resume from the run directory alone: its spec.yaml is the declaration
  // (YAML keeps values JSON cannot, such as an infinite limit).
  if (positionals.length === 0) {
    const dir = values.resume!;
    await readCheckpoint(`${dir}/${CHECKPOINT_FILE}`); // fails early, with the fix
    const spec = await loadExperimentFile(`${dir}/spec.yaml`);
    if (spec.declaration.kind !== "experiment") {
      throw new UsageError(
        `Cannot resume ${dir}: its spec.yaml declares a ${spec.declaration.kind}, not one experiment; pass the experiment file and --only NAME`,
      );
    }
    let experiment: ExperimentDecl = spec.declaration;
    if (overrides.length > 0) {
      experiment = applyOverrides(experiment, overrides);
    }
    const summary = await runOne(experiment, dir, true, backendLine, args);
    return exitCode(summary);
  }

  const file = await loadExperimentFile(positionals[0]);
  const declaration = values.smoke ? smokeOf(file) : file.declaration;

  // A whole suite: one worker process per run, then the module's report.
  if (declaration.kind === "suite" && values.only === undefined) {
    if (values.resume !== undefined) {
      throw new UsageError(
        `Cannot resume the whole suite "${declaration.name}": resume one run with --only NAME --resume DIR`,
      );
    }
    const outDir = values.out ?? `runs/${file.stem}`;
    const names = listRuns(declaration);
    const result = await runSuite({
      file: file.path,
      runs: names,
      outDir,
      concurrency: parseConcurrency(values.concurrency),
      backend: values.backend,
      smoke: values.smoke,
      args: overrides.flatMap((o) => ["--set", o]),
      onEvent: (event) => {
        if (event.kind === "start") {
          console.log(
            `suite ${declaration.name}: run ${event.name} started (${
              event.index + 1
            }/${event.total})`,
          );
        } else if (event.kind === "end") {
          const r = event.result;
          console.log(
            `suite ${declaration.name}: run ${r.name} ${r.status}${
              r.status === "completed" ? "" : `: ${r.error}`
            } (${event.done}/${event.total})`,
          );
        }
      },
    });
    if (file.report) {
      await file.report({
        outDir,
        runs: result.runs.map((r) => ({
          name: r.name,
          dir: r.dir,
          summary: r.summary,
        })),
        smoke: values.smoke,
      });
    }
    console.log(
      `suite ${declaration.name}: ${result.completed} completed, ${result.diverged} diverged, ${result.failed} failed in ${outDir}`,
    );
    return result.failed + result.diverged > 0 ? EXIT.failed : EXIT.ok;
  }

  // One run: the experiment, or the suite's run named by --only.
  const name = values.only ?? listRuns(declaration)[0];
  const experiment = applyOverrides(selectRun(declaration, name), overrides);
  const outDir = values.resume ?? values.out ??
    `runs/${file.stem}/${experiment.name}`;
  const summary = await runOne(
    experiment,
    outDir,
    values.resume !== undefined,
    backendLine,
    args,
  );
  if (file.report && declaration.kind === "experiment") {
    const context: ReportContext = {
      outDir: outDir.replace(/\/[^/]*\/?$/, "") || ".",
      runs: [{
        name: experiment.name,
        dir: outDir,
        summary: summary as unknown as Record<string, unknown>,
      }],
      smoke: values.smoke,
    };
    await file.report(context);
  }
  return exitCode(summary);
}

/** Compiles and trains one experiment, printing its progress. */
async function runOne(
  experiment: ExperimentDecl,
  outDir: string,
  resume: boolean,
  backendLine: string,
  argv: readonly string[],
): Promise<TrainSummary> {
  let compiled;
  try {
    compiled = await compile(experiment);
  } catch (error) {
    await writeFailure(outDir, experiment.name, backendLine, error);
    throw error;
  }
  const progress = progressPrinter(Deno.stdout.isTerminal());
  try {
    const summary = await train(compiled, {
      outDir,
      resume,
      argv,
      backendLine,
      onRecord: progress,
    });
    if (summary.divergence) {
      console.error(`error: ${summary.divergence.message}`);
    }
    return summary;
  } finally {
    compiled.dispose();
  }
}

/** Leaves a `failed` summary.json for a run that could not start. */
async function writeFailure(
  outDir: string,
  run: string,
  backend: string,
  error: unknown,
): Promise<void> {
  try {
    await Deno.mkdir(outDir, { recursive: true });
    await Deno.writeTextFile(
      `${outDir}/summary.json`,
      JSON.stringify(
        {
          status: "failed",
          run,
          steps: 0,
          backend,
          error: oneLine(error),
        },
        null,
        2,
      ) + "\n",
    );
  } catch {
    // The original error is what the user needs to see.
  }
}

/**
 * Prints records. On a terminal: a bar redrawn in place at most ten times a
 * second, from every step's tick (rate and ETA) and the latest logged
 * losses, with other lines printed above it. Otherwise: one fixed-format
 * line per logged step.
 */
function progressPrinter(terminal: boolean): (record: TrainRecord) => void {
  const encoder = new TextEncoder();
  let barShown = false;
  let losses: Readonly<Record<string, number>> = {};
  let drawnAt = -Infinity;
  let rate = { step: 0, timeS: 0, stepsPerS: 0 };
  const columns = () => {
    try {
      const { columns } = Deno.consoleSize();
      return columns >= 40 ? columns : 100; // some terminals report 0
    } catch {
      return 100;
    }
  };
  const draw = (step: number, iterations: number) => {
    const bar = formatProgressBar(
      { step, iterations, stepsPerS: rate.stepsPerS, losses },
      columns(),
    );
    Deno.stdout.writeSync(encoder.encode(`\r\x1b[K${bar}`));
    barShown = true;
  };
  return (record) => {
    if (record.kind === "tick") {
      if (!terminal) return;
      const now = performance.now();
      if (now - drawnAt < 100 && record.step < record.iterations) return;
      const span = record.timeS - rate.timeS;
      if (span > 0 && record.step > rate.step) {
        rate = {
          step: record.step,
          timeS: record.timeS,
          stepsPerS: (record.step - rate.step) / span,
        };
      }
      drawnAt = now;
      draw(record.step, record.iterations);
      return;
    }
    if (record.kind === "step") {
      losses = record.losses;
      if (!terminal) {
        console.log(formatStepLine(record));
        return;
      }
      const now = performance.now();
      if (now - drawnAt >= 100 || record.step === record.iterations) {
        drawnAt = now;
        draw(record.step, record.iterations);
      }
      return;
    }
    const line = formatEventLine(record);
    if (line === null) return;
    if (terminal && barShown) {
      Deno.stdout.writeSync(encoder.encode("\r\x1b[K"));
      barShown = false;
    }
    console.log(line);
  };
}

function exitCode(summary: TrainSummary): number {
  return summary.status === "completed"
    ? EXIT.ok
    : summary.status === "diverged"
    ? EXIT.diverged
    : EXIT.failed;
}

function parseSeed(text: string): number {
  const seed = Number(text);
  if (text.trim() === "" || !Number.isSafeInteger(seed)) {
    throw new UsageError(
      `Cannot use --seed ${text}: the seed must be an integer, e.g. --seed 7`,
    );
  }
  return seed;
}

function smokeOf(file: ExperimentFile): NonNullable<ExperimentFile["smoke"]> {
  if (file.smoke === null) {
    throw new UsageError(
      `Cannot use --smoke with ${file.path}: it exports no smoke declaration; add \`export const smoke = ...\` (a tiny declaration of the same shape) or run without --smoke`,
    );
  }
  return file.smoke;
}

/** One line for the user: the message, its lines joined, no stack. */
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n").map((l) => l.trim()).filter((l) => l !== "")
    .join(" ");
}

if (import.meta.main) {
  let code: number;
  try {
    code = await main(Deno.args);
  } catch (error) {
    console.error(`error: ${oneLine(error)}`);
    if (Deno.env.get("RELGAN_TRACE") === "1" && error instanceof Error) {
      console.error(error.stack);
    }
    const input = error instanceof UsageError || error instanceof TypeError ||
      error instanceof RangeError;
    code = input ? EXIT.usage : EXIT.failed;
  }
  Deno.exit(code);
}
