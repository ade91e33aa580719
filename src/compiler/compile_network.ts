/**
 * Lowers network declarations to {@linkcode CompiledNetwork} and
 * {@linkcode CompiledPairNetwork}: pure functions over explicit variables.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../random.ts";
import type {
  ApplyOptions,
  CompiledDiscriminator,
  CompiledNetwork,
  CompiledPairNetwork,
} from "./types.ts";
import type { DiscriminatorDecl, SequentialDecl } from "../dsl/types.ts";
import { type Category, checkNode, resolveNode } from "../dsl/_schema.ts";
import { declarationError, type DeclarationIssue } from "../dsl/issue.ts";
import { showShape } from "../dsl/shapes.ts";
import { buildSequential, type BuiltLayer } from "./_layers.ts";

/** Options of {@linkcode compileNetwork} and {@linkcode compileDiscriminator}. */
export interface CompileNetworkOptions {
  /** The generator the weights are drawn from (forked per layer path). */
  readonly rng: Rng;
  /** The network's path and variable-name prefix. @default {"network"} */
  readonly path?: string;
}

/** Validates a network declaration's structure, then fills its defaults. */
function resolved<T>(cat: Category, decl: T, path: string): T {
  const issues: DeclarationIssue[] = [];
  checkNode(cat, decl, [path], issues);
  if (issues.length) throw declarationError(issues);
  return resolveNode(cat, decl) as T;
}

function count(vars: readonly tf.Variable[]): number {
  return vars.reduce((n, v) => n + v.size, 0);
}

function checkInput(
  path: string,
  x: tf.Tensor,
  shape: readonly number[],
  name = "x",
): void {
  const got = x.shape.slice(1);
  if (got.length !== shape.length || got.some((d, i) => d !== shape[i])) {
    throw new TypeError(
      `Cannot apply ${path}: ${name} must have shape [batch, ${
        shape.join(", ")
      }], current shape is ${showShape(x.shape)}`,
    );
  }
}

function disposer(vars: readonly tf.Variable[]): () => void {
  return () => {
    for (const v of vars) if (!v.isDisposed) v.dispose();
  };
}

/**
 * Lowers a sequential declaration to a network of one input.
 *
 * @example A two-layer MLP
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { useBackend } from "../backend/mod.ts";
 * import { networks } from "../dsl/mod.ts";
 * import { Rng } from "../random.ts";
 * import { compileNetwork } from "./compile_network.ts";
 * import assert from "node:assert/strict";
 *
 * await useBackend("cpu");
 * const net = compileNetwork(networks.mlp({ hidden: [8], output: 2 }), [3], {
 *   rng: new Rng(1),
 * });
 * assert.equal(net.paramCount, 3 * 8 + 8 + 8 * 2 + 2);
 * const y = net.apply(tf.zeros([5, 3]), { training: false });
 * assert.deepEqual(y.shape, [5, 2]);
 * y.dispose();
 * net.dispose();
 * ```
 *
 * @param decl The network; defaults are filled in here.
 * @param inputShape The per-example input shape, e.g. `[latentDim]`.
 * @param options The generator and the path.
 * @returns The compiled network.
 * @throws {ShapeMismatch} (a `TypeError`) naming the layer path when a
 * layer cannot take its input shape.
 * @throws {TypeError | RangeError} A declaration error when a layer has an
 * unknown kind or key, a wrong type or a value out of range.
 */
export function compileNetwork(
  decl: SequentialDecl,
  inputShape: readonly number[],
  options: CompileNetworkOptions,
): CompiledNetwork {
  const path = options.path ?? "network";
  const built = buildSequential(
    { rng: options.rng, network: path },
    resolved("sequential", decl, path),
    inputShape,
    [path],
  );
  return fromBuilt(path, built, inputShape);
}

function fromBuilt(
  path: string,
  built: BuiltLayer,
  inputShape: readonly number[],
): CompiledNetwork {
  return {
    input: "single",
    path,
    inputShape: [...inputShape],
    outputShape: [...built.outputShape],
    variables: built.variables,
    state: built.state,
    paramCount: count(built.variables),
    dispose: disposer([...built.variables, ...built.state]),
    apply(x: tf.Tensor, options: ApplyOptions): tf.Tensor {
      checkInput(path, x, inputShape);
      return tf.tidy(() => built.apply(x, options.training));
    },
  };
}

