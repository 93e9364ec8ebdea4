import type mysql from "mysql2/promise";
import { legacyObjectId, SourceSystem } from "../../src/migration/legacy-ids";
import { monthWindow, startOfMonth } from "../../src/modules/usage/usage-windows";
import { expectLicensingInvariants } from "../support/invariants";
import { startMariadb, type MariadbServer } from "../support/mariadb-server";
import { createV1Schema, PLAN_IDS, useUtc, v1Key } from "../support/mariadb-v1";
import { startTestPlatform, type TestPlatform } from "../support/platform";
import { migrate } from "./migrate.helpers";

let server: MariadbServer;
let platform: TestPlatform;
beforeAll(async () => {
  server = await startMariadb();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});
beforeEach(async () => {
  platform = await startTestPlatform();
});
afterEach(async () => {
  await platform.stop();
});

async function v1Database(prefix: string): Promise<{ url: string; admin: mysql.Connection }> {
  const created = await server.createDatabase(prefix);
  await createV1Schema(created.admin);
  await useUtc(created.admin);
  await created.admin.query("INSERT INTO customers (id, email) VALUES (1, 'c1@example.com')");
  return created;
}

const wall = (at: Date): string => at.toISOString().slice(0, 19).replace("T", " ");

describe("migrate mariadb: source variants", () => {
  test("DATETIME columns are read in --source-timezone (DST included), TIMESTAMPs stay exact, and the report says which", async () => {
    const { url, admin } = await v1Database("v1_datetime");
    await admin.query("ALTER TABLE licenses MODIFY expires_at DATETIME NULL; ALTER TABLE usage_logs MODIFY created_at DATETIME NOT NULL");
    await admin.query("INSERT INTO licenses (id, license_key, customer_id, plan_id, expires_at, activated_at) VALUES (1, ?, 1, ?, ?, ?)", [
      v1Key(1),
      PLAN_IDS.pro,
      "2030-07-01 12:00:00",
      "2025-01-15 10:30:00",
    ]);
    // Wall-clock times in Rome just before and just after this month began in UTC.
    const monthStart = startOfMonth(new Date());
    const now = new Date(Math.max(Date.now(), monthStart.getTime() + 4 * 3_600_000));
    const romeWall = (utc: Date): string =>
      wall(
        new Date(
          utc.getTime() +
            (new Date(utc).toLocaleString("en-US", { timeZone: "Europe/Rome", timeZoneName: "short" }).includes("GMT+2") ? 2 : 1) *
              3_600_000,
        ),
      );
    await admin.query(
      "INSERT INTO usage_logs (license_id, endpoint, tokens_used, created_at) VALUES (1, 'chat', 5, ?), (1, 'chat', 7, ?)",
      [romeWall(new Date(monthStart.getTime() - 30 * 60_000)), romeWall(new Date(monthStart.getTime() + 30 * 60_000))],
    );

    const report = await migrate(url, platform, { mode: "import", sourceTimeZone: "Europe/Rome", now });
    expect(report.verified).toBe(true);
    expect(report.source.timeZone).toEqual({
      server: "SYSTEM",
      system: "UTC",
      timestampColumns: "UTC (session time_zone +00:00)",
      datetimeColumns: "licenses.expires_at, usage_logs.created_at",
      datetimeZone: "Europe/Rome (--source-timezone)",
    });
    const license = await platform.services.models.License.findById(legacyObjectId(SourceSystem.mariadbV1, 3, 1))
      .lean()
      .exec();
    expect(license?.expires_at?.toISOString()).toBe("2030-07-01T10:00:00.000Z");
    expect(license?.activated_at?.toISOString()).toBe("2025-01-15T10:30:00.000Z");
    const logs = await platform.services.models.UsageLog.find({}).sort({ _id: 1 }).lean().exec();
    expect(logs.map((log) => log.created_at.toISOString())).toEqual([
      new Date(monthStart.getTime() - 30 * 60_000).toISOString(),
      new Date(monthStart.getTime() + 30 * 60_000).toISOString(),
    ]);
    // Only the second log is in this UTC month.
    const counter = await platform.services.models.UsageCounter.findOne({ license_id: license?._id, window: monthWindow(now) })
      .lean()
      .exec();
    expect(counter).toMatchObject({ requests: 1, tokens: 7 });

    // Without the option, the server's own zone (UTC here) is used, and said.
    const again = await migrate(url, platform, { mode: "dry-run", now });
    expect(again.source).toMatchObject({ timeZone: { datetimeZone: "UTC (the server's)" } });
    expect(again.tables.find((table) => table.table === "licenses")?.updated).toBe(1);
  });

  test("100,000 usage logs: all imported in batches, verified, and this month's counters rebuilt from them", async () => {
    const { url, admin } = await v1Database("v1_volume");
    await admin.query("INSERT INTO customers (id, email) SELECT seq, CONCAT('v', seq, '@example.com') FROM seq_2_to_100");
    await admin.query("INSERT INTO licenses (id, license_key, customer_id, plan_id) VALUES ?", [
      Array.from({ length: 100 }, (_, i) => [i + 1, v1Key(i + 1), i + 1, PLAN_IDS.agency]),
    ]);
    const now = new Date();
    await admin.query(
      "INSERT INTO usage_logs (license_id, endpoint, tokens_used, response_time_ms, user_agent, created_at) " +
        "SELECT 1 + seq % 100, 'chat', seq % 1000, 100 + seq % 50, 'WP 🤖', ? - INTERVAL (seq * 37) SECOND FROM seq_1_to_100000",
      [wall(now)],
    );
    const [[expected]] = (await admin.query(
      "SELECT COUNT(*) AS n, SUM(tokens_used) AS tokens FROM usage_logs WHERE license_id = 1 AND created_at >= ?",
      [wall(startOfMonth(now))],
    )) as unknown as [Array<{ n: number; tokens: string }>];

    const report = await migrate(url, platform, { mode: "import", now, batchSize: 2000 });
    expect(report.verified).toBe(true);
    expect(report.tables.find((table) => table.table === "usage_logs")).toMatchObject({
      sourceRows: 100_000,
      inserted: 100_000,
      skipped: 0,
    });
    expect(await platform.services.models.UsageLog.estimatedDocumentCount().exec()).toBe(100_000);
    const counter = await platform.services.models.UsageCounter.findOne({
      license_id: legacyObjectId(SourceSystem.mariadbV1, 3, 1),
      window: monthWindow(now),
    })
      .lean()
      .exec();
    expect({ requests: counter?.requests ?? 0, tokens: counter?.tokens ?? 0 }).toEqual({
      requests: Number(expected?.n),
      tokens: Number(expected?.tokens ?? 0),
    });
    await expectLicensingInvariants(platform.services.models);
  }, 180_000);
});
