import assert from "node:assert/strict";
import { decode } from "fast-png";
import { plotFrame, renderScatterPlot } from "../../src/report/mod.ts";

Deno.test("renderScatterPlot draws each series' points where plotFrame maps them", () => {
  const series = [
    { label: "real", points: [0, 0], color: "#0000ff" },
    { label: "generated", points: [1, 1], color: "#ff0000" },
  ];
  const options = {
    width: 200,
    height: 200,
    radius: 3,
    limits: [-1, 2, -1, 2] as const,
  };
  const png = decode(renderScatterPlot(series, options));
  const { area } = plotFrame(series, options);
  const pixel = (x: number, y: number) => {
    // A point (x, y) lands at area.x + (x + 1) / 3 · area.w, area.y + (2 − y) / 3 · area.h.
    const px = Math.round(area.x + (x + 1) / 3 * area.w);
    const py = Math.round(area.y + (2 - y) / 3 * area.h);
    const i = (py * png.width + px) * png.channels;
    return [png.data[i], png.data[i + 1], png.data[i + 2]];
  };
  const [r0, , b0] = pixel(0, 0);
  assert.ok(b0 > 200 && r0 < 120, `blue at (0, 0): ${pixel(0, 0)}`);
  const [r1, , b1] = pixel(1, 1);
  assert.ok(r1 > 200 && b1 < 120, `red at (1, 1): ${pixel(1, 1)}`);
  assert.deepEqual(pixel(0.5, -0.5), [255, 255, 255], "empty space is white");
});

Deno.test("plotFrame pads the finite points' range by 5 % and ignores NaN", () => {
  const frame = plotFrame([{
    label: "a",
    points: [0, 0, 10, 20, NaN, 5],
    color: "red",
  }]);
  assert.deepEqual(frame.limits, [0 - 0.5, 10 + 0.5, 0 - 1, 20 + 1]);
});

Deno.test("renderScatterPlot rejects odd point lists and tiny sizes", () => {
  assert.throws(
    () => renderScatterPlot([{ label: "a", points: [1, 2, 3], color: "red" }]),
    /^TypeError: Cannot draw the series "a": points must be \[n, 2\] pairs, current length is 3$/,
  );
  assert.throws(() => renderScatterPlot([], { width: 20 }), RangeError);
});
