import type { FileHandle } from "node:fs/promises";
import { BSON, type Document } from "bson";
import { crc32 } from "./crc32";

/**
 * Journals and snapshots are both sequences of records:
 * [uint32 LE payload length][uint32 LE CRC-32 of payload][payload = one BSON document].
 */
const RECORD_HEADER_BYTES = 8;

// The smallest BSON document (`{}`) is 5 bytes; a shorter length can only come from garbage or zero-filled tails.
const MIN_PAYLOAD_BYTES = 5;
const READ_CHUNK_BYTES = 4 << 20;

// Documents may hold `$`-prefixed or dotted keys and `undefined`; the journal must keep them exactly.
const SERIALIZE_OPTIONS = { checkKeys: false, ignoreUndefined: false } as const;
// Regular expressions come back as BSONRegExp, as the wire decodes them: a JS RegExp would turn the s flag into g and drop x.
const DESERIALIZE_OPTIONS = { promoteValues: true, promoteBuffers: false, bsonRegExp: true } as const;

// bson may hand back a slice of Node's shared pool, so wrap the exact bytes rather than `.buffer`.
const asBuffer = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function frame(payload: Buffer): Buffer[] {
  const header = Buffer.allocUnsafe(RECORD_HEADER_BYTES);
  header.writeUInt32LE(payload.length, 0);
  header.writeUInt32LE(crc32(payload), 4);
  // Header and payload stay separate buffers (written together with writev) to avoid copying large payloads.
  return [header, payload];
}

/**
 * Encodes a document that fits bson's shared 17 MiB scratch buffer, or returns null (bson throws RangeError
 * once it writes past it, so an oversized document costs at most 17 MiB of wasted work).
 */
export function tryEncodeRecord(doc: Document): Buffer[] | null {
  try {
    return frame(asBuffer(BSON.serialize(doc, SERIALIZE_OPTIONS)));
  } catch (err) {
    // By name, not instanceof: the RangeError comes from Buffer internals, which may be another realm (jest's vm).
    if ((err as { name?: unknown } | null)?.name === "RangeError") return null;
    throw err;
  }
}

/** Encodes a document of any size (batches may exceed 16 MiB); bson keeps the larger scratch buffer afterwards. */
export function encodeRecord(doc: Document): Buffer[] {
  const small = tryEncodeRecord(doc);
  if (small) return small;
  BSON.setInternalBufferSize(BSON.calculateObjectSize(doc, SERIALIZE_OPTIONS));
  return frame(asBuffer(BSON.serialize(doc, SERIALIZE_OPTIONS)));
}

export const recordLength = (parts: Buffer[]): number => parts.reduce((sum, part) => sum + part.length, 0);

export type ReadResult = { ok: true; offset: number; doc: Document } | { ok: false; offset: number; problem: string };

/** Why the bytes at `at` are not a complete, intact record header and payload (null when they are). */
function framingProblem(buf: Buffer, at: number, available: number): string | null {
  if (available < RECORD_HEADER_BYTES) return `only ${available} bytes left, a record header needs ${RECORD_HEADER_BYTES}`;
  const length = buf.readUInt32LE(at);
  if (length < MIN_PAYLOAD_BYTES) return `record length ${length} is too small`;
  if (RECORD_HEADER_BYTES + length > available) {
    return `record of ${length} bytes runs past the end of the file (${available - RECORD_HEADER_BYTES} bytes left)`;
  }
  return null;
}

function payloadProblem(buf: Buffer, at: number): string | null {
  const length = buf.readUInt32LE(at);
  const payload = buf.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + length);
  // Cheap BSON sanity checks first: the resync scan runs this at every byte offset of a damaged tail.
  if (payload.readInt32LE(0) !== length || payload[length - 1] !== 0) return "payload is not a BSON document";
  if (crc32(payload) !== buf.readUInt32LE(at + 4)) return "checksum mismatch";
  return null;
}

/** Reads records sequentially through a read-ahead buffer, so small journal records do not cost one read each. */
export class RecordFileReader {
  private buf: Buffer = Buffer.alloc(0);
  private bufStart = 0;
  private pos = 0;

  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  /** The next record, null at a clean end of file, or the first damaged record (reading should stop there). */
  async next(): Promise<ReadResult | null> {
    const offset = this.pos;
    if (offset >= this.size) return null;
    const available = this.size - offset;
    let buf = await this.load(Math.min(RECORD_HEADER_BYTES, available));
    const framing = framingProblem(buf, 0, available);
    if (framing) return { ok: false, offset, problem: framing };
    buf = await this.load(RECORD_HEADER_BYTES + buf.readUInt32LE(0));
    const problem = payloadProblem(buf, 0);
    if (problem) return { ok: false, offset, problem };
    let doc: Document;
    try {
      doc = BSON.deserialize(buf.subarray(RECORD_HEADER_BYTES), DESERIALIZE_OPTIONS);
    } catch (err) {
      return { ok: false, offset, problem: `undecodable BSON (${(err as Error).message})` };
    }
    this.pos += buf.length;
    return { ok: true, offset, doc };
  }

  /** Bytes [pos, pos + length) of the file, from the buffer when they are already there. */
  private async load(length: number): Promise<Buffer> {
    const from = this.pos - this.bufStart;
    if (from >= 0 && from + length <= this.buf.length) return this.buf.subarray(from, from + length);
    this.buf = await readAt(this.handle, this.pos, Math.min(Math.max(length, READ_CHUNK_BYTES), this.size - this.pos));
    this.bufStart = this.pos;
    return this.buf.subarray(0, length);
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buf, done, length - done, position + done);
    if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${position + done}`);
    done += bytesRead;
  }
  return buf;
}

/**
 * Offset of the first intact record that starts after `from`, or -1. Tells a torn tail (nothing valid
 * follows the damage) from corruption in the middle (valid records follow, so dropping the rest would lose them).
 */
export async function findIntactRecordAfter(handle: FileHandle, size: number, from: number): Promise<number> {
  if (from >= size) return -1;
  const tail = await readAt(handle, from, size - from);
  for (let at = 0; at + RECORD_HEADER_BYTES + MIN_PAYLOAD_BYTES <= tail.length; at++) {
    if (framingProblem(tail, at, tail.length - at) === null && payloadProblem(tail, at) === null) return from + at;
  }
  return -1;
}
