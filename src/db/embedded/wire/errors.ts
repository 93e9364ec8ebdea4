/**
 * The peer sent bytes that are not a valid message for this server (bad framing, malformed BSON, bad checksum,
 * unsupported opcode). The connection cannot be resynchronised after this, so the transport drops it.
 */
export class WireProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WireProtocolError";
  }
}
