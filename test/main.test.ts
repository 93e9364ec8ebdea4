import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import mongoose from "mongoose";
import { ensureBuilt } from "./support/build";
import {
  ENGINE_CLI,
  killStartedProcesses,
  listeningLine,
  MAIN,
  startProcess,
  waitFor,
  waitForExit,
  type RunningProcess,
} from "./support/child-process";

// Runs the compiled entry points as real processes: boot line, signals, exit codes and the data-folder lock
// only exist there. The standalone engine's CLI is tested here too, so that one build serves both.
type Platform = RunningProcess;

function startPlatform(env: Record<string, string>): Platform {
  return startProcess([MAIN], env);
}

async function health(baseUrl: string): Promise<{ status: number; body: { database: Record<string, unknown> } }> {
  const response = await fetch(`${baseUrl}/api/health`);
  return { status: response.status, body: (await response.json()) as { database: Record<string, unknown> } };
}

beforeAll(async () => {
  await ensureBuilt();
}, 120_000);

afterAll(killStartedProcesses);

describe("node dist/main.js", () => {
  it("exits 1 with exactly one line naming a bad variable", async () => {
    const platform = startPlatform({ PORT: "abc" });
    const { code } = await waitForExit(platform, 10_000);
    expect(code).toBe(1);
    expect(platform.stderr()).toBe('Invalid configuration: PORT must be an integer between 0 and 65535 (got "abc")\n');
    expect(platform.stdout()).toBe("");
  });

  it("refuses to start in production without APP_SECRET", async () => {
    const platform = startPlatform({ NODE_ENV: "production", PORT: "0" });
    const { code } = await waitForExit(platform, 10_000);
    expect(code).toBe(1);
    expect(platform.stderr().trimEnd().split("\n")).toEqual([expect.stringMatching(/^Invalid configuration: APP_SECRET is required/)]);
  });

  describe("with the embedded engine in a data folder", () => {
    let dataDir: string;
    let env: Record<string, string>;

    beforeAll(async () => {
      dataDir = await mkdtemp(path.join(os.tmpdir(), "chatello-main-"));
      env = { NODE_ENV: "development", PORT: "0", LOG_LEVEL: "info", DATA_DIR: dataDir };
    });
    afterAll(async () => {
      await rm(dataDir, { recursive: true, force: true });
    });

    let first: Platform;
    let firstUrls: { baseUrl: string; engineUri: string };

    it("boots, logs one line with the address and the database, and is healthy", async () => {
      first = startPlatform(env);
      firstUrls = await listeningLine(first);
      expect(
        first
          .stdout()
          .split("\n")
          .filter((line) => line.includes("listening")),
      ).toHaveLength(1);
      expect(first.stdout()).toContain(`data in ${dataDir}`);

      const { status, body } = await health(firstUrls.baseUrl);
      expect(status).toBe(200);
      expect(body.database).toMatchObject({ engine: "embedded", type: "MongoDB (embedded)", state: "connected" });

      expect((await stat(path.join(dataDir, "app-secret"))).mode & 0o777).toBe(0o600);
    });

    it("refuses a second process on the same data folder", async () => {
      const second = startPlatform(env);
      const { code } = await waitForExit(second, 15_000);
      expect(code).toBe(1);
      expect(second.stderr()).toContain(`the data folder ${dataDir} is in use by process ${first.child.pid}`);
      expect(second.stderr()).toContain("set DATA_DIR to another folder");
      expect((await health(firstUrls.baseUrl)).status).toBe(200);
    });

    it("exits 0 on SIGTERM after flushing the database", async () => {
      const client = await mongoose.createConnection(firstUrls.engineUri, { dbName: "chatello_saas" }).asPromise();
      try {
        await client.collection("notes").insertMany([{ n: 1 }, { n: 2 }, { n: 3 }]);
      } finally {
        await client.close();
      }
      expect((await health(firstUrls.baseUrl)).body.database["collections"]).toMatchObject({ notes: 3 });

      first.child.kill("SIGTERM");
      const { code } = await waitForExit(first, 5_000);
      expect(code).toBe(0);
      expect(first.stdout()).toContain("database journal flushed");
    });

    it("restarts on the same data folder with the data and the secret kept", async () => {
      const secretBefore = await readFile(path.join(dataDir, "app-secret"), "utf8");
      const again = startPlatform(env);
      const { baseUrl } = await listeningLine(again);

      const { status, body } = await health(baseUrl);
      expect(status).toBe(200);
      expect(body.database["collections"]).toMatchObject({ notes: 3 });
      expect(await readFile(path.join(dataDir, "app-secret"), "utf8")).toBe(secretBefore);

      again.child.kill("SIGINT");
      expect((await waitForExit(again, 5_000)).code).toBe(0);
    });
  });
});

describe("node dist/db/embedded/cli.js", () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), "chatello-engine-cli-"));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("serves the platform's data folder, keeps the platform out while it runs, and stops cleanly", async () => {
    const engineDir = path.join(dataDir, "db");
    const engine = startProcess([ENGINE_CLI, "--port", "0", "--data", engineDir]);
    const uri = await waitFor(
      "engine address",
      engine,
      () => /listening at (mongodb:\/\/127\.0\.0\.1:\d+\/\?replicaSet=rs0)\n/.exec(engine.stdout())?.[1],
    );
    expect(engine.stdout()).toContain(`mongosh "${uri}"`);

    const client = await mongoose.createConnection(uri, { dbName: "chatello_saas" }).asPromise();
    try {
      await client.collection("plans").insertOne({ name: "starter" });
    } finally {
      await client.close();
    }

    const platform = startPlatform({ NODE_ENV: "development", PORT: "0", DATA_DIR: dataDir });
    expect((await waitForExit(platform, 15_000)).code).toBe(1);
    expect(platform.stderr()).toContain(`is in use by process ${engine.child.pid} (engine at ${uri})`);

    engine.child.kill("SIGINT");
    expect((await waitForExit(engine, 5_000)).code).toBe(0);
    expect(engine.stdout()).toContain(`Stopped: journal flushed to ${engineDir}.`);

    const again = startPlatform({ NODE_ENV: "development", PORT: "0", LOG_LEVEL: "info", DATA_DIR: dataDir });
    const { baseUrl } = await listeningLine(again);
    // The plan written through the standalone engine is still there; boot added the three missing plans and indexes.
    expect((await health(baseUrl)).body.database["collections"]).toMatchObject({ plans: 4, customers: 0, licenses: 0 });

    const blocked = startProcess([ENGINE_CLI, "--port", "0", "--data", engineDir]);
    expect((await waitForExit(blocked, 10_000)).code).toBe(1);
    expect(blocked.stderr()).toContain(`Data folder ${engineDir} is in use by process ${again.child.pid}`);

    again.child.kill("SIGTERM");
    expect((await waitForExit(again, 5_000)).code).toBe(0);
  });

  it("rejects a bad port with a one-line message", async () => {
    const cli = startProcess([ENGINE_CLI, "--port", "abc", "--memory"]);
    expect((await waitForExit(cli, 10_000)).code).toBe(1);
    expect(cli.stderr()).toContain("must be an integer between 0 and 65535");
  });
});
