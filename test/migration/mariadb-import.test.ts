import { type mongoose } from "@typegoose/typegoose";
import type mysql from "mysql2/promise";
import { expectLicensingInvariants } from "../support/invariants";
import { startMariadb, type MariadbServer } from "../support/mariadb-server";
import { createV1Schema, insertUsage } from "../support/mariadb-v1";
import { fillHostileV1, HOSTILE } from "../support/mariadb-v1-hostile";
import { http } from "../support/http";
import { snapshotDatabase } from "../support/fixtures";
import { startTestPlatform, type TestPlatform } from "../support/platform";
import { legacyObjectId, SourceSystem } from "../../src/migration/legacy-ids";
import { checksums, counts, issueList, migrate } from "./migrate.helpers";

// The real thing on both sides: a MariaDB server started for this file, the platform on its embedded engine.
let server: MariadbServer;
let url: string;
let admin: mysql.Connection;
const now = new Date();

beforeAll(async () => {
  server = await startMariadb();
  ({ url, admin } = await server.createDatabase("v1_hostile"));
  await createV1Schema(admin);
  await fillHostileV1(admin, now);
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

let platform: TestPlatform;
beforeEach(async () => {
  platform = await startTestPlatform({ clock: () => now.getTime() });
});
afterEach(async () => {
  await platform.stop();
});

const v1 = (table: number, id: number): mongoose.Types.ObjectId => legacyObjectId(SourceSystem.mariadbV1, table, id);

describe("migrate mariadb: hostile v1 data", () => {
  test("imports every table, reports each problem with its source row, and verifies equal", async () => {
    const report = await migrate(url, platform, { mode: "import", now });
    expect(report.verified).toBe(true);
    expect(counts(report)).toEqual({
      // pro and agency are the platform's plans already; starter's price differs; "Pro" is merged into pro.
      plans: [1, 1, 2, 0, 1],
      customers: [5, 0, 0, 0, 1],
      licenses: [7, 0, 0, 1, 0],
      payments: [4, 0, 0, 1, 0],
      api_keys: [3, 0, 0, 0, 0],
      usage_logs: [6, 0, 0, 2, 0],
      activity_logs: [5, 0, 0, 0, 0],
    });
    expect(issueList(report)).toEqual(
      [
        "activity_logs#2 orphan imported",
        "activity_logs#2 orphan imported",
        "activity_logs#3 invalid_json imported",
        "activity_logs#4 invalid_json imported",
        "api_keys#2 unknown_provider imported",
        "api_keys#3 null_required imported",
        "api_keys#3 zero_date imported",
        "customers#3 duplicate_email merged",
        "customers#4 null_required imported",
        "customers#4 zero_date imported",
        "customers#6 null_required imported",
        "licenses#2 invalid_json imported",
        "licenses#2 zero_date imported",
        "licenses#3 key_format imported",
        "licenses#4 orphan skipped",
        "licenses#7 invalid_json imported",
        "licenses#7 null_required imported",
        "licenses#8 invalid_json imported",
        "payments#2 null_required imported",
        "payments#2 null_required imported",
        "payments#4 orphan skipped",
        "payments#5 invalid_json imported",
        "payments#5 orphan imported",
        "plans#4 duplicate_name merged",
        "plans#5 invalid_json imported",
        "plans#5 unknown_plan imported",
        "usage_logs#6 orphan skipped",
        "usage_logs#7 orphan skipped",
        "usage_logs#8 zero_date imported",
      ].sort(),
    );
    // A reported row is the source row, its secret masked.
    const badKey = report.issues.listed.find((issue) => issue.kind === "key_format");
    expect(badKey?.row).toMatchObject({ id: 3, license_key: "…ABCD", customer_id: 3 });
    expect(JSON.stringify(report)).not.toContain(HOSTILE.keys.alice);
    expect(report.planDifferences).toContainEqual({ plan: "starter", field: "price_cents", platform: 299, source: 349 });
    await expectLicensingInvariants(platform.services.models);
  });

  test("maps values exactly: cents, UTC dates, 4-byte UTF-8, lower-cased emails, merged customers, raw invalid JSON", async () => {
    await migrate(url, platform, { mode: "import", now });
    const { models } = platform.services;
    const alice = await models.Customer.findById(v1(2, 1)).lean().exec();
    expect(alice).toMatchObject({
      email: "alice@example.com",
      name: HOSTILE.emoji,
      company: HOSTILE.company,
      address: "Via Roma 1\nMilano",
    });
    expect(alice?.created_at.toISOString()).toBe("2025-08-04T10:30:00.000Z");
    expect(await models.Customer.countDocuments({ email: "bob@example.com" })).toBe(1);
    const carol = await models.Customer.findById(v1(2, 4)).lean().exec();
    expect(carol).toMatchObject({ status: "active", created_at: null });

    const payments = await models.Payment.find({}).sort({ _id: 1 }).lean().exec();
    expect(payments.map((p) => [p.amount_cents, p.currency, p.status, p.provider, p.transaction_id])).toEqual([
      [9_999_999_999, "EUR", "completed", "stripe", "ch_1"],
      [7, "EUR", "pending", "v1", "v1-payment-2"],
      [-500, "EUR", "refunded", "paypal", "PAY-1"],
      [123_456_789, "EUR", "completed", "stripe", "ch_5"],
    ]);
    // Bob's second account was merged: its payment belongs to the first.
    expect(payments[2]?.customer_id.equals(v1(2, 2))).toBe(true);
    expect(payments[3]).toMatchObject({ license_id: null, metadata: { v1_raw: "not json" } });

    const bobLicense = await models.License.findById(v1(3, 2)).lean().exec();
    expect(bobLicense).toMatchObject({ expires_at: null, metadata: { v1_raw: "{oops" }, active_sites: 0 });
    const merged = await models.License.findById(v1(3, 3)).lean().exec();
    expect(merged?.customer_id.equals(v1(2, 2))).toBe(true);
    expect(platform.services.secrets.decrypt(merged?.key_encrypted ?? "")).toBe(HOSTILE.badKey);
    const enterprise = await models.Plan.findOne({ name: "enterprise" }).lean().exec();
    expect(enterprise).toMatchObject({
      price_cents: 9_999_999_999,
      currency: "EUR",
      features: [],
      is_active: true,
      monthly_requests: 100_000,
    });
    expect((await models.License.findById(v1(3, 7)).lean().exec())?.plan_id.equals(enterprise?._id as mongoose.Types.ObjectId)).toBe(true);

    const log = await models.UsageLog.findOne({ user_agent: "Bot 🤖 𝒳" }).lean().exec();
    expect(log).toMatchObject({ created_at: null, tokens_used: 0, response_time_ms: null });
    const key = await models.ApiKey.findOne({ provider: "openai" }).lean().exec();
    expect(platform.services.secrets.decrypt(key?.key_encrypted ?? "")).toBe("sk-test-openai-0123456789abcdef");
    expect(key).toMatchObject({ key_last4: "cdef", usage_count: 12, is_active: true });
  });

  test("every imported key validates through /api/validate with its plan and this month's usage", async () => {
    await migrate(url, platform, { mode: "import", now });
    const validate = (key: string) => http(platform.baseUrl, "POST", "/api/validate", { key, json: {} });

    const alice = await validate(HOSTILE.keys.alice);
    expect(alice.status).toBe(200);
    expect(alice.body).toMatchObject({
      valid: true,
      plan: { name: "pro" },
      usage: { requests_used: HOSTILE.aliceRequestsThisMonth, requests_limit: 1000, tokens_used: HOSTILE.aliceTokensThisMonth },
      domain: "shop.example",
    });
    expect((await validate(HOSTILE.keys.bob)).body).toMatchObject({ valid: true, plan: { name: "agency" }, usage: { requests_used: 1 } });
    expect((await validate(HOSTILE.badKey)).body).toMatchObject({ valid: true, plan: { name: "starter" } });
    expect((await validate(HOSTILE.keys.orphan)).status).toBe(404);
    expect((await validate(HOSTILE.keys.suspendedCustomer)).body).toMatchObject({ valid: false, code: "LICENSE_SUSPENDED" });
    expect((await validate(HOSTILE.keys.expired)).body).toMatchObject({ valid: false, code: "LICENSE_EXPIRED" });
    expect((await validate(HOSTILE.keys.nullStatus)).body).toMatchObject({ valid: false, code: "LICENSE_INACTIVE" });
    expect((await validate(HOSTILE.keys.inactive)).body).toMatchObject({ valid: false, code: "LICENSE_INACTIVE" });
    await expectLicensingInvariants(platform.services.models);
  });

  test("a re-run changes nothing; new source rows come over alone; usage counters take only the difference", async () => {
    const first = await migrate(url, platform, { mode: "import", now });
    const again = await migrate(url, platform, { mode: "import", now });
    expect(again.tables.map((t) => t.inserted + t.updated)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(checksums(again)).toEqual(checksums(first));
    expect(again.usageCounters.changed).toBe(0);

    // Both servers live: the platform counts a request of its own, then v1 logs two more and a license changes.
    const aliceId = v1(3, 1);
    const window = `m:${now.toISOString().slice(0, 7)}`;
    await platform.services.models.UsageCounter.updateOne({ license_id: aliceId, window }, { $inc: { requests: 1 } }).exec();
    await insertUsage(admin, [
      { licenseId: 1, at: now, tokens: 10 },
      { licenseId: 1, at: now, tokens: 10 },
    ]);
    await admin.query("UPDATE licenses SET status = 'suspended' WHERE id = 8");
    const third = await migrate(url, platform, { mode: "import", now });
    expect(third.verified).toBe(true);
    const usage = third.tables.find((t) => t.table === "usage_logs");
    expect(usage).toMatchObject({ sourceRows: 2, inserted: 2, updated: 0 });
    expect(third.tables.find((t) => t.table === "licenses")).toMatchObject({ inserted: 0, updated: 1 });
    const counter = await platform.services.models.UsageCounter.findOne({ license_id: aliceId, window }).lean().exec();
    expect(counter?.requests).toBe(HOSTILE.aliceRequestsThisMonth + 2 + 1);
    await admin.query("DELETE FROM usage_logs WHERE tokens_used = 10 AND endpoint = 'chat' AND license_id = 1 AND created_at >= ?", [
      now.toISOString().slice(0, 19).replace("T", " "),
    ]);
    await admin.query("UPDATE licenses SET status = 'inactive' WHERE id = 8");
  });

  test("verify alone finds a changed document and a missing one, by source id, and fails", async () => {
    await migrate(url, platform, { mode: "import", now });
    // Straight through the driver, as a stray script would (mongoose would also touch updated_at).
    await platform.services.models.Payment.collection.updateOne({ _id: v1(5, 1) }, { $set: { amount_cents: 1 } });
    await platform.services.models.UsageLog.deleteOne({ _id: v1(4, 2) }).exec();
    const report = await migrate(url, platform, { mode: "verify", now });
    expect(report.verified).toBe(false);
    const payments = report.tables.find((t) => t.table === "payments")?.verification;
    expect(payments?.mismatches).toEqual([
      { sourceId: 1, targetId: v1(5, 1).toHexString(), problem: "different", fields: ["amount_cents"] },
    ]);
    expect(payments?.sourceChecksum).not.toBe(payments?.targetChecksum);
    const usage = report.tables.find((t) => t.table === "usage_logs")?.verification;
    expect(usage).toMatchObject({ sourceCount: 6, targetCount: 5, mismatches: [{ sourceId: 2, problem: "missing" }] });
    expect(report.tables.find((t) => t.table === "licenses")?.verification?.mismatches).toEqual([]);
  });

  test("--dry-run and a refused --strict write nothing", async () => {
    const before = await snapshotDatabase(platform.db);
    const dry = await migrate(url, platform, { mode: "dry-run", now });
    expect(dry.tables.find((t) => t.table === "licenses")).toMatchObject({ inserted: 7, skipped: 1 });
    expect(dry.issues.byKind).toMatchObject({ orphan: 7, duplicate_email: 1, key_format: 1 });
    const strict = await migrate(url, platform, { mode: "import", strict: true, now });
    expect(strict.refused).toMatch(/--strict/);
    expect(await snapshotDatabase(platform.db)).toEqual(before);
  });
});
