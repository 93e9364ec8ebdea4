import { ObjectId, type Db } from "mongodb";
import { insertV2Usage, v2Key, type V2PlanIds } from "./mongo-v2";

/**
 * A v2 database as a schemaless store and years of scripts and Compass edits leave one: money as floats (7.99,
 * 0.1 + 0.2) and as strings, strings where numbers, dates or ObjectIds are expected, missing fields, naive
 * datetimes, orphans, emails that differ only in case (v2's unique index is case-sensitive), keys of odd shapes, a
 * duplicate plan name (v2's name index is not unique), an `_id` that is not an ObjectId, and the collections the
 * importer leaves out.
 */
export const V2_HOSTILE = {
  emoji: "Alice Rossi 🦄",
  /** Keys, by license. */
  keys: {
    alice: v2Key(1),
    bobLower: "cha-0a1b2c3d-4e5f6a7b-8c9d0e1f-2a3b4c5d",
    bobMerged: "CHA-TEST-1234-5678-ABCD",
    orphan: v2Key(4),
    suspendedCustomer: v2Key(5),
    cancelled: v2Key(6),
    missingStatus: v2Key(7),
    expired: v2Key(8),
    hexStrings: v2Key(9),
    tooLong: `CHA-${"0123456789ABCDEF".repeat(4)}-LONG`,
    founders: v2Key(12),
  },
  /** Alice's (license 1) logs this month and their tokens (a log of last month is not counted). */
  aliceRequestsThisMonth: 3,
  aliceTokensThisMonth: 350,
};

/**
 * Fixed ObjectIds, in insertion order per collection (so that "the first" of two is the lower id), dated 2037: after
 * every id the driver makes now (the seeded plans come first).
 */
export const v2Id = (collection: number, n: number): ObjectId =>
  new ObjectId(`7f${collection.toString(16).padStart(2, "0")}0000${n.toString(16).padStart(16, "0")}`);
export const C = { plans: 1, customers: 2, licenses: 3, usage_logs: 4, payments: 5, api_keys: 6, activity_logs: 7, analytics: 8 };

