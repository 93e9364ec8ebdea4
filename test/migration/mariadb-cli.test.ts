import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { RowDataPacket } from "mysql2/promise";
import pino from "pino";
import { connectDatabase } from "../../src/db/connect";
import { legacyObjectId, SourceSystem } from "../../src/migration/legacy-ids";
import type { MigrationReport } from "../../src/migration/migration.report";
import { ensureBuilt, ROOT } from "../support/build";
import { freePort, MARIADB_PASSWORD, MARIADB_USER, startMariadb, type MariadbServer } from "../support/mariadb-server";
import { createV1Schema, insertUsage, useUtc, v1Key } from "../support/mariadb-v1";
import { fillHostileV1 } from "../support/mariadb-v1-hostile";
import { CLI, cliEnv, jsonReport } from "./cli.helpers";

// The importer as operators run it: the compiled CLI as its own process, against a real MariaDB.
let server: MariadbServer;
let hostileUrl: string;
let dir: string;

beforeAll(async () => {
  await ensureBuilt();
  server = await startMariadb();
  const hostile = await server.createDatabase("v1_cli");
  await createV1Schema(hostile.admin);
  await fillHostileV1(hostile.admin, new Date());
  hostileUrl = hostile.url;
}, 120_000);
afterAll(async () => {
  await server?.stop();
});
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "chatello-migrate-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const env = cliEnv;

