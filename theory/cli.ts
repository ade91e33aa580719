/**
 * `deno task theory`: runs the theory checks and prints what they say.
 *
 * ```sh
 * deno task theory            # tables
 * deno task theory --json     # the same as JSON
 * deno task theory --out DIR  # also writes DIR/trajectories.png (figure 2's layout:
 *                             # θ path in blue, start green, end black, real point red)
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import { createCanvas } from "@napi-rs/canvas";
import {
  diracModels,
  formatEigenvalues,
  type Gaussian,
  gradientDescent,
  localAnalysis,
  relationDivergence,
  relationGanModel,
  type RelationScoreClass,
  simulateTrajectory,
  type Trajectory,
} from "./mod.ts";

const SEPARATIONS = [0, 0.5, 1, 2, 4];
const PHI0: [number, number][] = [[1, 1], [2, -1], [3, 3]];

/** The divergence rows: score class, hinge form and dimension. */
const DIVERGENCE_ROWS: {
  scoreClass: RelationScoreClass;
  form: "per-sample" | "batch-mean";
  dim: number;
}[] = [
  { scoreClass: "linear-sum", form: "per-sample", dim: 1 },
  { scoreClass: "mlp-sum", form: "per-sample", dim: 1 },
  { scoreClass: "mlp-concat", form: "per-sample", dim: 1 },
  { scoreClass: "mlp-concat", form: "per-sample", dim: 2 },
  { scoreClass: "mlp-concat", form: "batch-mean", dim: 1 },
];

function gather() {
  const models = diracModels().map((model) => ({
    model,
    analysis: localAnalysis(model),
    trajectory: simulateTrajectory(model),
    descent: gradientDescent(model, {
      stepSize: 0.1,
      steps: 1000,
      mode: "alternating",
    }),
  }));
  const sensitivity = PHI0.flatMap((phi0) =>
    [
      relationGanModel({ phi0 }),
      relationGanModel({ phi0, margin: "constant" }),
      relationGanModel({ phi0, previous: "current-detached" }),
    ].map((model) => ({ phi0, trajectory: simulateTrajectory(model) }))
  );
  const divergence = DIVERGENCE_ROWS.map((row) => {
    const p: Gaussian = { mean: new Array(row.dim).fill(0), std: 1 };
    return {
      ...row,
      estimates: SEPARATIONS.map((mu) => {
        const mean = new Array(row.dim).fill(0);
        mean[0] = mu;
        return {
          separation: mu,
          ...relationDivergence(p, { mean, std: 1 }, {
            scoreClass: row.scoreClass,
            form: row.form,
            seed: 0,
          }),
        };
      }),
    };
  });
  return { models, sensitivity, divergence };
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)]
    .join("\n");
}

function drawTrajectories(runs: Trajectory[], path: string): Promise<void> {
  const cols = 5;
  const rows = Math.ceil(runs.length / cols);
  const size = 260;
  const canvas = createCanvas(cols * size, rows * size);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "white";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  runs.forEach((run, k) => {
    const ox = (k % cols) * size;
    const oy = Math.floor(k / cols) * size;
    const extent = Math.max(
      0.3,
      ...run.states.map((s) => Math.max(Math.abs(s[0]), Math.abs(s[1]))),
    ) * 1.1;
    const px = (x: number) => ox + size / 2 + (x / extent) * (size / 2 - 20);
    const py = (y: number) => oy + size / 2 - (y / extent) * (size / 2 - 20);
    ctx.strokeStyle = "#ccc";
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(px(-extent), py(0));
    ctx.lineTo(px(extent), py(0));
    ctx.moveTo(px(0), py(-extent));
    ctx.lineTo(px(0), py(extent));
    ctx.stroke();
    ctx.strokeStyle = "#1f5fbf";
    ctx.beginPath();
    run.states.forEach((s, i) =>
      i === 0 ? ctx.moveTo(px(s[0]), py(s[1])) : ctx.lineTo(px(s[0]), py(s[1]))
    );
    ctx.stroke();
    ctx.fillStyle = "#d33";
    ctx.beginPath();
    ctx.arc(px(0), py(0), 4, 0, 2 * Math.PI);
    ctx.fill();
    ctx.fillStyle = "#2a2";
    ctx.beginPath();
    ctx.arc(px(run.states[0][0]), py(run.states[0][1]), 4, 0, 2 * Math.PI);
    ctx.fill();
    const end = run.states[run.states.length - 1];
    ctx.fillStyle = "black";
    ctx.beginPath();
    ctx.arc(px(end[0]), py(end[1]), 2.5, 0, 2 * Math.PI);
    ctx.fill();
    ctx.font = "13px DejaVu Sans";
    ctx.fillText(run.model, ox + 8, oy + 16);
    ctx.font = "11px DejaVu Sans";
    ctx.fillText(
      `${run.classification}, |θ(T)| ${run.finalDistance.toExponential(1)}`,
      ox + 8,
      oy + size - 8,
    );
    ctx.fillText(`±${extent.toFixed(2)}`, ox + size - 50, oy + 16);
  });
  return canvas.encode("png").then((png) => Deno.writeFile(path, png));
}

