import net from "node:net";
import type { Document } from "bson";
import { decodeMessage, encodeMsgReply, encodeOpReply, type IncomingMessage } from "../wire/codec";
import { FrameReader } from "../wire/frame-reader";
import { OP_QUERY } from "../wire/header";
import { DEFAULT_TRANSPORT_LIMITS, emptyTransportStats, type TransportLimits, type TransportStats } from "./transport.limits";

export type { TransportLimits, TransportStats } from "./transport.limits";

export interface CommandContext {
  connectionId: number;
  /** "ip:port" of the client, the form mongod reports as `client` in currentOp. */
  remoteAddress: string;
}

/** db: the `$db` of an OP_MSG, or the part of fullCollectionName before ".$cmd" for OP_QUERY. */
export type CommandHandler = (db: string, command: Document, ctx: CommandContext) => Promise<Document>;

export interface WireLogger {
  warn(obj: object, msg: string): void;
  debug?(obj: object, msg: string): void;
}

export interface WireServerOptions {
  host: string;
  port: number;
  maxMessageBytes: number;
  handler: CommandHandler;
  logger?: WireLogger;
  /** Called once per connection, after its socket closed and its last command finished. */
  onConnectionClosed?: (connectionId: number) => void;
  /** Timeouts and the memory budget of half-received messages (defaults in transport.limits.ts). */
  limits?: Partial<TransportLimits>;
}

interface Connection {
  socket: net.Socket;
  ctx: CommandContext;
  reader: FrameReader;
  /** Messages run one after another in arrival order; this is the tail of that chain. */
  queue: Promise<void>;
  /**
   * Set when we drop the connection ourselves: its not yet started messages are discarded. When the client
   * closes, the messages it already sent still run (a w:0 write or endSessions right before disconnecting).
   */
  dropped: boolean;
  /** This connection's half-received bytes, as counted in `stats.partialFrameBytes`. */
  heldBytes: number;
  /** Messages received and not yet answered: a connection with work in flight is not idle. */
  inFlight: number;
  /** Runs while a message is partly received: it must complete within `frameTimeoutMs`. */
  frameTimer: NodeJS.Timeout | undefined;
  idleTimer: NodeJS.Timeout | undefined;
}

const CMD_SUFFIX = ".$cmd";
const NO_LOGGER: WireLogger = { warn: () => undefined };

export class WireServer {
  private readonly server = net.createServer((socket) => this.accept(socket));
  private readonly connections = new Set<Connection>();
  /** Resolve once a connection is closed, drained and reported through onConnectionClosed. */
  private readonly lifetimes = new Set<Promise<void>>();
  private nextConnectionId = 1;
  private readonly log: WireLogger;
  private readonly limits: TransportLimits;
  readonly stats: TransportStats = emptyTransportStats();

