import assert from "node:assert/strict";
import {
  eightGaussians,
  swissRoll,
  twentyFiveGaussians,
} from "../../src/data/toy.ts";
import type { DataSource } from "../../src/data/types.ts";
import {
  modeStatistics,
  slicedWasserstein,
  swissRollDistanceEvaluator,
  toyModesEvaluator,
} from "../../src/metrics/toy.ts";
import type { EvalContext } from "../../src/metrics/types.ts";
import { Rng } from "../../src/random.ts";

/** An evaluation context whose "generator" is a function of a seeded stream. */
function contextOf(
  data: DataSource,
  generate: (rng: Rng, n: number) => Float32Array,
  checkpoint: "final" | "scheduled" = "final",
): EvalContext {
  const rng = new Rng(101);
  return {
    generate: (n) => Promise.resolve(generate(rng, n)),
    data,
    rng: new Rng(202),
    shape: data.shape,
    checkpoint,
  };
}

Deno.test("modeStatistics: a sample set covering exactly 5 of the 8 modes", () => {
  const modes = eightGaussians().modes!;
  const { centers, std } = modes;
  const points: number[] = [];
  // Modes 0–4: 30 samples each, 0.5σ off centre (high quality).
  for (let k = 0; k < 5; k++) {
    for (let i = 0; i < 30; i++) {
      points.push(centers[k][0] + 0.5 * std, centers[k][1]);
    }
  }
  // Modes 5–7: 10 high-quality samples each, fewer than the 20 that cover a mode.
  for (let k = 5; k < 8; k++) {
    for (let i = 0; i < 10; i++) {
      points.push(centers[k][0], centers[k][1] - std);
    }
  }
  // 20 samples at 1.5 × centre 0: nearest to mode 0, but 0.5 r ≫ 3σ away.
  for (let i = 0; i < 20; i++) {
    points.push(1.5 * centers[0][0], 1.5 * centers[0][1]);
  }
  const stats = modeStatistics(new Float32Array(points), modes);

  assert.equal(stats.modesCovered, 5);
  assert.deepEqual(stats.highQuality, [30, 30, 30, 30, 30, 10, 10, 10]);
  assert.deepEqual(stats.nearest, [50, 30, 30, 30, 30, 10, 10, 10]);
  assert.equal(stats.highQualityFraction, 180 / 200);
  const expectedKl = [50, 30, 30, 30, 30, 10, 10, 10]
    .reduce((s, c) => s + (c / 200) * Math.log(8 * c / 200), 0);
  assert.ok(Math.abs(stats.modeKl - expectedKl) < 1e-12, `${stats.modeKl}`);
  // With a covering count of 10 the three small modes count too.
  assert.equal(
    modeStatistics(new Float32Array(points), modes, { minCount: 10 })
      .modesCovered,
    8,
  );
});

Deno.test("modeStatistics: the 3σ radius is a Euclidean distance, inclusive", () => {
  const modes = { centers: [[0, 0], [10, 0]], std: 1 };
  const at = (
    r: number,
    angle: number,
  ) => [r * Math.cos(angle), r * Math.sin(angle)];
  const inside = [...at(2.9, 0.3), ...at(2.9, 2), ...at(2.12, Math.PI / 4)];
  const outside = [...at(3.1, 0.3), ...at(3.1, 4)];
  const stats = modeStatistics(
    new Float32Array([...inside, ...outside]),
    modes,
    {
      minCount: 1,
    },
  );
  assert.deepEqual(stats.highQuality, [3, 0]);
  assert.equal(stats.highQualityFraction, 3 / 5);
  assert.equal(stats.modesCovered, 1);
  // A radius of 4σ takes in the two points at 3.1σ.
  assert.equal(
    modeStatistics(new Float32Array(outside), modes, { sigmas: 4 })
      .highQualityFraction,
    1,
  );
});

Deno.test("modeStatistics: the KL of known histograms", () => {
  const modes = { centers: [[0, 0], [1, 0], [2, 0], [3, 0]], std: 0.01 };
  const histogram = (counts: number[]) => {
    const p: number[] = [];
    counts.forEach((c, k) => {
      for (let i = 0; i < c; i++) p.push(k, 0);
    });
    return new Float32Array(p);
  };
  // p = (1/2, 1/4, 1/8, 1/8): Σ p ln(4p) = ½ ln 2 + ¼ ln 1 + 2 · ⅛ ln ½ = ¼ ln 2.
  const skewed = modeStatistics(histogram([4, 2, 1, 1]), modes);
  assert.ok(
    Math.abs(skewed.modeKl - Math.log(2) / 4) < 1e-12,
    `${skewed.modeKl}`,
  );
  assert.equal(modeStatistics(histogram([5, 5, 5, 5]), modes).modeKl, 0);
  const collapsed = modeStatistics(histogram([0, 0, 7, 0]), modes);
  assert.ok(Math.abs(collapsed.modeKl - Math.log(4)) < 1e-12);
});

