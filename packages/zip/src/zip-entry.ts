/** One central-directory entry of a zip archive, as returned by {@link readZipEntries}. */
export interface ZipEntry {
  /** The member name: UTF-8 when flag bit 11 is set, else code page 437. */
  name: string;
  /** Compression method: 0 (stored) or 8 (deflate); the reader refuses others. */
  method: number;
  /** General-purpose bit flags from the central directory. */
  flags: number;
  /** CRC-32 of the uncompressed data (unsigned). */
  crc32: number;
  /** Size of the stored (compressed) data in bytes (zip64 resolved). */
  compressedSize: number;
  /** Size of the uncompressed data in bytes (zip64 resolved). */
  uncompressedSize: number;
  /** Offset of the local file header (zip64 resolved). */
  localHeaderOffset: number;
  /** External file attributes (Unix mode in the high 16 bits when made on Unix). */
  externalAttributes: number;
  /** "Version made by": host system in the high byte (3 = Unix), spec version in the low byte. */
  versionMadeBy: number;
  /** True when the name ends with "/". */
  isDirectory: boolean;
  /** `externalAttributes >>> 16` when the made-by host is Unix (3), else undefined. */
  unixMode: number | undefined;
  /** True when `unixMode` has the symlink file type (S_IFLNK). */
  isSymlink: boolean;
}
