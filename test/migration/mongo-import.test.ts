import { ObjectId } from "mongodb";
import { startV2Server, type V2Server } from "../support/mongo-v2";
import { C, fillHostileV2, v2Id, V2_HOSTILE } from "../support/mongo-v2-hostile";
import { expectLicensingInvariants } from "../support/invariants";
import { http } from "../support/http";
import { snapshotDatabase } from "../support/fixtures";
import { startTestPlatform, type TestPlatform } from "../support/platform";
import type { V2PlanIds } from "../support/mongo-v2";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import { checksums, counts, issueList } from "./migrate.helpers";
import { migrateV2 } from "./mongo.helpers";

// Both sides real: a second embedded engine holds the v2 database (the real driver reads it), the platform its own.
let server: V2Server;
let database: string;
let plans: V2PlanIds;
const now = new Date();

beforeAll(async () => {
  server = await startV2Server();
  const created = await server.createDatabase("v2_hostile");
  database = created.name;
  plans = created.plans;
  await fillHostileV2(created.db, plans, now);
});
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

const source = () => server.client.db(database);
const hex = (id: ObjectId): string => id.toHexString();

describe("migrate mongo: hostile v2 data", () => {
  test("imports every collection, reports each problem with its source id, and verifies equal", async () => {
    const report = await migrateV2(server.uri, database, platform, { mode: "import", now });
    expect(report.verified).toBe(true);
    expect(report.source).toMatchObject({ kind: "mongodb", database });
    expect(counts(report)).toEqual({
      // starter, pro, agency and founders are the platform's plans (only starter's price differs); "Pro " is merged
      // into pro; enterprise is new.
      plans: [1, 1, 3, 0, 1],
      customers: [5, 0, 0, 0, 1],
      licenses: [10, 0, 0, 2, 0],
      payments: [4, 0, 0, 2, 0],
      api_keys: [3, 0, 0, 0, 0],
      usage_logs: [7, 0, 0, 3, 0],
      activity_logs: [4, 0, 0, 0, 0],
      historical_analytics: [2, 0, 0, 0, 0],
    });
    const id = (collection: number, n: number): string => hex(v2Id(collection, n));
    expect(issueList(report)).toEqual(
      [
        `plans#${hex(plans.pro)} invalid_value imported`,
        `plans#${id(C.plans, 1)} duplicate_name merged`,
        `plans#${id(C.plans, 2)} invalid_value imported`,
        `plans#${id(C.plans, 2)} unknown_plan imported`,
        `customers#${id(C.customers, 3)} duplicate_email merged`,
        `customers#${id(C.customers, 4)} invalid_value imported`,
        `customers#${id(C.customers, 6)} invalid_value imported`,
        `customers#${id(C.customers, 6)} invalid_value imported`,
        `licenses#${id(C.licenses, 2)} key_format imported`,
        `licenses#${id(C.licenses, 3)} key_format imported`,
        `licenses#${id(C.licenses, 4)} orphan skipped`,
        `licenses#${id(C.licenses, 7)} invalid_value imported`,
        `licenses#${id(C.licenses, 7)} null_required imported`,
        `licenses#${id(C.licenses, 9)} invalid_value imported`,
        `licenses#${id(C.licenses, 10)} key_format skipped`,
        `licenses#${id(C.licenses, 11)} key_format imported`,
        `payments#${id(C.payments, 2)} null_required imported`,
        `payments#${id(C.payments, 2)} null_required imported`,
        `payments#${id(C.payments, 4)} orphan skipped`,
        `payments#${id(C.payments, 5)} invalid_value imported`,
        `payments#${id(C.payments, 5)} invalid_value imported`,
        `payments#${id(C.payments, 5)} orphan imported`,
        `payments#${id(C.payments, 6)} amount skipped`,
        `api_keys#${id(C.api_keys, 2)} unknown_provider imported`,
        `api_keys#${id(C.api_keys, 3)} invalid_value imported`,
        `api_keys#${id(C.api_keys, 3)} null_required imported`,
        `usage_logs#log-by-hand invalid_value skipped`,
        `usage_logs#${id(C.usage_logs, 2)} invalid_value imported`,
        `usage_logs#${id(C.usage_logs, 2)} null_required imported`,
        ...(await orphanLogs()).map((log) => `usage_logs#${log} orphan skipped`),
        ...(await stringValuedLogs()).map((log) => `usage_logs#${log} invalid_value imported`),
        `activity_logs#${id(C.activity_logs, 3)} orphan imported`,
        `activity_logs#${id(C.activity_logs, 4)} invalid_value imported`,
        `historical_analytics#${id(C.analytics, 2)} invalid_value imported`,
        `historical_analytics#${id(C.analytics, 2)} invalid_value imported`,
        `historical_analytics#${id(C.analytics, 2)} invalid_value imported`,
      ].sort(),
    );
    // A reported document is the source document, its secret masked.
    const badKey = report.issues.listed.find((issue) => issue.kind === "key_format" && issue.sourceId === id(C.licenses, 3));
    expect(badKey?.row).toMatchObject({ license_key: "…ABCD", status: "active" });
    expect(JSON.stringify(report)).not.toContain(V2_HOSTILE.keys.alice);
    // Only starter's price differs: v2's floats are the seeded cents and micro-euros, and fields v2.0 lacked keep the platform's.
    expect(report.planDifferences).toEqual([{ plan: "starter", field: "price_cents", platform: 299, source: 349 }]);
    expect(report.notImported).toEqual([
      { collection: "business_events", documents: 2, why: expect.stringContaining("analytics events") as unknown },
      { collection: "founders_deal_stats", documents: 1, why: expect.stringContaining("never updated") as unknown },
    ]);
    await expectLicensingInvariants(platform.services.models);
  });

  test("maps values exactly and keeps ObjectIds: cents from floats and strings, micro-euros, UTC dates, merged customers, kept raw values", async () => {
    await migrateV2(server.uri, database, platform, { mode: "import", now });
    const { models } = platform.services;
    const alice = await models.Customer.findById(v2Id(C.customers, 1)).lean().exec();
    expect(alice).toMatchObject({
      email: "alice@example.com",
      name: V2_HOSTILE.emoji,
      status: "active",
      paddle_customer_id: "ctm_01",
      paddle_subscription_id: "sub_01",
    });
    expect(alice?.created_at.toISOString()).toBe("2025-08-04T10:30:00.000Z");
    expect(await models.Customer.countDocuments({ email: "bob@example.com" })).toBe(1);
    // The dashboard's customer: no status (active), a naive date string read as UTC, its metadata left out.
    const carol = await models.Customer.findById(v2Id(C.customers, 4)).lean().exec();
    expect(carol).toMatchObject({ status: "active", updated_at: null });
    expect(carol?.created_at.toISOString()).toBe("2025-10-01T08:00:00.000Z");
    expect(carol).not.toHaveProperty("metadata");
    expect(await models.Customer.findById(v2Id(C.customers, 6)).lean().exec()).toMatchObject({ status: "active", phone: "3331234567" });

    const payments = await models.Payment.find({}).sort({ _id: 1 }).lean().exec();
    expect(payments.map((p) => [hex(p._id), p.amount_cents, p.currency, p.status, p.provider, p.transaction_id])).toEqual([
      [hex(v2Id(C.payments, 1)), 799, "EUR", "completed", "paddle", "txn_1"],
      [hex(v2Id(C.payments, 2)), 30, "EUR", "pending", "v2", `v2-payment-${hex(v2Id(C.payments, 2))}`],
      [hex(v2Id(C.payments, 3)), -500, "EUR", "refunded", "paypal", "PAY-1"],
      [hex(v2Id(C.payments, 5)), 1250, "EUR", "completed", "paddle", "txn_5"],
    ]);
    // Bob's second account was merged: its payment and license belong to the first.
    expect(payments[2]?.customer_id.equals(v2Id(C.customers, 2))).toBe(true);
    expect(payments[3]).toMatchObject({ license_id: null, metadata: { v2_raw: "not an object" } });
    const merged = await models.License.findById(v2Id(C.licenses, 3)).lean().exec();
    expect(merged?.customer_id.equals(v2Id(C.customers, 2))).toBe(true);
    expect(platform.services.secrets.decrypt(merged?.key_encrypted ?? "")).toBe(V2_HOSTILE.keys.bobMerged);

    const aliceLicense = await models.License.findById(v2Id(C.licenses, 1)).lean().exec();
    expect(aliceLicense).toMatchObject({
      domain: "shop.example",
      metadata: { test: true },
      active_sites: 0,
      key_last4: V2_HOSTILE.keys.alice.slice(-4),
    });
    expect(aliceLicense?.last_check?.toISOString()).toBe("2026-01-02T03:04:05.000Z");
    expect(aliceLicense).not.toHaveProperty("usage_limit");
    expect(await models.License.findById(v2Id(C.licenses, 7)).lean().exec()).toMatchObject({
      status: "inactive",
      metadata: { v2_raw: "[1,2]" },
    });
    expect(await models.License.findById(v2Id(C.licenses, 6)).lean().exec()).toMatchObject({ status: "cancelled" });
    // A license on the duplicate "Pro " plan is on pro; hex-text references were followed.
    const pro = await models.Plan.findOne({ name: "pro" }).lean().exec();
    const onDuplicate = await models.License.findById(v2Id(C.licenses, 9)).lean().exec();
    expect(onDuplicate?.plan_id.equals(pro?._id as ObjectId)).toBe(true);
    expect(onDuplicate?.customer_id.equals(v2Id(C.customers, 1))).toBe(true);

    // Plans: the source's values (floats to cents and micro-euros), the platform's where v2 has none.
    expect(await models.Plan.findOne({ name: "starter" }).lean().exec()).toMatchObject({
      price_cents: 349,
      requests_per_minute: 0,
      cost_per_1k_tokens_micros: 0,
    });
    expect(pro).toMatchObject({
      price_cents: 799,
      monthly_requests: 1000,
      monthly_budget_micros: 4_000_000,
      cost_per_1k_tokens_micros: 1500,
      max_tokens: 2048,
    });
    const enterprise = await models.Plan.findById(v2Id(C.plans, 2)).lean().exec();
    expect(enterprise).toMatchObject({
      name: "enterprise",
      price_cents: 30,
      monthly_budget_micros: 12_500_000,
      features: [],
      billing: "monthly",
    });
    expect(await models.Plan.findOne({ name: "founders" }).lean().exec()).toMatchObject({
      billing: "lifetime",
      lifetime_limit: 500,
      lifetime_sold: 1,
    });

    // Bob's logs: a date written as text, v2.0's provider-less logs (the endpoint names it), and tokens of 1.5.
    const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    const logs = await models.UsageLog.find({ license_id: v2Id(C.licenses, 2) })
      .sort({ _id: 1 })
      .lean()
      .exec();
    expect(logs.map((log) => [log.provider, log.tokens_used, log.created_at?.toISOString() ?? null])).toEqual([
      ["openai", 42, new Date(monthStart + 4 * 60_000).toISOString()],
      ["anthropic", 7, new Date(monthStart - 86_400_000).toISOString()],
      ["openai", null, null],
    ]);
    const key = await models.ApiKey.findOne({ provider: "openai" }).lean().exec();
    expect(platform.services.secrets.decrypt(key?.key_encrypted ?? "")).toBe("sk-test-openai-0123456789abcdef");
    expect(key).toMatchObject({ key_last4: "cdef", usage_count: 12, is_active: true, _id: v2Id(C.api_keys, 1) });

    const activity = await models.ActivityLog.find({ _id: { $in: [v2Id(C.activity_logs, 1), v2Id(C.activity_logs, 4)] } })
      .sort({ _id: 1 })
      .lean()
      .exec();
    expect(activity.map((entry) => [entry.actor, entry.created_at?.toISOString() ?? null, entry.details])).toEqual([
      ["v2-admin:admin", "2025-09-04T12:00:00.000Z", { plan: "pro", note: "🎉" }],
      ["v2-admin:admin", null, { v2_raw: "sent" }],
    ]);

    const analytics = await platform.db.connection.db?.collection("historical_analytics").find({}).sort({ _id: 1 }).toArray();
    expect(analytics).toEqual([
      {
        _id: v2Id(C.analytics, 1),
        date: new Date("2025-11-01T00:00:00Z"),
        period_type: "daily",
        total_customers: 5,
        paying_customers: 3,
        mrr_cents: 2397,
        arr_cents: 28764,
        new_customers: 1,
        churned_customers: 0,
        notes: "",
        revenue_by_plan: { pro: { revenue_cents: 2397, count: 3 } },
        auto_events: [
          { type: "payment_completed", description: "Pro", time: "10:30", customer_id: hex(v2Id(C.customers, 1)), amount_cents: 799 },
        ],
        created_at: new Date("2025-11-01T23:59:00Z"),
      },
      {
        _id: v2Id(C.analytics, 2),
        date: new Date("2025-11-02T00:00:00Z"),
        period_type: "daily",
        total_customers: 6,
        mrr_cents: 1250,
        arr_cents: 15000,
        revenue_by_plan: {},
        auto_events: [],
      },
    ]);
  });

  test("every imported key validates through /api/validate with its plan and this month's usage", async () => {
    await migrateV2(server.uri, database, platform, { mode: "import", now });
    const validate = (key: string) => http(platform.baseUrl, "POST", "/api/validate", { key, json: {} });

    const alice = await validate(V2_HOSTILE.keys.alice);
    expect(alice.status).toBe(200);
    expect(alice.body).toMatchObject({
      valid: true,
      plan: { name: "pro" },
      usage: { requests_used: V2_HOSTILE.aliceRequestsThisMonth, requests_limit: 1000, tokens_used: V2_HOSTILE.aliceTokensThisMonth },
      domain: "shop.example",
    });
    expect((await validate(V2_HOSTILE.keys.bobLower)).body).toMatchObject({
      valid: true,
      plan: { name: "agency" },
      usage: { requests_used: 1, tokens_used: 42 },
    });
    expect((await validate(V2_HOSTILE.keys.bobMerged)).body).toMatchObject({
      valid: true,
      plan: { name: "starter" },
      usage: { requests_used: 0 },
    });
    expect((await validate(V2_HOSTILE.keys.hexStrings)).body).toMatchObject({
      valid: true,
      plan: { name: "pro" },
      usage: { requests_used: 0 },
    });
    expect((await validate(V2_HOSTILE.keys.founders)).body).toMatchObject({ valid: true, plan: { name: "founders" } });
    expect((await validate(V2_HOSTILE.keys.orphan)).status).toBe(404);
    expect((await validate(V2_HOSTILE.keys.suspendedCustomer)).body).toMatchObject({ valid: false, code: "LICENSE_SUSPENDED" });
    expect((await validate(V2_HOSTILE.keys.expired)).body).toMatchObject({ valid: false, code: "LICENSE_EXPIRED" });
    expect((await validate(V2_HOSTILE.keys.missingStatus)).body).toMatchObject({ valid: false, code: "LICENSE_INACTIVE" });
    expect((await validate(V2_HOSTILE.keys.cancelled)).body).toMatchObject({ valid: false, code: "LICENSE_INACTIVE" });
    await expectLicensingInvariants(platform.services.models);
  });

  test("a re-run changes nothing; new source documents come over alone; usage counters take only the difference", async () => {
    const first = await migrateV2(server.uri, database, platform, { mode: "import", now });
    const again = await migrateV2(server.uri, database, platform, { mode: "import", now });
    expect(again.tables.map((t) => t.inserted + t.updated)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(checksums(again)).toEqual(checksums(first));
    expect(again.usageCounters.changed).toBe(0);

    // Both servers live: the platform counts a request of its own, then v2 logs two more and a license changes.
    const window = `m:${now.toISOString().slice(0, 7)}`;
    const aliceLicense = v2Id(C.licenses, 1);
    await platform.services.models.UsageCounter.updateOne({ license_id: aliceLicense, window }, { $inc: { requests: 1 } }).exec();
    const added = [new ObjectId(), new ObjectId()];
    const log = { license_id: aliceLicense, endpoint: "/api/chat/openai", tokens_used: 10, created_at: now };
    await source()
      .collection("usage_logs")
      .insertMany(added.map((_id) => ({ _id, ...log })));
    await source()
      .collection("licenses")
      .updateOne({ _id: v2Id(C.licenses, 8) }, { $set: { status: "suspended" } });
    try {
      const third = await migrateV2(server.uri, database, platform, { mode: "import", now });
      expect(third.verified).toBe(true);
      // The checkpoint is past the hand-made ids dated 2037: the run resumes before the time it began instead.
      expect(third.tables.find((t) => t.table === "usage_logs")).toMatchObject({ inserted: 2, updated: 0 });
      expect(third.tables.find((t) => t.table === "licenses")).toMatchObject({ inserted: 0, updated: 1 });
      const counter = await platform.services.models.UsageCounter.findOne({ license_id: aliceLicense, window }).lean().exec();
      expect(counter?.requests).toBe(V2_HOSTILE.aliceRequestsThisMonth + 2 + 1);
    } finally {
      await source()
        .collection("usage_logs")
        .deleteMany({ _id: { $in: added } });
      await source()
        .collection("licenses")
        .updateOne({ _id: v2Id(C.licenses, 8) }, { $set: { status: "expired" } });
    }
  });

  test("a customer and a license the platform made before the import are matched by email and by key, not copied", async () => {
    const customer = await platform.services.customers.create({ email: "alice@example.com", name: "Alice (platform)" }, SYSTEM_ACTOR);
    const report = await migrateV2(server.uri, database, platform, { mode: "import", now });
    expect(report.verified).toBe(true);
    expect(report.tables.find((t) => t.table === "customers")).toMatchObject({ inserted: 4, updated: 1 });
    expect(await platform.services.models.Customer.countDocuments({ email: "alice@example.com" })).toBe(1);
    expect(await platform.services.models.Customer.findById(customer._id).lean().exec()).toMatchObject({ name: V2_HOSTILE.emoji });
    // Alice's v2 licenses now belong to the platform's customer.
    const license = await platform.services.models.License.findById(v2Id(C.licenses, 1)).lean().exec();
    expect(license?.customer_id.equals(customer._id)).toBe(true);
  });

  test("verify alone finds a changed, a missing and an extraneous document, by source id, and fails", async () => {
    await migrateV2(server.uri, database, platform, { mode: "import", now });
    // Straight through the driver, as a stray script would (mongoose would also touch updated_at).
    await platform.services.models.Payment.collection.updateOne({ _id: v2Id(C.payments, 1) }, { $set: { amount_cents: 1 } });
    const [firstLog] = await platform.services.models.UsageLog.find({}).sort({ _id: 1 }).limit(1).lean().exec();
    await platform.services.models.UsageLog.deleteOne({ _id: firstLog?._id }).exec();
    const gone = await source()
      .collection("activity_logs")
      .findOneAndDelete({ _id: v2Id(C.activity_logs, 2) });
    try {
      const report = await migrateV2(server.uri, database, platform, { mode: "verify", now });
      expect(report.verified).toBe(false);
      const payments = report.tables.find((t) => t.table === "payments")?.verification;
      expect(payments?.mismatches).toEqual([
        { sourceId: hex(v2Id(C.payments, 1)), targetId: hex(v2Id(C.payments, 1)), problem: "different", fields: ["amount_cents"] },
      ]);
      expect(payments?.sourceChecksum).not.toBe(payments?.targetChecksum);
      const usage = report.tables.find((t) => t.table === "usage_logs")?.verification;
      expect(usage).toMatchObject({
        sourceCount: 7,
        targetCount: 6,
        mismatches: [{ sourceId: hex(firstLog?._id as ObjectId), problem: "missing" }],
      });
      const activity = report.tables.find((t) => t.table === "activity_logs")?.verification;
      expect(activity).toMatchObject({
        sourceCount: 3,
        targetCount: 4,
        mismatches: [{ sourceId: hex(v2Id(C.activity_logs, 2)), problem: "extraneous" }],
      });
      expect(report.tables.find((t) => t.table === "licenses")?.verification?.mismatches).toEqual([]);
    } finally {
      if (gone) await source().collection("activity_logs").insertOne(gone);
    }
  });

  test("--dry-run and a refused --strict write nothing", async () => {
    const before = await snapshotDatabase(platform.db);
    const dry = await migrateV2(server.uri, database, platform, { mode: "dry-run", now });
    expect(dry.tables.find((t) => t.table === "licenses")).toMatchObject({ inserted: 10, skipped: 2 });
    expect(dry.issues.byKind).toMatchObject({ orphan: 6, duplicate_email: 1, key_format: 4 });
    expect(dry.usageCounters).toMatchObject({ licenses: 2, changed: 2 });
    const strict = await migrateV2(server.uri, database, platform, { mode: "import", strict: true, now });
    expect(strict.refused).toMatch(/--strict/);
    expect(await snapshotDatabase(platform.db)).toEqual(before);
  });
});

/** Ids of the logs whose tokens_used or created_at v2 holds as text (insertV2Usage made their ids, now). */
async function stringValuedLogs(): Promise<string[]> {
  const logs = await source()
    .collection("usage_logs")
    .find({ $or: [{ tokens_used: { $type: "string" } }, { created_at: { $type: "string" } }] })
    .toArray();
  return logs.map((log) => String(log._id));
}

/** Ids of the logs of the orphan license and of a license v2 never had. */
async function orphanLogs(): Promise<string[]> {
  const known = new Set(Array.from({ length: 12 }, (_, i) => hex(v2Id(C.licenses, i + 1))));
  known.delete(hex(v2Id(C.licenses, 4)));
  const logs = await source().collection("usage_logs").find({}).toArray();
  return logs.filter((log) => !known.has(String(log.license_id))).map((log) => String(log._id));
}
