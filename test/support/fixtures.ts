import { EJSON } from "bson";
import type { mongoose } from "@typegoose/typegoose";
import type { Database } from "../../src/db/connect";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import type { Customer } from "../../src/modules/customers/customer.model";
import { LicenseStatus, type License } from "../../src/modules/licenses/license.model";
import type { Plan } from "../../src/modules/plans/plan.model";
import { PLAN_SEED } from "../../src/modules/plans/plan.seed";
import type { TestPlatform } from "./platform";

/** Test data made through the platform's own services, and snapshots of what the database holds. */

/** What the fixtures below need of a platform: its services (a test platform, or a shared database). */
export type WithServices = Pick<TestPlatform, "services">;

let counter = 0;
/** A string unique within the test process. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

export interface Issued {
  key: string;
  license: License;
  customer: Customer;
}

/** A fresh customer (the Alice of the contract's example, with a unique email). */
export async function newCustomer(p: WithServices, fields: { name?: string | null; company?: string | null } = {}): Promise<Customer> {
  return p.services.customers.create({ email: `${unique("alice")}@example.com`, name: "Alice", ...fields }, SYSTEM_ACTOR);
}

/** A license on `plan` for a fresh customer (or the one given). */
export async function newLicense(
  p: WithServices,
  plan: string,
  options: { customer?: Customer; domain?: string | null; expiresAt?: Date | null } = {},
): Promise<Issued> {
  const customer = options.customer ?? (await newCustomer(p));
  const { key, license } = await p.services.licenses.issue(
    { customerId: customer._id, plan, domain: options.domain ?? null, expiresAt: options.expiresAt ?? null },
    SYSTEM_ACTOR,
  );
  return { key, license, customer };
}

/** A plan of its own (a copy of the seeded pro plan), so tests can change or delete it without touching others. */
export async function newPlan(p: WithServices, overrides: Partial<Omit<Plan, "_id">> = {}): Promise<Plan> {
  const pro = PLAN_SEED.find((plan) => plan.name === "pro");
  if (!pro) throw new Error("the seed has no pro plan");
  const created = await p.services.models.Plan.create({ ...pro, name: unique("plan"), ...overrides });
  return created.toObject() as Plan;
}

/** Inserts a license the way the v2.1 import does: any key shape, stored only as digest + ciphertext, on pro. */
export async function importLicense(p: WithServices, key: string): Promise<string> {
  const customer = await newCustomer(p);
  const plan = await p.services.plans.byName("pro");
  await p.services.models.License.create({
    key_digest: p.services.secrets.digest(key),
    key_encrypted: p.services.secrets.encrypt(key),
    key_last4: key.slice(-4),
    customer_id: customer._id,
    plan_id: plan._id,
    status: LicenseStatus.active,
    activated_at: new Date("2025-08-10T12:00:00.123Z"),
    domain: "legacy.example.com",
    metadata: {},
  });
  return key;
}

export async function setLicense(p: WithServices, id: mongoose.Types.ObjectId, changes: Record<string, unknown>): Promise<void> {
  await p.services.models.License.updateOne({ _id: id }, { $set: changes }).exec();
}

export async function storedLicense(p: WithServices, id: mongoose.Types.ObjectId): Promise<License> {
  const license = await p.services.models.License.findById(id).lean<License>().exec();
  if (!license) throw new Error("license vanished");
  return license;
}

/** Activation documents of a license: every one, and the ones that use a seat. */
export async function activationCounts(p: WithServices, id: mongoose.Types.ObjectId): Promise<{ all: number; seated: number }> {
  const [all, seated] = await Promise.all([
    p.services.models.Activation.countDocuments({ license_id: id }).exec(),
    p.services.models.Activation.countDocuments({ license_id: id, is_development: false }).exec(),
  ]);
  return { all, seated };
}

/** The given collections, document by document, as canonical Extended JSON sorted by _id. */
export async function snapshot(
  p: Pick<TestPlatform, "db">,
  names: string[] = ["activations", "licenses"],
): Promise<Record<string, unknown[]>> {
  const native = p.db.connection.db;
  if (!native) throw new Error("the test database is not connected");
  const result: Record<string, unknown[]> = {};
  for (const name of names) {
    const documents = await native.collection(name).find({}).sort({ _id: 1 }).toArray();
    result[name] = documents.map((document) => EJSON.serialize(document, { relaxed: false }));
  }
  return result;
}

/**
 * Every document of every collection, as canonical Extended JSON, sorted by collection and `_id`. Only
 * `admins.last_used_at` is left out: authenticating an admin token is allowed to touch it (at most once a
 * minute), and it is bookkeeping, not state a denied operation could have changed on purpose.
 */
export async function snapshotDatabase(db: Database): Promise<Record<string, unknown[]>> {
  const native = db.connection.db;
  if (!native) throw new Error("the test database is not connected");
  const names = (await native.listCollections().toArray()).map((collection) => collection.name).sort();
  const snapshot: Record<string, unknown[]> = {};
  for (const name of names) {
    const documents = await native.collection(name).find({}).sort({ _id: 1 }).toArray();
    snapshot[name] = documents.map((document) => {
      const copy: Record<string, unknown> = { ...document };
      if (name === "admins") delete copy.last_used_at;
      return EJSON.serialize(copy, { relaxed: false });
    });
  }
  return snapshot;
}

/** The whole database as one Extended JSON string (to look for secrets in it). */
export async function dumpDatabase(db: Database, only?: string[]): Promise<string> {
  const native = db.connection.db;
  if (!native) throw new Error("the test database is not connected");
  const names = only ?? (await native.listCollections().toArray()).map((collection) => collection.name);
  const parts: string[] = [];
  for (const name of names) parts.push(`${name}:${EJSON.stringify(await native.collection(name).find({}).toArray(), { relaxed: false })}`);
  return parts.join("\n");
}
