import { serialize, type Document } from "bson";
import { BsonObjectTooLargeError, WireProtocolError } from "./errors";
import { HEADER_BYTES, OP_MSG, OP_QUERY, OP_REPLY, writeHeader } from "./header";
import { decodeOpMsg, type OpMsgMessage } from "./op-msg";
import { decodeOpQuery, type OpQueryMessage } from "./op-query";

export { BsonObjectTooLargeError, WireProtocolError } from "./errors";
export type { OpMsgMessage } from "./op-msg";
export type { OpQueryMessage } from "./op-query";

/** A well-framed message the server refuses with an error reply (the connection stays usable). */
export interface RejectedMessage {
  kind: "rejected";
  requestId: number;
  /** OP_MSG or OP_QUERY: decides the shape of the reply. */
  opCode: number;
  moreToCome: boolean;
  error: { code: number; codeName: string; errmsg: string };
}

export type IncomingMessage = OpMsgMessage | OpQueryMessage | RejectedMessage;

const MORE_TO_COME = 1 << 1;

/** Opcodes we refuse by name, so the log says what the client tried. */
const UNSUPPORTED_OPCODES: Readonly<Record<number, string>> = {
  [OP_REPLY]: "OP_REPLY",
  2001: "OP_UPDATE",
  2002: "OP_INSERT",
  2005: "OP_GET_MORE",
  2006: "OP_DELETE",
  2007: "OP_KILL_CURSORS",
  2012: "OP_COMPRESSED",
};

// checkKeys off: replies legitimately carry `$`-prefixed and dotted keys (errmsg payloads, $clusterTime, keyValue).
const SERIALIZE_OPTIONS = { checkKeys: false, ignoreUndefined: false } as const;

/** Decodes one complete frame, as returned by FrameReader (header included). */
export function decodeMessage(frame: Buffer): IncomingMessage {
  if (frame.length < HEADER_BYTES) throw new WireProtocolError("message is shorter than its header");
  const length = frame.readInt32LE(0);
  if (length !== frame.length) {
    throw new WireProtocolError(`message declares ${length} bytes but the frame has ${frame.length}`);
  }
  const requestId = frame.readInt32LE(4);
  const opCode = frame.readInt32LE(12);
  try {
    return decodeKnown(frame, requestId, opCode);
  } catch (error) {
    if (!(error instanceof BsonObjectTooLargeError)) throw error;
    return {
      kind: "rejected",
      requestId,
      opCode,
      moreToCome: opCode === OP_MSG && (frame.readUInt32LE(HEADER_BYTES) & MORE_TO_COME) !== 0,
      error: { code: 10334, codeName: "BSONObjectTooLarge", errmsg: error.message },
    };
  }
}

function decodeKnown(frame: Buffer, requestId: number, opCode: number): IncomingMessage {
  switch (opCode) {
    case OP_MSG:
      return decodeOpMsg(frame, requestId);
    case OP_QUERY:
      return decodeOpQuery(frame, requestId);
    default: {
      const name = UNSUPPORTED_OPCODES[opCode];
      throw new WireProtocolError(`unsupported opCode ${opCode}${name === undefined ? "" : ` (${name})`}`);
    }
  }
}

/** OP_MSG reply: flagBits 0 and a single kind-0 section. */
export function encodeMsgReply(responseTo: number, body: Document): Buffer {
  const bson = serialize(body, SERIALIZE_OPTIONS);
  const out = Buffer.allocUnsafe(HEADER_BYTES + 4 + 1 + bson.length);
  writeHeader(out, responseTo, OP_MSG);
  out.writeUInt32LE(0, HEADER_BYTES);
  out[HEADER_BYTES + 4] = 0;
  out.set(bson, HEADER_BYTES + 5);
  return out;
}

/** OP_REPLY carrying one document: the only answer drivers accept to an OP_QUERY handshake. */
export function encodeOpReply(responseTo: number, doc: Document): Buffer {
  const bson = serialize(doc, SERIALIZE_OPTIONS);
  const out = Buffer.allocUnsafe(HEADER_BYTES + 20 + bson.length);
  writeHeader(out, responseTo, OP_REPLY);
  out.writeInt32LE(0, HEADER_BYTES); // responseFlags
  out.writeBigInt64LE(0n, HEADER_BYTES + 4); // cursorID
  out.writeInt32LE(0, HEADER_BYTES + 12); // startingFrom
  out.writeInt32LE(1, HEADER_BYTES + 16); // numberReturned
  out.set(bson, HEADER_BYTES + 20);
  return out;
}
