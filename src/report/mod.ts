/**
 * Figures a run writes: PNG grids of generated images and 2-D scatter plots,
 * drawn with `@napi-rs/canvas`, which also encodes the PNG.
 *
 * @module
 */

export { type ImageGridOptions, renderImageGrid } from "./image_grid.ts";
export {
  type PlotFrame,
  plotFrame,
  renderScatterPlot,
  type ScatterPlotOptions,
  type ScatterSeries,
} from "./scatter_plot.ts";
