import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { DataError } from "../../src/data/data_error.ts";
import { parseIdx } from "../../src/data/idx.ts";
import { loadMnist } from "../../src/data/mnist.ts";
import { Rng } from "../../src/random.ts";

/** IDX bytes written by hand: 0, 0, type 0x08, ndims, big-endian dims, data. */
function idxBytes(dims: number[], data: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  header.set([0, 0, 0x08, dims.length]);
  const view = new DataView(header.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(header.length + data.length);
  out.set(header);
  out.set(data, header.length);
  return out;
}

Deno.test("loadMnist reads IDX files (plain and gzipped) with labels and pixels in HWC order", async () => {
  const dir = await Deno.makeTempDir();
  const n = 3, rows = 4, cols = 5;
  const pixels = Uint8Array.from(
    { length: n * rows * cols },
    (_, i) => (i * 37) % 256,
  );
  const labels = new Uint8Array([7, 0, 9]);
  await Deno.writeFile(`${dir}/images`, idxBytes([n, rows, cols], pixels));
  await Deno.writeFile(`${dir}/labels.gz`, gzipSync(idxBytes([n], labels)));
  const mnist = await loadMnist({
    images: `${dir}/images`,
    labels: `${dir}/labels.gz`,
  });
  assert.deepEqual(mnist.shape, [rows, cols, 1]);
  assert.equal(mnist.size, n);
  assert.deepEqual([...mnist.labels!], [7, 0, 9]);
  // Image 2, row 3, column 1: byte (2·20 + 3·5 + 1)·37 mod 256.
  const image2 = mnist.gather([2]);
  const byte = ((2 * 20 + 3 * 5 + 1) * 37) % 256;
  assert.ok(Math.abs(image2[3 * cols + 1] - (byte / 127.5 - 1)) < 1e-6);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("parseIdx reports truncation, bad magic and corrupt gzip with the file name", () => {
  const good = idxBytes([2, 2], new Uint8Array([1, 2, 3, 4]));
  assert.throws(
    () => parseIdx(good.subarray(0, good.length - 1), "t10k-images"),
    (e: unknown) =>
      e instanceof DataError && e.file === "t10k-images" &&
      /truncated: the header \[2,2\] of uint8 needs 16 bytes, the file has 15/
        .test(e.message),
  );
  assert.throws(
    () => parseIdx(new Uint8Array([1, 0, 8, 1, 0]), "x"),
    /not an IDX file/,
  );
  const gz = gzipSync(good);
  assert.throws(
    () => parseIdx(gz.subarray(0, 12), "x.gz"),
    /x\.gz: corrupt gzip stream/,
  );
});

Deno.test("loadMnist reports a missing IDX file and a count mismatch", async () => {
  await assert.rejects(
    loadMnist({
      images: "/nonexistent/train-images-idx3-ubyte",
      labels: "/nonexistent/l",
    }),
    /train-images-idx3-ubyte: file not found/,
  );
  const dir = await Deno.makeTempDir();
  await Deno.writeFile(
    `${dir}/i`,
    idxBytes([2, 1, 1], new Uint8Array([0, 255])),
  );
  await Deno.writeFile(`${dir}/l`, idxBytes([3], new Uint8Array([0, 1, 2])));
  await assert.rejects(
    loadMnist({ images: `${dir}/i`, labels: `${dir}/l` }),
    /3 labels for 2 images/,
  );
  await assert.rejects(loadMnist({ images: `${dir}/i` }), TypeError);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadMnist embedded default: 10,000 labelled digits in [-1, 1]", async () => {
  const mnist = await loadMnist();
  assert.equal(mnist.size, 10000);
  assert.deepEqual(mnist.shape, [28, 28, 1]);
  const counts = new Array(10).fill(0);
  for (const l of mnist.labels!) counts[l]++;
  assert.equal(counts.reduce((a, b) => a + b, 0), 10000);
  for (const c of counts) {
    assert.ok(c > 800 && c < 1200, `per-digit count ${c}`);
  }
  const batch = mnist.sample(new Rng(3), 16);
  assert.equal(batch.length, 16 * 784);
  let min = Infinity, max = -Infinity, sum = 0;
  for (const v of batch) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  assert.equal(min, -1);
  assert.ok(max > 0.9 && max <= 1);
  // Digits are mostly background: the mean lies well below 0.
  assert.ok(sum / batch.length < -0.6);
  assert.deepEqual(batch, mnist.sample(new Rng(3), 16));
});
