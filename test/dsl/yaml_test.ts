import assert from "node:assert/strict";
import {
  datasets,
  DeclarationRangeError,
  type DeclarationTypeError,
  experiment,
  fromYaml,
  losses,
  networks,
  suite,
  toYaml,
  training,
  validateYaml,
} from "../../src/dsl/mod.ts";

const dir = new URL("./yaml/", import.meta.url);
/** Inline, so that `deno fmt` never meets a malformed YAML file. */
const SYNTAX_ERROR =
  "kind: experiment\nname: broken\ndata: { kind: eight_gaussians\nlatentDim: 2\n";
const read = (name: string) => Deno.readTextFileSync(new URL(name, dir));

/** 1-based line and column of `needle` on the first line containing it. */
function position(
  text: string,
  needle: string,
  from = 0,
): { line: number; column: number } {
  const lines = text.split("\n");
  const line = lines.findIndex((l, i) => i >= from && l.includes(needle));
  assert.ok(line >= 0, `${needle} not in fixture`);
  return { line: line + 1, column: lines[line].indexOf(needle) + 1 };
}

function firstError(name: string, ctor: typeof TypeError | typeof RangeError) {
  let caught: DeclarationTypeError | DeclarationRangeError | undefined;
  try {
    fromYaml(read(name));
  } catch (e) {
    assert.ok(e instanceof ctor, `${name}: ${e}`);
    caught = e as DeclarationTypeError;
  }
  assert.ok(caught, `${name} was accepted`);
  return { error: caught, issue: caught.issues[0] };
}

Deno.test("toYaml/fromYaml: round trips deep-equal for toy, conv, relation and suite declarations", () => {
  const toy = experiment({
    name: "relgan-25g",
    seed: 11,
    data: datasets.twentyFiveGaussians({ std: 0.01 }),
    latentDim: 2,
    generator: networks.mlp({ hidden: [128, 128], output: 2 }),
    discriminator: networks.mlpDiscriminator({
      hidden: [128, 128, 128],
      relation: { merge: "sum", split: 1 },
    }),
    loss: losses.relation({ margin: { kind: "constant", value: 100 } }),
    training: training({ batchSize: 256, emaDecay: 0.999 }),
  });
  const conv = experiment({
    name: "dcgan-celeba",
    data: datasets.imageFolder({ dir: "/data/celeba", size: [64, 64] }),
    generator: networks.dcganGenerator({ size: 64 }),
    discriminator: networks.dcganDiscriminator({
      size: 64,
      relation: { merge: "packed" },
    }),
    loss: losses.relation({ form: "batch-mean" }),
  });
  const resnet = experiment({
    name: "sngan-cifar",
    data: datasets.cifar10({ dir: "/data/cifar" }),
    generator: networks.resnetGenerator(),
    discriminator: networks.resnetDiscriminator({ spectralNorm: true }),
    loss: losses.hinge(),
  });
  for (const d of [toy, conv, resnet, suite("all", [toy, conv, resnet])]) {
    const text = toYaml(d);
    assert.deepEqual(fromYaml(text), d);
    assert.equal(toYaml(fromYaml(text)), text);
  }
});

Deno.test("fromYaml: a valid file reads as frozen data", () => {
  const d = fromYaml(read("valid_relation.yaml"));
  assert.equal(d.kind, "experiment");
  assert.ok(Object.isFrozen(d));
  if (d.kind !== "experiment") throw new Error("expected an experiment");
  assert.equal(d.discriminator.kind, "relation");
  assert.equal(d.training?.batchSize, 256);
});

Deno.test("fromYaml: an unknown key names its path, line and column and the accepted keys", () => {
  const text = read("unknown_key.yaml");
  const { issue, error } = firstError("unknown_key.yaml", TypeError);
  assert.equal(issue.code, "unknown_key");
  assert.deepEqual(issue.path, ["training", "batchsize"]);
  assert.deepEqual(
    { line: issue.line, column: issue.column },
    position(text, "batchsize"),
  );
  assert.match(issue.expected, /"batchSize"/);
  assert.equal(issue.received, "256");
  assert.match(
    error.message,
    /`training\.batchsize` \(line 35, column 3\) is not a field of a "training" training: expected one of "iterations", "batchSize"/,
  );
});

