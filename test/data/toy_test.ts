import assert from "node:assert/strict";
import {
  eightGaussians,
  hasModes,
  swissRoll,
  type ToyDataSource,
  twentyFiveGaussians,
} from "../../src/data/toy.ts";
import { Rng } from "../../src/random.ts";

/** Per-mode shares, residual mean and residual std of a mixture sample. */
function mixtureStats(data: ToyDataSource, n: number, seed: number) {
  const centers = data.modes!.centers;
  const x = data.sample(new Rng(seed), n);
  const counts = new Array(centers.length).fill(0);
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestD = Infinity;
    for (let k = 0; k < centers.length; k++) {
      const d = (x[2 * i] - centers[k][0]) ** 2 +
        (x[2 * i + 1] - centers[k][1]) ** 2;
      if (d < bestD) [best, bestD] = [k, d];
    }
    counts[best]++;
    for (let c = 0; c < 2; c++) {
      const r = x[2 * i + c] - centers[best][c];
      sum += r;
      sumSq += r * r;
    }
  }
  const m = 2 * n;
  return {
    shares: counts.map((c) => c / n),
    residualMean: sum / m,
    residualStd: Math.sqrt(sumSq / m - (sum / m) ** 2),
  };
}

Deno.test("eightGaussians places 8 centres on the circle of radius 2/1.414, 45° apart", () => {
  const data = eightGaussians();
  assert.deepEqual(data.shape, [2]);
  assert.equal(data.size, Infinity);
  const { centers, std } = data.modes!;
  assert.equal(centers.length, 8);
  assert.ok(Math.abs(std - 0.02 / 1.414) < 1e-15);
  for (let k = 0; k < 8; k++) {
    const [x, y] = centers[k];
    assert.ok(Math.abs(Math.hypot(x, y) - 2 / 1.414) < 1e-12);
    assert.ok(
      Math.abs(
        Math.atan2(y, x) - Math.atan2(
          Math.sin(k * Math.PI / 4),
          Math.cos(k * Math.PI / 4),
        ),
      ) < 1e-12,
    );
  }
});

Deno.test("eightGaussians samples equal shares per mode and the stated std", () => {
  const n = 40_000;
  const stats = mixtureStats(eightGaussians(), n, 11);
  // Binomial standard error of a share: sqrt(p (1 - p) / n) ≈ 0.00165; allow 6 of them.
  const tol = 6 * Math.sqrt((1 / 8) * (7 / 8) / n);
  for (const s of stats.shares) {
    assert.ok(Math.abs(s - 1 / 8) < tol, `share ${s}`);
  }
  // The residual std has relative standard error 1/sqrt(2 · 2n) ≈ 0.25 %; allow 2 %.
  const std = 0.02 / 1.414;
  assert.ok(
    Math.abs(stats.residualStd / std - 1) < 0.02,
    `${stats.residualStd}`,
  );
  // Residual mean: standard error std / sqrt(2n); allow 6 of them.
  assert.ok(Math.abs(stats.residualMean) < 6 * std / Math.sqrt(2 * n));
});

Deno.test("twentyFiveGaussians places a 5 × 5 grid of spacing 2/2.828 and samples it evenly", () => {
  const data = twentyFiveGaussians();
  const { centers, std } = data.modes!;
  assert.equal(centers.length, 25);
  assert.ok(Math.abs(std - 0.05 / 2.828) < 1e-15);
  const s = 2 / 2.828;
  const xs = new Set(centers.map((c) => Math.round(c[0] / s)));
  const ys = new Set(centers.map((c) => Math.round(c[1] / s)));
  assert.deepEqual([...xs].sort((p, q) => p - q), [-2, -1, 0, 1, 2]);
  assert.deepEqual([...ys].sort((p, q) => p - q), [-2, -1, 0, 1, 2]);
  for (const [x, y] of centers) {
    assert.ok(Math.abs(x / s - Math.round(x / s)) < 1e-12);
    assert.ok(Math.abs(y / s - Math.round(y / s)) < 1e-12);
  }
  const n = 50_000;
  const stats = mixtureStats(data, n, 12);
  const tol = 6 * Math.sqrt((1 / 25) * (24 / 25) / n);
  for (const share of stats.shares) {
    assert.ok(Math.abs(share - 1 / 25) < tol, `share ${share}`);
  }
  assert.ok(
    Math.abs(stats.residualStd / std - 1) < 0.02,
    `${stats.residualStd}`,
  );
});

