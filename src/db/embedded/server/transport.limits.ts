/**
 * How long a connection may hold the engine's resources without doing anything useful, and how much memory
 * half-received messages may take. A message can be 48 MB, so a client that sends the start of one and stops (or
 * trickles it byte by byte) would otherwise pin that memory for as long as it keeps the socket open.
 */
export interface TransportLimits {
  /**
   * A message must arrive whole within this long of its first byte (default 30 s), or the connection is closed.
   * A 48 MB insert over loopback takes well under a second; 30 s leaves room for a slow remote client.
   */
  frameTimeoutMs: number;
  /**
   * A connection that completes no message for this long is closed (default 10 minutes). mongod never closes idle
   * connections; the engine does because every open socket costs memory and a file descriptor in the platform's own
   * process. Drivers ping their monitoring connection every 10 s and re-open pooled connections on demand, and the
   * platform sets the driver's maxIdleTimeMS below this (see db/connect.ts), so its pool never uses a closed socket.
   */
  idleTimeoutMs: number;
  /** Bytes of half-received messages all connections together may hold (default 256 MiB); past it, the connection that grew it is closed. */
  maxPartialFrameBytes: number;
}

export const DEFAULT_TRANSPORT_LIMITS: TransportLimits = {
  frameTimeoutMs: 30_000,
  idleTimeoutMs: 10 * 60_000,
  maxPartialFrameBytes: 256 * 1024 * 1024,
};

/** Counters the engine reports about its transport (tests read them; they are cheap to keep). */
export interface TransportStats {
  /** Bytes currently held by half-received messages, over all connections. */
  partialFrameBytes: number;
  /** Connections closed because they completed no message for `idleTimeoutMs`. */
  idleClosed: number;
  /** Connections closed because a message did not arrive whole within `frameTimeoutMs`. */
  frameTimeouts: number;
  /** Connections closed because half-received messages exceeded `maxPartialFrameBytes`. */
  overBudget: number;
}

export function emptyTransportStats(): TransportStats {
  return { partialFrameBytes: 0, idleClosed: 0, frameTimeouts: 0, overBudget: 0 };
}
