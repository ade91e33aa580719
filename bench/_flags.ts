/**
 * The benchmark's command line: `deno task bench [flags]`, parsed with
 * `node:util` parseArgs, with `--help` and a one-line error for an unknown
 * flag or a bad value.
 *
 * @module
 */

import { parseArgs } from "node:util";

/** The sections a run can pick. */
export const SECTIONS = ["kernels", "steps", "data"] as const;

/** One of {@linkcode SECTIONS}. */
export type Section = typeof SECTIONS[number];

/** The parsed command line. */
export interface BenchFlags {
  /** Where to write the JSON of the run; undefined writes none. */
  readonly out?: string;
  /** Timed calls per case (a warm-up call comes first). @default {3} */
  readonly reps: number;
  /** Leave the DCGAN Relation GAN step out of the pure-wasm mode. @default {false} */
  readonly quick: boolean;
  /** The Python that has PyTorch. @default {"/usr/bin/python3"} */
  readonly torch: string;
  /** The parts to run. @default {all of SECTIONS} */
  readonly sections: ReadonlySet<Section>;
  /** Run only the cases whose name contains one of these (case-insensitive); empty runs all. */
  readonly only: readonly string[];
  /** Leave out the cases whose name contains one of these (case-insensitive). */
  readonly skip: readonly string[];
}

const OPTIONS = {
  out: { type: "string" },
  reps: { type: "string", default: "3" },
  quick: { type: "boolean", default: false },
  torch: { type: "string", default: "/usr/bin/python3" },
  sections: { type: "string", default: SECTIONS.join(",") },
  only: { type: "string", multiple: true },
  skip: { type: "string", multiple: true },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** The text `--help` prints. */
export const HELP =
  `relgan benchmark: relgan on the wasm backend (pure wasm kernels, then the
native kernels) and the same computations in PyTorch, side by side.

usage: deno task bench [flags]

  --out FILE          also write the run as JSON to FILE
  --reps N            timed calls per case, after one warm-up call (default 3)
  --sections LIST     comma-separated parts to run: ${
    SECTIONS.join(", ")
  } (default all)
                        kernels: conv and matmul microbenchmarks
                        steps:   hand-built DCGAN steps and the compiled
                                 Relation GAN steps (2-D toy per loss, DCGAN
                                 32 px, CIFAR ResNet), each with its PyTorch
                                 counterpart checked against relgan's networks
                        data:    data pipeline images/s and FID
  --only TEXT         run only the cases whose name contains TEXT (case-
                      insensitive); repeat to keep several
  --skip TEXT         leave out the cases whose name contains TEXT (e.g.
                      --skip resnet); repeatable, applied after --only
  --torch PATH        the Python that has PyTorch (default /usr/bin/python3)
  --quick             time the DCGAN Relation GAN step on the native kernels
                      only (it takes some 30 s a call in pure wasm); the
                      CIFAR ResNet step always runs on the native kernels only
  -h, --help          print this and exit

The targets line judges issue 10's targets from this run's rows; the run
exits with status 1 when a PyTorch counterpart does not match relgan's
networks (parameter counts or the loss check).`;

/** What {@linkcode parseBenchFlags} returns: flags, or a message and exit code. */
export type ParsedFlags =
  | { readonly kind: "run"; readonly flags: BenchFlags }
  | { readonly kind: "exit"; readonly code: number; readonly message: string };

const VALID = Object.keys(OPTIONS).map((k) => `--${k}`).join(", ");

/**
 * Parses the benchmark's arguments.
 *
 * @param args The command-line arguments, e.g. `Deno.args`.
 * @returns The flags to run with, or what to print and the exit status
 * (`--help`: 0; an unknown flag or a bad value: 2, in one line).
 */
export function parseBenchFlags(args: readonly string[]): ParsedFlags {
  let values;
  try {
    values = parseArgs({
      args: [...args],
      options: OPTIONS,
      allowPositionals: false,
    }).values;
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    const flag = (text.match(/'([^']+)'/)?.[1] ?? "").split(" ")[0];
    const why = /unknown option/i.test(text)
      ? `unknown flag ${flag}`
      : /argument missing/i.test(text)
      ? `flag ${flag} needs a value`
      : /does not take an argument/i.test(text)
      ? `flag ${flag} takes no value`
      : /positional/i.test(text)
      ? `unexpected argument ${flag}`
      : text;
    return {
      kind: "exit",
      code: 2,
      message: `bench: ${why}; valid flags: ${VALID} (see --help)`,
    };
  }
  if (values.help) return { kind: "exit", code: 0, message: HELP };
  const fail = (message: string): ParsedFlags => ({
    kind: "exit",
    code: 2,
    message: `bench: ${message} (see --help)`,
  });
  const reps = Number(values.reps);
  if (!Number.isInteger(reps) || reps < 1) {
    return fail(
      `--reps must be a whole number >= 1, current value is ${
        JSON.stringify(values.reps)
      }`,
    );
  }
  const picked = values.sections.split(",").map((s) => s.trim()).filter((s) =>
    s
  );
  const unknown = picked.filter((s) =>
    !(SECTIONS as readonly string[]).includes(s)
  );
  if (unknown.length || picked.length === 0) {
    return fail(
      `--sections takes a comma-separated list of ${
        SECTIONS.join(", ")
      }, current value is ${JSON.stringify(values.sections)}`,
    );
  }
  const only = (values.only ?? []).map((s) => s.trim().toLowerCase());
  const skip = (values.skip ?? []).map((s) => s.trim().toLowerCase());
  if ([...only, ...skip].some((s) => s === "")) {
    return fail("--only and --skip need a non-empty part of a case name");
  }
  return {
    kind: "run",
    flags: {
      out: values.out,
      reps,
      quick: values.quick,
      torch: values.torch,
      sections: new Set(picked as Section[]),
      only,
      skip,
    },
  };
}

/**
 * Whether a case runs under `--only` and `--skip`.
 *
 * @param flags The parsed flags.
 * @param name The case's name.
 * @returns True when the name contains one of `--only` (or none was given)
 * and none of `--skip`.
 */
export function selected(flags: BenchFlags, name: string): boolean {
  const lower = name.toLowerCase();
  if (flags.skip.some((s) => lower.includes(s))) return false;
  return flags.only.length === 0 || flags.only.some((s) => lower.includes(s));
}
