/**
 * The loss table: each declared kind and the `GanLoss` factory of
 * `src/losses/` it calls with the declaration's options.
 *
 * @module
 */

import type { GanLoss } from "../losses/types.ts";
import type { LossDecl } from "../dsl/types.ts";
import {
  hingeLoss,
  leastSquaresLoss,
  relationLoss,
  relativisticLoss,
  siameseLoss,
  vanillaLoss,
  wganGpLoss,
} from "../losses/mod.ts";

/** Builds the loss of one kind. */
export type LossFactory<K extends LossDecl["kind"]> = (
  decl: Extract<LossDecl, { kind: K }>,
) => GanLoss;

/** Every wired loss kind and its factory. */
export const LOSS_FACTORIES: {
  readonly [K in LossDecl["kind"]]?: LossFactory<K>;
} = {
  relation: (d) =>
    relationLoss({
      ...(d.form ? { form: d.form } : {}),
      ...(d.margin ? { margin: d.margin } : {}),
    }),
  siamese: (d) =>
    siameseLoss(d.margin === undefined ? {} : { margin: d.margin }),
  vanilla: (d) =>
    vanillaLoss(d.generator === undefined ? {} : { generator: d.generator }),
  lsgan: () => leastSquaresLoss(),
  wgan_gp: (d) =>
    wganGpLoss(d.lambda === undefined ? {} : { lambda: d.lambda }),
  relativistic: (d) =>
    relativisticLoss(d.average === undefined ? {} : { average: d.average }),
  hinge: () => hingeLoss(),
};

/**
 * Builds the loss a declaration names.
 *
 * @param decl A valid loss declaration.
 * @returns The loss.
 * @throws {TypeError} When no factory is wired for the kind.
 */
export function buildLoss(decl: LossDecl): GanLoss {
  const factory = LOSS_FACTORIES[decl.kind] as
    | LossFactory<typeof decl.kind>
    | undefined;
  if (factory === undefined) {
    throw new TypeError(
      `Cannot build the loss: kind "${decl.kind}" has no factory in this build; wired kinds are ${
        Object.keys(LOSS_FACTORIES).join(", ")
      }`,
    );
  }
  return factory(decl as never);
}
