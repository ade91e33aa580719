/**
 * Runs the runs of a suite in parallel worker processes.
 *
 * Each run is one child process of the same Deno executable,
 * `deno run -A --unstable-webgpu src/cli/run.ts <file> --only <name> --out
 * <outDir>/<name> [--backend B] [--smoke] [args…]`, so runs share nothing:
 * each has its own TensorFlow.js backend, memory and random streams, and a
 * crash ends that run only. At most `concurrency` children run at once. When
 * a child exits, its `summary.json` is read; a run that exits with an error,
 * writes no summary or reports a failure is recorded with its name, the
 * reason and the tail of its stderr, and the suite goes on.
 *
 * Each child's full stdout and stderr go to `<outDir>/_workers/<name>.log`.
 *
 * @module
 */

/** A run that finished and wrote a `completed` summary. */
export interface CompletedRun {
  readonly status: "completed";
  readonly name: string;
  /** The run directory, `<outDir>/<name>`. */
  readonly dir: string;
  /** The parsed `summary.json`. */
  readonly summary: Readonly<Record<string, unknown>>;
  /** Wall time of the child process in seconds. */
  readonly wallS: number;
}

/** A run whose training stopped on a non-finite value (its summary says so). */
export interface DivergedRun {
  readonly status: "diverged";
  readonly name: string;
  readonly dir: string;
  readonly summary: Readonly<Record<string, unknown>>;
  /** The summary's divergence message. */
  readonly error: string;
  readonly wallS: number;
}

/** A run that crashed, or ended without a usable summary. */
export interface FailedRun {
  readonly status: "failed";
  readonly name: string;
  readonly dir: string;
  /** What went wrong, in one line. */
  readonly error: string;
  /** The last lines of the child's stderr. */
  readonly stderrTail: string;
  /** The child's exit code, or `null` when it was killed by a signal. */
  readonly exitCode: number | null;
  /** The summary, when the child wrote one (e.g. with status `failed`). */
  readonly summary: Readonly<Record<string, unknown>> | null;
  readonly wallS: number;
}

/** The outcome of one run of the suite. */
export type SuiteRunResult = CompletedRun | DivergedRun | FailedRun;

/** What {@linkcode runSuite} returns. */
export interface SuiteResult {
  /** One result per run, in the order the runs were given. */
  readonly runs: readonly SuiteRunResult[];
  readonly completed: number;
  readonly diverged: number;
  readonly failed: number;
  /** The concurrency used. */
  readonly concurrency: number;
  /** Wall time of the whole suite in seconds. */
  readonly wallS: number;
}

/** A run's child process started. */
export interface SuiteStartEvent {
  readonly kind: "start";
  readonly name: string;
  /** Position of the run in the suite, from 0. */
  readonly index: number;
  readonly total: number;
  /** The child's command line, executable first. */
  readonly command: readonly string[];
}

/** A line a run's child printed. */
export interface SuiteOutputEvent {
  readonly kind: "output";
  readonly name: string;
  readonly stream: "stdout" | "stderr";
  readonly line: string;
}

/** A run's child exited and its outcome is known. */
export interface SuiteEndEvent {
  readonly kind: "end";
  readonly result: SuiteRunResult;
  /** Runs finished so far, this one included. */
  readonly done: number;
  readonly total: number;
}

/** What {@linkcode runSuite} reports while it runs. */
export type SuiteEvent = SuiteStartEvent | SuiteOutputEvent | SuiteEndEvent;

/** Options of {@linkcode runSuite}. */
export interface RunSuiteOptions {
  /** The experiment file each worker runs, passed as given. */
  readonly file: string;
  /** The names of the runs to execute (unique; each becomes a directory). */
  readonly runs: readonly string[];
  /** The suite's directory; run `name` writes to `<outDir>/<name>`. */
  readonly outDir: string;
  /**
   * Number of worker processes at once.
   *
   * @default {navigator.hardwareConcurrency}
   */
  readonly concurrency?: number;
  /**
   * Passed to each worker as `--backend`; omitted when undefined.
   *
   * @default {undefined}
   */
  readonly backend?: string;
  /**
   * Passes `--smoke` to each worker.
   *
   * @default {false}
   */
  readonly smoke?: boolean;
  /**
   * Further arguments for every worker, after the others (e.g.
   * `["--set", "plan.iterations=10"]`).
   *
   * @default {[]}
   */
  readonly args?: readonly string[];
  /**
   * The worker script.
   *
   * @default {this package's src/cli/run.ts}
   */
  readonly script?: string;
  /**
   * Lines of stderr kept for a failed run.
   *
   * @default {20}
   */
  readonly tailLines?: number;
  /**
   * Called on every start, output line and end. Library code never prints;
   * the command line formats these.
   *
   * @default {undefined}
   */
  readonly onEvent?: (event: SuiteEvent) => void;
  /**
   * Aborting kills the running children; their runs are reported as failed
   * and no further run starts.
   *
   * @default {undefined}
   */
  readonly signal?: AbortSignal;
}

