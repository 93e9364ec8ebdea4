import type { Document } from "bson";
import { crc32c } from "./crc32c";
import { WireProtocolError } from "./errors";
import { FrameCursor } from "./frame-cursor";
import { HEADER_BYTES } from "./header";

export interface OpMsgMessage {
  kind: "msg";
  requestId: number;
  flags: number;
  moreToCome: boolean;
  body: Document;
}

const CHECKSUM_PRESENT = 1 << 0;
const MORE_TO_COME = 1 << 1;
/** Bits 0-15 are "required": the OP_MSG spec says a receiver must fail on one it does not know. */
const REQUIRED_BITS = 0xffff;
const KNOWN_REQUIRED_BITS = CHECKSUM_PRESENT | MORE_TO_COME;

const FLAGS_BYTES = 4;
const CHECKSUM_BYTES = 4;

const SECTION_BODY = 0;
const SECTION_DOCUMENT_SEQUENCE = 1;

export function decodeOpMsg(frame: Buffer, requestId: number): OpMsgMessage {
  if (frame.length < HEADER_BYTES + FLAGS_BYTES) throw new WireProtocolError("OP_MSG is too short for its flagBits");
  const flags = frame.readUInt32LE(HEADER_BYTES);
  const unknownRequired = flags & REQUIRED_BITS & ~KNOWN_REQUIRED_BITS;
  if (unknownRequired !== 0) {
    throw new WireProtocolError(`OP_MSG has unknown required flag bits 0x${unknownRequired.toString(16)}`);
  }

  let end = frame.length;
  if (flags & CHECKSUM_PRESENT) {
    end -= CHECKSUM_BYTES;
    if (end < HEADER_BYTES + FLAGS_BYTES) throw new WireProtocolError("OP_MSG is too short for its checksum");
    if (crc32c(frame.subarray(0, end)) !== frame.readUInt32LE(end)) {
      throw new WireProtocolError("OP_MSG checksum mismatch");
    }
  }

  const cursor = new FrameCursor(frame, HEADER_BYTES + FLAGS_BYTES, end);
  let body: Document | undefined;
  // Sequences may come before the body section, so they are merged only once the body is known.
  const sequences: Array<{ identifier: string; docs: Document[] }> = [];
  while (cursor.remaining > 0) {
    const kind = cursor.uint8();
    if (kind === SECTION_BODY) {
      if (body !== undefined) throw new WireProtocolError("OP_MSG has more than one body section");
      body = cursor.document();
    } else if (kind === SECTION_DOCUMENT_SEQUENCE) {
      sequences.push(readDocumentSequence(cursor));
    } else {
      throw new WireProtocolError(`OP_MSG has unknown section kind ${kind}`);
    }
  }
  if (body === undefined) throw new WireProtocolError("OP_MSG has no body section");
  for (const { identifier, docs } of sequences) mergeSequence(body, identifier, docs);

  return { kind: "msg", requestId, flags, moreToCome: (flags & MORE_TO_COME) !== 0, body };
}

function readDocumentSequence(cursor: FrameCursor): { identifier: string; docs: Document[] } {
  const size = cursor.int32();
  // The size counts its own 4 bytes.
  const section = cursor.take(size - 4, "document sequence");
  const identifier = section.cstring();
  const docs: Document[] = [];
  while (section.remaining > 0) docs.push(section.document());
  return { identifier, docs };
}

function mergeSequence(body: Document, identifier: string, docs: Document[]): void {
  if (!Object.hasOwn(body, identifier)) {
    // defineProperty rather than assignment: an identifier "__proto__" must become a field, not a prototype.
    Object.defineProperty(body, identifier, { value: docs, enumerable: true, writable: true, configurable: true });
    return;
  }
  const existing: unknown = body[identifier];
  if (!Array.isArray(existing)) {
    throw new WireProtocolError(`OP_MSG document sequence "${identifier}" clashes with a non-array body field`);
  }
  // A loop, not push(...docs): spreading 100k+ documents would overflow the argument stack.
  for (const doc of docs) existing.push(doc);
}
