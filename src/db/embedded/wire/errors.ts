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

/**
 * A well-framed message holding a BSON document over mongod's internal object limit (16 MiB + 16 KiB). mongod
 * answers such a message with BSONObjectTooLarge and keeps the connection, so this is not a WireProtocolError.
 */
export class BsonObjectTooLargeError extends Error {
  static readonly MAX_INTERNAL_BYTES = 16 * 1024 * 1024 + 16 * 1024;

  constructor(readonly size: number) {
    super(
      `BSONObj size: ${size} (0x${size.toString(16).toUpperCase()}) is invalid. Size must be between 0 and ${BsonObjectTooLargeError.MAX_INTERNAL_BYTES}(16MB)`,
    );
    this.name = "BsonObjectTooLargeError";
  }
}
