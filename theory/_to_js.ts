/**
 * Turns a mathjs expression tree into a plain JavaScript function of a state
 * vector, about a hundred times faster to evaluate than mathjs' own compiled
 * form (the symbolic work stays with mathjs).
 *
 * @module
 */

import type { MathNode } from "mathjs";

const FUNCTIONS: Record<string, string> = {
  exp: "Math.exp",
  log: "Math.log",
  abs: "Math.abs",
  sqrt: "Math.sqrt",
  tanh: "Math.tanh",
  sin: "Math.sin",
  cos: "Math.cos",
};

const BINARY: Record<string, string> = {
  add: "+",
  subtract: "-",
  multiply: "*",
  divide: "/",
};

interface NodeLike {
  type: string;
  name?: string;
  value?: unknown;
  fn?: string | { name: string };
  args?: NodeLike[];
  content?: NodeLike;
}

/**
 * Emits JavaScript source for one node; state variables read `x[i]`,
 * constants are inlined.
 */
function emit(
  node: NodeLike,
  index: ReadonlyMap<string, number>,
  constants: Readonly<Record<string, number>>,
): string {
  switch (node.type) {
    case "ConstantNode":
      return `(${Number(node.value)})`;
    case "SymbolNode": {
      const name = node.name!;
      const i = index.get(name);
      if (i !== undefined) return `x[${i}]`;
      if (name in constants) return `(${constants[name]})`;
      throw new TypeError(
        `Cannot compile the expression: symbol "${name}" is neither a state variable nor a constant`,
      );
    }
    case "ParenthesisNode":
      return emit(node.content!, index, constants);
    case "OperatorNode": {
      const fn = node.fn as string;
      const args = node.args!.map((a) => emit(a, index, constants));
      if (fn === "unaryMinus") return `(-${args[0]})`;
      if (fn === "unaryPlus") return args[0];
      if (fn === "pow") {
        const e = node.args![1];
        if (e.type === "ConstantNode" && Number(e.value) === 2) {
          return `((t) => t * t)(${args[0]})`;
        }
        return `Math.pow(${args[0]}, ${args[1]})`;
      }
      const op = BINARY[fn];
      if (op !== undefined && args.length === 2) {
        return `(${args[0]} ${op} ${args[1]})`;
      }
      throw new TypeError(
        `Cannot compile the expression: operator "${fn}" is not supported; use + - * / ^`,
      );
    }
    case "FunctionNode": {
      const name = (node.fn as { name: string }).name;
      const js = FUNCTIONS[name];
      if (js === undefined) {
        throw new TypeError(
          `Cannot compile the expression: function "${name}" is not supported; use one of ${
            Object.keys(FUNCTIONS).join(", ")
          }`,
        );
      }
      return `${js}(${
        node.args!.map((a) => emit(a, index, constants)).join(", ")
      })`;
    }
    default:
      throw new TypeError(
        `Cannot compile the expression: node type ${node.type} is not supported`,
      );
  }
}

/**
 * Compiles an expression into `(x) => number`.
 *
 * @param node The expression.
 * @param names State variable names; `names[i]` reads `x[i]`.
 * @param constants Values inlined for the remaining symbols.
 * @returns The function.
 * @throws {TypeError} For an unknown symbol, operator or function.
 */
export function toJs(
  node: MathNode,
  names: readonly string[],
  constants: Readonly<Record<string, number>>,
): (x: ArrayLike<number>) => number {
  const index = new Map(names.map((n, i) => [n, i]));
  const source = emit(node as unknown as NodeLike, index, constants);
  return new Function("x", `return ${source};`) as (
    x: ArrayLike<number>,
  ) => number;
}