Deno.test("modeStatistics rejects bad input with what, why and the value", () => {
  const modes = eightGaussians().modes!;
  assert.throws(() => modeStatistics(new Float32Array(3), modes), {
    name: "TypeError",
    message:
      "Cannot compute mode statistics: samples must hold [n, 2] points with n ≥ 1, current length is 3",
  });
  assert.throws(
    () => modeStatistics(new Float32Array(2), { centers: [], std: 1 }),
    {
      name: "TypeError",
      message: /modes.centers must be a non-empty list/,
    },
  );
  assert.throws(
    () => modeStatistics(new Float32Array(2), modes, { minCount: 2.5 }),
    {
      name: "RangeError",
      message:
        "Cannot build mode statistics: option minCount must be an integer ≥ 0, current value is 2.5",
    },
  );
  assert.throws(
    () => modeStatistics(new Float32Array(2), modes, { sigma: 3 } as never),
    {
      name: "TypeError",
      message: /unknown option "sigma"\. Fix: use one of "sigmas", "minCount"/,
    },
  );
});

Deno.test("slicedWasserstein: 0 for a set and itself, |v|/√2 for its translate", () => {
  const a = swissRoll().sample(new Rng(4), 1000);
  assert.equal(slicedWasserstein(a, a), 0);
  // A permutation of the same points is the same distribution.
  const reversed = new Float32Array(a.length);
  for (let i = 0; i < 1000; i++) {
    reversed[2 * i] = a[2 * (999 - i)];
    reversed[2 * i + 1] = a[2 * (999 - i) + 1];
  }
  assert.ok(slicedWasserstein(a, reversed) < 1e-12);
  const v = [0.3, -0.4];
  const shifted = a.map((x, i) => x + v[i % 2]);
  // Each direction sees a 1-D shift of θ·v, and mean_k (θ_k·v)² = |v|² / 2 exactly for L ≥ 2 evenly spaced directions.
  for (const projections of [2, 7, 64]) {
    const sw = slicedWasserstein(a, shifted, { projections });
    // Float32 storage of the shifted points: relative error around 1e-7; allow 1e-5.
    assert.ok(
      Math.abs(sw / (Math.hypot(v[0], v[1]) / Math.SQRT2) - 1) < 1e-5,
      `${projections}: ${sw}`,
    );
  }
});

Deno.test("slicedWasserstein agrees with a plain sorted-difference reference, for equal and unequal sizes", () => {
  const rng = new Rng(8);
  const a = rng.normal(2 * 50);
  const b = rng.normal(2 * 100, 0.5, 2);
  const reference = (p: Float32Array, q: Float32Array, projections: number) => {
    // Equal sizes only: W₂² = mean of squared differences of the sorted projections.
    let sum = 0;
    for (let k = 0; k < projections; k++) {
      const t = Math.PI * k / projections;
      const proj = (s: Float32Array) =>
        Array.from(
          { length: s.length / 2 },
          (_, i) => Math.cos(t) * s[2 * i] + Math.sin(t) * s[2 * i + 1],
        )
          .sort((x, y) => x - y);
      const pp = proj(p);
      const qq = proj(q);
      sum += pp.reduce((s, x, i) => s + (x - qq[i]) ** 2, 0) / pp.length;
    }
    return Math.sqrt(sum / projections);
  };
  const b50 = b.subarray(0, 100);
  const equal = slicedWasserstein(a, b50, { projections: 16 });
  assert.ok(Math.abs(equal - reference(a, b50, 16)) < 1e-9);
  // With 100 points against 50, each of the 50 stands for two: duplicate them.
  const doubled = new Float32Array(200);
  for (let i = 0; i < 50; i++) {
    doubled.set([a[2 * i], a[2 * i + 1], a[2 * i], a[2 * i + 1]], 4 * i);
  }
  const unequal = slicedWasserstein(a, b, { projections: 16 });
  assert.ok(Math.abs(unequal - reference(doubled, b, 16)) < 1e-9);
  assert.ok(
    Math.abs(unequal - slicedWasserstein(b, a, { projections: 16 })) < 1e-12,
  );
  // Two points against their midpoint: W₂² = cos² per direction, mean ½.
  const pair = new Float32Array([0, 0, 2, 0]);
  const mid = new Float32Array([1, 0]);
  assert.ok(Math.abs(slicedWasserstein(pair, mid) - 1 / Math.SQRT2) < 1e-12);
});

Deno.test("slicedWasserstein rejects bad input", () => {
  assert.throws(
    () => slicedWasserstein(new Float32Array(2), new Float32Array(0)),
    {
      name: "TypeError",
      message:
        /the second set must hold \[n, 2\] points with n ≥ 1, current length is 0/,
    },
  );
  assert.throws(
    () =>
      slicedWasserstein(new Float32Array(2), new Float32Array(2), {
        projections: 1,
      }),
    {
      name: "RangeError",
      message:
        "Cannot build the sliced Wasserstein distance: option projections must be an integer ≥ 2, current value is 1",
    },
  );
});

