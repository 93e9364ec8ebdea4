import net from "node:net";
import { BSON } from "bson";

const OP_MSG = 2013;

/**
 * A TCP proxy in front of an embedded engine that refuses every login the way mongod refuses a wrong password
 * (saslStart answers AuthenticationFailed, code 18). The embedded engine has no users, so this is how the tests
 * see the real driver's error for wrong credentials. Everything else is passed through byte for byte.
 */
export interface AuthProxy {
  port: number;
  stop(): Promise<void>;
}

export async function startRefusingAuthProxy(upstreamPort: number): Promise<AuthProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(upstreamPort, "127.0.0.1");
    sockets.add(client).add(upstream);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
    upstream.pipe(client);
    let pending = Buffer.alloc(0);
    client.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
        const message = pending.subarray(0, pending.readInt32LE(0));
        pending = pending.subarray(message.length);
        if (isSaslStart(message)) client.write(authenticationFailed(message.readInt32LE(4)));
        else upstream.write(message);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** An OP_MSG whose body (section kind 0, right after the flag bits) is a saslStart command. */
function isSaslStart(message: Buffer): boolean {
  if (message.readInt32LE(12) !== OP_MSG || message[20] !== 0) return false;
  const body = BSON.deserialize(message.subarray(21, 21 + message.readInt32LE(21)));
  return Object.keys(body)[0] === "saslStart";
}

function authenticationFailed(requestId: number): Buffer {
  const body = Buffer.from(BSON.serialize({ ok: 0, errmsg: "Authentication failed.", code: 18, codeName: "AuthenticationFailed" }));
  const header = Buffer.alloc(21);
  header.writeInt32LE(21 + body.length, 0);
  header.writeInt32LE(0, 4);
  header.writeInt32LE(requestId, 8);
  header.writeInt32LE(OP_MSG, 12);
  header.writeUInt32LE(0, 16);
  header.writeUInt8(0, 20);
  return Buffer.concat([header, body]);
}