/** A trajectory without its samples, for JSON. */
function summary(t: Trajectory) {
  const { t: times, states: _states, ...rest } = t;
  return { ...rest, steps: times.length };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: { json: { type: "boolean" }, out: { type: "string" } },
    strict: true,
  });
  const { models, sensitivity, divergence } = gather();
  if (values.json) {
    console.log(JSON.stringify(
      {
        models: models.map(({ model, analysis, trajectory, descent }) => ({
          name: model.name,
          description: model.description,
          readings: model.readings ?? [],
          initial: model.initial,
          analysis,
          trajectory: summary(trajectory),
          alternatingDescent: {
            stepSize: 0.1,
            steps: descent.distances.length - 1,
            finalDistance: descent.distances.at(-1),
          },
        })),
        relationSensitivity: sensitivity.map(({ phi0, trajectory }) => ({
          phi0,
          trajectory: summary(trajectory),
        })),
        divergence,
      },
      null,
      1,
    ));
  } else {
    const first = models[0].trajectory.settings;
    console.log(
      `Dirac-GANs in the plane: θ(0) = (0.2, 0.1), discriminator's effective weights (0.1, 0.1) (θr = 1, θe = (0.1, 0.1) for the relation D), θ_prev(0) = θ(0); RK45 to T = ${first.tEnd}, tol ${first.tolerance}, max step ${first.maxStep}; distance over the last ${
        first.tailFraction * 100
      }%; discrete verdicts for h = ${models[0].analysis.stepSize}.\n`,
    );
    console.log(table(
      [
        "model",
        "eigenvalues at equilibrium",
        "verdict (continuous)",
        "sim. / alt. ρ(h)",
        "final ‖θ‖",
        "tail min–max ‖θ‖",
        "classification",
        "‖θ‖, 1000 alt. steps",
      ],
      models.map(({ model, analysis: a, trajectory: t, descent }) => [
        model.name,
        formatEigenvalues(a.eigenvalues),
        a.continuous,
        a.jacobian === null
          ? "n/a"
          : `${a.simultaneous.spectralRadius.toFixed(4)} / ${
            a.alternating.spectralRadius.toFixed(4)
          }`,
        t.finalDistance.toExponential(2),
        `${t.tailMin.toExponential(2)}–${t.tailMax.toExponential(2)}`,
        t.classification,
        descent.distances.at(-1)!.toExponential(2),
      ]),
    ));
    console.log(
      "\nRelation GAN from larger initial discriminators (θr = 1, θe = φ0), same integration:\n",
    );
    console.log(table(
      ["model", "φ0", "final θ", "final ‖θ‖", "classification"],
      sensitivity.map(({ phi0, trajectory: t }) => [
        t.model,
        `(${phi0.join(", ")})`,
        `(${t.finalTheta.map((x) => x.toFixed(3)).join(", ")})`,
        t.finalDistance.toExponential(2),
        t.classification +
        (t.absSmoothing === null ? "" : ` (|·| smoothed, ε ${t.absSmoothing})`),
      ]),
    ));
    const s = divergence[0].estimates[0].settings;
    console.log(
      `\nM[p, q] = L_D(0) − min_D L_D with Δ = ‖x − y‖₂, p = N(0, I), q = N(μe₁, I); full-batch Adam (lr ${s.learningRate}, ${s.steps} steps) on ${s.trainSize} samples per role, M on ${s.testSize} fresh samples per role (fitting-sample value in brackets); MLPs with ${s.hidden} tanh units; seed ${s.seed}.\n`,
    );
    console.log(table(
      ["score class", "form", "dim", ...SEPARATIONS.map((mu) => `μ = ${mu}`)],
      divergence.map((row) => [
        row.scoreClass,
        row.form,
        String(row.dim),
        ...row.estimates.map((e) =>
          `${e.testM.toFixed(3)} (${e.trainM.toFixed(3)})`
        ),
      ]),
    ));
  }
  if (values.out !== undefined) {
    await Deno.mkdir(values.out, { recursive: true });
    const path = `${values.out}/trajectories.png`;
    await drawTrajectories(models.map((m) => m.trajectory), path);
    if (!values.json) console.log(`\nwrote ${path}`);
  }
}

if (import.meta.main) await main();
