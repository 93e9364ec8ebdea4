import { EJSON } from "bson";
import type { mongoose } from "@typegoose/typegoose";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import type { Customer } from "../../src/modules/customers/customer.model";
import { LicenseStatus, type License } from "../../src/modules/licenses/license.model";
import type { Plan } from "../../src/modules/plans/plan.model";
import { PLAN_SEED } from "../../src/modules/plans/plan.seed";
import type { TestPlatform } from "../support/platform";

/** What the fixtures below need of a platform: its services (a test platform, or a shared database). */
export type WithServices = Pick<TestPlatform, "services">;

/** A JSON object as the plugin REST routes answer it. */
export type Json = Record<string, unknown>;

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body when it is JSON, else undefined. */
  body: Json;
}

export interface RequestOptions {
  /** Sent as X-License-Key. */
  key?: string;
  /** Sent as X-Site-URL. */
  site?: string;
  /** Serialised with JSON.stringify and sent as application/json (unless contentType says otherwise). */
  json?: unknown;
  /** A raw body (string or bytes); no Content-Type is added for bytes. */
  raw?: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
}

/** One real HTTP request to the platform. */
export async function http(baseUrl: string, method: string, path: string, options: RequestOptions = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.key !== undefined) headers["x-license-key"] = options.key;
  if (options.site !== undefined) headers["x-site-url"] = options.site;
  let body: string | Uint8Array | undefined;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers["content-type"] = options.contentType ?? "application/json";
  } else if (options.raw !== undefined) {
    body = options.raw;
    if (options.contentType !== undefined) headers["content-type"] = options.contentType;
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: Json = {};
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    // Not JSON (204, or a route that broke the contract): the test asserts on `text` then.
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

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

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Asserts an ISO-8601 UTC timestamp with milliseconds (§1.3) within [from, to] (epoch ms) and returns it. */
export function expectIsoWithin(value: unknown, from: number, to: number): string {
  expect(typeof value).toBe("string");
  const text = value as string;
  expect(text).toMatch(ISO_UTC);
  expect(Date.parse(text)).toBeGreaterThanOrEqual(from);
  expect(Date.parse(text)).toBeLessThanOrEqual(to);
  return text;
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

export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";
export const EXPOSED_HEADERS = "Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset";
