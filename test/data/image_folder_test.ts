import assert from "node:assert/strict";
import { encode as encodePng } from "fast-png";
import jpeg from "jpeg-js";
import { DataError } from "../../src/data/data_error.ts";
import { loadImageFolder } from "../../src/data/image_folder.ts";

const toFloat = (byte: number) => byte / 127.5 - 1;

/** A width × height RGB PNG whose pixel (y, x) is [10·x, 10·y, 200]. */
function gradientPng(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data.set([10 * x, 10 * y, 200], (y * width + x) * 3);
    }
  }
  return encodePng({ width, height, data, channels: 3, depth: 8 });
}

Deno.test("loadImageFolder centre-crops PNGs and keeps HWC order", async () => {
  const dir = await Deno.makeTempDir();
  // 4 wide, 2 high → the centred 2 × 2 square is columns 1 and 2.
  await Deno.writeFile(`${dir}/a.png`, gradientPng(4, 2));
  const data = await loadImageFolder({ dir, size: 2 });
  assert.deepEqual(data.shape, [2, 2, 3]);
  assert.equal(data.size, 1);
  assert.equal(data.labels, null);
  const img = data.gather([0]);
  for (let y = 0; y < 2; y++) {
    for (let x = 0; x < 2; x++) {
      const expected = [10 * (x + 1), 10 * y, 200].map(toFloat);
      for (let c = 0; c < 3; c++) {
        assert.ok(Math.abs(img[(y * 2 + x) * 3 + c] - expected[c]) < 1e-6);
      }
    }
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadImageFolder shrinks by area averaging and enlarges bilinearly", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeFile(`${dir}/g.png`, gradientPng(4, 4));
  // 4 → 2: output (y, x) averages source rows 2y, 2y+1 and columns 2x, 2x+1,
  // so red = 10·(2x + 0.5) and green = 10·(2y + 0.5), rounded to bytes.
  const small = (await loadImageFolder({ dir, size: 2 })).gather([0]);
  for (let y = 0; y < 2; y++) {
    for (let x = 0; x < 2; x++) {
      assert.ok(
        Math.abs(
          small[(y * 2 + x) * 3] - toFloat(Math.round(10 * (2 * x + 0.5))),
        ) < 1e-6,
      );
      assert.ok(
        Math.abs(
          small[(y * 2 + x) * 3 + 1] - toFloat(Math.round(10 * (2 * y + 0.5))),
        ) < 1e-6,
      );
    }
  }
  // 4 → 8: output x samples source position (x + 0.5)/2 − 0.5, clamped to [0, 3].
  const big = (await loadImageFolder({ dir, size: 8 })).gather([0]);
  for (let x = 0; x < 8; x++) {
    const s = Math.min(Math.max((x + 0.5) / 2 - 0.5, 0), 3);
    assert.ok(
      Math.abs(big[(3 * 8 + x) * 3] - toFloat(Math.round(10 * s))) < 1e-6,
      `x = ${x}`,
    );
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadImageFolder decodes JPEG (with jpeg-js) and converts grey PNG to RGB", async () => {
  const dir = await Deno.makeTempDir();
  const w = 16, h = 16;
  const rgba = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) rgba.set([200, 40, 90, 255], 4 * i);
  await Deno.mkdir(`${dir}/sub`);
  await Deno.writeFile(
    `${dir}/sub/b.jpg`,
    jpeg.encode({ width: w, height: h, data: rgba }, 95).data,
  );
  await Deno.writeFile(
    `${dir}/c.png`,
    encodePng({
      width: 2,
      height: 2,
      data: new Uint8Array([0, 85, 170, 255]),
      channels: 1,
      depth: 8,
    }),
  );
  const data = await loadImageFolder({ dir, size: [4, 4] });
  assert.equal(data.size, 2);
  // Sorted by path: c.png, then sub/b.jpg.
  const [grey, colour] = [data.gather([0]), data.gather([1])];
  assert.deepEqual([...grey.subarray(0, 3)], [-1, -1, -1]);
  // A flat JPEG colour survives within a few levels of quantisation error.
  for (let p = 0; p < 16; p++) {
    [200, 40, 90].forEach((v, c) =>
      assert.ok(Math.abs(colour[p * 3 + c] - toFloat(v)) < 6 / 127.5)
    );
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadImageFolder names an unreadable image, or skips it with skipBad", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeFile(`${dir}/good.png`, gradientPng(3, 3));
  await Deno.writeFile(
    `${dir}/bad.png`,
    new TextEncoder().encode("this is not a png"),
  );
  await Deno.writeFile(`${dir}/cut.png`, gradientPng(8, 8).subarray(0, 40));
  await assert.rejects(
    loadImageFolder({ dir, size: 3 }),
    (e: unknown) =>
      e instanceof DataError && e.file === `${dir}/bad.png` &&
      /not a JPEG or PNG/.test(e.message) && /skipBad: true/.test(e.message),
  );
  const data = await loadImageFolder({ dir, size: 3, skipBad: true });
  assert.equal(data.size, 1);
  assert.deepEqual(data.skipped.map((s) => s.file), [
    `${dir}/bad.png`,
    `${dir}/cut.png`,
  ]);
  await assert.rejects(
    loadImageFolder({ dir: `${dir}/missing`, size: 3 }),
    /missing: folder not found/,
  );
  await assert.rejects(loadImageFolder({ dir, size: 0 }), RangeError);
  await Deno.remove(dir, { recursive: true });
});
