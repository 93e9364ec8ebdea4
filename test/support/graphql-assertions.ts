import type { GraphQLResponse, TestPlatform } from "./platform";

/** Assertions on GraphQL answers, and the audit log read back through the API. */

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
