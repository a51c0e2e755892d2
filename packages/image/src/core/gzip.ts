/**
 * gzip of layer bytes (pure): fflate, pinned to one exact version in package.json, at a fixed level, with
 * header MTIME 0, no file name, OS 3 (what fflate writes). Node's own zlib is never used here: its output
 * changes between Node versions, and a layer's digest must not. fflate's streaming deflate decides where
 * blocks end from the sizes of the pieces it is given, so the input is cut into fixed 64 KiB pieces first:
 * the output is a function of the bytes alone, however the tar's chunks fall.
 */
import { Gzip } from "fflate";

/** The compression level of every layer (fflate's default). Part of the layer memo key. */
export const GZIP_LEVEL = 6;
/** fflate's `mem` setting, fixed (the default depends on the last piece's size). */
const GZIP_MEM = 8;
/** The piece size the input is cut into before deflating. */
const PIECE = 64 * 1024;
/** Identifies this compressor for memo keys: change it when the pinned fflate or a setting changes. */
export const GZIP_ID = `fflate-0.8.3/gzip/L${GZIP_LEVEL}/M${GZIP_MEM}/P${PIECE}`;

/** The gzip stream of the concatenation of `chunks`, as a list of output chunks. */
export function gzipChunks(chunks: Iterable<Uint8Array>): Uint8Array[] {
  const out: Uint8Array[] = [];
  const gz = new Gzip({ level: GZIP_LEVEL, mem: GZIP_MEM, mtime: 0 }, (data) => {
    out.push(data);
  });
  const piece = new Uint8Array(PIECE);
  let fill = 0;
  for (const c of chunks) {
    let off = 0;
    while (off < c.length) {
      const n = Math.min(PIECE - fill, c.length - off);
      piece.set(c.subarray(off, off + n), fill);
      fill += n;
      off += n;
      if (fill === PIECE) {
        gz.push(piece, false); // fflate copies what it is given
        fill = 0;
      }
    }
  }
  gz.push(piece.subarray(0, fill), true);
  return out;
}
