import { deserialize, type Document } from "bson";
import { BsonObjectTooLargeError, WireProtocolError } from "./errors";

/**
 * What the engine expects from every decoded document: JS numbers for int32/int64/double (mingo only compares
 * numbers), bson Binary rather than Node Buffers (so UUIDs keep their subtype), and BSONRegExp rather than JS
 * RegExp: the engine compiles regexes for RE2 itself (V8's backtracking matcher can stall the engine), and bson's
 * RegExp conversion loses mongod's `x` flag, turns `s` into `g`, and throws on PCRE-only syntax.
 */
const DESERIALIZE_OPTIONS = { promoteValues: true, promoteBuffers: false, bsonRegExp: true } as const;

/** Smallest BSON document: int32 size plus the terminating NUL. */
const MIN_BSON_BYTES = 5;

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Sequential reader over one region of a frame; any read past the region's end is a WireProtocolError. */
export class FrameCursor {
  constructor(
    private readonly buf: Buffer,
    private pos: number,
    private readonly end: number,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  uint8(): number {
    this.need(1, "section kind");
    return this.buf[this.pos++];
  }

  int32(): number {
    this.need(4, "int32");
    const value = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return value;
  }

  cstring(): string {
    const offset = this.buf.subarray(this.pos, this.end).indexOf(0);
    if (offset === -1) throw new WireProtocolError("unterminated cstring");
    const nul = this.pos + offset;
    let text: string;
    try {
      text = strictUtf8.decode(this.buf.subarray(this.pos, nul));
    } catch {
      throw new WireProtocolError("cstring is not valid UTF-8");
    }
    this.pos = nul + 1;
    return text;
  }

  document(): Document {
    this.need(4, "BSON document size");
    const size = this.buf.readInt32LE(this.pos);
    if (size < MIN_BSON_BYTES) throw new WireProtocolError(`invalid BSON document size ${size}`);
    this.need(size, "BSON document");
    // Checked after `need`: the document is whole, so the stream stays in sync and the message can be answered.
    if (size > BsonObjectTooLargeError.MAX_INTERNAL_BYTES) throw new BsonObjectTooLargeError(size);
    let doc: Document;
    try {
      doc = deserialize(this.buf.subarray(this.pos, this.pos + size), DESERIALIZE_OPTIONS);
    } catch (err) {
      throw new WireProtocolError(`malformed BSON: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.pos += size;
    return doc;
  }

  /** Hands out the next `length` bytes as their own cursor and skips past them. */
  take(length: number, what: string): FrameCursor {
    this.need(length, what);
    const sub = new FrameCursor(this.buf, this.pos, this.pos + length);
    this.pos += length;
    return sub;
  }

  expectEnd(what: string): void {
    if (this.remaining !== 0) throw new WireProtocolError(`${this.remaining} unexpected trailing bytes after ${what}`);
  }

  private need(bytes: number, what: string): void {
    if (bytes < 0 || bytes > this.remaining) throw new WireProtocolError(`${what} overruns the message`);
  }
}
