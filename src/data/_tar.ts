/**
 * A minimal reader of ustar/GNU tar archives (regular files only), enough to
 * unpack the CIFAR-10 archive.
 *
 * @module
 */

/** One regular file of an archive. */
export interface TarEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

/**
 * Lists the regular files of a tar archive. Each entry is a 512-byte header
 * (name at 0, octal size at 124, type flag at 156, ustar prefix at 345) and
 * the data padded to 512 bytes; two zero blocks end the archive.
 *
 * @throws {Error} When a header's size field is not octal or the data runs
 * past the end.
 */
export function readTar(bytes: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  const text = new TextDecoder();
  let at = 0;
  let longName: string | undefined;
  while (at + 512 <= bytes.length) {
    const header = bytes.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, length: number) => {
      const raw = header.subarray(start, start + length);
      const end = raw.indexOf(0);
      return text.decode(end < 0 ? raw : raw.subarray(0, end));
    };
    const sizeText = field(124, 12).trim();
    if (!/^[0-7]*$/.test(sizeText)) {
      throw new Error(
        `bad tar header at byte ${at}: size "${sizeText}" is not octal`,
      );
    }
    const size = parseInt(sizeText || "0", 8);
    const type = String.fromCharCode(header[156] || 0x30);
    const prefix = field(257, 6).startsWith("ustar") ? field(345, 155) : "";
    const name = longName ??
      (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    const start = at + 512;
    if (start + size > bytes.length) {
      throw new Error(
        `truncated tar archive: ${name} needs ${size} bytes past byte ${start}`,
      );
    }
    const data = bytes.subarray(start, start + size);
    longName = undefined;
    if (type === "L") {
      longName = text.decode(data).replace(/\0+$/, "");
    } else if (type === "0" || type === "\0") {
      entries.push({ name, data });
    }
    at = start + Math.ceil(size / 512) * 512;
  }
  return entries;
}
