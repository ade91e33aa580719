import assert from "node:assert/strict";
import STACKED_MNIST, {
  FULL,
  METHODS,
  report,
  smoke,
  stackedMnistRun,
} from "../../experiments/stacked_mnist.ts";
import CIFAR10, {
  cifar10Run,
  writeSmokeCifar10,
} from "../../experiments/cifar10.ts";
import { loadCifar10 } from "../../src/data/cifar10.ts";
import { validate } from "../../src/dsl/mod.ts";

Deno.test("stacked_mnist declares the five table-1 methods over seeds, and its smoke suite validates", () => {
  assert.equal(STACKED_MNIST.runs.length, 5 * 2);
  assert.equal(smoke.runs.length, 5);
  assert.ok(validate(stackedMnistRun("relation", 3, FULL)).ok);
  const relation = stackedMnistRun("relation", 1);
  assert.equal(relation.discriminator.kind, "relation");
  assert.deepEqual(relation.data, {
    kind: "stacked_mnist",
    imageSize: 32,
    seed: 1,
  });
});

Deno.test("stacked_mnist report puts mean ± std of modes and KL beside the paper's table 1", async () => {
  const outDir = await Deno.makeTempDir();
  const run = (name: string, modes: number, kl: number) => ({
    name,
    dir: `${outDir}/${name}`,
    summary: {
      status: "completed",
      stacked_mnist_modes: modes,
      stacked_mnist_kl: kl,
    },
  });
  const markdown = await report({
    outDir,
    smoke: false,
    runs: [run("relation-s1", 900, 0.5), run("relation-s2", 910, 0.7), {
      name: "lsgan-s1",
      dir: "",
      summary: null,
    }],
  });
  // Mean 905, sample std sqrt(((−5)² + 5²) / 1) = 7.071…; KL 0.6 ± 0.141.
  assert.match(
    markdown,
    /\| Relation GAN \(ours\) \| 905\.0 ± 7\.1 \| 0\.600 ± 0\.141 \| 2\/2 \| 1000 ± 0 \|/,
  );
  assert.match(markdown, /\| LSGAN \| – \| – \| 0\/1 \| 985 ± 10 \|/);
  assert.equal(METHODS.length, 5);
  assert.equal(await Deno.readTextFile(`${outDir}/stacked_mnist.md`), markdown);
  await Deno.remove(outDir, { recursive: true });
});

Deno.test("cifar10 declares the table-2 setting for the six table-3 runs; its smoke files load", async () => {
  assert.equal(CIFAR10.runs.length, 6);
  const run = cifar10Run("relation");
  assert.equal(run.training?.iterations, 600000);
  assert.equal(run.training?.batchSize, 64);
  assert.deepEqual(
    [
      run.training?.generatorOptimizer?.learningRate,
      run.training?.discriminatorOptimizer?.learningRate,
    ],
    [2e-4, 1e-4],
  );
  assert.equal(run.training?.generatorOptimizer?.beta1, 0.9);
  assert.equal(run.training?.discriminatorOptimizer?.beta2, 0.999);
  const dir = await Deno.makeTempDir();
  await writeSmokeCifar10(dir, 4);
  const data = await loadCifar10({ dir, split: "all" });
  assert.equal(data.size, 24);
  assert.deepEqual([...data.labels!.subarray(0, 4)], [0, 1, 2, 3]);
  await Deno.remove(dir, { recursive: true });
});
