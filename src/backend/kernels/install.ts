/**
 * Importing this module installs relgan's kernels (see
 * {@linkcode installKernels}): `import "./kernels/install.ts";` from
 * `src/backend/mod.ts`, after its re-exports of `select.ts` (importing it
 * from `select.ts` itself would run before `select.ts` has finished
 * loading).
 *
 * @module
 */

import { installKernels } from "./install_kernels.ts";

installKernels();
