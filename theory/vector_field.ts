/**
 * The gradient vector field of a Dirac-GAN model, derived symbolically from
 * its declared losses with mathjs `derivative`, and its Jacobian.
 *
 * @module
 */

import { derivative, type MathNode, parse } from "mathjs";
import { toJs } from "./_to_js.ts";
import {
  assertDiracModel,
  type DiracModel,
  type DiracRole,
  stateNames,
  stateRoles,
} from "./dirac_model.ts";

/**
 * The vector field v of simultaneous gradient descent in continuous time,
 * dx/dt = v(x) with x = (θ, discriminator parameters, auxiliary variables):
 * v_θ = −∇_θ L_G, v_φ = −∇_φ L_D, v_aux = the declared rates.
 */
export interface VectorField {
  /** The model's name. */
  readonly model: string;
  /** State variable names, in order. */
  readonly names: readonly string[];
  /** The role of each state variable. */
  readonly roles: readonly DiracRole[];
  /** Each component of v as mathjs text in the state variables and constants. */
  readonly components: readonly string[];
  /** The clipping bound of each state variable (Infinity where none). */
  readonly bounds: readonly number[];
  /**
   * v(x), projected onto the clipping box: where a clipped parameter is
   * within 1e-3·clip of a face and v points outward, its speed fades linearly
   * to 0 at the face (a Lipschitz form of the projection).
   */
  evaluate(state: ArrayLike<number>): number[];
  /**
   * ∂v_i/∂x_j by symbolic differentiation of the components (no projection);
   * entries are NaN where the symbolic form is undefined (e.g. |a|′ at a = 0).
   */
  jacobian(state: ArrayLike<number>): number[][];
}

/** Options of {@linkcode vectorField}. */
export interface VectorFieldOptions {
  /**
   * Replace |a| by √(a² + ε²) with this ε in both losses (a solver aid for
   * hinges that switch; the local analysis never uses it).
   * @default undefined (exact |a|)
   */
  readonly absSmoothing?: number;
}

/** Symbols of an expression that name values (not functions). */
function valueSymbols(node: MathNode): Set<string> {
  const found = new Set<string>();
  node.traverse((n: MathNode, path: string, parent: MathNode | null) => {
    if (n.type !== "SymbolNode") return;
    if (parent !== null && parent.type === "FunctionNode" && path === "fn") {
      return;
    }
    found.add((n as unknown as { name: string }).name);
  });
  return found;
}

/**
 * Derives the vector field of a model.
 *
 * @example The vanilla GAN at a point
 * ```ts
 * import assert from "node:assert/strict";
 * import { vanillaGanModel, vectorField } from "@relgan/core/theory";
 *
 * const field = vectorField(vanillaGanModel());
 * // dθ/dt = f′(−φ·θ) φ and dφ/dt = −f′(−φ·θ) θ; f′(0) = 1/2 at φ·θ = 0.
 * const v = field.evaluate([1, 0, 0, 2]);
 * assert.ok(Math.abs(v[1] - 0.5 * 2) < 1e-12);
 * assert.ok(Math.abs(v[2] + 0.5 * 1) < 1e-12);
 * ```
 *
 * @param model The declaration.
 * @param options Optional smoothing of |·|.
 * @returns The field, its Jacobian and the text of each component.
 * @throws {TypeError} When the declaration is invalid or an expression uses a
 * symbol that is neither a state variable, a constant nor a `given`.
 * @throws {RangeError} When absSmoothing is not positive.
 */