Deno.test("fromYaml: a wrong type names the expected type and the current value", () => {
  const text = read("wrong_type.yaml");
  const { issue } = firstError("wrong_type.yaml", TypeError);
  assert.equal(issue.code, "wrong_type");
  assert.deepEqual(issue.path, ["latentDim"]);
  assert.deepEqual(
    { line: issue.line, column: issue.column },
    position(text, "two"),
  );
  assert.equal(
    issue.message,
    'declaration at `latentDim` (line 6, column 12) has the wrong type: expected an integer ≥ 1, current value is "two"',
  );
});

Deno.test("fromYaml: an out-of-range value is a RangeError with the range", () => {
  const text = read("out_of_range.yaml");
  const { issue, error } = firstError("out_of_range.yaml", RangeError);
  assert.ok(error instanceof DeclarationRangeError);
  assert.deepEqual(issue.path, ["training", "generatorOptimizer", "beta1"]);
  assert.deepEqual(
    { line: issue.line, column: issue.column },
    position(text, "1.5"),
  );
  assert.match(
    issue.message,
    /is out of range: expected a number ≥ 0 and < 1, current value is 1\.5$/,
  );
});

Deno.test("fromYaml: a relation loss with a single-input discriminator is incompatible", () => {
  const text = read("relation_loss_single_discriminator.yaml");
  const { issue } = firstError(
    "relation_loss_single_discriminator.yaml",
    TypeError,
  );
  assert.equal(issue.code, "incompatible");
  assert.deepEqual(issue.path, ["loss", "kind"]);
  assert.deepEqual(
    { line: issue.line, column: issue.column },
    position(text, "relation"),
  );
  assert.match(
    issue.message,
    /is a pair loss and needs a relation discriminator: expected discriminator\.kind "relation"/,
  );
  assert.match(
    issue.message,
    /current value is loss "relation" with discriminator "sequential"/,
  );
});

Deno.test("fromYaml: a 64 px generator with 32 px data is incompatible at the generator", () => {
  const text = read("generator_64px_data_32px.yaml");
  const { issue } = firstError("generator_64px_data_32px.yaml", TypeError);
  assert.deepEqual(issue.path, ["generator"]);
  assert.deepEqual(
    { line: issue.line, column: issue.column },
    position(text, "kind: sequential"),
  );
  assert.match(
    issue.message,
    /`generator` \(line 7, column 3\) does not produce the data's shape \(data "cifar10"\): expected output shape \[32, 32, 3\], current value is \[64, 64, 3\]/,
  );
});

Deno.test("fromYaml: a relation module that does not fit the merged shape names the layer and the merge", () => {
  const text = read("merge_does_not_fit.yaml");
  const { issue } = firstError("merge_does_not_fit.yaml", TypeError);
  assert.equal(issue.code, "shape");
  assert.deepEqual(issue.path, ["discriminator", "relation", "layers", 0]);
  assert.deepEqual(
    { line: issue.line, column: issue.column },
    position(text, "{ kind: reshape"),
  );
  assert.match(
    issue.message,
    /reshape to \[4, 4, 1\] needs 16 values per example/,
  );
  assert.match(
    issue.message,
    /current value is \[32\] \(the shape after the "concat" merge of \[16\] is \[32\]\)/,
  );
});

Deno.test("fromYaml: malformed YAML reports the parser's line", () => {
  const issues = validateYaml(SYNTAX_ERROR).issues;
  assert.equal(issues.length, 1);
  // The flow map opened on line 3 is still open when line 4 starts at column 1.
  assert.deepEqual([issues[0].line, issues[0].column], [4, 1]);
  assert.match(
    issues[0].message,
    /\(line 4, column 1\) is not valid YAML \(BAD_INDENT\)/,
  );
  assert.throws(() => fromYaml(SYNTAX_ERROR), TypeError);
});

Deno.test("validateYaml: reports every issue at once, each with its line", () => {
  const text = read("valid_relation.yaml")
    .replace("seed: 3", "seed: -1")
    .replace("  batchSize: 256", "  batchSize: 256\n  order: sideways");
  const result = validateYaml(text);
  assert.equal(result.ok, false);
  assert.deepEqual(
    result.issues.map((i) => [i.path.join("."), i.line]),
    [["seed", 3], ["training.order", 36]],
  );
});