/**
 * Lowers a discriminator declaration: a sequential one scores single
 * samples (`[batch]`), a relation one scores pairs (paper section 3.1):
 *
 * - `concat`: D(a, b) = h(r([e(a), e(b)]))  (concatenated on the last axis),
 * - `sum`:    D(a, b) = h(r(e(a) + e(b))),
 * - `packed`: D(a, b) = h(r([a, b])),
 *
 * with e the embedding module (shared weights), r the relation module and
 * h the scalar head. Batch norm inside e sees each sample batch apart.
 *
 * @param decl The discriminator.
 * @param dataShape The per-example data shape.
 * @param options The generator and the path.
 * @returns The compiled discriminator.
 * @throws {ShapeMismatch} (a `TypeError`) naming the layer path.
 */
export function compileDiscriminator(
  decl: DiscriminatorDecl,
  dataShape: readonly number[],
  options: CompileNetworkOptions,
): CompiledDiscriminator {
  const path = options.path ?? "discriminator";
  const ctx = { rng: options.rng, network: path };
  const d = resolved("discriminator", decl, path);
  if (d.kind === "sequential") {
    const built = buildSequential(ctx, d, dataShape, [path]);
    const net = fromBuilt(path, built, dataShape);
    return {
      ...net,
      outputShape: [],
      apply(x: tf.Tensor, o: ApplyOptions): tf.Tensor1D {
        checkInput(path, x, dataShape);
        return tf.tidy(() =>
          tf.reshape(built.apply(x, o.training), [x.shape[0]]) as tf.Tensor1D
        );
      },
    };
  }
  const parts: BuiltLayer[] = [];
  const dispose = () => {
    for (const p of parts) disposer([...p.variables, ...p.state])();
  };
  try {
    let shape = dataShape;
    let embedding: BuiltLayer | undefined;
    if (d.merge !== "packed") {
      embedding = buildSequential(ctx, d.embedding, dataShape, [
        path,
        "embedding",
      ]);
      parts.push(embedding);
      shape = embedding.outputShape;
    }
    const merged = d.merge === "sum"
      ? shape
      : [...shape.slice(0, -1), 2 * shape[shape.length - 1]];
    const relation = buildSequential(ctx, d.relation, merged, [
      path,
      "relation",
    ]);
    parts.push(relation);
    const head = buildSequential(ctx, d.head, relation.outputShape, [
      path,
      "head",
    ]);
    parts.push(head);
    const variables = parts.flatMap((p) => p.variables);
    const state = parts.flatMap((p) => p.state);
    const merge = d.merge;
    const net: CompiledPairNetwork = {
      input: "pair",
      path,
      inputShape: [...dataShape],
      variables,
      state,
      paramCount: count(variables),
      dispose,
      apply(a: tf.Tensor, b: tf.Tensor, o: ApplyOptions): tf.Tensor1D {
        checkInput(path, a, dataShape, "a");
        checkInput(path, b, dataShape, "b");
        if (a.shape[0] !== b.shape[0]) {
          throw new TypeError(
            `Cannot apply ${path}: a and b must hold the same number of samples, current batch sizes are ${
              a.shape[0]
            } and ${b.shape[0]}`,
          );
        }
        return tf.tidy(() => {
          const t = o.training;
          const axis = a.shape.length - 1;
          let m: tf.Tensor;
          if (merge === "packed") m = tf.concat([a, b], axis); // [batch, ..., 2c]
          else {
            const ea = embedding!.apply(a, t); // [batch, ...e]
            const eb = embedding!.apply(b, t); // [batch, ...e]
            m = merge === "sum"
              ? tf.add(ea, eb) // [batch, ...e]
              : tf.concat([ea, eb], ea.shape.length - 1); // [batch, ..., 2e]
          }
          const s = head.apply(relation.apply(m, t), t); // [batch, 1]
          return tf.reshape(s, [a.shape[0]]) as tf.Tensor1D;
        });
      },
    };
    return net;
  } catch (e) {
    dispose();
    throw e;
  }
}
