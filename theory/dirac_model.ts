/**
 * The declaration of a Dirac-GAN model: its parameters, its losses as
 * expressions, and the points it starts from and should end at.
 *
 * @module
 */

/** Who owns a state variable of a Dirac-GAN model. */
export type DiracRole = "generator" | "discriminator" | "auxiliary";

/**
 * One player of a Dirac-GAN: the parameters it moves and the loss it
 * minimises by gradient descent.
 */
export interface DiracPlayer {
  /** Parameter names, e.g. `["t1", "t2"]` for the generator θ. */
  readonly params: readonly string[];
  /** The loss, a mathjs expression in every state variable and constant. */
  readonly loss: string;
  /**
   * Weight clipping: each parameter is kept in `[-clip, clip]` by projecting
   * the vector field at the box's faces (WGAN's clipping in continuous time).
   * @default undefined (no clipping)
   */
  readonly clip?: number;
}

/** A state variable with its own prescribed dynamics `d param / dt = rate`. */
export interface DiracAuxiliary {
  /** Its name, e.g. `"u1"` for the first coordinate of θ_prev. */
  readonly param: string;
  /** Its rate, a mathjs expression, e.g. `"(t1 - u1) / tau"`. */
  readonly rate: string;
}

/**
 * A Dirac-GAN model as data (Mescheder, Geiger and Nowozin 2018, section 2;
 * the Relation GAN paper's 2-D extension, section 4.3): generator
 * p_θ = δ_θ with θ = (t1, t2), real data δ_0, and a discriminator with its own
 * parameters. The vector field of simultaneous gradient descent is
 * v = (−∇_θ L_G, −∇_φ L_D, rates of the auxiliary variables).
 *
 * `given` names symbols that stand for an expression in the state but are
 * held constant while a loss is differentiated (a stop-gradient): the previous
 * sample y2 when it is the current θ, or a margin Δ that no discriminator
 * parameter enters. They are substituted back before the Jacobian is taken.
 */
export interface DiracModel {
  /** Tag of the declaration kind. */
  readonly kind: "dirac_model";
  /** Short unique name, e.g. `"vanilla"`. */
  readonly name: string;
  /** One line saying what the model is. */
  readonly description: string;
  /** The generator: its parameters must be exactly `["t1", "t2"]`. */
  readonly generator: DiracPlayer;
  /** The discriminator. */
  readonly discriminator: DiracPlayer;
  /** Extra state with prescribed dynamics (e.g. a lagged θ_prev). */
  readonly auxiliary?: readonly DiracAuxiliary[];
  /** Stop-gradient symbols: name → expression in the state. */
  readonly given?: Readonly<Record<string, string>>;
  /** Numeric constants of the expressions (γ, λ, τ, …). */
  readonly constants?: Readonly<Record<string, number>>;
  /** The candidate equilibrium (the real point), one value per state variable. */
  readonly equilibrium: Readonly<Record<string, number>>;
  /** The initial state, one value per state variable. */
  readonly initial: Readonly<Record<string, number>>;
  /** How an ambiguous part of the source was read, one sentence each. */
  readonly readings?: readonly string[];
}

/**
 * Lists the state variables of a model in the order the vector field uses:
 * generator parameters, discriminator parameters, auxiliary variables.
 *
 * @example Order of the state
 * ```ts
 * import assert from "node:assert/strict";
 * import { stateNames, vanillaGanModel } from "@relgan/core/theory";
 *
 * assert.deepEqual(stateNames(vanillaGanModel()), ["t1", "t2", "p1", "p2"]);
 * ```
 *
 * @param model The declaration.
 * @returns The names, generator first.
 */
export function stateNames(model: DiracModel): string[] {
  return [
    ...model.generator.params,
    ...model.discriminator.params,
    ...(model.auxiliary ?? []).map((a) => a.param),
  ];
}

/**
 * Lists the role of every state variable, parallel to {@linkcode stateNames}.
 *
 * @param model The declaration.
 * @returns One role per state variable.
 */
export function stateRoles(model: DiracModel): DiracRole[] {
  return [
    ...model.generator.params.map((): DiracRole => "generator"),
    ...model.discriminator.params.map((): DiracRole => "discriminator"),
    ...(model.auxiliary ?? []).map((): DiracRole => "auxiliary"),
  ];
}

/**
 * Checks a declaration and returns every problem found, without throwing.
 *
 * @example A model with a missing initial value
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateDiracModel, vanillaGanModel } from "@relgan/core/theory";
 *
 * const model = vanillaGanModel();
 * assert.deepEqual(validateDiracModel(model), []);
 * const broken = { ...model, initial: { t1: 0.2, t2: 0.1, p1: 0 } };
 * assert.match(validateDiracModel(broken)[0], /initial\.p2/);
 * ```
 *
 * @param model The declaration.
 * @returns Messages, one per problem; empty when the model is valid.
 */
export function validateDiracModel(model: DiracModel): string[] {
  const issues: string[] = [];
  const where = `model "${model.name}"`;
  if (model.kind !== "dirac_model") {
    issues.push(
      `${where}: kind must be "dirac_model", current value is ${
        JSON.stringify(model.kind)
      }`,
    );
  }
  const g = model.generator.params;
  if (g.length !== 2 || g[0] !== "t1" || g[1] !== "t2") {
    issues.push(
      `${where}: generator.params must be ["t1", "t2"] (θ in the plane), current value is ${
        JSON.stringify(g)
      }`,
    );
  }
  const names = stateNames(model);
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) {
      issues.push(`${where}: state variable "${n}" is declared twice`);
    }
    seen.add(n);
    for (const key of ["equilibrium", "initial"] as const) {
      const v = model[key][n];
      if (typeof v !== "number" || !Number.isFinite(v)) {
        issues.push(
          `${where}: ${key}.${n} must be a finite number, current value is ${v}; add it to ${key}`,
        );
      }
    }
  }
  for (const [name, value] of Object.entries(model.constants ?? {})) {
    if (seen.has(name)) {
      issues.push(`${where}: constant "${name}" shadows a state variable`);
    }
    if (!Number.isFinite(value)) {
      issues.push(
        `${where}: constants.${name} must be finite, current value is ${value}`,
      );
    }
  }
  for (const player of ["generator", "discriminator"] as const) {
    const clip = model[player].clip;
    if (clip !== undefined && !(clip > 0)) {
      issues.push(
        `${where}: ${player}.clip must be positive, current value is ${clip}`,
      );
    }
  }
  return issues;
}

/**
 * Throws when a declaration is invalid (see {@linkcode validateDiracModel}).
 *
 * @param model The declaration.
 * @throws {TypeError} Listing every problem found.
 */
export function assertDiracModel(model: DiracModel): void {
  const issues = validateDiracModel(model);
  if (issues.length > 0) {
    throw new TypeError(
      `Cannot use Dirac-GAN model "${model.name}": ${issues.join("; ")}`,
    );
  }
}