/** Bytes of each stream kept in memory for the stderr tail. */
const KEEP_BYTES = 64 * 1024;

function defaultScript(): string {
  const url = new URL("../cli/run.ts", import.meta.url);
  return url.protocol === "file:" ? decodeURIComponent(url.pathname) : url.href;
}

function checkOptions(options: RunSuiteOptions): number {
  if (typeof options?.file !== "string" || options.file === "") {
    throw new TypeError(
      `Cannot run the suite: file must be the experiment file's path, current value is ${
        JSON.stringify(options?.file)
      }`,
    );
  }
  if (typeof options.outDir !== "string" || options.outDir === "") {
    throw new TypeError(
      `Cannot run the suite: outDir must be a directory path, current value is ${
        JSON.stringify(options.outDir)
      }`,
    );
  }
  if (!Array.isArray(options.runs)) {
    throw new TypeError(
      `Cannot run the suite: runs must be a list of run names, current value is ${
        JSON.stringify(options.runs)
      }`,
    );
  }
  const seen = new Set<string>();
  for (const name of options.runs) {
    if (
      typeof name !== "string" || name === "" || name === "." ||
      name === ".." || /[\/\\\0]/.test(name)
    ) {
      throw new TypeError(
        `Cannot run the suite: run names become directory names, so each must be a non-empty string without "/", "\\" or NUL and not "." or "..", current value is ${
          JSON.stringify(name)
        }`,
      );
    }
    if (seen.has(name)) {
      throw new TypeError(
        `Cannot run the suite: run name "${name}" appears twice; names must be unique`,
      );
    }
    seen.add(name);
  }
  const concurrency = options.concurrency ?? navigator.hardwareConcurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(
      `Cannot run the suite: concurrency must be an integer ≥ 1, current value is ${concurrency}`,
    );
  }
  const tail = options.tailLines ?? 20;
  if (!Number.isInteger(tail) || tail < 0) {
    throw new RangeError(
      `Cannot run the suite: tailLines must be an integer ≥ 0, current value is ${tail}`,
    );
  }
  return concurrency;
}

/** Writes every byte (`write` may write fewer than it is given). */
async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    offset += await file.write(bytes.subarray(offset));
  }
}

/**
 * Reads a child's stream: every chunk to the log file, complete lines to
 * `onLine`, and the last {@linkcode KEEP_BYTES} bytes into memory.
 */
async function drain(
  stream: ReadableStream<Uint8Array>,
  log: Deno.FsFile,
  onLine: (line: string) => void,
): Promise<string> {
  const decoder = new TextDecoder();
  let kept = "";
  let partial = "";
  for await (const chunk of stream) {
    await writeAll(log, chunk);
    const text = decoder.decode(chunk, { stream: true });
    kept = (kept + text).slice(-KEEP_BYTES);
    const lines = (partial + text).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) onLine(line.replace(/\r$/, ""));
  }
  const rest = decoder.decode();
  kept = (kept + rest).slice(-KEEP_BYTES);
  partial += rest;
  if (partial !== "") onLine(partial);
  return kept;
}

