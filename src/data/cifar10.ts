/**
 * CIFAR-10 from its official binary version (Krizhevsky, 2009,
 * www.cs.toronto.edu/~kriz/cifar.html): `data_batch_1.bin` …
 * `data_batch_5.bin` and `test_batch.bin`, 10,000 records each.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { DataError } from "./data_error.ts";
import { type ImageSource, imageSource } from "./image_source.ts";
import { readTar } from "./_tar.ts";

/** Address of the official binary archive. */
export const CIFAR10_URL =
  "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
/** MD5 of the official binary archive, as published on the CIFAR page. */
export const CIFAR10_MD5 = "c32a1d4ab5d03f1284b67883e8d87530";
/** Bytes per record: one label byte, then 1024 red, 1024 green, 1024 blue. */
export const CIFAR10_RECORD_BYTES = 3073;
/** The class names, by label. */
export const CIFAR10_CLASSES: readonly string[] = [
  "airplane",
  "automobile",
  "bird",
  "cat",
  "deer",
  "dog",
  "frog",
  "horse",
  "ship",
  "truck",
];

const TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
const TEST_FILES = ["test_batch.bin"];

/** Options of {@linkcode loadCifar10}. */
export interface Cifar10Options {
  /**
   * Folder that holds the `.bin` files, directly or in a
   * `cifar-10-batches-bin/` subfolder (as the archive unpacks).
   * @default {cacheDir}
   */
  readonly dir?: string;
  /** Which records: the 50,000 training ones, the 10,000 test ones, or both. @default {"train"} */
  readonly split?: "train" | "test" | "all";
  /** Download and unpack the official archive into `cacheDir` when files are missing. @default {false} */
  readonly download?: boolean;
  /** Where downloads go. @default {"$HOME/.cache/relgan/cifar10"} */
  readonly cacheDir?: string;
  /** Archive address (a mirror). @default {CIFAR10_URL} */
  readonly url?: string;
  /** Expected MD5 of the archive, hex. @default {CIFAR10_MD5} */
  readonly md5?: string;
  /** Keep only the first `limit` records. @default {Infinity} */
  readonly limit?: number;
}

/** The default download folder. */
function defaultCacheDir(): string {
  const home = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE") ?? ".";
  return `${home}/.cache/relgan/cifar10`;
}

function fixFor(dir: string): string {
  return `download ${CIFAR10_URL} (md5 ${CIFAR10_MD5}), unpack it and put data_batch_1.bin … data_batch_5.bin and test_batch.bin in ${dir} (or its cifar-10-batches-bin/ subfolder), or pass download: true to fetch it into the cache folder`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Finds the folder holding `first`, directly or in cifar-10-batches-bin/. */
async function locate(dir: string, first: string): Promise<string | undefined> {
  for (const d of [dir, `${dir}/cifar-10-batches-bin`]) {
    if (await exists(`${d}/${first}`)) return d;
  }
  return undefined;
}

/**
 * Downloads the official archive, checks its MD5, and unpacks the `.bin`
 * files into `${cacheDir}/cifar-10-batches-bin/`.
 *
 * @param cacheDir Destination folder.
 * @param url Archive address.
 * @param md5 Expected MD5, hex.
 * @returns The folder the files are in.
 * @throws {DataError} When the download fails, the checksum differs, or the
 * archive is corrupt; the message says where to put the files instead.
 */
export async function downloadCifar10(
  cacheDir: string,
  url: string = CIFAR10_URL,
  md5: string = CIFAR10_MD5,
): Promise<string> {
  let archive: Uint8Array;
  try {
    const response = await fetch(url);
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`HTTP ${response.status} ${response.statusText}`);
    }
    archive = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw new DataError(
      url,
      `download failed (${error instanceof Error ? error.message : error})`,
      fixFor(cacheDir),
    );
  }
  const digest = createHash("md5").update(archive).digest("hex");
  if (digest !== md5.toLowerCase()) {
    throw new DataError(
      url,
      `checksum mismatch: md5 of the ${archive.length}-byte download is ${digest}, expected ${md5}`,
      fixFor(cacheDir),
    );
  }
  let files;
  try {
    files = readTar(new Uint8Array(gunzipSync(archive)));
  } catch (error) {
    throw new DataError(
      url,
      `corrupt archive (${error instanceof Error ? error.message : error})`,
      fixFor(cacheDir),
    );
  }
  const out = `${cacheDir}/cifar-10-batches-bin`;
  await Deno.mkdir(out, { recursive: true });
  let written = 0;
  for (const file of files) {
    const base = file.name.split("/").pop()!;
    if ([...TRAIN_FILES, ...TEST_FILES, "batches.meta.txt"].includes(base)) {
      await Deno.writeFile(`${out}/${base}`, file.data);
      written++;
    }
  }
  if (written === 0) {
    throw new DataError(
      url,
      "the archive holds none of data_batch_1.bin … test_batch.bin",
      fixFor(cacheDir),
    );
  }
  return out;
}

/**
 * Converts CIFAR-10 records to HWC bytes and labels. A record's pixel
 * (y, x) of channel c is at byte `1 + c·1024 + y·32 + x`; HWC puts it at
 * `(y·32 + x)·3 + c`.
 *
 * @param records Whole records, `n × 3073` bytes.
 * @returns `{ bytes: n × 32 × 32 × 3, labels: n }`.
 */