export async function fillHostileV2(db: Db, plans: V2PlanIds, now: Date): Promise<void> {
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const thisMonth = (minutes: number): Date => new Date(monthStart.getTime() + minutes * 60_000);
  const lastMonth = new Date(monthStart.getTime() - 86_400_000);
  const customer = (n: number): ObjectId => v2Id(C.customers, n);
  const license = (n: number): ObjectId => v2Id(C.licenses, n);

  await db
    .collection("plans")
    .updateOne({ _id: plans.starter }, { $set: { price: 3.49 }, $unset: { requests_per_minute: "", cost_per_1k_tokens: "" } });
  await db.collection("plans").updateOne({ _id: plans.pro }, { $set: { monthly_requests: "1000" } });
  await db.collection("plans").insertMany([
    { _id: v2Id(C.plans, 1), name: "Pro ", display_name: "Pro (copy)", price: 9.99, monthly_requests: 10, max_sites: 1, features: ["x"] },
    {
      _id: v2Id(C.plans, 2),
      name: "enterprise",
      display_name: "Enterprise",
      price: 0.1 + 0.2,
      monthly_requests: 100000,
      monthly_budget_eur: 12.5,
      max_sites: 50,
      features: "all of them",
    },
  ]);

  await db.collection("customers").insertMany([
    {
      _id: customer(1),
      email: " Alice@Example.com ",
      name: V2_HOSTILE.emoji,
      company: "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 S.r.l.",
      country: "IT",
      status: "active",
      paddle_customer_id: "ctm_01",
      paddle_subscription_id: "sub_01",
      created_at: new Date("2025-08-04T10:30:00Z"),
      updated_at: new Date("2025-08-05T11:00:00Z"),
    },
    { _id: customer(2), email: "Bob@Example.com", name: "Bob", status: "active", created_at: new Date("2025-09-01T00:00:00Z") },
    { _id: customer(3), email: "bob@example.com", name: "bob (second account)", status: "inactive" },
    // The dashboard's shape: no status, no updated_at, its own metadata; a naive date written as text by a script.
    { _id: customer(4), email: "carol@example.com", metadata: { source: "manual_insert" }, created_at: "2025-10-01T08:00:00" },
    { _id: customer(5), email: "dave@example.com", name: "Dave", status: "suspended" },
    { _id: customer(6), email: "erin@example.com", status: "deleted", phone: 3331234567 },
  ]);

  await db.collection("licenses").insertMany([
    {
      _id: license(1),
      license_key: V2_HOSTILE.keys.alice,
      customer_id: customer(1),
      plan_id: plans.pro,
      domain: "shop.example",
      status: "active",
      activated_at: new Date("2025-08-04T10:30:00Z"),
      expires_at: null,
      last_check: new Date("2026-01-02T03:04:05Z"),
      metadata: { test: true },
      usage_limit: 10000,
      usage_count: 0,
      created_at: new Date("2025-08-04T10:30:00Z"),
      updated_at: new Date("2025-08-04T10:30:00Z"),
    },
    { _id: license(2), license_key: V2_HOSTILE.keys.bobLower, customer_id: customer(2), plan_id: plans.agency, status: "active" },
    { _id: license(3), license_key: V2_HOSTILE.keys.bobMerged, customer_id: customer(3), plan_id: plans.starter, status: "active" },
    { _id: license(4), license_key: V2_HOSTILE.keys.orphan, customer_id: new ObjectId(), plan_id: plans.pro, status: "active" },
    { _id: license(5), license_key: V2_HOSTILE.keys.suspendedCustomer, customer_id: customer(5), plan_id: plans.pro, status: "active" },
    { _id: license(6), license_key: V2_HOSTILE.keys.cancelled, customer_id: customer(4), plan_id: plans.pro, status: "cancelled" },
    { _id: license(7), license_key: V2_HOSTILE.keys.missingStatus, customer_id: customer(6), plan_id: v2Id(C.plans, 2), metadata: "[1,2]" },
    {
      _id: license(8),
      license_key: V2_HOSTILE.keys.expired,
      customer_id: customer(1),
      plan_id: plans.pro,
      status: "expired",
      expires_at: new Date("2025-11-01T00:00:00Z"),
    },
    // References written as hex text, and a plan that is the duplicate "Pro ".
    {
      _id: license(9),
      license_key: V2_HOSTILE.keys.hexStrings,
      customer_id: customer(1).toHexString(),
      plan_id: v2Id(C.plans, 1),
      status: "active",
    },
    { _id: license(10), license_key: 12345, customer_id: customer(1), plan_id: plans.pro, status: "active" },
    { _id: license(11), license_key: V2_HOSTILE.keys.tooLong, customer_id: customer(2), plan_id: plans.pro, status: "active" },
    { _id: license(12), license_key: V2_HOSTILE.keys.founders, customer_id: customer(2), plan_id: plans.founders, status: "active" },
  ]);

  await insertV2Usage(db, [
    { licenseId: license(1), at: thisMonth(1), tokens: 100 },
    { licenseId: license(1), at: thisMonth(2), tokens: 200, responseMs: null },
    { licenseId: license(1), at: thisMonth(3), tokens: "50" },
    { licenseId: license(1), at: lastMonth, tokens: 5000 },
    { licenseId: license(2), at: thisMonth(4).toISOString(), tokens: 42 },
    { licenseId: license(4), at: thisMonth(5) },
    { licenseId: new ObjectId(), at: thisMonth(6) },
  ]);
  await db.collection("usage_logs").insertMany([
    // v2.0: no provider or model field; the endpoint names the provider.
    { _id: v2Id(C.usage_logs, 1), license_id: license(2), endpoint: "/api/chat/anthropic", tokens_used: 7, created_at: lastMonth },
    { _id: v2Id(C.usage_logs, 2), license_id: license(2), endpoint: "/api/chat/openai", tokens_used: 1.5, user_agent: "Bot 🤖 𝒳" },
    { _id: "log-by-hand" as unknown as ObjectId, license_id: license(1), endpoint: "/api/chat/openai", created_at: thisMonth(7) },
  ]);

  await db.collection("payments").insertMany([
    {
      _id: v2Id(C.payments, 1),
      customer_id: customer(1),
      license_id: license(1),
      amount: 7.99,
      currency: "EUR",
      status: "completed",
      payment_method: "card",
      transaction_id: "txn_1",
      provider: "paddle",
      metadata: { invoice: "INV-1" },
      created_at: new Date("2025-08-04T10:31:00Z"),
    },
    { _id: v2Id(C.payments, 2), customer_id: customer(2), license_id: license(2), amount: 0.1 + 0.2 },
    {
      _id: v2Id(C.payments, 3),
      customer_id: customer(3),
      license_id: license(3),
      amount: -5.0,
      currency: "EUR",
      status: "refunded",
      transaction_id: "PAY-1",
      provider: "paypal",
    },
    { _id: v2Id(C.payments, 4), customer_id: new ObjectId(), license_id: license(1), amount: 10, status: "completed", provider: "paddle" },
    {
      _id: v2Id(C.payments, 5),
      customer_id: customer(1),
      license_id: new ObjectId(),
      amount: "12.50",
      currency: "EUR",
      status: "completed",
      transaction_id: "txn_5",
      provider: "paddle",
      metadata: "not an object",
    },
    { _id: v2Id(C.payments, 6), customer_id: customer(1), amount: 7.995, status: "completed", transaction_id: "txn_6", provider: "paddle" },
  ]);

  await db.collection("api_keys").insertMany([
    {
      _id: v2Id(C.api_keys, 1),
      provider: "openai",
      api_key: "sk-test-openai-0123456789abcdef",
      is_active: true,
      usage_count: 12,
      last_used: new Date("2025-12-01T10:00:00Z"),
    },
    { _id: v2Id(C.api_keys, 2), provider: "mistral", api_key: "mk-test-0123456789", is_active: true },
    { _id: v2Id(C.api_keys, 3), provider: "anthropic", api_key: "sk-ant-test-0123456789", usage_count: "3" },
  ]);

  await db.collection("activity_logs").insertMany([
    // The dashboard's shape: admin_user and timestamp.
    {
      _id: v2Id(C.activity_logs, 1),
      action: "plan_limits_updated",
      admin_user: "admin",
      timestamp: new Date("2025-09-04T12:00:00Z"),
      ip_address: "198.51.100.1",
      details: { plan: "pro", note: "🎉" },
    },
    {
      _id: v2Id(C.activity_logs, 2),
      license_id: license(1),
      customer_id: customer(1),
      action: "license_created",
      created_at: new Date("2025-08-04T10:30:00Z"),
    },
    { _id: v2Id(C.activity_logs, 3), license_id: license(4), action: "license_created", created_at: new Date("2025-09-03T00:00:00Z") },
    { _id: v2Id(C.activity_logs, 4), action: "financial_summary_sent", admin_user: "admin", details: "sent", timestamp: null },
  ]);

  await db.collection("historical_analytics").insertMany([
    {
      _id: v2Id(C.analytics, 1),
      date: new Date("2025-11-01T00:00:00Z"),
      period_type: "daily",
      total_customers: 5,
      paying_customers: 3,
      mrr: 7.99 * 3,
      arr: 7.99 * 3 * 12,
      new_customers: 1,
      churned_customers: 0,
      notes: "",
      revenue_by_plan: { pro: { revenue: 7.99 * 3, count: 3 } },
      auto_events: [{ type: "payment_completed", description: "Pro", time: "10:30", customer_id: customer(1).toHexString(), amount: 7.99 }],
      created_at: new Date("2025-11-01T23:59:00Z"),
    },
    {
      _id: v2Id(C.analytics, 2),
      date: "2025-11-02",
      period_type: "daily",
      total_customers: "6",
      mrr: "12.5",
      arr: 150,
      revenue_by_plan: {},
      auto_events: [],
    },
  ]);

  await db.collection("business_events").insertMany([
    { event_type: "new_customer", event_date: new Date("2025-08-04T10:30:00Z"), processed: true },
    { event_type: "milestone_reached", event_date: new Date("2025-09-01T00:00:00Z"), processed: false },
  ]);
  await db.collection("founders_deal_stats").insertOne({ plan_name: "founders", total_limit: 500, sold_count: 0 });
}
