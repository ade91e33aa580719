/**
 * Permission-aware reads of the environment for the backend layer: relgan
 * never prompts, so a variable it may not read counts as unset.
 *
 * @module
 */

/**
 * Whether a permission is granted (never prompts).
 *
 * @param descriptor The permission.
 * @returns `true` only when it is granted; `false` when denied, promptable
 * or not queryable.
 */
export function granted(descriptor: Deno.PermissionDescriptor): boolean {
  try {
    return Deno.permissions.querySync(descriptor).state === "granted";
  } catch {
    return false;
  }
}

/**
 * An environment variable's value where reading it is allowed.
 *
 * @param name The variable.
 * @returns Its value, or `undefined` when it is unset or may not be read.
 */
export function readEnv(name: string): string | undefined {
  return granted({ name: "env", variable: name })
    ? Deno.env.get(name)
    : undefined;
}

/**
 * The first line of an error's message, for one-line reasons.
 *
 * @param error What was thrown.
 * @returns Its message's first line.
 */
export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split(
    "\n",
  )[0];
}
