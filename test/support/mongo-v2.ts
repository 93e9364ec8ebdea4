import { MongoClient, ObjectId, type Db, type Document } from "mongodb";
import { startEmbeddedMongo, type EmbeddedMongo } from "../../src/db/embedded";

/**
 * A v2 MongoDB for the migration tests: a second embedded engine (in memory, its own port), spoken to through the
 * real driver, holding databases laid out as the old server's init_mongodb_collections left them
 * (migration-sources.md §2.1): the collections with their indexes and the four plans, money as floats.
 */
export interface V2Server {
  engine: EmbeddedMongo;
  client: MongoClient;
  /** mongodb://127.0.0.1:<port> (the engine has no users). */
  uri: string;
  /** A fresh database with the v2 collections and plans. */
  createDatabase(prefix: string): Promise<{ name: string; db: Db; plans: V2PlanIds }>;
  stop(): Promise<void>;
}

export type V2PlanIds = Record<"starter" | "pro" | "agency" | "founders", ObjectId>;

let databases = 0;

export async function startV2Server(): Promise<V2Server> {
  const engine = await startEmbeddedMongo();
  const client = await MongoClient.connect(engine.uri);
  return {
    engine,
    client,
    uri: engine.uri,
    async createDatabase(prefix) {
      databases += 1;
      const name = `${prefix}_${databases}`;
      const db = client.db(name);
      return { name, db, plans: await createV2Schema(db) };
    },
    async stop() {
      await client.close();
      await engine.stop();
    },
  };
}

/** What v2's start-up creates: each collection through its indexes, and the plans (only into an empty collection). */
export async function createV2Schema(db: Db): Promise<V2PlanIds> {
  await db.collection("plans").createIndexes([{ key: { name: 1 } }, { key: { is_active: 1 } }]);
  await db
    .collection("customers")
    .createIndexes([
      { key: { email: 1 }, unique: true },
      { key: { status: 1 } },
      { key: { stripe_customer_id: 1 } },
      { key: { paddle_subscription_id: 1 } },
    ]);
  await db
    .collection("licenses")
    .createIndexes([
      { key: { license_key: 1 }, unique: true },
      { key: { customer_id: 1 } },
      { key: { status: 1 } },
      { key: { domain: 1 } },
      { key: { expires_at: 1 } },
    ]);
  await db
    .collection("usage_logs")
    .createIndexes([
      { key: { license_id: 1 } },
      { key: { endpoint: 1 } },
      { key: { created_at: -1 } },
      { key: { license_id: 1, created_at: -1 } },
    ]);
  await db.collection("payments").createIndexes([{ key: { customer_id: 1 } }, { key: { license_id: 1 } }, { key: { transaction_id: 1 } }]);
  await db.collection("api_keys").createIndexes([{ key: { provider: 1 }, unique: true }, { key: { is_active: 1 } }]);
  await db.collection("activity_logs").createIndexes([{ key: { action: 1 } }, { key: { created_at: -1 } }]);
  await db.collection("historical_analytics").createIndexes([{ key: { date: 1, period_type: 1 }, unique: true }]);
  const created = new Date("2025-07-01T09:00:00Z");
  const plans: Array<Document & { name: keyof V2PlanIds }> = [
    {
      name: "starter",
      display_name: "Starter - BYOK",
      price: 2.99,
      monthly_requests: 0,
      requests_per_minute: 0,
      requests_per_hour: 0,
      monthly_budget_eur: 0.0,
      cost_per_1k_tokens: 0.0,
      max_sites: 1,
      features: ["bring_your_own_key", "1_site", "basic_support", "community_access"],
    },
    {
      name: "pro",
      display_name: "Pro - AI Inclusa",
      price: 7.99,
      monthly_requests: 1000,
      requests_per_minute: 10,
      requests_per_hour: 200,
      monthly_budget_eur: 4.0,
      cost_per_1k_tokens: 0.0015,
      max_sites: 3,
      features: ["ai_included", "3_sites", "priority_support", "advanced_features", "no_api_key_needed"],
    },
    {
      name: "agency",
      display_name: "Agency - White Label",
      price: 19.99,
      monthly_requests: 5000,
      requests_per_minute: 25,
      requests_per_hour: 500,
      monthly_budget_eur: 10.0,
      cost_per_1k_tokens: 0.0015,
      max_sites: -1,
      features: ["ai_included", "unlimited_sites", "white_label", "dedicated_support", "custom_branding", "api_access"],
    },
    {
      name: "founders",
      display_name: "Founders Deal - Lifetime",
      price: 29.0,
      monthly_requests: 2000,
      requests_per_minute: 15,
      requests_per_hour: 300,
      monthly_budget_eur: 6.0,
      cost_per_1k_tokens: 0.0015,
      max_sites: 5,
      features: [
        "ai_included",
        "5_sites",
        "lifetime_license",
        "priority_support",
        "advanced_features",
        "no_api_key_needed",
        "founders_badge",
        "early_access",
      ],
      is_lifetime: true,
      lifetime_limit: 500,
      lifetime_sold: 0,
      is_limited_offer: true,
      offer_expires_at: null,
      metadata: { description: "Limited lifetime offer for the first 500 users" },
    },
  ];
  const ids = {} as V2PlanIds;
  for (const plan of plans) {
    const _id = new ObjectId();
    ids[plan.name] = _id;
    await db.collection("plans").insertOne({ _id, currency: "EUR", is_active: true, created_at: created, updated_at: created, ...plan });
  }
  return ids;
}

/** A canonical v2 key (four groups of 8 upper-case hex digits), derived from a number so tests can name it. */
export function v2Key(n: number): string {
  const hex = (n * 2654435761 + 0x5eed1234).toString(16).toUpperCase().padStart(8, "0").slice(-8);
  return `CHA-${hex}-2000${String(n).padStart(4, "0")}-B21AF1CF-${hex}`;
}

export interface V2UsageLog {
  licenseId: ObjectId | string;
  /** Stored as given: a Date is the API server's naive wall-clock time, as pymongo would store it. */
  at: Date | string | null;
  tokens?: unknown;
  responseMs?: unknown;
  provider?: string;
}

let idCounter = 0;

/** An ObjectId made at `at`, as the v2 process that wrote a log at that time made it (pymongo: time, random, counter). */
export function objectIdAt(at: Date): ObjectId {
  idCounter = (idCounter + 1) % 0xffffff;
  const seconds = Math.max(Math.floor(at.getTime() / 1000), 0)
    .toString(16)
    .padStart(8, "0");
  return new ObjectId(`${seconds}5eed0000aa${idCounter.toString(16).padStart(6, "0")}`);
}

/** Usage logs as v2.1's chat endpoint wrote them (ids made at their time), in batches (fast enough for tens of thousands). */
export async function insertV2Usage(db: Db, logs: V2UsageLog[]): Promise<void> {
  for (let i = 0; i < logs.length; i += 5000) {
    await db.collection("usage_logs").insertMany(
      logs.slice(i, i + 5000).map((log) => ({
        _id: log.at instanceof Date ? objectIdAt(log.at) : new ObjectId(),
        license_id: log.licenseId,
        endpoint: `/api/chat/${log.provider ?? "openai"}`,
        tokens_used: log.tokens === undefined ? 120 : log.tokens,
        response_time_ms: log.responseMs === undefined ? 800 : log.responseMs,
        ip_address: "127.0.0.1",
        user_agent: "WordPress/6.5; https://shop.example",
        provider: log.provider ?? "openai",
        model: "gpt-4o-mini",
        created_at: log.at,
      })),
    );
  }
}