Deno.test("swissRoll matches the moments of t = 1.5π(1 + 2u), (t cos t, t sin t) + noise, scaled", () => {
  const n = 60_000;
  const scale = 1 / 7.5;
  const noise = 0.25;
  const x = swissRoll().sample(new Rng(13), n);
  let mx = 0;
  let my = 0;
  let r2 = 0;
  for (let i = 0; i < n; i++) {
    mx += x[2 * i] / n;
    my += x[2 * i + 1] / n;
    r2 += (x[2 * i] ** 2 + x[2 * i + 1] ** 2) / n;
  }
  const a = 1.5 * Math.PI;
  const b = 4.5 * Math.PI;
  // ∫ t cos t = t sin t + cos t and ∫ t sin t = sin t − t cos t over [a, b], divided by b − a.
  const eCos = (b * Math.sin(b) + Math.cos(b) - a * Math.sin(a) - Math.cos(a)) /
    (b - a);
  const eSin = (Math.sin(b) - b * Math.cos(b) - Math.sin(a) + a * Math.cos(a)) /
    (b - a);
  const eT2 = (b ** 3 - a ** 3) / (3 * (b - a));
  // Each coordinate has std ≈ sqrt(E[t²] / 2) / 7.5 ≈ 0.92, so a mean's standard error is ≈ 0.004; allow 0.03.
  assert.ok(
    Math.abs(mx - scale * eCos) < 0.03,
    `mean x ${mx} vs ${scale * eCos}`,
  );
  assert.ok(
    Math.abs(my - scale * eSin) < 0.03,
    `mean y ${my} vs ${scale * eSin}`,
  );
  const expectedR2 = scale ** 2 * (eT2 + 2 * noise ** 2);
  assert.ok(
    Math.abs(r2 / expectedR2 - 1) < 0.02,
    `E|x|² ${r2} vs ${expectedR2}`,
  );
});

Deno.test("toy samplers are deterministic in the generator's state", () => {
  for (const data of [eightGaussians(), twentyFiveGaussians(), swissRoll()]) {
    const a = data.sample(new Rng(5), 64);
    const b = data.sample(new Rng(5), 64);
    const c = data.sample(new Rng(6), 64);
    assert.deepEqual(a, b, data.name);
    assert.notDeepEqual(a, c, data.name);
    assert.equal(a.length, 128);
    assert.equal(data.sample(new Rng(5), 0).length, 0);
  }
});

Deno.test("toy samplers honour their options", () => {
  const ring = eightGaussians({ radius: 3, std: 0.1 });
  assert.ok(Math.abs(ring.modes!.centers[2][1] - 3) < 1e-12);
  assert.equal(ring.modes!.std, 0.1);
  const grid = twentyFiveGaussians({ spacing: 1, std: 0.01 });
  assert.deepEqual(grid.modes!.centers[0], [-2, -2]);
  const roll = swissRoll({ scale: 1, noise: 1e-9 });
  const x = roll.sample(new Rng(2), 100);
  for (let i = 0; i < 100; i++) {
    const r = Math.hypot(x[2 * i], x[2 * i + 1]);
    assert.ok(r >= 1.5 * Math.PI - 1e-4 && r <= 4.5 * Math.PI + 1e-4, `${r}`);
  }
});

Deno.test("toy samplers reject bad options and batch sizes with what, why and the value", () => {
  assert.throws(() => eightGaussians({ std: -1 }), {
    name: "RangeError",
    message:
      "Cannot build the eight Gaussians: option std must be a finite number above 0, current value is -1",
  });
  assert.throws(
    () => twentyFiveGaussians({ spacing: "2" as unknown as number }),
    {
      name: "TypeError",
      message: /option spacing must be a number, current value is "2"/,
    },
  );
  assert.throws(
    () => swissRoll({ nosie: 0.1 } as unknown as { noise: number }),
    {
      name: "TypeError",
      message: /unknown option "nosie"\. Fix: use one of "noise", "scale"/,
    },
  );
  assert.throws(() => eightGaussians().sample(new Rng(1), 2.5), {
    name: "RangeError",
    message: /batch size must be a non-negative integer, current value is 2.5/,
  });
});

Deno.test("hasModes tells mixtures from the Swiss roll", () => {
  assert.equal(hasModes(eightGaussians()), true);
  assert.equal(hasModes(twentyFiveGaussians()), true);
  assert.equal(hasModes(swissRoll()), false);
});
