import assert from "node:assert/strict";
import { runSuite, type SuiteEvent } from "../../src/suite/mod.ts";

/**
 * A worker with the CLI's command line: `<file> --only NAME --out DIR
 * [--backend B] [--smoke] [args…]`. What it does depends on the run's name.
 */
const WORKER = `
const args = Deno.args;
const name = args[args.indexOf("--only") + 1];
const out = args[args.indexOf("--out") + 1];
const log = args[args.indexOf("--intervals") + 1];
const t0 = Date.now();
await new Promise((r) => setTimeout(r, 250));
await Deno.writeTextFile(log, JSON.stringify({ name, t0, t1: Date.now() }) + "\\n", { append: true });
if (name === "boom") {
  for (let i = 1; i <= 30; i++) console.error("trace line " + i);
  Deno.exit(3);
}
if (name === "silent") Deno.exit(0);
await Deno.mkdir(out, { recursive: true });
const status = name === "nan" ? "diverged" : "completed";
const divergence = name === "nan" ? { message: "diverged at step 7: d/total is NaN" } : null;
await Deno.writeTextFile(out + "/summary.json", JSON.stringify({ status, divergence, argv: args, value: name.length }));
console.log("done " + name);
`;

Deno.test("runSuite runs a tiny suite in parallel workers and reports each outcome", async () => {
  const dir = await Deno.makeTempDir({ prefix: "relgan_suite_" });
  try {
    const script = `${dir}/worker.ts`;
    await Deno.writeTextFile(script, WORKER);
    const intervals = `${dir}/intervals.jsonl`;
    const events: SuiteEvent[] = [];
    const result = await runSuite({
      file: "experiments/tiny.ts",
      runs: ["alpha", "boom", "silent", "nan", "omega"],
      outDir: `${dir}/out`,
      concurrency: 2,
      backend: "wasm",
      smoke: true,
      args: ["--intervals", intervals],
      script,
      tailLines: 5,
      onEvent: (e) => events.push(e),
    });

    assert.equal(result.concurrency, 2);
    assert.deepEqual(result.runs.map((r) => [r.name, r.status]), [
      ["alpha", "completed"],
      ["boom", "failed"],
      ["silent", "failed"],
      ["nan", "diverged"],
      ["omega", "completed"],
    ]);
    assert.deepEqual(
      [result.completed, result.diverged, result.failed],
      [2, 1, 2],
    );

    const alpha = result.runs[0];
    assert.equal(alpha.dir, `${dir}/out/alpha`);
    assert.equal(alpha.status === "completed" && alpha.summary.value, 5);
    // The worker saw the CLI's command line.
    const argv = alpha.status === "completed" ? alpha.summary.argv : null;
    assert.deepEqual(argv, [
      "experiments/tiny.ts",
      "--only",
      "alpha",
      "--out",
      `${dir}/out/alpha`,
      "--backend",
      "wasm",
      "--smoke",
      "--intervals",
      intervals,
    ]);

    const boom = result.runs[1];
    assert.equal(boom.status, "failed");
    if (boom.status === "failed") {
      assert.equal(boom.exitCode, 3);
      assert.equal(
        boom.error,
        `run "boom" exited with code 3 and wrote no readable ${dir}/out/boom/summary.json; its stderr ends: trace line 30`,
      );
      assert.equal(
        boom.stderrTail,
        [26, 27, 28, 29, 30].map((i) => `trace line ${i}`).join("\n"),
      );
    }
    const silent = result.runs[2];
    assert.equal(silent.status === "failed" && silent.exitCode, 0);
    const nan = result.runs[3];
    assert.equal(
      nan.status === "diverged" && nan.error,
      "diverged at step 7: d/total is NaN",
    );

    // Never more than two at once, and two did overlap.
    const spans = (await Deno.readTextFile(intervals)).trim().split("\n")
      .map((l) => JSON.parse(l) as { t0: number; t1: number });
    assert.equal(spans.length, 5);
    let maxOverlap = 0;
    for (const s of spans) {
      const overlap = spans.filter((o) => o.t0 <= s.t0 && s.t0 < o.t1).length;
      maxOverlap = Math.max(maxOverlap, overlap);
    }
    assert.equal(maxOverlap, 2);

    // Events: a start and an end per run, output lines, and the full log per run.
    assert.equal(events.filter((e) => e.kind === "start").length, 5);
    const ends = events.filter((e) => e.kind === "end");
    assert.deepEqual(ends.map((e) => e.kind === "end" && e.done), [
      1,
      2,
      3,
      4,
      5,
    ]);
    assert.ok(
      events.some((e) =>
        e.kind === "output" && e.name === "omega" && e.stream === "stdout" &&
        e.line === "done omega"
      ),
    );
    const log = await Deno.readTextFile(`${dir}/out/_workers/boom.log`);
    assert.equal(
      log.split("\n").filter((l) => l.startsWith("trace line")).length,
      30,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runSuite defaults its concurrency to the number of cores", async () => {
  const dir = await Deno.makeTempDir({ prefix: "relgan_suite_" });
  try {
    const script = `${dir}/worker.ts`;
    await Deno.writeTextFile(script, "Deno.exit(0);");
    const result = await runSuite({
      file: "x.ts",
      runs: [],
      outDir: dir,
      script,
    });
    assert.equal(result.concurrency, navigator.hardwareConcurrency);
    assert.equal(result.runs.length, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runSuite rejects unusable names and concurrency before starting anything", async () => {
  const base = { file: "x.ts", outDir: "/nonexistent/never-created" };
  await assert.rejects(runSuite({ ...base, runs: ["a", "a"] }), {
    name: "TypeError",
    message:
      'Cannot run the suite: run name "a" appears twice; names must be unique',
  });
  await assert.rejects(runSuite({ ...base, runs: ["../up"] }), {
    name: "TypeError",
    message: /run names become directory names.*current value is "..\/up"/,
  });
  await assert.rejects(runSuite({ ...base, runs: ["a"], concurrency: 0 }), {
    name: "RangeError",
    message:
      "Cannot run the suite: concurrency must be an integer ≥ 1, current value is 0",
  });
});
