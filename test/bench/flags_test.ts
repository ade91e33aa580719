import assert from "node:assert/strict";
import { parseBenchFlags, selected } from "../../bench/_flags.ts";

Deno.test("parseBenchFlags: defaults run every section with 3 reps", () => {
  const p = parseBenchFlags([]);
  assert.equal(p.kind, "run");
  if (p.kind !== "run") return;
  assert.equal(p.flags.reps, 3);
  assert.equal(p.flags.quick, false);
  assert.equal(p.flags.torch, "/usr/bin/python3");
  assert.deepEqual([...p.flags.sections], ["kernels", "steps", "data"]);
  assert.deepEqual(p.flags.only, []);
  assert.deepEqual(p.flags.skip, []);
});

Deno.test("parseBenchFlags: --help exits 0 with the usage text", () => {
  for (const arg of ["--help", "-h"]) {
    const p = parseBenchFlags([arg]);
    assert.equal(p.kind, "exit");
    if (p.kind !== "exit") return;
    assert.equal(p.code, 0);
    assert.match(p.message, /usage: deno task bench/);
    assert.match(p.message, /--only TEXT/);
  }
});

Deno.test("parseBenchFlags: an unknown flag is one line naming it and the valid flags", () => {
  const p = parseBenchFlags(["--repz", "2"]);
  assert.equal(p.kind, "exit");
  if (p.kind !== "exit") return;
  assert.equal(p.code, 2);
  assert.equal(p.message.split("\n").length, 1);
  assert.match(p.message, /unknown flag --repz/);
  assert.match(
    p.message,
    /--out, --reps, --quick, --torch, --sections, --only, --skip, --help/,
  );
});

Deno.test("parseBenchFlags: bad values say which flag and the current value", () => {
  const cases: [string[], RegExp][] = [
    [
      ["--reps", "0"],
      /--reps must be a whole number >= 1, current value is "0"/,
    ],
    [
      ["--sections", "kernels,gpu"],
      /--sections .* current value is "kernels,gpu"/,
    ],
    [["--out"], /flag --out needs a value/],
    [["--quick=yes"], /flag --quick takes no value/],
    [["stray"], /unexpected argument stray/],
  ];
  for (const [args, pattern] of cases) {
    const p = parseBenchFlags(args);
    assert.equal(p.kind, "exit", args.join(" "));
    if (p.kind !== "exit") return;
    assert.equal(p.code, 2);
    assert.match(p.message, pattern);
  }
});

Deno.test("selected: --only keeps the cases whose name contains any of its values, case-insensitively", () => {
  const p = parseBenchFlags([
    "--only",
    "RELATION GAN",
    "--only",
    "hinge",
    "--sections",
    "steps",
  ]);
  assert.equal(p.kind, "run");
  if (p.kind !== "run") return;
  assert.deepEqual([...p.flags.sections], ["steps"]);
  assert.equal(selected(p.flags, "dcgan32 Relation GAN step (batch 64)"), true);
  assert.equal(
    selected(p.flags, "toy 8 gaussians step, hinge loss (batch 256)"),
    true,
  );
  assert.equal(
    selected(p.flags, "toy 8 gaussians step, relation loss (batch 256)"),
    false,
  );
});

Deno.test("selected: --skip leaves out matching cases, after --only", () => {
  const p = parseBenchFlags(["--only", "relation gan", "--skip", "ResNet"]);
  assert.equal(p.kind, "run");
  if (p.kind !== "run") return;
  assert.equal(selected(p.flags, "dcgan32 Relation GAN step (batch 64)"), true);
  assert.equal(
    selected(p.flags, "CIFAR ResNet Relation GAN step (batch 32)"),
    false,
  );
});
