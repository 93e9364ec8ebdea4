import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ObjectId } from "mongodb";
import pino from "pino";
import { connectDatabase } from "../../src/db/connect";
import type { MigrationReport } from "../../src/migration/migration.report";
import { ensureBuilt, ROOT } from "../support/build";
import { freePort } from "../support/mariadb-server";
import { startRefusingAuthProxy } from "../support/mongo-auth-proxy";
import { insertV2Usage, startV2Server, v2Key, type V2Server } from "../support/mongo-v2";
import { C, fillHostileV2, v2Id } from "../support/mongo-v2-hostile";
import { CLI, cliAsync, cliEnv, jsonReport } from "./cli.helpers";

// The v2 importer as operators run it: the compiled CLI as its own process, reading a second embedded engine that
// this test process serves (so the CLI runs without blocking it).
let server: V2Server;
let hostile: string;
let dir: string;

/** The engine's URL with a database in its path (the URL carries its own options: ?replicaSet=… or ?directConnection=…). */
const v2Url = (database: string): string => server.uri.replace("/?", `/${database}?`);

beforeAll(async () => {
  await ensureBuilt();
  server = await startV2Server();
  const created = await server.createDatabase("v2_cli");
  await fillHostileV2(created.db, created.plans, new Date());
  hostile = v2Url(created.name);
}, 120_000);
afterAll(async () => {
  await server?.stop();
});
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "chatello-migrate-v2-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const checksums = (report: MigrationReport): Record<string, string | undefined> =>
  Object.fromEntries(report.tables.map((table) => [table.table, table.verification?.targetChecksum]));