Deno.test("toyModesEvaluator: the real data covers every mode with 1 − e^{−4.5} high-quality samples", async () => {
  for (const data of [eightGaussians(), twentyFiveGaussians()]) {
    const scores = await toyModesEvaluator().evaluate(
      contextOf(data, (rng, n) => data.sample(rng, n)),
    );
    const k = data.modes!.centers.length;
    assert.equal(scores.modes_covered, k, data.name);
    // |x − c|² / σ² ~ χ²₂, so P(within 3σ) = 1 − e^{−9/2}; binomial standard error over 2500 is 0.0021, allow 0.012.
    const hq = scores.high_quality_fraction as number;
    assert.ok(
      Math.abs(hq - (1 - Math.exp(-4.5))) < 0.012,
      `${data.name}: ${hq}`,
    );
    // A multinomial histogram's KL to uniform is about (K − 1) / (2n): 0.0014 or 0.0048; allow 0.02.
    assert.ok(
      (scores.mode_kl as number) < 0.02,
      `${data.name}: ${scores.mode_kl}`,
    );
    const protocol = scores.toy_modes_protocol as Record<string, unknown>;
    assert.equal(protocol.samples, 2500);
    assert.equal(protocol.min_count, 20);
    assert.equal((scores.toy_modes_samples as number[][]).length, 500);
  }
});

Deno.test("toyModesEvaluator: a generator collapsed onto one mode", async () => {
  const data = eightGaussians();
  const c = data.modes!.centers[3];
  const scores = await toyModesEvaluator({ samples: 400, keepSamples: 0 })
    .evaluate(
      contextOf(data, (rng, n) => {
        const x = rng.normal(2 * n, 0, data.modes!.std);
        for (let i = 0; i < n; i++) {
          [x[2 * i], x[2 * i + 1]] = [x[2 * i] + c[0], x[2 * i + 1] + c[1]];
        }
        return x;
      }, "scheduled"),
    );
  assert.equal(scores.modes_covered, 1);
  assert.ok(Math.abs((scores.mode_kl as number) - Math.log(8)) < 1e-12);
  assert.equal("toy_modes_samples" in scores, false);
});

Deno.test("toyModesEvaluator refuses a source without modes and non-2-D samples", async () => {
  const roll = swissRoll();
  await assert.rejects(
    toyModesEvaluator().evaluate(
      contextOf(roll, (rng, n) => roll.sample(rng, n)),
    ),
    {
      name: "TypeError",
      message:
        'Cannot evaluate toy_modes on "swiss roll": the data source has no modes (only eight_gaussians and twenty_five_gaussians do); use swiss_roll_distance for it instead',
    },
  );
  const data = eightGaussians();
  await assert.rejects(
    toyModesEvaluator().evaluate({
      ...contextOf(data, (rng, n) => data.sample(rng, n)),
      shape: [3],
    }),
    {
      name: "TypeError",
      message: /needs 2-D points of shape \[2\], current shape is \[3\]/,
    },
  );
  assert.throws(() => toyModesEvaluator({ samples: 0 }), {
    name: "RangeError",
    message:
      "Cannot build the toy_modes evaluator: option samples must be an integer ≥ 1, current value is 0",
  });
});

Deno.test("swissRollDistanceEvaluator: near its floor for real samples, |v|/√2 off for shifted ones", async () => {
  const data = swissRoll();
  const real = await swissRollDistanceEvaluator().evaluate(
    contextOf(data, (rng, n) => data.sample(rng, n)),
  );
  const sw = real.swiss_roll_sw2 as number;
  const floor = real.swiss_roll_sw2_floor as number;
  // Two real sets of 2500 differ by sampling noise only, a few hundredths here.
  assert.ok(floor > 0 && floor < 0.06, `floor ${floor}`);
  assert.ok(sw < 0.06, `real vs real ${sw}`);
  const v = [0.3, 0];
  const shifted = await swissRollDistanceEvaluator({ keepSamples: 10 })
    .evaluate(
      contextOf(
        data,
        (rng, n) => data.sample(rng, n).map((x, i) => x + v[i % 2]),
      ),
    );
  const expected = 0.3 / Math.SQRT2;
  // Sampling noise adds in quadrature-like fashion; allow the floor on either side.
  assert.ok(
    Math.abs((shifted.swiss_roll_sw2 as number) - expected) < 0.06,
    `shifted ${shifted.swiss_roll_sw2} vs ${expected}`,
  );
  assert.equal((shifted.swiss_roll_distance_samples as number[][]).length, 10);
  assert.equal(
    (shifted.swiss_roll_distance_protocol as Record<string, unknown>)
      .projections,
    64,
  );
});
