/**
 * LSUN scenes (Yu et al., 2015) from the official LMDB distribution, e.g.
 * `bedroom_train_lmdb/` (a folder with `data.mdb` and `lock.mdb`), read with
 * the `lmdb` package. Each value is one encoded image.
 *
 * @module
 */

import { open } from "lmdb";
import { DataError, type SkippedFile } from "./data_error.ts";
import { type ImageSource, imageSource } from "./image_source.ts";
import { cropAndResize, decodeImage, toChannels } from "./_image.ts";
import { type ResizeOptions, resolveResize } from "./_resize_options.ts";

/** Options of {@linkcode loadLsun}. */
export interface LsunOptions extends ResizeOptions {
  /** The LMDB folder (holding `data.mdb`). */
  readonly path: string;
}

/**
 * Reads the images of an LSUN LMDB in key order, decodes them (JPEG or
 * PNG; the WebP values of some LSUN releases are reported as unsupported),
 * centre-crops and resizes them as {@linkcode loadImageFolder} does (area
 * when shrinking, bilinear when enlarging).
 *
 * @param options LMDB folder, size, channels, `skipBad`, `limit`.
 * @returns An {@linkcode ImageSource} without labels; `skipped` lists the
 * keys left out with `skipBad: true`, as `path#key`.
 * @throws {DataError} When the folder or its `data.mdb` is missing, the
 * database cannot be opened, it is empty, or a value cannot be decoded and
 * `skipBad` is off.
 *
 * @example A missing database
 * ```ts
 * import { loadLsun } from "./lsun.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   loadLsun({ path: "/nonexistent/bedroom_train_lmdb", size: 64 }),
 *   /data\.mdb: file not found/,
 * );
 * ```
 */
export async function loadLsun(options: LsunOptions): Promise<ImageSource> {
  const { h, w, c, skipBad, limit } = resolveResize("LSUN", options);
  const path = options.path.replace(/\/+$/, "");
  const fix =
    "download LSUN (github.com/fyu/lsun: download.py -c bedroom), unzip it and pass the *_lmdb folder that holds data.mdb";
  try {
    await Deno.stat(`${path}/data.mdb`);
  } catch {
    throw new DataError(`${path}/data.mdb`, "file not found", fix);
  }
  let db;
  try {
    db = open({
      path,
      readOnly: true,
      encoding: "binary",
      keyEncoding: "binary",
      noSubdir: false,
    });
  } catch (error) {
    throw new DataError(
      path,
      `cannot open the LMDB database (${
        error instanceof Error ? error.message : error
      })`,
      fix,
    );
  }
  const per = h * w * c;
  const kept: Uint8Array[] = [];
  const skipped: SkippedFile[] = [];
  try {
    for (const { key, value } of db.getRange()) {
      if (kept.length >= limit) break;
      const name = `${path}#${new TextDecoder().decode(key as Uint8Array)}`;
      try {
        const bytes = value as Uint8Array;
        const pixels = toChannels(
          decodeImage(
            new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
          ),
          c,
        );
        kept.push(cropAndResize(pixels, h, w).data);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (!skipBad) {
          throw new DataError(
            name,
            `cannot decode image (${reason})`,
            "pass skipBad: true to skip undecodable entries",
          );
        }
        skipped.push({ file: name, reason });
      }
    }
  } finally {
    await db.close();
  }
  if (kept.length === 0) {
    throw new DataError(
      path,
      skipped.length === 0
        ? "the database holds no entries"
        : `none of its ${skipped.length} entries could be decoded (first: ${
          skipped[0].reason
        })`,
      fix,
    );
  }
  const bytes = new Uint8Array(kept.length * per);
  kept.forEach((img, i) => bytes.set(img, i * per));
  return imageSource({
    name: `lsun ${path.split("/").pop()} (${kept.length})`,
    shape: [h, w, c],
    bytes,
    skipped,
  });
}