  constructor(private readonly opts: WireServerOptions) {
    this.log = opts.logger ?? NO_LOGGER;
    this.limits = { ...DEFAULT_TRANSPORT_LIMITS, ...opts.limits };
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  listen(): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.off("error", reject);
        this.server.on("error", (err) => this.log.warn({ err }, "wire server error"));
        const address = this.server.address();
        if (address === null || typeof address === "string") {
          reject(new Error(`wire server is not bound to a TCP port (${String(address)})`));
          return;
        }
        resolve({ host: address.address, port: address.port });
      });
    });
  }

  /**
   * Stops accepting, destroys every connection, and resolves once no command is running any more and
   * onConnectionClosed was called for every connection.
   */
  async close(): Promise<void> {
    const stopped = this.server.listening ? new Promise<void>((resolve) => this.server.close(() => resolve())) : Promise.resolve();
    this.dropConnections();
    await stopped;
    await Promise.all(this.lifetimes);
  }

  /** For failure tests: destroy every open client connection but keep listening. */
  dropConnections(): void {
    for (const conn of this.connections) this.drop(conn);
  }

  private accept(socket: net.Socket): void {
    const connectionId = this.nextConnectionId++;
    const conn: Connection = {
      socket,
      ctx: { connectionId, remoteAddress: formatAddress(socket) },
      reader: new FrameReader(this.opts.maxMessageBytes),
      queue: Promise.resolve(),
      dropped: false,
      heldBytes: 0,
      inFlight: 0,
      frameTimer: undefined,
      idleTimer: undefined,
    };
    this.connections.add(conn);
    // unref: an idle client must not keep the process alive.
    conn.idleTimer = setTimeout(() => this.onIdle(conn), this.limits.idleTimeoutMs).unref();
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.receive(conn, chunk));
    // ECONNRESET and friends are the client's business; the close handler below does the cleanup.
    socket.on("error", (err) => this.log.debug?.({ err, connectionId }, "wire socket error"));

    const closed = new Promise<void>((resolve) =>
      socket.once("close", () => {
        // A half-received message is let go the moment its socket closes, whoever closed it.
        this.release(conn);
        resolve();
      }),
    );
    const lifetime = closed
      .then(() => {
        this.connections.delete(conn);
        return conn.queue;
      })
      .then(() => this.notifyClosed(connectionId));
    this.lifetimes.add(lifetime);
    void lifetime.finally(() => this.lifetimes.delete(lifetime));
  }

  private receive(conn: Connection, chunk: Buffer): void {
    if (conn.dropped) return;
    let messages: IncomingMessage[];
    try {
      const frames = conn.reader.push(chunk);
      this.account(conn, frames.length);
      messages = frames.map((frame) => decodeMessage(frame));
    } catch (err) {
      // Garbage, an oversized frame, a bad checksum or an unsupported opcode: the stream cannot be resynchronised.
      this.log.warn({ err, ...conn.ctx }, "closing connection after a wire protocol error");
      this.drop(conn);
      return;
    }
    if (this.stats.partialFrameBytes > this.limits.maxPartialFrameBytes) {
      this.stats.overBudget++;
      this.log.warn(
        { ...conn.ctx, partialFrameBytes: this.stats.partialFrameBytes },
        "closing connection: half-received messages exceed the memory budget",
      );
      this.drop(conn);
      return;
    }
    if (messages.length > 0) conn.idleTimer?.refresh();
    for (const message of messages) {
      conn.inFlight++;
      conn.queue = conn.queue
        .then(() => this.process(conn, message))
        // process() answers every failure itself; this only keeps a bug from becoming an unhandled rejection.
        .catch((err: unknown) => this.log.warn({ err, ...conn.ctx }, "unexpected failure while serving a message"))
        .finally(() => {
          conn.inFlight--;
          conn.idleTimer?.refresh();
        });
    }
  }

  /** Keeps the half-received byte count and the frame timer in step with the reader after a chunk. */
  private account(conn: Connection, completedFrames: number): void {
    const pending = conn.reader.pendingBytes;
    this.stats.partialFrameBytes += pending - conn.heldBytes;
    conn.heldBytes = pending;
    if (pending === 0) {
      clearTimeout(conn.frameTimer);
      conn.frameTimer = undefined;
    } else if (conn.frameTimer === undefined || completedFrames > 0) {
      // A new message started (the first bytes, or the rest of a chunk that completed the previous one).
      clearTimeout(conn.frameTimer);
      conn.frameTimer = setTimeout(() => this.onFrameTimeout(conn), this.limits.frameTimeoutMs).unref();
    }
  }

  private onFrameTimeout(conn: Connection): void {
    this.stats.frameTimeouts++;
    this.log.warn({ ...conn.ctx, heldBytes: conn.heldBytes }, "closing connection: a message did not arrive whole in time");
    this.drop(conn);
  }

  private onIdle(conn: Connection): void {
    // Work in flight is not idleness, and a half-received message is the frame timer's business.
    if (conn.inFlight > 0 || conn.heldBytes > 0) {
      conn.idleTimer?.refresh();
      return;
    }
    this.stats.idleClosed++;
    this.log.debug?.({ ...conn.ctx }, "closing idle connection");
    this.drop(conn);
  }

  /** Frees what a connection holds between messages: its half-received bytes and its timers. Idempotent. */
  private release(conn: Connection): void {
    clearTimeout(conn.frameTimer);
    clearTimeout(conn.idleTimer);
    conn.frameTimer = undefined;
    conn.idleTimer = undefined;
    this.stats.partialFrameBytes -= conn.heldBytes;
    conn.heldBytes = 0;
    conn.reader.clear();
  }

  private async process(conn: Connection, message: IncomingMessage): Promise<void> {
    if (conn.dropped) return;
    if (message.kind === "rejected") {
      const { code, codeName, errmsg } = message.error;
      const encode = message.opCode === OP_QUERY ? encodeOpReply : encodeMsgReply;
      if (!message.moreToCome) await this.send(conn, message.requestId, failure(code, codeName, errmsg), encode);
      return;
    }
    if (message.kind === "msg") {
      const db: unknown = message.body.$db;
      const reply =
        typeof db === "string" ? await this.invoke(db, message.body, conn) : failure(9, "FailedToParse", "OP_MSG requires a $db argument");
      if (!message.moreToCome) await this.send(conn, message.requestId, reply, encodeMsgReply);
      return;
    }
    const { fullCollectionName } = message;
    const reply = fullCollectionName.endsWith(CMD_SUFFIX)
      ? await this.invoke(fullCollectionName.slice(0, -CMD_SUFFIX.length), message.query, conn)
      : failure(352, "UnsupportedOpQueryCommand", `OP_QUERY is only supported on <db>${CMD_SUFFIX}, not on ${fullCollectionName}`);
    await this.send(conn, message.requestId, reply, encodeOpReply);
  }

  private async invoke(db: string, command: Document, conn: Connection): Promise<Document> {
    try {
      return await this.opts.handler(db, command, conn.ctx);
    } catch (err) {
      this.log.warn({ err, db, command: Object.keys(command)[0], ...conn.ctx }, "command handler failed");
      return failure(1, "InternalError", errorMessage(err));
    }
  }

  private async send(
    conn: Connection,
    responseTo: number,
    reply: Document,
    encode: (responseTo: number, doc: Document) => Buffer,
  ): Promise<void> {
    let bytes: Buffer;
    try {
      bytes = encode(responseTo, reply);
    } catch (err) {
      // For example a reply over bson's size limit: the client must still get an answer to its request.
      this.log.warn({ err, ...conn.ctx }, "could not encode a reply");
      bytes = encode(responseTo, failure(1, "InternalError", `could not encode the reply: ${errorMessage(err)}`));
    }
    const { socket } = conn;
    if (socket.destroyed || !socket.writable) return;
    // Waiting for 'drain' keeps a client that does not read its replies from piling them up in our memory.
    if (!socket.write(bytes)) await drainedOrClosed(socket);
  }

  private drop(conn: Connection): void {
    conn.dropped = true;
    this.release(conn);
    conn.socket.destroy();
  }

  private notifyClosed(connectionId: number): void {
    try {
      this.opts.onConnectionClosed?.(connectionId);
    } catch (err) {
      this.log.warn({ err, connectionId }, "onConnectionClosed failed");
    }
  }
}

function failure(code: number, codeName: string, errmsg: string): Document {
  return { ok: 0, errmsg, code, codeName };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function formatAddress(socket: net.Socket): string {
  const ip = socket.remoteAddress ?? "unknown";
  return `${net.isIPv6(ip) ? `[${ip}]` : ip}:${socket.remotePort ?? 0}`;
}

function drainedOrClosed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      socket.off("drain", done);
      socket.off("close", done);
      resolve();
    };
    socket.on("drain", done);
    socket.on("close", done);
  });
}
