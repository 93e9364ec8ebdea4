// The transport's limits: a half-received message is let go when its connection closes (whoever closes it), must
// arrive whole within the frame timeout, counts against a memory budget shared by all connections, and a
// connection that completes no message within the idle timeout is closed. Timeouts are set tiny here; the waits
// below are guards against hanging, never assertions about speed.
import type { Document } from "bson";
import { WireServer, type CommandHandler, type TransportLimits } from "../../../src/db/embedded/server/transport";
import { eventually, opMsg, partialFrame, RawClient } from "../../support/engine-raw-wire";

const MB = 1024 * 1024;
const servers: WireServer[] = [];
const clients: RawClient[] = [];

const echo: CommandHandler = async (db, command) => {
  if (typeof command.delay === "number") await new Promise((resolve) => setTimeout(resolve, command.delay as number));
  return { ok: 1, db };
};

async function start(limits: Partial<TransportLimits> = {}): Promise<{ server: WireServer; connect: () => Promise<RawClient> }> {
  const server = new WireServer({ host: "127.0.0.1", port: 0, maxMessageBytes: 48_000_000, handler: echo, limits });
  servers.push(server);
  const { port } = await server.listen();
  return {
    server,
    connect: async () => {
      const client = await RawClient.connect("127.0.0.1", port);
      clients.push(client);
      return client;
    },
  };
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe("half-received messages", () => {
  test("a client that closes while a 40 MB message is half sent leaves no bytes held", async () => {
    const { server, connect } = await start();
    const client = await connect();
    await client.write(partialFrame(40_000_000, 3 * MB));
    await eventually(() => server.stats.partialFrameBytes === 3 * MB);
    client.destroy();
    await client.closed;
    await eventually(() => server.stats.partialFrameBytes === 0);
  });

  test("a connection the server drops while a message is half sent leaves no bytes held", async () => {
    const { server, connect } = await start();
    const first = await connect();
    const second = await connect();
    await first.write(partialFrame(40_000_000, 2 * MB));
    await second.write(partialFrame(10_000_000, MB));
    await eventually(() => server.stats.partialFrameBytes === 3 * MB);
    server.dropConnections();
    await Promise.all([first.closed, second.closed]);
    expect(server.stats.partialFrameBytes).toBe(0);
  });

  test("a message that does not arrive whole within the frame timeout closes the connection, even when it trickles", async () => {
    const { server, connect } = await start({ frameTimeoutMs: 200 });
    const client = await connect();
    await client.write(partialFrame(1000, 100));
    let trickling = true;
    const trickle = (async () => {
      while (trickling && !client.isClosed) {
        await client.write(Buffer.from([0x61]));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await client.closed;
    trickling = false;
    await trickle;
    expect(server.stats.frameTimeouts).toBe(1);
    expect(server.stats.partialFrameBytes).toBe(0);
  });

  test("messages that arrive whole keep the connection, however long it lives", async () => {
    const { server, connect } = await start({ frameTimeoutMs: 200 });
    const client = await connect();
    for (let i = 0; i < 5; i++) {
      expect(await client.command({ ping: 1, $db: "x" })).toMatchObject({ ok: 1 });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(server.stats.frameTimeouts).toBe(0);
    expect(client.isClosed).toBe(false);
  });

  test("half-received messages over the shared budget close the connection that grew them; the others go on", async () => {
    const { server, connect } = await start({ maxPartialFrameBytes: 4 * MB });
    const patient = await connect();
    const greedy = await connect();
    const big: Document = { ping: 1, $db: "x", blob: "a".repeat(3 * MB) };
    const { bytes } = opMsg(big);
    await patient.write(bytes.subarray(0, 3 * MB));
    await eventually(() => server.stats.partialFrameBytes === 3 * MB);
    await greedy.write(partialFrame(40_000_000, 2 * MB));
    await greedy.closed;
    expect(server.stats.overBudget).toBe(1);
    await patient.write(bytes.subarray(3 * MB));
    await eventually(() => server.stats.partialFrameBytes === 0);
    expect(await patient.command({ ping: 2, $db: "x" })).toMatchObject({ ok: 1 });
  });
});

describe("idle connections", () => {
  test("a connection that completes no message within the idle timeout is closed", async () => {
    const { server, connect } = await start({ idleTimeoutMs: 150 });
    const client = await connect();
    expect(await client.command({ ping: 1, $db: "x" })).toMatchObject({ ok: 1 });
    await client.closed;
    expect(server.stats.idleClosed).toBe(1);
  });

  test("a connection waiting for a slow command is not idle", async () => {
    const { server, connect } = await start({ idleTimeoutMs: 100 });
    const client = await connect();
    expect(await client.command({ delay: 400, $db: "x" })).toMatchObject({ ok: 1 });
    expect(server.stats.idleClosed).toBe(0);
  });
});