export function vectorField(
  model: DiracModel,
  options: VectorFieldOptions = {},
): VectorField {
  assertDiracModel(model);
  const width = options.absSmoothing;
  if (width !== undefined && !(width > 0)) {
    throw new RangeError(
      `Cannot derive the vector field of model "${model.name}": absSmoothing must be positive, current value is ${width}`,
    );
  }
  // |a| → √(a² + ε²) in the losses, so that a hinge [a]₊ = (a + |a|)/2 has a
  // continuous derivative; within ε/2 of the exact hinge everywhere.
  const smooth = (node: MathNode): MathNode =>
    width === undefined ? node : node.transform((n: MathNode) => {
      const fn = (n as unknown as { fn?: { name?: string } }).fn;
      if (n.type !== "FunctionNode" || fn?.name !== "abs") return n;
      const arg = (n as unknown as { args: MathNode[] }).args[0];
      return parse(`sqrt((${smooth(arg).toString()})^2 + ${width}^2)`);
    });
  const names = stateNames(model);
  const roles = stateRoles(model);
  const constants = model.constants ?? {};
  const given = model.given ?? {};
  const givenNodes = new Map<string, MathNode>(
    Object.entries(given).map(([k, v]) => [k, parse(v)]),
  );
  const substituteOnce = (node: MathNode): MathNode =>
    node.transform((n: MathNode) =>
      n.type === "SymbolNode" &&
        givenNodes.has((n as unknown as { name: string }).name)
        ? givenNodes.get((n as unknown as { name: string }).name)!
        : n
    );
  // A given may use another given (Δ(y2, 0) with y2 = θ): substitute until none is left.
  const substitute = (node: MathNode): MathNode => {
    let current = node;
    for (let depth = 0; depth <= givenNodes.size; depth++) {
      const symbols = valueSymbols(current);
      if (![...givenNodes.keys()].some((g) => symbols.has(g))) return current;
      current = substituteOnce(current);
    }
    throw new TypeError(
      `Cannot derive the vector field of model "${model.name}": the given symbols refer to each other in a cycle`,
    );
  };

  const lossG = smooth(parse(model.generator.loss));
  const lossD = smooth(parse(model.discriminator.loss));
  const nodes: MathNode[] = [];
  for (const p of model.generator.params) {
    nodes.push(
      substitute(parse(`-(${derivative(lossG, p, { simplify: false })})`)),
    );
  }
  for (const p of model.discriminator.params) {
    nodes.push(
      substitute(parse(`-(${derivative(lossD, p, { simplify: false })})`)),
    );
  }
  for (const a of model.auxiliary ?? []) nodes.push(substitute(parse(a.rate)));

  const known = new Set([...names, ...Object.keys(constants)]);
  nodes.forEach((node, i) => {
    for (const s of valueSymbols(node)) {
      if (!known.has(s)) {
        throw new TypeError(
          `Cannot derive the vector field of model "${model.name}": component d${
            names[i]
          }/dt uses the symbol "${s}", which is neither a state variable (${
            names.join(", ")
          }), a constant nor a given; declare it in constants or given`,
        );
      }
    }
  });

  const compiled = nodes.map((n) => toJs(n, names, constants));
  let jacobianCompiled: ((x: ArrayLike<number>) => number)[][] | undefined;
  const bounds = names.map((_, i) => {
    const role = roles[i];
    const clip = role === "generator"
      ? model.generator.clip
      : role === "discriminator"
      ? model.discriminator.clip
      : undefined;
    return clip ?? Infinity;
  });

  const check = (state: ArrayLike<number>): void => {
    if (state.length !== names.length) {
      throw new TypeError(
        `Cannot evaluate the vector field of model "${model.name}": the state must have ${names.length} entries (${
          names.join(", ")
        }), current length is ${state.length}`,
      );
    }
  };

  return {
    model: model.name,
    names,
    roles,
    components: nodes.map((n) => n.toString()),
    bounds,
    evaluate(state) {
      check(state);
      return compiled.map((c, i) => {
        const v = c(state);
        const b = bounds[i];
        if (b === Infinity) return v;
        // The outward speed fades linearly to 0 over a band of width 1e-3·b
        // inside each face: the projection made Lipschitz, so that an
        // adaptive integrator does not stall on the switch.
        const x = state[i];
        const band = 1e-3 * b;
        const room = v > 0 ? b - x : v < 0 ? b + x : band;
        if (room < band) return v * Math.max(0, room) / band;
        return v;
      });
    },
    jacobian(state) {
      check(state);
      jacobianCompiled ??= nodes.map((n) =>
        names.map((x) =>
          toJs(derivative(n, x, { simplify: false }), names, constants)
        )
      );
      return jacobianCompiled.map((row) => row.map((c) => c(state)));
    },
  };
}
