/**
 * `deno task run <experiment> [flags]`: runs an experiment file.
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  formatBackendLine,
  parseBackendChoice,
  useBackend,
} from "../backend/mod.ts";

const USAGE =
  `usage: deno task run <experiment.ts | experiment.yaml> [--backend auto|tensorflow|webgpu|wasm|cpu]`;

async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      backend: { type: "string", default: "auto" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help || positionals.length !== 1) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const info = await useBackend(parseBackendChoice(values.backend));
  console.log(formatBackendLine(info));
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (error) {
    console.error(`error: ${error instanceof Error ? error.message : error}`);
    Deno.exit(1);
  }
}
