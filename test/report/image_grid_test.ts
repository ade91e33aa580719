import assert from "node:assert/strict";
import { decode } from "fast-png";
import { renderImageGrid } from "../../src/report/mod.ts";

Deno.test("renderImageGrid places RGB images in rows with padding, mapping [-1, 1] to 0…255", () => {
  // Three 2 × 1 RGB images; image k has every value (k − 1): -1, 0, 1.
  const values = new Float32Array(3 * 2 * 1 * 3);
  for (let k = 0; k < 3; k++) values.fill(k - 1, k * 6, (k + 1) * 6);
  const png = decode(
    renderImageGrid(values, [2, 1, 3], { columns: 2, padding: 1, scale: 2 }),
  );
  // Width 1 + 2 · (1 · 2 + 1) = 7, height 1 + 2 · (2 · 2 + 1) = 11.
  assert.equal(png.width, 7);
  assert.equal(png.height, 11);
  const at = (x: number, y: number) =>
    png.data[(y * png.width + x) * png.channels];
  assert.equal(at(0, 0), 0, "padding is black");
  assert.equal(at(1, 1), 0, "image 0: v = -1 → 0");
  assert.equal(at(4, 1), Math.round(0.5 * 255), "image 1: v = 0 → 128");
  assert.equal(at(1, 6), 255, "image 2 starts the second row: v = 1 → 255");
  assert.equal(at(4, 6), 0, "the empty fourth cell is background");
});

Deno.test("renderImageGrid draws one channel as grey and clips out-of-range values", () => {
  const png = decode(
    renderImageGrid(new Float32Array([-3, 0.5, 7, NaN]), [2, 2, 1], {
      padding: 0,
    }),
  );
  const rgb = (i: number) =>
    Array.from(png.data.subarray(i * png.channels, i * png.channels + 3));
  assert.deepEqual(rgb(0), [0, 0, 0]);
  const level = Math.round(0.75 * 255);
  assert.deepEqual(rgb(1), [level, level, level]);
  assert.deepEqual(rgb(2), [255, 255, 255]);
  assert.deepEqual(rgb(3), [0, 0, 0]);
});

Deno.test("renderImageGrid rejects wrong shapes and sizes with the current value", () => {
  assert.throws(
    () => renderImageGrid(new Float32Array(8), [2, 2, 2]),
    /^TypeError: Cannot draw an image grid: each image must be \[h, w, 1\] or \[h, w, 3\], current shape is \[2, 2, 2\]$/,
  );
  assert.throws(
    () => renderImageGrid(new Float32Array(5), [2, 2, 1]),
    /5 values are not a whole, non-zero number of \[2, 2, 1\] images/,
  );
  assert.throws(
    () => renderImageGrid(new Float32Array(4), [2, 2, 1], { scale: 0 }),
    RangeError,
  );
});
