import type { mongoose } from "@typegoose/typegoose";
import { LicenseStatus } from "../../../src/modules/licenses/license.model";
import type { UsageLog } from "../../../src/modules/usage/usage-log.model";
import { startTestPlatform, type TestPlatform } from "../../support/platform";

/**
 * Shared set-up of the usage endpoint tests (contract §6.5–6.8).
 *
 * The clock is frozen (Date only; timers and I/O run normally), so every window, `timestamp`, `period` and
 * `reset_times` is exact and a test can never straddle a minute or hour boundary between seeding and asking.
 */
export const NOW = "2025-08-21T10:00:12.345Z";

const REAL_TIME_APIS = [
  "hrtime",
  "nextTick",
  "performance",
  "queueMicrotask",
  "requestAnimationFrame",
  "cancelAnimationFrame",
  "requestIdleCallback",
  "cancelIdleCallback",
  "setImmediate",
  "clearImmediate",
  "setInterval",
  "clearInterval",
  "setTimeout",
  "clearTimeout",
] as const;

export function freezeClock(at: string = NOW): void {
  jest.useFakeTimers({ now: new Date(at), doNotFake: [...REAL_TIME_APIS] });
}

/**
 * The platform with route throttling off: these tests ask one license many questions, and the throttle (§1.5)
 * has tests of its own. THROTTLE is ignored by a configuration that does not know it.
 */
export async function startUsagePlatform(): Promise<TestPlatform> {
  return startTestPlatform({ env: { THROTTLE: "off" } });
}

// Far away, so the TTL index never removes a seeded counter whatever clock the engine's monitor reads.
const NEVER = new Date("2100-01-01T00:00:00.000Z");

export interface CounterFields {
  requests?: number;
  tokens?: number;
  cost_micros?: number;
  reserved_micros?: number;
  calls?: number;
  response_time_ms?: number;
}

/** One counter document, as the AI proxy's reserve/settle steps would have left it. */
export async function seedCounter(
  p: TestPlatform,
  licenseId: mongoose.Types.ObjectId,
  window: string,
  fields: CounterFields,
): Promise<void> {
  await p.services.models.UsageCounter.create({ license_id: licenseId, window, expires_at: NEVER, ...fields });
}

export type LogFields = Partial<Omit<UsageLog, "_id" | "license_id" | "created_at">> & { created_at: string };

/** One usage record; `created_at` is an ISO string. Returns the record's id as a hex string. */
export async function seedLog(p: TestPlatform, licenseId: mongoose.Types.ObjectId, fields: LogFields): Promise<string> {
  const provider = fields.provider === undefined ? "openai" : fields.provider;
  const created = await p.services.models.UsageLog.create({
    endpoint: `/api/chat/${provider ?? "openai"}`,
    provider,
    model: provider === "openai" ? "gpt-4o-mini" : null,
    tokens_used: 100,
    response_time_ms: 200,
    ip_address: "203.0.113.7",
    ...fields,
    license_id: licenseId,
    created_at: new Date(fields.created_at),
  });
  return created._id.toHexString();
}

/** Inserts a migrated v2.1 record: no provider, model or token split at all (not even null). */
export async function seedMigratedLog(
  p: TestPlatform,
  licenseId: mongoose.Types.ObjectId,
  createdAt: string,
  fields: { tokens_used: number; response_time_ms: number },
): Promise<string> {
  const native = p.db.connection.db;
  if (!native) throw new Error("the test database is not connected");
  const result = await native
    .collection("usage_logs")
    .insertOne({ license_id: licenseId, endpoint: "/api/chat", created_at: new Date(createdAt), ...fields });
  return result.insertedId.toHexString();
}

/** Arms the engine's failCommand fail point (mongod's), so the next matching commands fail with a server error. */
export async function failCommands(p: TestPlatform, commands: string[], mode: "alwaysOn" | { skip: number } = "alwaysOn"): Promise<void> {
  await admin(p).command({ configureFailPoint: "failCommand", mode, data: { failCommands: commands, errorCode: 8 } });
}

export async function clearFailures(p: TestPlatform): Promise<void> {
  await admin(p).command({ configureFailPoint: "failCommand", mode: "off" });
}

function admin(p: TestPlatform): { command(command: Record<string, unknown>): Promise<unknown> } {
  const native = p.db.connection.db;
  if (!native) throw new Error("the test database is not connected");
  return native.admin();
}

/** A license with a key of any shape, as imported from v2.1 (stored like any other: digest + ciphertext). */
export async function importLicense(
  p: TestPlatform,
  key: string,
  customerId: mongoose.Types.ObjectId,
  planId: mongoose.Types.ObjectId,
): Promise<mongoose.Types.ObjectId> {
  const created = await p.services.models.License.create({
    key_digest: p.services.secrets.digest(key),
    key_encrypted: p.services.secrets.encrypt(key),
    key_last4: key.slice(-4),
    customer_id: customerId,
    plan_id: planId,
    status: LicenseStatus.active,
    metadata: {},
  });
  return created._id;
}
