import { ObjectId, type Db } from "mongodb";
import type { Progress } from "../../src/migration/migration.progress";
import { monthWindow, startOfMonth } from "../../src/modules/usage/usage-windows";
import { expectLicensingInvariants } from "../support/invariants";
import { insertV2Usage, startV2Server, v2Key, type V2PlanIds, type V2Server } from "../support/mongo-v2";
import { startTestPlatform, type TestPlatform } from "../support/platform";
import { migrateV2 } from "./mongo.helpers";

let server: V2Server;
let platform: TestPlatform;
beforeAll(async () => {
  server = await startV2Server();
});
afterAll(async () => {
  await server?.stop();
});
beforeEach(async () => {
  platform = await startTestPlatform();
});
afterEach(async () => {
  await platform.stop();
});

/** A v2 database with one customer and `licenses` licenses on agency. */
async function v2Database(prefix: string, licenses: number): Promise<{ name: string; db: Db; plans: V2PlanIds; ids: ObjectId[] }> {
  const created = await server.createDatabase(prefix);
  const customer = new ObjectId();
  await created.db.collection("customers").insertOne({ _id: customer, email: "c1@example.com", status: "active" });
  const ids = Array.from({ length: licenses }, () => new ObjectId());
  await created.db
    .collection("licenses")
    .insertMany(
      ids.map((_id, i) => ({ _id, license_key: v2Key(i + 1), customer_id: customer, plan_id: created.plans.agency, status: "active" })),
    );
  return { ...created, ids };
}

/** Records how many batches each table's pass advanced by. */
function countingProgress(): Progress & { batches: Map<string, number> } {
  let table = "";
  const batches = new Map<string, number>();
  return {
    batches,
    start: (name) => (table = name),
    advance: () => batches.set(table, (batches.get(table) ?? 0) + 1),
    finish: () => undefined,
  };
}

describe("migrate mongo: source variants", () => {
  test("usage_logs.created_at is the API server's local time, read in --source-timezone; other dates stay UTC; counters by UTC month", async () => {
    const { name, db, ids } = await v2Database("v2_zone", 1);
    const [licenseId] = ids as [ObjectId];
    await db.collection("licenses").updateOne({ _id: licenseId }, { $set: { expires_at: new Date("2030-07-01T12:00:00Z") } });
    const monthStart = startOfMonth(new Date());
    const now = new Date(Math.max(Date.now(), monthStart.getTime() + 4 * 3_600_000));
    // Rome's wall clock, stored naive (as pymongo stored a naive datetime): UTC + 1 or 2 hours.
    const romeWall = (utc: Date): Date => {
      const summer = utc.toLocaleString("en-US", { timeZone: "Europe/Rome", timeZoneName: "short" }).includes("GMT+2");
      return new Date(utc.getTime() + (summer ? 2 : 1) * 3_600_000);
    };
    const before = new Date(monthStart.getTime() - 30 * 60_000);
    const after = new Date(monthStart.getTime() + 30 * 60_000);
    await insertV2Usage(db, [
      { licenseId, at: romeWall(before), tokens: 5 },
      { licenseId, at: romeWall(after), tokens: 7 },
    ]);

    const report = await migrateV2(server.uri, name, platform, { mode: "import", sourceTimeZone: "Europe/Rome", now });
    expect(report.verified).toBe(true);
    expect(report.source.timeZone).toEqual({ usageLogsCreatedAt: "Europe/Rome (--source-timezone)", otherDates: "UTC (as v2 wrote them)" });
    const license = await platform.services.models.License.findById(licenseId).lean().exec();
    expect(license?.expires_at?.toISOString()).toBe("2030-07-01T12:00:00.000Z");
    const logs = await platform.services.models.UsageLog.find({}).sort({ _id: 1 }).lean().exec();
    expect(logs.map((log) => log.created_at.toISOString())).toEqual([before.toISOString(), after.toISOString()]);
    // Only the second log is in this UTC month.
    const counter = await platform.services.models.UsageCounter.findOne({ license_id: licenseId, window: monthWindow(now) })
      .lean()
      .exec();
    expect(counter).toMatchObject({ requests: 1, tokens: 7 });

    // Read as UTC (the default, and said), the same logs are other instants: verification names both, by field.
    const again = await migrateV2(server.uri, name, platform, { mode: "verify", now });
    expect(again.source.timeZone).toMatchObject({ usageLogsCreatedAt: expect.stringMatching(/^UTC \(the default/) as unknown });
    expect(again.verified).toBe(false);
    expect(again.tables.find((table) => table.table === "usage_logs")?.verification?.mismatches).toEqual(
      logs.map((log) => ({
        sourceId: log._id.toHexString(),
        targetId: log._id.toHexString(),
        problem: "different",
        fields: ["created_at"],
      })),
    );
  });

  test("12,000 usage logs in batches of 1,000: all imported, verified, and this month's counters rebuilt from them", async () => {
    const { name, db, ids } = await v2Database("v2_volume", 20);
    const now = new Date();
    const start = now.getTime() - 40 * 86_400_000;
    const logs = Array.from({ length: 12_000 }, (_, i) => ({
      licenseId: ids[i % 20] as ObjectId,
      at: new Date(start + i * 288_000),
      tokens: i % 900,
    }));
    await insertV2Usage(db, logs);
    const ofFirst = logs.filter((log, i) => i % 20 === 0 && log.at >= startOfMonth(now));

    const progress = countingProgress();
    const report = await migrateV2(server.uri, name, platform, { mode: "import", now, batchSize: 1000, progress });
    expect(report.verified).toBe(true);
    expect(report.tables.find((table) => table.table === "usage_logs")).toMatchObject({ sourceRows: 12_000, inserted: 12_000, skipped: 0 });
    // Read and written 1,000 at a time, then verified 1,000 at a time.
    expect(progress.batches.get("usage_logs")).toBe(12);
    expect(progress.batches.get("verify usage_logs")).toBe(12);
    expect(await platform.services.models.UsageLog.estimatedDocumentCount().exec()).toBe(12_000);
    const counter = await platform.services.models.UsageCounter.findOne({ license_id: ids[0], window: monthWindow(now) })
      .lean()
      .exec();
    expect({ requests: counter?.requests ?? 0, tokens: counter?.tokens ?? 0 }).toEqual({
      requests: ofFirst.length,
      tokens: ofFirst.reduce((sum, log) => sum + log.tokens, 0),
    });
    await expectLicensingInvariants(platform.services.models);
  }, 120_000);
});
