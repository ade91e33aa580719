import assert from "node:assert/strict";
import { encode as encodePng } from "fast-png";
import jpeg from "jpeg-js";
import { open } from "lmdb";
import { loadLsun } from "../../src/data/lsun.ts";

const toFloat = (byte: number) => byte / 127.5 - 1;

/** Writes an LMDB folder (data.mdb + lock.mdb) the way LSUN ships: key → encoded image. */
async function writeLmdb(
  path: string,
  entries: Array<[string, Uint8Array]>,
): Promise<void> {
  const db = open({
    path,
    encoding: "binary",
    keyEncoding: "binary",
    noSubdir: false,
  });
  for (const [key, value] of entries) {
    await db.put(new TextEncoder().encode(key), value);
  }
  await db.close();
}

Deno.test("loadLsun reads JPEG and PNG values from an LMDB, in key order and HWC", async () => {
  const dir = await Deno.makeTempDir();
  const png = encodePng({
    width: 2,
    height: 2,
    data: new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]),
    channels: 3,
    depth: 8,
  });
  const rgba = new Uint8Array(8 * 8 * 4);
  for (let i = 0; i < 64; i++) rgba.set([30, 160, 220, 255], 4 * i);
  const jpg = jpeg.encode({ width: 8, height: 8, data: rgba }, 95).data;
  await writeLmdb(`${dir}/bedroom_train_lmdb`, [["a1f0", png], ["b220", jpg]]);
  const data = await loadLsun({ path: `${dir}/bedroom_train_lmdb`, size: 2 });
  assert.deepEqual(data.shape, [2, 2, 3]);
  assert.equal(data.size, 2);
  const first = data.gather([0]);
  assert.deepEqual([...first].map((v) => Math.round((v + 1) * 127.5)), [
    255,
    0,
    0,
    0,
    255,
    0,
    0,
    0,
    255,
    10,
    20,
    30,
  ]);
  const second = data.gather([1]);
  [30, 160, 220].forEach((v, c) =>
    assert.ok(Math.abs(second[c] - toFloat(v)) < 6 / 127.5)
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadLsun reports WebP and corrupt values by key, skips them with skipBad, and names a missing database", async () => {
  const dir = await Deno.makeTempDir();
  const webp = new Uint8Array([
    0x52,
    0x49,
    0x46,
    0x46,
    0,
    0,
    0,
    0,
    0x57,
    0x45,
    0x42,
    0x50,
    0,
    0,
  ]);
  const png = encodePng({
    width: 1,
    height: 1,
    data: new Uint8Array([1, 2, 3]),
    channels: 3,
    depth: 8,
  });
  await writeLmdb(`${dir}/db`, [["k1", png], ["k2", webp], [
    "k3",
    new Uint8Array([1, 2, 3]),
  ]]);
  await assert.rejects(
    loadLsun({ path: `${dir}/db`, size: 1 }),
    /db#k2: cannot decode image \(WEBP is not supported/,
  );
  const data = await loadLsun({ path: `${dir}/db`, size: 1, skipBad: true });
  assert.equal(data.size, 1);
  assert.deepEqual(data.skipped.map((s) => s.file), [
    `${dir}/db#k2`,
    `${dir}/db#k3`,
  ]);
  await assert.rejects(
    loadLsun({ path: `${dir}/none`, size: 1 }),
    /none\/data\.mdb: file not found/,
  );
  await Deno.remove(dir, { recursive: true });
});
