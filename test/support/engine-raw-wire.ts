// A raw-socket MongoDB wire client for tests that must send what the driver would refuse to (oversized documents,
// half messages). Not a test file itself.
import net from "node:net";
import { BSON, type Document } from "bson";

export const OP_MSG = 2013;
let nextRequestId = 5000;

function header(length: number, requestId: number, opCode: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(opCode, 12);
  return h;
}

/** An OP_MSG with a body section and, optionally, one document sequence (kind 1). */
export function opMsg(body: Document, sequence?: { identifier: string; docs: Document[] }): { bytes: Buffer; requestId: number } {
  const parts: Buffer[] = [Buffer.alloc(4), Buffer.from([0]), Buffer.from(BSON.serialize(body))];
  if (sequence) {
    const docs = sequence.docs.map((doc) => Buffer.from(BSON.serialize(doc)));
    const identifier = Buffer.from(`${sequence.identifier}\0`);
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 + identifier.length + docs.reduce((sum, doc) => sum + doc.length, 0));
    parts.push(Buffer.from([1]), size, identifier, ...docs);
  }
  const payload = Buffer.concat(parts);
  const requestId = nextRequestId++;
  return { bytes: Buffer.concat([header(16 + payload.length, requestId, OP_MSG), payload]), requestId };
}

/** The first bytes of an OP_MSG that declares `declaredLength` bytes in all. */
export function partialFrame(declaredLength: number, sentBytes: number): Buffer {
  const out = Buffer.alloc(sentBytes, 0x61);
  header(declaredLength, nextRequestId++, OP_MSG).copy(out);
  return out;
}

export class RawClient {
  readonly closed: Promise<void>;
  private buffered = Buffer.alloc(0);
  private readonly replies: Array<{ responseTo: number; doc: Document }> = [];
  private wake: (() => void) | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4 && this.buffered.length >= this.buffered.readInt32LE(0)) {
        const length = this.buffered.readInt32LE(0);
        const message = this.buffered.subarray(0, length);
        this.buffered = this.buffered.subarray(length);
        // OP_MSG reply: header, flagBits, kind 0, the body.
        this.replies.push({ responseTo: message.readInt32LE(8), doc: BSON.deserialize(message.subarray(21)) });
      }
      this.wake?.();
    });
    socket.on("error", () => undefined); // resets are expected when the server closes on us
    this.closed = new Promise((resolve) =>
      socket.once("close", () => {
        resolve();
        this.wake?.();
      }),
    );
  }

  static connect(host: string, port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, host, () => resolve(new RawClient(socket)));
      socket.once("error", reject);
    });
  }

  get isClosed(): boolean {
    return this.socket.destroyed;
  }

  write(bytes: Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) resolve();
      else this.socket.write(bytes, () => resolve());
    });
  }

  /** Sends a command and resolves with the server's reply to it (rejects if the socket closes first). */
  async command(body: Document, sequence?: { identifier: string; docs: Document[] }): Promise<Document> {
    const { bytes, requestId } = opMsg(body, sequence);
    void this.write(bytes);
    for (;;) {
      const index = this.replies.findIndex((reply) => reply.responseTo === requestId);
      if (index >= 0) return this.replies.splice(index, 1)[0].doc;
      if (this.socket.destroyed) throw new Error("the connection closed before the reply");
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Polls `check` until it holds; fails after `guardMs` (a guard against hanging, not a performance assertion). */
export async function eventually(check: () => boolean, guardMs = 10_000): Promise<void> {
  const deadline = Date.now() + guardMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not reached");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