describe("platform migrate mongo / verify (CLI)", () => {
  test("bad input is one clear line, exit 1, and nothing written to the target", async () => {
    const port = Number(new URL(server.uri).port);
    const proxy = await startRefusingAuthProxy(port);
    const notV2 = await server.createDatabase("not_v2");
    await notV2.db.dropDatabase();
    await notV2.db.collection("wp_posts").insertOne({ title: "hello" });
    const partial = await server.createDatabase("partial_v2");
    await partial.db.collection("usage_logs").drop();
    const platformLike = await server.createDatabase("platform_like");
    await platformLike.db.collection("plans").deleteMany({});
    await platformLike.db.collection("plans").insertOne({ slug: "pro", price_cents: 799 });
    // A direct connection: on a replica set the driver would log in to the member the proxy names, not the proxy.
    const base = `127.0.0.1:${port}`;
    const cases: Array<[string[], RegExp]> = [
      [["--from", "not a url"], /--from is not a URL; expected something like .*mongodb:\/\/user:password@host:27017\/chatello_saas/],
      [["--from", `mongodb://127.0.0.1:${await freePort()}/x`], /cannot reach MongoDB at 127\.0\.0\.1:\d+: connection refused/],
      [
        ["--from", `mongodb://chatello:s3cret-pw@127.0.0.1:${proxy.port}/${partial.name}?directConnection=true`],
        /MongoDB at 127\.0\.0\.1:\d+ refused the login of user "chatello": wrong user or password/,
      ],
      [
        ["--from", `mongodb://${base}/${notV2.name}?directConnection=true`],
        /is not a Chatello v2 database: it has none of its collections/,
      ],
      [
        ["--from", `mongodb://${base}/?directConnection=true`, "--database", "no_such_db"],
        /"no_such_db" at .* is not a Chatello v2 database/,
      ],
      [
        ["--from", `mongodb://${base}/${partial.name}?directConnection=true`],
        /is not the Chatello v2 schema: missing collections usage_logs/,
      ],
      [
        ["--from", `mongodb://${base}/${platformLike.name}?directConnection=true`],
        /is a Chatello platform database \(its plans have price_cents\), not a v2 one/,
      ],
      [["--from", `mongodb://${base}/x`, "--source-timezone", "Mars/Olympus"], /Mars\/Olympus/],
    ];
    const dataDir = path.join(dir, "never-created");
    try {
      for (const [args, message] of cases) {
        for (const command of [
          ["migrate", "mongo"],
          ["migrate", "verify"],
        ]) {
          const result = await cliAsync(dataDir, ...command, ...args);
          expect({ args, command, status: result.status }).toEqual({ args, command, status: 1 });
          expect({ args, stderr: result.stderr }).toEqual({ args, stderr: expect.stringMatching(message) });
          expect(result.stderr.trim().split("\n")).toHaveLength(1);
          expect(result.stderr).not.toContain("s3cret-pw");
          expect(result.stdout).toBe("");
        }
      }
      // The import's own options, given to the wrong kind of source.
      const mixed = await cliAsync(dataDir, "migrate", "mariadb", "--from", `mongodb://${base}/x`);
      expect(mixed.status).toBe(1);
      expect(mixed.stderr).toMatch(/mysql:\/\//);
    } finally {
      await proxy.stop();
    }
    expect(existsSync(dataDir)).toBe(false);
  }, 120_000);

  test("import, verify and dry run through the CLI: table, --json, --report, exit codes", async () => {
    const dry = await cliAsync(dir, "migrate", "mongo", "--from", hostile, "--dry-run");
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(/^table\s+source\s+skipped\s+merged\s+inserted\s+updated\s+unchanged/);
    expect(dry.stdout).toContain("Dry run: nothing was written.");
    expect(dry.stderr).toMatch(/^usage_logs: 10\/10 rows, [\d,]+ rows\/s in \d+\.\d s$/m);

    const reportFile = path.join(dir, "report.json");
    const imported = await cliAsync(dir, "--json", "migrate", "mongo", "--from", hostile, "--report", reportFile);
    expect(imported.status).toBe(0);
    expect(imported.stderr).toBe("");
    const report = jsonReport(imported);
    expect(report).toMatchObject({ ok: true, mode: "import", verified: true });
    expect(JSON.parse(await readFile(reportFile, "utf8"))).toMatchObject({ mode: "import", verified: true, tables: report.tables });
    expect(report.issues.byKind).toMatchObject({ orphan: expect.any(Number), duplicate_email: 1 });

    const strict = await cliAsync(dir, "migrate", "mongo", "--from", hostile, "--strict");
    expect(strict.status).toBe(1);
    expect(strict.stdout).toContain("Nothing written: --strict and the source has");

    const verified = await cliAsync(dir, "migrate", "verify", "--from", hostile);
    expect(verified.status).toBe(0);
    expect(verified.stdout).toContain("Verified: every table matches.");

    // A document changed behind the importer's back: verify names its source id and exits 1.
    const db = await connectDatabase(
      { mongodbUri: undefined, mongodbDatabase: "chatello_saas", dataDir: dir, embeddedDbPort: 0 },
      pino({ level: "silent" }),
    );
    const changed = v2Id(C.customers, 1);
    const updated = await db.connection.db?.collection("customers").updateOne({ _id: changed }, { $set: { name: "Mallory" } });
    await db.close();
    expect(updated?.modifiedCount).toBe(1);
    const mismatch = await cliAsync(dir, "--json", "migrate", "verify", "--from", hostile);
    expect(mismatch.status).toBe(1);
    const customers = jsonReport(mismatch).tables.find((table) => table.table === "customers");
    expect(customers?.verification?.mismatches).toEqual([
      { sourceId: changed.toHexString(), targetId: changed.toHexString(), problem: "different", fields: ["name"] },
    ]);
  }, 120_000);

  test("kill -9 in the middle of an import, run it again: the same checksums as an uninterrupted import", async () => {
    const { name, db, plans } = await server.createDatabase("v2_kill");
    const customers = Array.from({ length: 200 }, (_, i) => ({ _id: new ObjectId(), email: `c${i + 1}@example.com`, status: "active" }));
    await db.collection("customers").insertMany(customers);
    const licenses = customers.map((customer, i) => ({
      _id: new ObjectId(),
      license_key: v2Key(i + 1),
      customer_id: customer._id,
      plan_id: plans.pro,
      status: "active",
    }));
    await db.collection("licenses").insertMany(licenses);
    const start = Date.now() - 40 * 86_400_000;
    await insertV2Usage(
      db,
      Array.from({ length: 40_000 }, (_, i) => ({ licenseId: licenses[i % 200]!._id, at: new Date(start + i * 60_000), tokens: i % 900 })),
    );
    const url = v2Url(name);

    const killed = path.join(dir, "killed");
    const child = spawn(process.execPath, [CLI, "migrate", "mongo", "--from", url, "--batch-size", "500"], {
      cwd: ROOT,
      env: cliEnv(killed),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
    // usage_logs is imported right after api_keys. From then on, the source's find commands are counted (a fail
    // point that injects nothing): batches are read one ahead of the write, so once ten have been read, several
    // have been written, and about seventy are still to come.
    const failPoints = server.engine.engine.failPoints;
    while (!/^api_keys: /m.test(stderr) && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 10));
    failPoints.configure({ configureFailPoint: "failCommand", mode: "alwaysOn", data: { failCommands: ["find"] } });
    while (failPoints.timesEntered < 10 && child.exitCode === null) await new Promise((resolve) => setImmediate(resolve));
    child.kill("SIGKILL");
    failPoints.configure({ configureFailPoint: "failCommand", mode: "off" });
    expect(await exited).toBe("SIGKILL");

    const partial = jsonReport(await cliAsync(killed, "--json", "migrate", "verify", "--from", url));
    const usage = partial.tables.find((table) => table.table === "usage_logs")?.verification;
    expect(partial.verified).toBe(false);
    expect(usage?.targetCount).toBeGreaterThan(0);
    expect(usage?.targetCount).toBeLessThan(40_000);

    const resumed = await cliAsync(killed, "--json", "migrate", "mongo", "--from", url, "--batch-size", "500");
    expect(resumed.status).toBe(0);
    const resumedReport = jsonReport(resumed);
    expect(resumedReport.verified).toBe(true);
    // It resumed after its checkpoint instead of reading every document again.
    expect(resumedReport.tables.find((table) => table.table === "usage_logs")?.sourceRows).toBeLessThan(40_000);

    const clean = await cliAsync(path.join(dir, "clean"), "--json", "migrate", "mongo", "--from", url);
    expect(clean.status).toBe(0);
    expect(checksums(resumedReport)).toEqual(checksums(jsonReport(clean)));
    const again = jsonReport(await cliAsync(killed, "--json", "migrate", "verify", "--from", url));
    expect(again.verified).toBe(true);
    expect(jsonReport(clean).usageCounters).toEqual(again.usageCounters);
  }, 180_000);
});
