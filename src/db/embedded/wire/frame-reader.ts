import { WireProtocolError } from "./errors";
import { HEADER_BYTES } from "./header";

const LENGTH_BYTES = 4;

/**
 * Cuts a TCP byte stream into complete wire messages. Chunks are only listed as they arrive and copied once per
 * message: concatenating on every chunk would copy a 48 MB insert hundreds of times (quadratic in its size).
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Declared length of the message at the head of the stream, once its length prefix has arrived. */
  private pendingLength: number | undefined;

  constructor(private readonly maxMessageBytes: number) {}

  /** Bytes held for a message that has not fully arrived yet. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** Drops whatever is buffered (the connection is gone): the memory of a half-received message is let go at once. */
  clear(): void {
    this.chunks = [];
    this.buffered = 0;
    this.pendingLength = undefined;
  }

  /**
   * Returns every message completed by this chunk, header included. Throws WireProtocolError as soon as a length
   * prefix is out of bounds, before any of that message's body is buffered; the stream is unusable after that.
   */
  push(chunk: Buffer): Buffer[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const frames: Buffer[] = [];
    for (;;) {
      if (this.pendingLength === undefined) {
        if (this.buffered < LENGTH_BYTES) break;
        this.pendingLength = this.readLength();
      }
      if (this.buffered < this.pendingLength) break;
      frames.push(this.take(this.pendingLength));
      this.pendingLength = undefined;
    }
    return frames;
  }

  private readLength(): number {
    const prefix = this.chunks[0].length >= LENGTH_BYTES ? this.chunks[0] : this.copyFront(LENGTH_BYTES);
    const length = prefix.readInt32LE(0);
    if (length < HEADER_BYTES || length > this.maxMessageBytes) {
      throw new WireProtocolError(`message length ${length} is outside the allowed range ${HEADER_BYTES}..${this.maxMessageBytes}`);
    }
    return length;
  }

  /** Removes the first `length` buffered bytes; the caller has checked they are there. */
  private take(length: number): Buffer {
    const first = this.chunks[0];
    if (first.length >= length) {
      // Common case (small commands): no copy at all.
      this.dropFront(length);
      return first.subarray(0, length);
    }
    const out = this.copyFront(length);
    this.dropFront(length);
    return out;
  }

  private copyFront(length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    let filled = 0;
    for (const chunk of this.chunks) {
      const n = Math.min(chunk.length, length - filled);
      chunk.copy(out, filled, 0, n);
      filled += n;
      if (filled === length) break;
    }
    return out;
  }

  private dropFront(length: number): void {
    let whole = 0;
    let left = length;
    while (left > 0 && this.chunks[whole].length <= left) left -= this.chunks[whole++].length;
    // One splice for all consumed chunks: shifting them one by one is quadratic in the chunk count.
    this.chunks.splice(0, whole);
    if (left > 0) this.chunks[0] = this.chunks[0].subarray(left);
    this.buffered -= length;
  }
}
