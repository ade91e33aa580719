// Type tests: `deno check` on files that must compile (with
// `@ts-expect-error` on each mistake the types must catch) and on files
// that must not compile, asserting where and why they fail.

import assert from "node:assert/strict";

const here = new URL(".", import.meta.url);
const root = new URL("../../", import.meta.url);

const FILES = [
  "must_compile.ts",
  "must_fail_relation_loss_single_discriminator.ts",
  "must_fail_generator_shape.ts",
  "must_fail_packed_embedding.ts",
];

/** One `deno check` over every file (one process keeps this fast). */
const checked: Promise<{ code: number; output: string }> = (async () => {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["check", "--quiet", ...FILES.map((f) => new URL(f, here).pathname)],
    cwd: root.pathname,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code, output: text.decode(stdout) + text.decode(stderr) };
})();

/** The errors reported in one file. */
async function check(file: string): Promise<{ code: number; output: string }> {
  const { output } = await checked;
  const blocks = output.split(/\n(?=TS\d+ \[ERROR\])/).filter((b) =>
    new RegExp(`/test/types/${file.replace(".", "\\.")}:\\d+:\\d+`).test(b)
  );
  return { code: blocks.length ? 1 : 0, output: blocks.join("\n") };
}

Deno.test("types: valid declarations compile and every @ts-expect-error mistake is caught", async () => {
  const { code, output } = await check("must_compile.ts");
  assert.equal(code, 0, output);
  assert.notEqual((await checked).code, 0, "the must-fail files fail");
});

Deno.test("types: a relation loss with a single-input discriminator does not compile, at loss", async () => {
  const { code, output } = await check(
    "must_fail_relation_loss_single_discriminator.ts",
  );
  assert.notEqual(code, 0);
  assert.match(output, /TS2322/);
  assert.match(
    output,
    /a pair loss \(relation, siamese\) needs a relation discriminator/,
  );
  assert.match(output, /must_fail_relation_loss_single_discriminator\.ts:10:3/);
});

Deno.test("types: a 64 px generator with 32 px data does not compile, at generator", async () => {
  const { code, output } = await check("must_fail_generator_shape.ts");
  assert.notEqual(code, 0);
  assert.match(
    output,
    /the generator's output shape must equal the data's shape/,
  );
  assert.match(
    output,
    /generator: \[64, 64, 3\]; readonly data: \[32, 32, 3\]/,
  );
  assert.match(output, /must_fail_generator_shape\.ts:7:3/);
});

Deno.test("types: a packed relation discriminator with an embedding module does not compile", async () => {
  const { code, output } = await check("must_fail_packed_embedding.ts");
  assert.notEqual(code, 0);
  assert.match(
    output,
    /'embedding' does not exist in type 'PackedRelationDecl'/,
  );
});
