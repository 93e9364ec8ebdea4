import { EJSON } from "bson";
import type { Database } from "../../../src/db/connect";
import type { GraphQLResponse, TestPlatform } from "../../support/platform";

/** One GraphQL error as the platform answers it. */
export type GraphQLErrorBody = NonNullable<GraphQLResponse["errors"]>[number];

/** The data of a response that must have succeeded completely (the errors are shown when it did not). */
export function dataOf<T>(response: GraphQLResponse<T>): T {
  expect(response.errors ?? []).toEqual([]);
  expect(response.status).toBe(200);
  if (response.data === null || response.data === undefined) throw new Error("response has no data");
  return response.data;
}

/** The one error of a response whose `path` starts with `path`, asserting its code. */
export function errorAt(response: GraphQLResponse<unknown>, path: Array<string | number>, code: string): GraphQLErrorBody {
  const errors = response.errors ?? [];
  const found = errors.find((error) => JSON.stringify(error.path?.slice(0, path.length)) === JSON.stringify(path));
  if (!found) throw new Error(`no error at ${path.join(".")}; errors: ${JSON.stringify(errors)}`);
  expect(found.extensions?.code).toBe(code);
  return found;
}

/** Asserts that a single-field operation failed on that field with `code` (and no data for it). */
export function expectFieldError(
  response: GraphQLResponse<unknown>,
  field: string,
  code: string,
  message?: string | RegExp,
): GraphQLErrorBody {
  const error = errorAt(response, [field], code);
  const data = response.data as Record<string, unknown> | null | undefined;
  expect(data?.[field] ?? null).toBeNull();
  if (message !== undefined) expect(error.message).toMatch(message);
  return error;
}

/** Asserts the request was refused before execution with HTTP 401 UNAUTHENTICATED. */
export function expectUnauthenticated(response: GraphQLResponse<unknown>): void {
  expect(response.status).toBe(401);
  expect(response.data ?? null).toBeNull();
  expect(response.errors?.map((error) => error.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
}

let uniqueCounter = 0;
/** A string unique within the test process (for emails, names). */
export function unique(prefix: string): string {
  uniqueCounter += 1;
  return `${prefix}-${process.pid}-${uniqueCounter}-${Math.random().toString(36).slice(2, 8)}`;
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

export interface ActivityRow {
  action: string;
  actor: string;
  details: Record<string, unknown>;
}

/** The audit log entries of a license or a customer, newest first, through the `activity` query (`details: false` leaves details out). */
export async function activityOf(
  platform: TestPlatform,
  headers: Record<string, string>,
  filter: { licenseId?: string; customerId?: string; action?: string },
  options: { details?: boolean } = {},
): Promise<ActivityRow[]> {
  const fields = options.details === false ? "action actor" : "action actor details";
  const response = await platform.graphql<{ activity: { edges: Array<{ node: ActivityRow }> } }>(
    `query($filter: ActivityFilterInput) { activity(filter: $filter, first: 100) { edges { node { ${fields} } } } }`,
    { filter },
    headers,
  );
  return dataOf(response).activity.edges.map((edge) => edge.node);
}

/** The id of the admin behind a token (`admin:<id>` is the actor it is audited as). */
export async function adminIdOf(platform: TestPlatform, headers: Record<string, string>): Promise<string> {
  const response = await platform.graphql<{ viewer: { admin: { id: string } } }>(`{ viewer { admin { id } } }`, {}, headers);
  return dataOf(response).viewer.admin.id;
}
