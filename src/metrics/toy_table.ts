/**
 * Tables of toy-experiment scores over seeds: each metric as mean ± sample
 * standard deviation over the runs of one (dataset, method) cell, in
 * Markdown and as JSON-ready data.
 *
 * @module
 */

/** A metric's values over seeds. */
export interface SeedStatistics {
  /** Arithmetic mean. */
  readonly mean: number;
  /** Sample standard deviation (divisor n − 1); 0 for a single value. */
  readonly std: number;
  /** Number of values. */
  readonly n: number;
  /** The values, in run order. */
  readonly values: readonly number[];
}

/** One run's outcome, as a table reads it. */
export interface TableRun {
  /** Row label, e.g. `"8 Gaussians"`. */
  readonly dataset: string;
  /** Column group label, e.g. `"Relation GAN"`. */
  readonly method: string;
  readonly seed: number;
  /** Whether the run completed; others count in `runs` but not in the statistics. */
  readonly completed: boolean;
  /** The run's scores; a missing or non-finite key is skipped. */
  readonly scores: Readonly<Record<string, unknown>>;
}

/** One (dataset, method) cell of the table. */
export interface TableRow {
  readonly dataset: string;
  readonly method: string;
  /** Runs declared for this cell. */
  readonly runs: number;
  /** Runs that completed. */
  readonly completed: number;
  /** Seeds of the runs, in run order. */
  readonly seeds: readonly number[];
  /** Each metric's statistics, or `null` when no completed run has it. */
  readonly metrics: Readonly<Record<string, SeedStatistics | null>>;
}

/** A column of the Markdown table. */
export interface TableColumn {
  /** The score key, e.g. `"modes_covered"`. */
  readonly key: string;
  /** The header text. */
  readonly label: string;
  /** Decimals shown. */
  readonly digits: number;
}

/**
 * Mean and sample standard deviation of a list of numbers.
 *
 * @param values At least one finite number.
 * @returns mean = Σx/n and std = (Σ(x − mean)² / (n − 1))^½, 0 when n = 1.
 * @throws {RangeError} When the list is empty or holds a non-finite value.
 *
 * @example Three seeds
 * ```ts
 * import { seedStatistics } from "./toy_table.ts";
 * import assert from "node:assert/strict";
 *
 * const s = seedStatistics([6, 8, 7]);
 * assert.equal(s.mean, 7);
 * assert.equal(s.std, 1);
 * ```
 */
export function seedStatistics(values: readonly number[]): SeedStatistics {
  if (values.length === 0) {
    throw new RangeError(
      "Cannot summarise over seeds: the list of values is empty; pass at least one value",
    );
  }
  for (const v of values) {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new RangeError(
        `Cannot summarise over seeds: every value must be a finite number, current value is ${v}`,
      );
    }
  }
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const ss = values.reduce((s, v) => s + (v - mean) ** 2, 0);
  return { mean, std: n > 1 ? Math.sqrt(ss / (n - 1)) : 0, n, values };
}

/**
 * Groups runs by (dataset, method), in the order each pair first appears,
 * and summarises every metric key over the completed runs of each group.
 *
 * @param runs The runs of a suite.
 * @param keys The score keys to summarise.
 * @returns One row per (dataset, method).
 *
 * @example Two seeds of one method
 * ```ts
 * import { tableRows } from "./toy_table.ts";
 * import assert from "node:assert/strict";
 *
 * const rows = tableRows([
 *   { dataset: "8g", method: "a", seed: 1, completed: true, scores: { m: 2 } },
 *   { dataset: "8g", method: "a", seed: 2, completed: true, scores: { m: 4 } },
 * ], ["m"]);
 * assert.equal(rows[0].metrics.m?.mean, 3);
 * ```
 */
export function tableRows(
  runs: readonly TableRun[],
  keys: readonly string[],
): TableRow[] {
  const groups = new Map<string, TableRun[]>();
  for (const run of runs) {
    const id = JSON.stringify([run.dataset, run.method]);
    groups.set(id, [...(groups.get(id) ?? []), run]);
  }
  return [...groups.values()].map((group) => {
    const done = group.filter((r) => r.completed);
    const metrics: Record<string, SeedStatistics | null> = {};
    for (const key of keys) {
      const values = done.map((r) => r.scores[key]).filter((
        v,
      ): v is number => typeof v === "number" && Number.isFinite(v));
      metrics[key] = values.length > 0 ? seedStatistics(values) : null;
    }
    return {
      dataset: group[0].dataset,
      method: group[0].method,
      runs: group.length,
      completed: done.length,
      seeds: group.map((r) => r.seed),
      metrics,
    };
  });
}

/**
 * Writes rows as a Markdown table: dataset, method, one `mean ± std` column
 * per metric (`—` where a row has none), and completed/declared runs.
 *
 * @param rows From {@linkcode tableRows}.
 * @param columns The metric columns.
 * @returns The table, one line per row, ending in a newline.
 *
 * @example One row
 * ```ts
 * import { markdownTable, tableRows } from "./toy_table.ts";
 * import assert from "node:assert/strict";
 *
 * const rows = tableRows([
 *   { dataset: "8g", method: "a", seed: 1, completed: true, scores: { m: 2 } },
 *   { dataset: "8g", method: "a", seed: 2, completed: true, scores: { m: 4 } },
 * ], ["m"]);
 * const md = markdownTable(rows, [{ key: "m", label: "M", digits: 1 }]);
 * assert.equal(md.split("\n")[2], "| 8g | a | 3.0 ± 1.4 | 2/2 |");
 * ```
 */
export function markdownTable(
  rows: readonly TableRow[],
  columns: readonly TableColumn[],
): string {
  const header = ["Dataset", "Method", ...columns.map((c) => c.label), "Runs"];
  const lines = [
    `| ${header.join(" | ")} |`,
    `|${header.map((_, i) => i < 2 ? "---" : "---:").join("|")}|`,
  ];
  for (const row of rows) {
    const cells = columns.map((c) => {
      const s = row.metrics[c.key];
      return s
        ? `${s.mean.toFixed(c.digits)} ± ${s.std.toFixed(c.digits)}`
        : "—";
    });
    lines.push(
      `| ${
        [row.dataset, row.method, ...cells, `${row.completed}/${row.runs}`]
          .join(" | ")
      } |`,
    );
  }
  return lines.join("\n") + "\n";
}
