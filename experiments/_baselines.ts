/**
 * The baseline objectives the paper compares Relation GAN with, as the
 * experiments declare them; one place, so every experiment means the same
 * thing by a method's name.
 *
 * @module
 */

import { losses } from "../src/dsl/mod.ts";
import type { SingleLossDecl } from "../src/dsl/mod.ts";

/** A baseline method of the paper's comparisons. */
export type BaselineId = "vanilla" | "lsgan" | "wgan_gp" | "relativistic";

/**
 * Declares a baseline's loss: vanilla GAN with the non-saturating generator,
 * LSGAN, WGAN-GP, or RSGAN (the standard relativistic form).
 *
 * @param id The method.
 * @param options `lambda`: WGAN-GP's penalty weight.
 * @default {10} options.lambda
 * @returns The loss declaration.
 */
export function baselineLoss(
  id: BaselineId,
  options: { readonly lambda?: number } = {},
): SingleLossDecl {
  switch (id) {
    case "vanilla":
      return losses.vanilla({ generator: "non-saturating" });
    case "lsgan":
      return losses.lsgan();
    case "wgan_gp":
      return losses.wganGp({ lambda: options.lambda ?? 10 });
    case "relativistic":
      return losses.relativistic({ average: false });
    default: {
      const never: never = id;
      throw new TypeError(
        `Cannot declare the loss of method "${never}": expected vanilla, lsgan, wgan_gp or relativistic`,
      );
    }
  }
}
