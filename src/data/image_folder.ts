/**
 * Folders of JPEG and PNG images (CelebA, CelebA-HQ, any user folder).
 *
 * @module
 */

import { DataError, type SkippedFile } from "./data_error.ts";
import { type ImageSource, imageSource } from "./image_source.ts";
import { cropAndResize, decodeImage, toChannels } from "./_image.ts";
import { type ResizeOptions, resolveResize } from "./_resize_options.ts";

export type { ResizeOptions } from "./_resize_options.ts";

/** Options of {@linkcode loadImageFolder}. */
export interface ImageFolderOptions extends ResizeOptions {
  /** The folder. */
  readonly dir: string;
  /** Also read subfolders. @default {true} */
  readonly recursive?: boolean;
}

const IMAGE_FILE = /\.(jpe?g|png)$/i;

async function listImages(dir: string, recursive: boolean): Promise<string[]> {
  const found: string[] = [];
  const walk = async (d: string) => {
    for await (const entry of Deno.readDir(d)) {
      const path = `${d}/${entry.name}`;
      if (entry.isDirectory && recursive) await walk(path);
      else if (entry.isFile && IMAGE_FILE.test(entry.name)) found.push(path);
    }
  };
  await walk(dir);
  return found.sort();
}

/**
 * Loads every `.jpg`, `.jpeg` and `.png` file of a folder (sorted by path),
 * decodes it (JPEG with `jpeg-js`, PNG with `fast-png`), crops the largest
 * centred region of the output's aspect ratio, and resizes it to `size`:
 * area averaging when shrinking, bilinear interpolation when enlarging.
 * Images are kept as bytes and sampled as `[h, w, c]` floats in [-1, 1].
 *
 * @param options Folder, size, channels, `skipBad`.
 * @returns An {@linkcode ImageSource} without labels; `skipped` lists the
 * files left out with `skipBad: true`.
 * @throws {DataError} When the folder is missing or holds no images, or an
 * image cannot be decoded and `skipBad` is off (naming the file and why).
 * @throws {RangeError} When `size`, `channels` or `limit` is out of range.
 *
 * @example A missing folder
 * ```ts
 * import { loadImageFolder } from "./image_folder.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   loadImageFolder({ dir: "/nonexistent/celeba", size: 64 }),
 *   /celeba: folder not found/,
 * );
 * ```
 */
export async function loadImageFolder(
  options: ImageFolderOptions,
): Promise<ImageSource> {
  const { h, w, c, skipBad, limit } = resolveResize("image folder", options);
  const dir = options.dir.replace(/\/+$/, "");
  let files: string[];
  try {
    files = await listImages(dir, options.recursive ?? true);
  } catch (error) {
    throw new DataError(
      dir,
      error instanceof Deno.errors.NotFound
        ? "folder not found"
        : `unreadable folder (${
          error instanceof Error ? error.message : error
        })`,
      "pass the folder that holds the .jpg/.png images",
    );
  }
  if (files.length === 0) {
    throw new DataError(
      dir,
      "the folder holds no .jpg, .jpeg or .png files",
      "pass the folder that holds the images",
    );
  }
  const per = h * w * c;
  const kept: Uint8Array[] = [];
  const skipped: SkippedFile[] = [];
  for (const file of files) {
    if (kept.length >= limit) break;
    try {
      const pixels = toChannels(decodeImage(await Deno.readFile(file)), c);
      kept.push(cropAndResize(pixels, h, w).data);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (!skipBad) {
        throw new DataError(
          file,
          `cannot decode image (${reason})`,
          "remove or replace the file, or pass skipBad: true to skip bad images",
        );
      }
      skipped.push({ file, reason });
    }
  }
  if (kept.length === 0) {
    throw new DataError(
      dir,
      `none of its ${files.length} images could be decoded (first: ${
        skipped[0]?.file
      }: ${skipped[0]?.reason})`,
    );
  }
  const bytes = new Uint8Array(kept.length * per);
  kept.forEach((img, i) => bytes.set(img, i * per));
  return imageSource({
    name: `${dir.split("/").pop()} (${kept.length})`,
    shape: [h, w, c],
    bytes,
    skipped,
  });
}
