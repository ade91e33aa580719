import assert from "node:assert/strict";
import { decode } from "fast-png";
import { renderToyFigure } from "../../src/metrics/toy_figure.ts";

/** The RGB of pixel (x, y) of a decoded 8-bit image. */
function pixel(
  image: ReturnType<typeof decode>,
  x: number,
  y: number,
): number[] {
  const c = image.channels;
  const i = (y * image.width + x) * c;
  return Array.from(image.data.slice(i, i + 3));
}

Deno.test("renderToyFigure lays out rows × (real + methods) panels and draws points where they belong", () => {
  const size = 100;
  const png = renderToyFigure([
    // Real points at the corners set the limits to a square around [-1, 1]².
    { label: "ring", real: [-1, -1, 1, 1], cells: [[[0, 0]], null] },
    {
      label: "roll",
      real: new Float32Array([-1, -1, 1, 1]),
      cells: [[0, 0], [0.5, 0]],
    },
  ], {
    methods: ["A", "B"],
    panelSize: size,
    pointRadius: 3,
    caption: "settings",
  });
  const image = decode(png);
  // 110 px of row labels, 3 panels with 2 gaps of 6, 8 px right margin.
  assert.equal(image.width, 110 + 3 * size + 2 * 6 + 8);
  // 28 px of titles, 2 rows of (panel + gap), a 22 px caption and 4 px.
  assert.equal(image.height, 28 + 2 * (size + 6) + 22 + 4);
  // The generated point (0, 0) of row 0, method A, lands at the centre of its panel, in red.
  const left = 110 + (size + 6);
  const [r, g, b] = pixel(image, left + size / 2, 28 + size / 2);
  assert.ok(r > 180 && g < 120 && b < 120, `centre of panel A: ${[r, g, b]}`);
  // Method B of row 0 has no run: its centre holds no red point.
  const [r2, g2] = pixel(image, left + size + 6 + size / 2 - 20, 28 + size / 2);
  assert.ok(!(r2 > 180 && g2 < 120), "no red in an empty panel");
  // Row 1, method B: (0.5, 0) lands right of centre, by 0.5 / 3 of the panel (window half-width 1.5).
  const x = Math.round(left + size + 6 + size / 2 + (0.5 / 3) * size);
  const [r3, g3] = pixel(image, x, 28 + (size + 6) + size / 2);
  assert.ok(r3 > 180 && g3 < 120, `row 1 panel B: ${[r3, g3]}`);
});

Deno.test("renderToyFigure rejects rows that do not match the methods", () => {
  assert.throws(
    () =>
      renderToyFigure([{ label: "x", real: [0, 0], cells: [null] }], {
        methods: ["A", "B"],
      }),
    {
      name: "TypeError",
      message:
        'Cannot draw the toy figure: row "x" has 1 cells for 2 methods; give one cell (or null) per method',
    },
  );
  assert.throws(
    () =>
      renderToyFigure([{ label: "x", real: [0, 0, 1], cells: [] }], {
        methods: [],
      }),
    {
      name: "TypeError",
      message: /points must be \[n, 2\] pairs, current length is 3/,
    },
  );
  assert.throws(
    () => renderToyFigure([], { methods: [], panelSize: 10 }),
    RangeError,
  );
});
