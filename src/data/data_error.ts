/**
 * The error every image loader throws for missing or corrupt data.
 *
 * @module
 */

/**
 * Thrown when a dataset file or folder is missing, truncated or unreadable.
 * The message names the file and the reason, and says how to fix it;
 * `file` and `reason` carry the same facts for callers.
 *
 * @example A missing file
 * ```ts
 * import { DataError } from "./data_error.ts";
 * import assert from "node:assert/strict";
 *
 * const error = new DataError("/data/x.bin", "file not found", "put it there");
 * assert.equal(error.file, "/data/x.bin");
 * assert.match(error.message, /x\.bin: file not found/);
 * ```
 */
export class DataError extends Error {
  /** The file or folder that could not be read. */
  readonly file: string;
  /** Why, in a few words. */
  readonly reason: string;

  /**
   * Builds the error and its message.
   *
   * @param file The file or folder that could not be read.
   * @param reason What is wrong with it.
   * @param fix What the user can do; appended to the message when given.
   */
  constructor(file: string, reason: string, fix?: string) {
    super(
      `Cannot read ${file}: ${reason}${
        fix === undefined ? "" : `. Fix: ${fix}`
      }`,
    );
    this.name = "DataError";
    this.file = file;
    this.reason = reason;
  }
}

/** A file that a loader skipped because of `skipBad: true`, and why. */
export interface SkippedFile {
  /** The path (or LMDB key) of the bad entry. */
  readonly file: string;
  /** Why it could not be used. */
  readonly reason: string;
}
