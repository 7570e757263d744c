import { createHash } from 'node:crypto';

/**
 * Content digests, as a replica manager computes them to compare what replicas produced without
 * shipping it: SHA-256 (a cryptographic hash, as a Byzantine-tolerant system needs — a faulty
 * replica must not be able to forge a matching digest for different content), truncated to its
 * first 128 bits and written as 32 hex digits. Deterministic: the same bytes give the same digest
 * on every platform (numbers are encoded little-endian explicitly, never through the host's byte
 * order).
 */

/** Hex digits of a digest (128 bits). */
export const DIGEST_HEX_CHARS = 32;

/** The digest of byte strings taken in order, each preceded by its length (so ["ab","c"] ≠ ["a","bc"]). */
export function digestBytes(...parts: Uint8Array[]): string {
  const h = createHash('sha256');
  const len = new Uint8Array(4);
  const view = new DataView(len.buffer);
  for (const p of parts) {
    view.setUint32(0, p.length, true);
    h.update(len);
    h.update(p);
  }
  return h.digest('hex').slice(0, DIGEST_HEX_CHARS);
}

/**
 * The digest of a set of memory pages: their count, their page numbers (in the order given, u32
 * little-endian), then their bytes (`bytes` holds the pages one after another, `pageBytes` each).
 * Two updates agree exactly when they carry the same pages with the same contents in the same order.
 */
export function digestPages(pages: Int32Array, bytes: Uint8Array, pageBytes: number): string {
  if (bytes.length !== pages.length * pageBytes)
    throw new Error(`digest of ${pages.length} pages needs ${pages.length * pageBytes} bytes, got ${bytes.length}`);
  const numbers = new Uint8Array(4 * pages.length);
  const view = new DataView(numbers.buffer);
  for (let i = 0; i < pages.length; i++) view.setUint32(4 * i, pages[i]!, true);
  return digestBytes(numbers, bytes);
}
