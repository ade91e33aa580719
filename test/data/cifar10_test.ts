import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { loadCifar10 } from "../../src/data/cifar10.ts";
import { DataError } from "../../src/data/data_error.ts";

/**
 * One record in the official layout, written by hand: the label byte, then
 * the red plane, green plane and blue plane, 1024 bytes each, row-major.
 * Pixel (y, x) of plane c holds (seed + 3·y + 5·x + 70·c) mod 256.
 */
function record(label: number, seed: number): Uint8Array {
  const r = new Uint8Array(3073);
  r[0] = label;
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        r[1 + c * 1024 + y * 32 + x] = (seed + 3 * y + 5 * x + 70 * c) % 256;
      }
    }
  }
  return r;
}

function batch(labels: number[], seed0: number): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((l, i) => out.set(record(l, seed0 + i), i * 3073));
  return out;
}

async function writeBatches(dir: string): Promise<void> {
  for (let b = 1; b <= 5; b++) {
    await Deno.writeFile(
      `${dir}/data_batch_${b}.bin`,
      batch([b, (b + 3) % 10], 10 * b),
    );
  }
  await Deno.writeFile(`${dir}/test_batch.bin`, batch([9, 8, 7], 100));
}

function expectPixel(
  value: number,
  seed: number,
  y: number,
  x: number,
  c: number,
): void {
  const byte = (seed + 3 * y + 5 * x + 70 * c) % 256;
  assert.ok(
    Math.abs(value - (byte / 127.5 - 1)) < 1e-6,
    `pixel (${y}, ${x}, ${c}) = ${value}, expected byte ${byte}`,
  );
}

Deno.test("loadCifar10 reads the binary batches with labels and planes turned into HWC", async () => {
  const dir = await Deno.makeTempDir();
  await writeBatches(dir);
  const train = await loadCifar10({ dir });
  assert.deepEqual(train.shape, [32, 32, 3]);
  assert.equal(train.size, 10);
  assert.deepEqual([...train.labels!], [1, 4, 2, 5, 3, 6, 4, 7, 5, 8]);
  // Example 3 is batch 2's second record: seed 21.
  const img = train.gather([3]);
  for (const [y, x, c] of [[0, 0, 0], [5, 9, 1], [31, 2, 2], [17, 31, 0]]) {
    expectPixel(img[(y * 32 + x) * 3 + c], 21, y, x, c);
  }
  const test = await loadCifar10({ dir, split: "test" });
  assert.deepEqual([...test.labels!], [9, 8, 7]);
  expectPixel(test.gather([2])[(4 * 32 + 6) * 3 + 2], 102, 4, 6, 2);
  assert.equal((await loadCifar10({ dir, split: "all" })).size, 13);
  assert.equal((await loadCifar10({ dir, limit: 3 })).size, 3);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadCifar10 reports a truncated batch and missing files with the path and where to put them", async () => {
  const dir = await Deno.makeTempDir();
  await writeBatches(dir);
  const full = await Deno.readFile(`${dir}/data_batch_3.bin`);
  await Deno.writeFile(`${dir}/data_batch_3.bin`, full.subarray(0, 3073 + 100));
  await assert.rejects(
    loadCifar10({ dir }),
    (e: unknown) =>
      e instanceof DataError && e.file === `${dir}/data_batch_3.bin` &&
      /3173 bytes is not a whole number of 3073-byte records/.test(e.message),
  );
  await Deno.remove(`${dir}/test_batch.bin`);
  await assert.rejects(
    loadCifar10({ dir, split: "test" }),
    /test_batch\.bin: file not found\. Fix: download https:\/\/www\.cs\.toronto\.edu\/~kriz\/cifar-10-binary\.tar\.gz .*put data_batch_1\.bin … data_batch_5\.bin and test_batch\.bin in/,
  );
  await Deno.remove(dir, { recursive: true });
});

/** A ustar archive written by hand: 512-byte headers, data padded to 512. */
function tar(files: Array<{ name: string; data: Uint8Array }>): Uint8Array {
  const blocks: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (const f of files) {
    const h = new Uint8Array(512);
    h.set(enc.encode(f.name), 0);
    h.set(enc.encode("0000644\0"), 100);
    h.set(enc.encode("0000000\0"), 108);
    h.set(enc.encode("0000000\0"), 116);
    h.set(enc.encode(f.data.length.toString(8).padStart(11, "0") + "\0"), 124);
    h.set(enc.encode("00000000000\0"), 136);
    h[156] = 0x30;
    h.set(enc.encode("ustar\0" + "00"), 257);
    h.fill(0x20, 148, 156);
    const sum = h.reduce((a, b) => a + b, 0);
    h.set(enc.encode(sum.toString(8).padStart(6, "0") + "\0 "), 148);
    blocks.push(h);
    const padded = new Uint8Array(Math.ceil(f.data.length / 512) * 512);
    padded.set(f.data);
    blocks.push(padded);
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((a, b) => a + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

Deno.test("loadCifar10 download checks the MD5, unpacks into the cache, and fails clearly when unreachable", async () => {
  const files = [1, 2, 3, 4, 5].map((b) => ({
    name: `cifar-10-batches-bin/data_batch_${b}.bin`,
    data: batch([b], b),
  }));
  files.push({
    name: "cifar-10-batches-bin/test_batch.bin",
    data: batch([0], 0),
  });
  const archive = new Uint8Array(gzipSync(tar(files)));
  const md5 = createHash("md5").update(archive).digest("hex");
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    () => new Response(archive),
  );
  const url = `http://127.0.0.1:${server.addr.port}/cifar-10-binary.tar.gz`;
  const cacheDir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      loadCifar10({ cacheDir, download: true, url, md5: "0".repeat(32) }),
      new RegExp(
        `checksum mismatch: md5 of the ${archive.length}-byte download is ${md5}, expected 0{32}.*put data_batch_1\\.bin`,
      ),
    );
    const train = await loadCifar10({ cacheDir, download: true, url, md5 });
    assert.deepEqual([...train.labels!], [1, 2, 3, 4, 5]);
    const stat = await Deno.stat(
      `${cacheDir}/cifar-10-batches-bin/test_batch.bin`,
    );
    assert.equal(stat.size, 3073);
  } finally {
    await server.shutdown();
  }
  // Nothing listens on the closed server's port any more.
  await assert.rejects(
    loadCifar10({ cacheDir: `${cacheDir}/empty`, download: true, url }),
    /download failed .*Fix: download .*put data_batch_1\.bin .* in .*empty/,
  );
  await Deno.remove(cacheDir, { recursive: true });
});
