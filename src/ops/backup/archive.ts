import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { TdaInputError } from "../../tda/types.ts";

/**
 * The backup archive: one file, encrypted and authenticated with AES-256-GCM.
 *
 *   magic "STREAMING-TDA-BK" (16) | format u16 | key check (8) | IV (12) | ciphertext length u64
 *   | ciphertext | GCM tag (16)
 *
 * The header is the GCM's additional data, so every byte of the file is authenticated. The
 * key check (an HMAC of a constant under the key) tells a wrong key apart from a damaged
 * file. The plaintext is gzip of: manifest length u32 | manifest JSON | entries, in the
 * manifest's order, each also checked against its SHA-256 in the manifest.
 */
export const ARCHIVE_FORMAT = 1;
const MAGIC = Buffer.from("STREAMING-TDA-BK", "ascii");
const HEADER_BYTES = MAGIC.length + 2 + 8 + 12 + 8;
const TAG_BYTES = 16;

export interface ManifestEntry {
  name: string;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  format: number;
  project: string;
  projectVersion: string;
  createdAt: string;
  /** What the archive was made from, for people: the store's kind and path, the config file. */
  origin: Record<string, string | number | null>;
  entries: ManifestEntry[];
}

export interface OpenedArchive {
  manifest: Manifest;
  entries: Map<string, Buffer>;
}

/** Refusal to use an archive: one line saying what is wrong with which file. */
export class ArchiveError extends TdaInputError {
  override name = "ArchiveError";
}

function keyCheck(key: Buffer): Buffer {
  return createHmac("sha256", key).update("streaming-tda backup key check").digest().subarray(0, 8);
}

export function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

export function sealArchive(
  entries: ReadonlyArray<{ name: string; data: Buffer }>,
  info: Omit<Manifest, "format" | "entries">,
  key: Buffer,
): { bytes: Buffer; manifest: Manifest } {
  const manifest: Manifest = { format: ARCHIVE_FORMAT, ...info, entries: entries.map((e) => ({ name: e.name, bytes: e.data.length, sha256: sha256(e.data) })) };
  const manifestBytes = Buffer.from(JSON.stringify(manifest), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32BE(manifestBytes.length);
  const plain = gzipSync(Buffer.concat([length, manifestBytes, ...entries.map((e) => e.data)]));
  const iv = randomBytes(12);
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt16BE(ARCHIVE_FORMAT, 16);
  keyCheck(key).copy(header, 18);
  iv.copy(header, 26);
  // GCM is a stream cipher: the ciphertext is as long as the plaintext.
  header.writeBigUInt64BE(BigInt(plain.length), 38);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(header);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { bytes: Buffer.concat([header, body, cipher.getAuthTag()]), manifest };
}

/**
 * Decrypts and checks an archive completely: magic, format, length, key, authentication
 * tag, manifest, and each entry's size and checksum. Throws ArchiveError naming the first
 * problem; returns only a fully verified archive.
 */
export function openArchive(file: Buffer, key: Buffer, name: string): OpenedArchive {
  if (file.length < MAGIC.length || !file.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new ArchiveError(`${name}: not a streaming-tda backup archive`);
  }
  if (file.length < HEADER_BYTES + TAG_BYTES) {
    throw new ArchiveError(`${name}: truncated: ${file.length} bytes, shorter than an archive's header and tag (${HEADER_BYTES + TAG_BYTES})`);
  }
  const format = file.readUInt16BE(16);
  if (format !== ARCHIVE_FORMAT) throw new ArchiveError(`${name}: archive format ${format}; this streaming-tda reads format ${ARCHIVE_FORMAT}`);
  const declared = file.readBigUInt64BE(38);
  const expected = BigInt(HEADER_BYTES + TAG_BYTES) + declared;
  if (BigInt(file.length) < expected) throw new ArchiveError(`${name}: truncated: ${file.length} bytes of ${expected}`);
  if (BigInt(file.length) > expected) throw new ArchiveError(`${name}: damaged: ${BigInt(file.length) - expected} bytes after the end of the archive`);
  const header = file.subarray(0, HEADER_BYTES);
  if (!timingSafeEqual(header.subarray(18, 26), keyCheck(key))) {
    throw new ArchiveError(`${name}: wrong key: the archive was written with a different backup key`);
  }
  const decipher = createDecipheriv("aes-256-gcm", key, header.subarray(26, 38));
  decipher.setAAD(header);
  decipher.setAuthTag(file.subarray(file.length - TAG_BYTES));
  let plain: Buffer;
  try {
    plain = Buffer.concat([decipher.update(file.subarray(HEADER_BYTES, file.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new ArchiveError(`${name}: damaged or tampered with: authentication failed`);
  }
  return readPayload(gunzipSync(plain), name);
}

function readPayload(payload: Buffer, name: string): OpenedArchive {
  const bad = (what: string) => new ArchiveError(`${name}: inconsistent archive: ${what}`);
  if (payload.length < 4) throw bad("no manifest");
  const manifestLength = payload.readUInt32BE(0);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(payload.subarray(4, 4 + manifestLength).toString("utf8")) as Manifest;
  } catch {
    throw bad("the manifest is not JSON");
  }
  if (manifest.format !== ARCHIVE_FORMAT) throw bad(`manifest format ${manifest.format}`);
  if (!Array.isArray(manifest.entries)) throw bad("the manifest lists no entries");
  const entries = new Map<string, Buffer>();
  let at = 4 + manifestLength;
  for (const entry of manifest.entries) {
    const data = payload.subarray(at, at + entry.bytes);
    if (data.length !== entry.bytes) throw bad(`entry ${entry.name} is cut short`);
    if (sha256(data) !== entry.sha256) throw bad(`entry ${entry.name} does not match its checksum`);
    entries.set(entry.name, data);
    at += entry.bytes;
  }
  if (at !== payload.length) throw bad(`${payload.length - at} bytes beyond the manifest's entries`);
  return { manifest, entries };
}
