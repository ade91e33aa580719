/**
 * Checks shared by every factory that takes an options object.
 *
 * @module
 */

/**
 * Checks that an options object has only known keys, so that a misspelt
 * option fails instead of silently taking its default. When `kind` is
 * given, a `kind` key equal to it is accepted, so a whole declaration
 * `{ kind, ...options }` can be passed.
 */
export function checkKeys(
  where: string,
  options: object | undefined,
  allowed: readonly string[],
  kind?: string,
): void {
  if (options === undefined) return;
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `Cannot build ${where}: options must be an object, current value is ${
        JSON.stringify(options)
      }`,
    );
  }
  for (const [key, value] of Object.entries(options)) {
    if (kind !== undefined && key === "kind") {
      if (value === kind) continue;
      throw new TypeError(
        `Cannot build ${where}: the declaration's kind is ${
          JSON.stringify(value)
        } but ${where} builds "${kind}". Fix: pass this declaration to the factory of its kind`,
      );
    }
    if (!allowed.includes(key)) {
      throw new TypeError(
        `Cannot build ${where}: unknown option "${key}". Fix: use ${
          allowed.length === 0
            ? "no options"
            : `one of ${allowed.map((k) => `"${k}"`).join(", ")}`
        }`,
      );
    }
  }
}
