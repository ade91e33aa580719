/**
 * Registers TensorFlow.js's gradient functions and chained ops.
 *
 * tfjs-core registers neither by itself, and its unbundled ES modules use
 * extensionless imports that Deno cannot load; the union package's Node
 * bundle registers both when it loads, so relgan loads it once, here.
 *
 * @module
 */

import "@tensorflow/tfjs";