export function decodeCifar10Records(
  records: Uint8Array,
): { bytes: Uint8Array; labels: Int32Array } {
  const n = Math.floor(records.length / CIFAR10_RECORD_BYTES);
  const bytes = new Uint8Array(n * 3072);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = i * CIFAR10_RECORD_BYTES;
    labels[i] = records[r];
    for (let c = 0; c < 3; c++) {
      const plane = r + 1 + c * 1024;
      for (let p = 0; p < 1024; p++) {
        bytes[i * 3072 + p * 3 + c] = records[plane + p];
      }
    }
  }
  return { bytes, labels };
}

/**
 * The inverse of {@linkcode decodeCifar10Records}: HWC bytes and labels to
 * records of the official binary format (used to write small test files).
 *
 * @param bytes `n × 32 × 32 × 3` bytes, HWC.
 * @param labels `n` labels in [0, 10).
 * @returns `n × 3073` bytes.
 * @throws {TypeError} When the lengths disagree.
 *
 * @example Round trip
 * ```ts
 * import { decodeCifar10Records, encodeCifar10Records } from "./cifar10.ts";
 * import assert from "node:assert/strict";
 *
 * const hwc = Uint8Array.from({ length: 3072 }, (_, i) => i % 251);
 * const records = encodeCifar10Records(hwc, new Int32Array([7]));
 * assert.equal(records[0], 7);
 * assert.equal(records[1 + 1024], hwc[1]); // green plane, pixel 0
 * assert.deepEqual(decodeCifar10Records(records).bytes, hwc);
 * ```
 */
export function encodeCifar10Records(
  bytes: Uint8Array,
  labels: ArrayLike<number>,
): Uint8Array {
  if (bytes.length !== labels.length * 3072) {
    throw new TypeError(
      `Cannot encode CIFAR-10 records: ${bytes.length} bytes for ${labels.length} labels; need 3072 bytes (32 × 32 × 3) per label`,
    );
  }
  const out = new Uint8Array(labels.length * CIFAR10_RECORD_BYTES);
  for (let i = 0; i < labels.length; i++) {
    const r = i * CIFAR10_RECORD_BYTES;
    out[r] = labels[i];
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < 1024; p++) {
        out[r + 1 + c * 1024 + p] = bytes[i * 3072 + p * 3 + c];
      }
    }
  }
  return out;
}

/**
 * Loads CIFAR-10 as `[32, 32, 3]` images in [-1, 1] with labels 0 … 9
 * (see {@linkcode CIFAR10_CLASSES}).
 *
 * @param options Folder, split, optional download.
 * @returns An {@linkcode ImageSource} named `"cifar10 train (N)"`.
 * @throws {DataError} When a file is missing (and `download` is off or
 * fails), is not a whole number of 3073-byte records, or holds a label
 * outside 0 … 9. The message names the file and where to put the files.
 *
 * @example Missing files say where to put them
 * ```ts
 * import { loadCifar10 } from "./cifar10.ts";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(
 *   loadCifar10({ dir: "/nonexistent/cifar" }),
 *   /data_batch_1\.bin: file not found.*put data_batch_1\.bin/,
 * );
 * ```
 */
export async function loadCifar10(
  options: Cifar10Options = {},
): Promise<ImageSource> {
  const split = options.split ?? "train";
  if (!["train", "test", "all"].includes(split)) {
    throw new TypeError(
      `Cannot load CIFAR-10: split must be "train", "test" or "all", current value is ${
        JSON.stringify(split)
      }`,
    );
  }
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const dir = options.dir ?? cacheDir;
  const names = split === "train"
    ? TRAIN_FILES
    : split === "test"
    ? TEST_FILES
    : [...TRAIN_FILES, ...TEST_FILES];
  let folder = await locate(dir, names[0]);
  if (folder === undefined && options.download === true) {
    folder = (await locate(cacheDir, names[0])) ??
      await downloadCifar10(cacheDir, options.url, options.md5);
  }
  if (folder === undefined) {
    throw new DataError(`${dir}/${names[0]}`, "file not found", fixFor(dir));
  }
  const limit = options.limit ?? Infinity;
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const name of names) {
    if (total >= limit) break;
    const path = `${folder}/${name}`;
    let records: Uint8Array;
    try {
      records = await Deno.readFile(path);
    } catch (error) {
      throw new DataError(
        path,
        error instanceof Deno.errors.NotFound
          ? "file not found"
          : `unreadable (${error instanceof Error ? error.message : error})`,
        fixFor(folder),
      );
    }
    if (records.length === 0 || records.length % CIFAR10_RECORD_BYTES !== 0) {
      throw new DataError(
        path,
        `truncated or not a CIFAR-10 binary batch: ${records.length} bytes is not a whole number of ${CIFAR10_RECORD_BYTES}-byte records (the official files have 10000 records, ${
          10000 * CIFAR10_RECORD_BYTES
        } bytes)`,
        `replace the file with the one from ${CIFAR10_URL}`,
      );
    }
    const count = Math.min(
      records.length / CIFAR10_RECORD_BYTES,
      limit - total,
    );
    records = records.subarray(0, count * CIFAR10_RECORD_BYTES);
    for (let i = 0; i < count; i++) {
      const label = records[i * CIFAR10_RECORD_BYTES];
      if (label > 9) {
        throw new DataError(
          path,
          `record ${i} has label ${label}, outside 0 … 9 (is this the CIFAR-100 binary?)`,
          `use the CIFAR-10 binary files from ${CIFAR10_URL}`,
        );
      }
    }
    parts.push(records);
    total += count;
  }
  const all = new Uint8Array(total * CIFAR10_RECORD_BYTES);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const { bytes, labels } = decodeCifar10Records(all);
  return imageSource({
    name: `cifar10 ${split} (${total})`,
    shape: [32, 32, 3],
    bytes,
    labels,
  });
}