async function readSummary(
  dir: string,
): Promise<Record<string, unknown> | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${dir}/summary.json`);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  try {
    const value = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? value as Record<string, unknown>
      : null;
  } catch {
    return null;
  }
}

function lastLines(text: string, n: number): string {
  if (n === 0) return "";
  const lines = text.replace(/\n+$/, "").split("\n");
  return lines.slice(-n).join("\n");
}

/**
 * The environment added for each worker: the cores shared out among the
 * workers as OpenBLAS threads and as oneDNN's OpenMP threads (each unless
 * the user set `OPENBLAS_NUM_THREADS` / `OMP_NUM_THREADS`). Two workers of
 * two OpenBLAS threads each on two cores spin-wait for one another: a 2-D
 * run took 48 s that way and 16 s with one thread each.
 */
function workerEnv(concurrency: number): Record<string, string> {
  const threads = String(Math.max(
    1,
    Math.floor(navigator.hardwareConcurrency / concurrency),
  ));
  const env: Record<string, string> = {};
  for (const name of ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"]) {
    if (Deno.env.get(name) === undefined) env[name] = threads;
  }
  return env;
}

/** Runs one child and classifies its outcome. */
async function runOne(
  name: string,
  index: number,
  total: number,
  options: RunSuiteOptions,
  script: string,
  env: Record<string, string>,
): Promise<SuiteRunResult> {
  const dir = `${options.outDir}/${name}`;
  const args = [
    "run",
    "-A",
    "--unstable-webgpu",
    script,
    options.file,
    "--only",
    name,
    "--out",
    dir,
    ...(options.backend !== undefined ? ["--backend", options.backend] : []),
    ...(options.smoke ? ["--smoke"] : []),
    ...(options.args ?? []),
  ];
  const emit = options.onEvent ?? (() => {});
  emit({
    kind: "start",
    name,
    index,
    total,
    command: [Deno.execPath(), ...args],
  });
  const started = performance.now();
  const wallS = () => (performance.now() - started) / 1000;
  const tailLines = options.tailLines ?? 20;

  if (options.signal?.aborted) {
    return {
      status: "failed",
      name,
      dir,
      error: `run "${name}" was not started: the suite was aborted`,
      stderrTail: "",
      exitCode: null,
      summary: null,
      wallS: 0,
    };
  }

  const log = await Deno.open(`${options.outDir}/_workers/${name}.log`, {
    write: true,
    create: true,
    truncate: true,
  });
  let stderr = "";
  let code: number | null = null;
  let spawnError: string | null = null;
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args,
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: options.signal,
    }).spawn();
    const [, err, status] = await Promise.all([
      drain(
        child.stdout,
        log,
        (line) => emit({ kind: "output", name, stream: "stdout", line }),
      ),
      drain(
        child.stderr,
        log,
        (line) => emit({ kind: "output", name, stream: "stderr", line }),
      ),
      child.status,
    ]);
    stderr = err;
    code = status.signal === null ? status.code : null;
  } catch (error) {
    spawnError = error instanceof Error ? error.message : String(error);
  } finally {
    log.close();
  }

  const summary = await readSummary(dir);
  const tail = lastLines(stderr, tailLines);
  if (spawnError !== null) {
    return {
      status: "failed",
      name,
      dir,
      error: `run "${name}" could not be started: ${spawnError}`,
      stderrTail: tail,
      exitCode: null,
      summary,
      wallS: wallS(),
    };
  }
  const reported = summary?.status;
  if (summary !== null && reported === "completed" && code === 0) {
    return { status: "completed", name, dir, summary, wallS: wallS() };
  }
  if (summary !== null && reported === "diverged") {
    const divergence = summary.divergence as { message?: unknown } | null;
    return {
      status: "diverged",
      name,
      dir,
      summary,
      error: typeof divergence?.message === "string"
        ? divergence.message
        : `run "${name}" diverged`,
      wallS: wallS(),
    };
  }
  const how = code === null
    ? "was killed by a signal"
    : `exited with code ${code}`;
  let error: string;
  if (summary === null) {
    error = `run "${name}" ${how} and wrote no readable ${dir}/summary.json`;
  } else if (typeof summary.error === "string" && summary.error !== "") {
    error = `run "${name}" ${how}; its summary says: ${summary.error}`;
  } else {
    error = `run "${name}" ${how} with summary status ${
      JSON.stringify(reported)
    }`;
  }
  const last = stderr.split("\n").map((l) => l.trim()).filter((l) => l !== "")
    .pop();
  if (last !== undefined && summary === null) {
    error += `; its stderr ends: ${last}`;
  }
  return {
    status: "failed",
    name,
    dir,
    error,
    stderrTail: tail,
    exitCode: code,
    summary,
    wallS: wallS(),
  };
}

/**
 * Runs a suite's runs as worker processes, at most `concurrency` at a time,
 * and collects each run's `summary.json`. A failing run is reported, never
 * thrown.
 *
 * @param options The experiment file, run names, output directory,
 * concurrency, backend, smoke flag, extra arguments and event callback.
 * @returns Every run's outcome in the order given, and counts.
 * @throws {TypeError} When the file, directory or run names are not usable.
 * @throws {RangeError} When concurrency or tailLines is out of range.
 *
 * @example Two runs of a worker that writes a summary
 * ```ts
 * import { runSuite } from "./run_suite.ts";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const script = `${dir}/worker.ts`;
 * await Deno.writeTextFile(script, `
 *   const out = Deno.args[Deno.args.indexOf("--out") + 1];
 *   await Deno.mkdir(out, { recursive: true });
 *   await Deno.writeTextFile(out + "/summary.json", JSON.stringify({ status: "completed" }));
 * `);
 * const result = await runSuite({ file: "x.ts", runs: ["a", "b"], outDir: `${dir}/out`, script });
 * assert.equal(result.completed, 2);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function runSuite(options: RunSuiteOptions): Promise<SuiteResult> {
  const concurrency = checkOptions(options);
  const script = options.script ?? defaultScript();
  const env = workerEnv(concurrency);
  const started = performance.now();
  await Deno.mkdir(`${options.outDir}/_workers`, { recursive: true });

  const total = options.runs.length;
  const results: SuiteRunResult[] = new Array(total);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < total) {
      const index = next++;
      const result = await runOne(
        options.runs[index],
        index,
        total,
        options,
        script,
        env,
      );
      results[index] = result;
      done++;
      options.onEvent?.({ kind: "end", result, done, total });
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, worker),
  );

  const count = (s: SuiteRunResult["status"]) =>
    results.filter((r) => r.status === s).length;
  return {
    runs: results,
    completed: count("completed"),
    diverged: count("diverged"),
    failed: count("failed"),
    concurrency,
    wallS: (performance.now() - started) / 1000,
  };
}
