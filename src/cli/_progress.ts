/**
 * Formatting training records for people: one fixed-format line per logged
 * step when the output is not a terminal, a progress bar when it is.
 *
 * @module
 */

import type { StepRecord, TrainRecord } from "../engine/mod.ts";

/** Seconds as `h:mm:ss` or `m:ss`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?:??";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}

/** A number in 4 significant digits, fixed width 10. */
function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v).padStart(10);
  const a = Math.abs(v);
  const text = a !== 0 && (a >= 1e5 || a < 1e-3)
    ? v.toExponential(3)
    : v.toFixed(4);
  return text.padStart(10);
}

/** The loss totals first, then the other terms, as `name value` pairs. */
function formatLosses(losses: Readonly<Record<string, number>>): string {
  const keys = Object.keys(losses);
  const ordered = [
    ...keys.filter((k) => k.endsWith("/total")),
    ...keys.filter((k) => !k.endsWith("/total")),
  ];
  return ordered.map((k) => `${k} ${formatValue(losses[k])}`).join("  ");
}

function eta(record: Omit<BarState, "losses">): number {
  return (record.iterations - record.step) / record.stepsPerS;
}

/**
 * The fixed-format line of a logged step, e.g.
 * `step    100/2000 |   45.3 steps/s | eta 0:42 | d/total     1.2345  ...`.
 */
export function formatStepLine(record: StepRecord): string {
  const width = String(record.iterations).length;
  return [
    `step ${String(record.step).padStart(width)}/${record.iterations}`,
    `${record.stepsPerS.toFixed(1).padStart(7)} steps/s`,
    `eta ${formatDuration(eta(record))}`,
    formatLosses(record.losses),
  ].join(" | ");
}

/** What a progress bar shows. */
export interface BarState {
  readonly step: number;
  readonly iterations: number;
  readonly stepsPerS: number;
  /** The latest logged losses; only the totals are shown. */
  readonly losses: Readonly<Record<string, number>>;
}

/**
 * A one-line progress bar for a terminal (redrawn in place with `\r`):
 * `[#####.....]  50% 100/200 45.3 steps/s eta 0:02 d/total 1.23 g/total 0.45`.
 *
 * @param columns The terminal's width; the line is cut to fit.
 */
export function formatProgressBar(record: BarState, columns = 100): string {
  const fraction = record.iterations > 0 ? record.step / record.iterations : 1;
  const cells = 20;
  const done = Math.round(fraction * cells);
  const totals = Object.entries(record.losses)
    .filter(([k]) => k.endsWith("/total"))
    .map(([k, v]) => `${k} ${formatValue(v).trim()}`)
    .join(" ");
  const line = `[${"#".repeat(done)}${".".repeat(cells - done)}] ${
    String(Math.floor(fraction * 100)).padStart(3)
  }% ${record.step}/${record.iterations} ${
    record.stepsPerS.toFixed(1)
  } steps/s eta ${formatDuration(eta(record))} ${totals}`.trimEnd();
  return line.length > columns ? line.slice(0, Math.max(columns - 1, 0)) : line;
}

/**
 * The line printed for a record that is not a step, or `null` for records
 * that print nothing (samples, checkpoints).
 */
export function formatEventLine(record: TrainRecord): string | null {
  switch (record.kind) {
    case "start":
      return record.resumed
        ? `run ${record.run}: resuming at step ${record.step}/${record.iterations} in ${record.outDir}`
        : `run ${record.run}: ${record.iterations} steps${
          record.outDir ? ` in ${record.outDir}` : ""
        }`;
    case "eval":
      return `eval step ${record.step} (${record.checkpoint}): ${
        Object.entries(record.scores)
          .filter(([, v]) => typeof v === "number" || typeof v === "string")
          .map(([k, v]) =>
            `${k} ${typeof v === "number" ? formatValue(v).trim() : v}`
          )
          .join(", ")
      }`;
    case "end":
      return `run ${record.summary.run}: ${record.summary.status} after ${record.summary.steps} steps in ${
        formatDuration(record.summary.timeS)
      }`;
    case "step":
    case "tick":
    case "sample":
    case "checkpoint":
    case "diverged":
      return null;
  }
}
