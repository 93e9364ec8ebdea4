/** Standard message header: int32 messageLength, requestID, responseTo, opCode (all little-endian). */
export const HEADER_BYTES = 16;

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_MSG = 2013;

let lastRequestId = 0;

/** requestIDs for the messages this server sends; positive int32, wrapping around. */
export function nextRequestId(): number {
  lastRequestId = lastRequestId >= 0x7fffffff ? 1 : lastRequestId + 1;
  return lastRequestId;
}

export function writeHeader(out: Buffer, responseTo: number, opCode: number): void {
  out.writeInt32LE(out.length, 0);
  out.writeInt32LE(nextRequestId(), 4);
  out.writeInt32LE(responseTo, 8);
  out.writeInt32LE(opCode, 12);
}