function cli(dataDir: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, env: env(dataDir), encoding: "utf8", timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const checksums = (report: MigrationReport): Record<string, string | undefined> =>
  Object.fromEntries(report.tables.map((table) => [table.table, table.verification?.targetChecksum]));

describe("platform migrate mariadb / verify (CLI)", () => {
  test("bad input is one clear line, exit 1, and nothing written to the target", async () => {
    const { name: empty, admin } = await server.createDatabase("not_v1");
    await admin.query("CREATE TABLE wp_posts (id INT PRIMARY KEY)");
    const { name: partial, admin: partialAdmin } = await server.createDatabase("partial_v1");
    await createV1Schema(partialAdmin);
    await partialAdmin.query("DROP TABLE usage_logs; ALTER TABLE licenses DROP COLUMN last_check");
    const at = `${server.host}:${server.port}`;
    const user = `${MARIADB_USER}:${encodeURIComponent(MARIADB_PASSWORD)}`;
    const cases: Array<[string, RegExp]> = [
      ["not a url", /--from is not a URL; expected something like mysql:\/\/user:password@host:3306\/chatello_saas/],
      [`postgres://${user}@${at}/${empty}`, /--from must be a mysql:\/\/ or mariadb:\/\/ URL/],
      [`mysql://${user}@127.0.0.1:${await freePort()}/${empty}`, /cannot reach MariaDB at 127\.0\.0\.1:\d+: connection refused/],
      [`mysql://${MARIADB_USER}:wrong-password@${at}/${empty}`, /refused the login of user "chatello_v1": wrong user or password/],
      [`mysql://${user}@${at}/no_such_db`, /has no database "no_such_db"|may not read the database "no_such_db"/],
      [`mysql://${user}@${at}/${empty}`, /is not a Chatello v1 database: it has none of its tables/],
      [
        `mysql://${user}@${at}/${partial}`,
        /is not the Chatello v1 schema: missing tables usage_logs; missing columns licenses\.last_check/,
      ],
    ];
    const dataDir = path.join(dir, "never-created");
    for (const [from, message] of cases) {
      for (const command of [
        ["migrate", "mariadb"],
        ["migrate", "verify"],
      ]) {
        const result = cli(dataDir, ...command, "--from", from);
        expect({ from, status: result.status }).toEqual({ from, status: 1 });
        expect(result.stderr).toMatch(message);
        expect(result.stderr.trim().split("\n")).toHaveLength(1);
        expect(result.stderr).not.toContain(MARIADB_PASSWORD);
        expect(result.stdout).toBe("");
      }
    }
    expect(existsSync(dataDir)).toBe(false);
  });

  test("import, verify and dry run through the CLI: table, --json, --report, exit codes", async () => {
    const dry = cli(dir, "migrate", "mariadb", "--from", hostileUrl, "--dry-run");
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(/^table\s+source\s+skipped\s+merged\s+inserted\s+updated\s+unchanged/);
    expect(dry.stdout).toContain("Dry run: nothing was written.");
    expect(dry.stdout).toContain("TIMESTAMP columns read as UTC; DATETIME columns none.");
    expect(dry.stderr).toMatch(/^usage_logs: 8\/8 rows, [\d,]+ rows\/s in \d+\.\d s$/m);

    const reportFile = path.join(dir, "report.json");
    const imported = cli(dir, "--json", "migrate", "mariadb", "--from", hostileUrl, "--report", reportFile);
    expect(imported.status).toBe(0);
    expect(imported.stderr).toBe("");
    const report = jsonReport(imported);
    expect(report).toMatchObject({ ok: true, mode: "import", verified: true });
    expect(JSON.parse(await readFile(reportFile, "utf8"))).toMatchObject({ mode: "import", verified: true, tables: report.tables });
    expect(report.issues.byKind).toMatchObject({ orphan: 7, duplicate_email: 1, key_format: 1, invalid_json: 7, zero_date: 4 });

    const strict = cli(dir, "migrate", "mariadb", "--from", hostileUrl, "--strict");
    expect(strict.status).toBe(1);
    expect(strict.stdout).toContain("Nothing written: --strict and the source has");

    const verified = cli(dir, "migrate", "verify", "--from", hostileUrl);
    expect(verified.status).toBe(0);
    expect(verified.stdout).toContain("Verified: every table matches.");

    // A document changed behind the importer's back: verify names its source row and exits 1.
    const db = await connectDatabase(
      { mongodbUri: undefined, mongodbDatabase: "chatello_saas", dataDir: dir, embeddedDbPort: 0 },
      pino({ level: "silent" }),
    );
    await db.connection.db
      ?.collection("customers")
      .updateOne({ _id: legacyObjectId(SourceSystem.mariadbV1, 2, 5) }, { $set: { name: "Mallory" } });
    await db.close();
    const mismatch = cli(dir, "--json", "migrate", "verify", "--from", hostileUrl);
    expect(mismatch.status).toBe(1);
    const customers = jsonReport(mismatch).tables.find((table) => table.table === "customers");
    expect(customers?.verification?.mismatches).toEqual([
      { sourceId: 5, targetId: legacyObjectId(SourceSystem.mariadbV1, 2, 5).toHexString(), problem: "different", fields: ["name"] },
    ]);
  });

  test("kill -9 in the middle of an import, run it again: the same checksums as an uninterrupted import", async () => {
    const { url, admin } = await server.createDatabase("v1_kill");
    await createV1Schema(admin);
    await useUtc(admin);
    const customers = Array.from({ length: 200 }, (_, i) => [i + 1, `c${i + 1}@example.com`]);
    await admin.query("INSERT INTO customers (id, email) VALUES ?", [customers]);
    await admin.query("INSERT INTO licenses (id, license_key, customer_id, plan_id) VALUES ?", [
      customers.map(([id]) => [id, v1Key(Number(id)), id, 2]),
    ]);
    const start = Date.now() - 40 * 86_400_000;
    await insertUsage(
      admin,
      Array.from({ length: 40_000 }, (_, i) => ({ licenseId: 1 + (i % 200), at: new Date(start + i * 60_000), tokens: i % 900 })),
    );

    const killed = path.join(dir, "killed");
    const child = spawn(process.execPath, [CLI, "migrate", "mariadb", "--from", url, "--batch-size", "500"], {
      cwd: ROOT,
      env: env(killed),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
    // usage_logs is imported right after api_keys. From then on, the server's SELECTs are counted: batches are read
    // one ahead of the write, so once ten more have been read, several have been written, and about seventy are
    // still to come.
    const selects = async (): Promise<number> => {
      const [rows] = await admin.query<Array<{ Value: string } & RowDataPacket>>("SHOW GLOBAL STATUS LIKE 'Com_select'");
      return Number(rows[0]?.Value);
    };
    while (!/^api_keys: /m.test(stderr) && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 10));
    const before = await selects();
    while ((await selects()) < before + 10 && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 2));
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");

    const partial = jsonReport(cli(killed, "--json", "migrate", "verify", "--from", url));
    const usage = partial.tables.find((table) => table.table === "usage_logs")?.verification;
    expect(partial.verified).toBe(false);
    expect(usage?.targetCount).toBeGreaterThan(0);
    expect(usage?.targetCount).toBeLessThan(40_000);

    const resumed = cli(killed, "--json", "migrate", "mariadb", "--from", url, "--batch-size", "500");
    expect(resumed.status).toBe(0);
    const resumedReport = jsonReport(resumed);
    expect(resumedReport.verified).toBe(true);
    // It resumed after its checkpoint instead of reading every row again.
    expect(resumedReport.tables.find((table) => table.table === "usage_logs")?.sourceRows).toBeLessThan(40_000);

    const clean = cli(path.join(dir, "clean"), "--json", "migrate", "mariadb", "--from", url);
    expect(clean.status).toBe(0);
    expect(checksums(resumedReport)).toEqual(checksums(jsonReport(clean)));
    expect(jsonReport(clean).usageCounters).toEqual(jsonReport(cli(killed, "--json", "migrate", "verify", "--from", url)).usageCounters);
  });
});
