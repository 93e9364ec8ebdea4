import { WebhookEventStatus } from "../../../src/modules/billing/webhook-event.model";
import { DeliveryStatus, NotificationKind } from "../../../src/modules/notifications/notification.model";
import { execute, extendSchema, isIntrospectionType, isObjectType, parse, type GraphQLFieldResolver } from "graphql";
import { applyMiddleware } from "graphql-middleware";
import { permissionMap, permissions } from "../../../src/graphql/permissions";
import { buildBareSchema } from "../../../src/graphql/schema";
import { SYSTEM_ACTOR } from "../../../src/modules/activity/activity.service";
import { AdminRole } from "../../../src/modules/admins/admin.model";
import { SetupService } from "../../../src/modules/setup/setup.service";
import { startAiPlatform } from "../../support/ai-platform";
import { bearer, licenseKeyHeader, type GraphQLResponse, type TestPlatform } from "../../support/platform";
import { dataOf, errorAt, expectUnauthenticated } from "../../support/graphql-assertions";
import { snapshotDatabase, unique } from "../../support/fixtures";

/**
 * S1/S2/S3: every root field of the schema, called over HTTP by every kind of caller, against an expectation
 * table written from DOMAIN.md ("Admins and roles"), not copied from the permission map.
 */

const PRINCIPALS = ["anonymous", "holder", "readonly", "support", "admin", "owner"] as const;
type Who = (typeof PRINCIPALS)[number];

const EVERYONE: readonly Who[] = PRINCIPALS;
const READERS: readonly Who[] = ["readonly", "support", "admin", "owner"];
const READERS_AND_HOLDER: readonly Who[] = ["holder", ...READERS];
const SUPPORT: readonly Who[] = ["support", "admin", "owner"];
const ADMINS: readonly Who[] = ["admin", "owner"];
const OWNER: readonly Who[] = ["owner"];

interface Operation {
  query: string;
  variables?: Record<string, unknown>;
}

interface Fixture {
  platform: TestPlatform;
  headers: Record<Who, Record<string, string>>;
  /** The license whose key the holder sends, and another customer's license. */
  mine: { id: string; key: string };
  theirs: { id: string; key: string; customerId: string };
  /** A license to act on: the holder's own one when the caller is the holder (so a denial is not about ownership). */
  licenseFor(who: Who, status?: "suspended"): Promise<string>;
  customerFor(who: Who): Promise<string>;
}

interface Expectation {
  allowed: readonly Who[];
  /** A minimal valid operation selecting the root field without an alias. */
  operation(fixture: Fixture, who: Who): Promise<Operation> | Operation;
}

const FUTURE = "2099-01-01T00:00:00.000Z";
const RANGE = { from: "2020-01-01T00:00:00.000Z", to: "2020-12-31T00:00:00.000Z" };

const QUERY_TABLE: Record<string, Expectation> = {
  viewer: { allowed: EVERYONE, operation: () => ({ query: `{ viewer { kind role } }` }) },
  plans: { allowed: READERS_AND_HOLDER, operation: () => ({ query: `{ plans { name maxSites allowedModels { provider models } } }` }) },
  plan: {
    allowed: READERS_AND_HOLDER,
    operation: () => ({ query: `query($name: String!) { plan(name: $name) { name lifetimeSold } }`, variables: { name: "pro" } }),
  },
  customers: {
    allowed: READERS,
    operation: () => ({ query: `{ customers(first: 5) { totalCount pageInfo { hasNextPage } edges { cursor node { id email } } } }` }),
  },
  customer: {
    allowed: READERS,
    operation: (fx) => ({
      query: `query($id: ID!) { customer(id: $id) { id email licenses { id } } }`,
      variables: { id: fx.theirs.customerId },
    }),
  },
  licenses: {
    allowed: READERS,
    operation: () => ({ query: `{ licenses(first: 5) { totalCount edges { node { id keyLast4 status } } } }` }),
  },
  license: {
    allowed: READERS_AND_HOLDER,
    operation: (fx, who) => ({
      query: `query($id: ID!) { license(id: $id) { id keyLast4 status } }`,
      variables: { id: who === "holder" ? fx.mine.id : fx.theirs.id },
    }),
  },
  licenseByKey: {
    allowed: READERS,
    operation: (fx) => ({ query: `query($key: String!) { licenseByKey(key: $key) { id } }`, variables: { key: fx.theirs.key } }),
  },
  usage: {
    allowed: READERS_AND_HOLDER,
    operation: (fx, who) => ({
      query: `query($id: ID!, $from: DateTimeISO!, $to: DateTimeISO!) { usage(licenseId: $id, from: $from, to: $to, groupBy: PROVIDER) { key requests } }`,
      variables: { id: who === "holder" ? fx.mine.id : fx.theirs.id, ...RANGE },
    }),
  },
  payments: { allowed: READERS, operation: () => ({ query: `{ payments(first: 5) { totalCount edges { node { id amount } } } }` }) },
  webhookEvents: {
    allowed: READERS,
    operation: () => ({ query: `{ webhookEvents(first: 5) { totalCount edges { node { id eventId status attempts lastError } } } }` }),
  },
  notifications: {
    allowed: ADMINS,
    operation: () => ({ query: `{ notifications(first: 5) { totalCount edges { node { id kind webhook { status attempts } } } } }` }),
  },
  billingSubscriptions: {
    allowed: READERS,
    operation: () => ({
      query: `{ billingSubscriptions(first: 5) { totalCount edges { node { id paddleSubscriptionId status mrrCents } } } }`,
    }),
  },
  paymentTotals: { allowed: READERS, operation: () => ({ query: `{ paymentTotals { currency count grossCents netCents } }` }) },
  analytics: { allowed: ADMINS, operation: () => ({ query: `{ analytics { currency mrrCents movements { new { count } } } }` }) },
  analyticsHistory: {
    allowed: ADMINS,
    operation: () => ({ query: `{ analyticsHistory(from: "2026-11-01", to: "2026-11-02") { date mrrCents } }` }),
  },
  activity: { allowed: READERS, operation: () => ({ query: `{ activity(first: 5) { totalCount edges { node { id action actor } } } }` }) },
  analyticsMonths: {
    allowed: ADMINS,
    operation: () => ({ query: `{ analyticsMonths(from: "2026-11-01", to: "2026-11-02") { month mrrCents } }` }),
  },
  cohortRetention: {
    allowed: ADMINS,
    operation: () => ({ query: `{ cohortRetention(from: "2026-10-01", to: "2026-11-02") { month customers retained { share } } }` }),
  },
  aiCostByPlan: {
    allowed: ADMINS,
    operation: () => ({ query: `{ aiCostByPlan(from: "2026-11-01T00:00:00Z", to: "2026-11-02T00:00:00Z") { plan costMicros } }` }),
  },
  licenseCounts: { allowed: READERS, operation: () => ({ query: `{ licenseCounts { plan status count } }` }) },
  licensesNearQuota: { allowed: READERS, operation: () => ({ query: `{ licensesNearQuota { requests license { id } } }` }) },
  licensesInGrace: { allowed: READERS, operation: () => ({ query: `{ licensesInGrace { id graceUntil } }` }) },
  admins: { allowed: OWNER, operation: () => ({ query: `{ admins { id name role } }` }) },
  providerKeys: { allowed: OWNER, operation: () => ({ query: `{ providerKeys { provider keyLast4 } }` }) },
  providerKeySources: { allowed: OWNER, operation: () => ({ query: `{ providerKeySources { provider keySource defaultModel } }` }) },
  backups: { allowed: OWNER, operation: () => ({ query: `{ backups { enabled nextAt files { name } } }` }) },
  validateLicense: {
    allowed: ["holder"],
    operation: () => ({ query: `{ validateLicense(siteUrl: "https://walk.example/") { valid code site { site newlyActivated } } }` }),
  },
};

const MUTATION_TABLE: Record<string, Expectation> = {
  createCustomer: {
    allowed: ADMINS,
    operation: () => ({
      query: `mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id email } }`,
      variables: { input: { email: `${unique("perm")}@example.com` } },
    }),
  },
  updateCustomer: {
    allowed: ADMINS,
    operation: async (fx, who) => ({
      query: `mutation($id: ID!) { updateCustomer(id: $id, input: { name: "Renamed" }) { id name } }`,
      variables: { id: await fx.customerFor(who) },
    }),
  },
  setCustomerStatus: {
    allowed: ADMINS,
    operation: async (fx, who) => ({
      query: `mutation($id: ID!) { setCustomerStatus(id: $id, status: suspended) { id status } }`,
      variables: { id: await fx.customerFor(who) },
    }),
  },
  issueLicense: {
    allowed: ADMINS,
    operation: async (fx, who) => ({
      query: `mutation($input: IssueLicenseInput!) { issueLicense(input: $input) { key license { id status } } }`,
      variables: { input: { customerId: await fx.customerFor(who), plan: "pro" } },
    }),
  },
  suspendLicense: {
    allowed: SUPPORT,
    operation: async (fx, who) => ({
      query: `mutation($id: ID!) { suspendLicense(id: $id, reason: "test") { id status } }`,
      variables: { id: await fx.licenseFor(who) },
    }),
  },
  reactivateLicense: {
    allowed: SUPPORT,
    operation: async (fx, who) => ({
      query: `mutation($id: ID!) { reactivateLicense(id: $id) { id status } }`,
      variables: { id: await fx.licenseFor(who, "suspended") },
    }),
  },
  cancelLicense: {
    allowed: ADMINS,
    operation: async (fx, who) => ({
      query: `mutation($id: ID!) { cancelLicense(id: $id) { id status } }`,
      variables: { id: await fx.licenseFor(who) },
    }),
  },
  changeLicensePlan: {
    allowed: ADMINS,
    operation: async (fx, who) => ({
      query: `mutation($id: ID!) { changeLicensePlan(id: $id, plan: "agency") { id plan { name } } }`,
      variables: { id: await fx.licenseFor(who) },
    }),
  },
  extendLicense: {
    allowed: ADMINS,
    operation: async (fx, who) => ({
      query: `mutation($id: ID!, $at: DateTimeISO) { extendLicense(id: $id, expiresAt: $at) { id expiresAt } }`,
      variables: { id: await fx.licenseFor(who), at: FUTURE },
    }),
  },
  rotateLicenseKey: {
    allowed: ADMINS,
    operation: async (fx, who) => ({
      query: `mutation($id: ID!) { rotateLicenseKey(id: $id) { key license { id keyLast4 } } }`,
      variables: { id: await fx.licenseFor(who) },
    }),
  },
  revealLicenseKey: {
    allowed: SUPPORT,
    operation: async (fx, who) => ({
      query: `mutation($id: ID!) { revealLicenseKey(id: $id) }`,
      variables: { id: await fx.licenseFor(who) },
    }),
  },
  updatePlan: {
    allowed: ADMINS,
    operation: () => ({ query: `mutation { updatePlan(name: "starter", input: { requestsPerHour: 7 }) { name requestsPerHour } }` }),
  },
  createAdminToken: {
    allowed: OWNER,
    operation: () => ({ query: `mutation { createAdminToken(input: { name: "walk", role: readonly }) { token admin { id role } } }` }),
  },
  revokeAdminToken: {
    allowed: OWNER,
    operation: async (fx) => {
      const { admin } = await fx.platform.services.admins.create(unique("victim"), AdminRole.readonly, SYSTEM_ACTOR);
      return { query: `mutation($id: ID!) { revokeAdminToken(id: $id) { id revokedAt } }`, variables: { id: admin._id.toHexString() } };
    },
  },
  removeActivation: {
    allowed: ADMINS,
    operation: async (fx, who) => ({
      query: `mutation($id: ID!) { removeActivation(licenseId: $id, site: "gone.example") }`,
      variables: { id: await fx.licenseFor(who) },
    }),
  },
  recordManualPayment: {
    allowed: ADMINS,
    operation: async (fx, who) => ({
      query: `mutation($input: RecordManualPaymentInput!) { recordManualPayment(input: $input) { id amountCents provider } }`,
      variables: { input: { customerId: await fx.customerFor(who), amountCents: 4900, currency: "EUR", note: "walk" } },
    }),
  },
  chat: {
    allowed: ["holder"],
    operation: () => ({
      query: `mutation { chat(input: { messages: [{ role: "user", content: "Hi" }] }) { text usage { tokens costMicros } } }`,
    }),
  },
  setProviderKey: {
    allowed: OWNER,
    operation: () => ({
      query: `mutation { setProviderKey(provider: "deepseek", apiKey: "sk-walk-0000000000000000") { provider keyLast4 } }`,
    }),
  },
  // One call of one output token to the local Anthropic stub (this platform's providers are stubs).
  testProviderKey: {
    allowed: OWNER,
    operation: () => ({ query: `mutation { testProviderKey(provider: "anthropic") { provider ok model latencyMs keySource message } }` }),
  },
  // This platform has no notification channel configured, so no worker sends what an allowed retry makes due.
  retryNotification: {
    allowed: ADMINS,
    operation: async (fx) => {
      const key = unique("walk");
      await fx.platform.services.models.Notification.create({
        kind: NotificationKind.payment_failed,
        idempotency_key: key,
        subject: "prepared",
        data: {},
        cause: "test",
        webhook: { status: DeliveryStatus.pending, attempts: 1, next_attempt_at: new Date(FUTURE), last_error: "prepared" },
        email: { status: DeliveryStatus.skipped, attempts: 0 },
      });
      const notification = await fx.platform.services.models.Notification.findOne({ idempotency_key: key }).lean().exec();
      return {
        query: `mutation($id: ID!) { retryNotification(id: $id) { id webhook { status } } }`,
        variables: { id: notification?._id.toHexString() },
      };
    },
  },
  // Last: an allowed retry leaves a pending event that the worker's timer processes later, after every snapshot.
  retryWebhookEvent: {
    allowed: ADMINS,
    operation: async (fx) => {
      // The previous case's event is processed now, not by the timer during this case's snapshot.
      await fx.platform.services.webhookProcessor.drain();
      const event = await fx.platform.services.models.WebhookEvent.create({
        event_id: unique("evt_walk"),
        event_type: "subscription.updated",
        payload: { event_type: "subscription.updated" },
        status: WebhookEventStatus.failed,
        attempts: 1,
        last_error: "prepared",
      });
      return { query: `mutation($id: ID!) { retryWebhookEvent(id: $id) { id status } }`, variables: { id: event._id.toHexString() } };
    },
  },
};

const TABLES = { Query: QUERY_TABLE, Mutation: MUTATION_TABLE } as const;

let platform: TestPlatform;
let fixture: Fixture;

beforeAll(async () => {
  // With local provider stubs, so that an allowed chat gets its whole answer.
  platform = await startAiPlatform();
  const { licenses } = await new SetupService(platform.services).sample();
  const keyOf = (plan: string): string => {
    const demo = licenses.find((license) => license.plan === plan);
    if (!demo) throw new Error(`no demo license on ${plan}`);
    return demo.key;
  };
  const load = async (key: string) => {
    const license = await platform.services.licenses.findByKey(key);
    if (!license) throw new Error("demo license not found");
    return license;
  };
  const mine = await load(keyOf("pro"));
  const theirs = await load(keyOf("agency"));
  const headers = { anonymous: {}, holder: licenseKeyHeader(keyOf("pro")) } as Record<Who, Record<string, string>>;
  for (const role of [AdminRole.readonly, AdminRole.support, AdminRole.admin, AdminRole.owner])
    headers[role] = bearer(await platform.token(role));
  const services = platform.services;
  fixture = {
    platform,
    headers,
    mine: { id: mine._id.toHexString(), key: keyOf("pro") },
    theirs: { id: theirs._id.toHexString(), key: keyOf("agency"), customerId: theirs.customer_id.toHexString() },
    async customerFor(who) {
      if (who === "holder") return mine.customer_id.toHexString();
      const customer = await services.customers.create({ email: `${unique("target")}@example.com` }, SYSTEM_ACTOR);
      return customer._id.toHexString();
    },
    async licenseFor(who, status) {
      if (who === "holder") return mine._id.toHexString();
      const customer = await services.customers.create({ email: `${unique("owner-of")}@example.com` }, SYSTEM_ACTOR);
      const { license } = await services.licenses.issue({ customerId: customer._id, plan: "pro" }, SYSTEM_ACTOR);
      if (status === "suspended") await services.licenses.suspend(license._id, "prepared", SYSTEM_ACTOR);
      return license._id.toHexString();
    },
  };
});

afterAll(async () => {
  await platform.stop();
});

describe("S1: the expectation table", () => {
  test("has an entry for every root field of the emitted schema, and none for fields that do not exist", async () => {
    const schema = await buildBareSchema();
    const rootTypes = { Query: schema.getQueryType(), Mutation: schema.getMutationType() };
    for (const [typeName, table] of Object.entries(TABLES)) {
      const type = rootTypes[typeName as keyof typeof rootTypes];
      if (!type) throw new Error(`the schema has no ${typeName} type`);
      const inSchema = Object.keys(type.getFields()).sort();
      const missing = inSchema.filter((field) => !(field in table));
      const stale = Object.keys(table).filter((field) => !inSchema.includes(field));
      if (missing.length > 0)
        throw new Error(`${typeName} fields without an expectation (add them to the table in this test): ${missing.join(", ")}`);
      if (stale.length > 0) throw new Error(`${typeName} fields in the table but not in the schema (remove them): ${stale.join(", ")}`);
    }
    // The subscription type, if one appears, needs a table too.
    expect(schema.getSubscriptionType()).toBeFalsy();
  });
});

describe.each(Object.entries(TABLES))("S1: %s fields called over HTTP by every principal", (typeName, table) => {
  const cases = Object.entries(table).flatMap(([field, expectation]) =>
    PRINCIPALS.map((who) => ({ field, who, expectation, allowed: expectation.allowed.includes(who) })),
  );

  test.each(cases)("$field as $who (allowed: $allowed)", async ({ field, who, expectation, allowed }) => {
    const operation = await expectation.operation(fixture, who);
    const isMutation = typeName === "Mutation";
    const before = isMutation && !allowed ? await snapshotDatabase(platform.db) : undefined;

    const response: GraphQLResponse<Record<string, unknown>> = await platform.graphql(
      operation.query,
      operation.variables,
      fixture.headers[who],
    );

    if (allowed) {
      // The operations are valid, so an allowed caller gets the whole answer: no error of any kind.
      const data = dataOf(response);
      expect(data[field]).toBeDefined();
      expect(data[field]).not.toBeNull();
      return;
    }
    const error = errorAt(response, [field], who === "anonymous" ? "UNAUTHENTICATED" : "FORBIDDEN");
    expect(error.path).toEqual([field]);
    expect(response.data?.[field] ?? null).toBeNull();
    expect(response.status).toBe(who === "anonymous" ? 401 : 200);
    if (before) expect(await snapshotDatabase(platform.db)).toEqual(before);
  });
});

describe("S1: a field without a rule is denied (fallbackRule: deny)", () => {
  test("a new root field and a new type, absent from the permission map, are FORBIDDEN even to the owner", async () => {
    const bare = await buildBareSchema();
    const extended = extendSchema(
      bare,
      parse(`extend type Query { unlisted: String unlistedThing: Unlisted } type Unlisted { secret: String }`),
    );
    const schema = applyMiddleware(extended, permissions);
    const { admin } = await platform.services.admins.create("fallback", AdminRole.owner, SYSTEM_ACTOR);
    const contextValue = { principal: { kind: "admin", admin, role: AdminRole.owner }, services: platform.services };
    const rootValue = { unlisted: "leaked", unlistedThing: { secret: "leaked" } };

    const result = await execute({
      schema,
      document: parse(`{ unlisted unlistedThing { secret } viewer { kind } }`),
      rootValue,
      contextValue,
    });

    expect(result.data).toEqual({ unlisted: null, unlistedThing: null, viewer: { kind: "admin" } });
    expect(result.errors?.map((error) => [error.path?.join("."), error.extensions.code]).sort()).toEqual([
      ["unlisted", "FORBIDDEN"],
      ["unlistedThing", "FORBIDDEN"],
    ]);
    expect(JSON.stringify(result)).not.toContain("leaked");
  });

  test("a resolver of a denied root field never runs", async () => {
    const bare = await buildBareSchema();
    const extended = extendSchema(bare, parse(`extend type Mutation { unlistedWrite: Boolean }`));
    let ran = false;
    const resolve: GraphQLFieldResolver<unknown, unknown> = () => {
      ran = true;
      return true;
    };
    const mutationType = extended.getMutationType();
    if (!mutationType) throw new Error("no Mutation type");
    mutationType.getFields().unlistedWrite.resolve = resolve;
    const schema = applyMiddleware(extended, permissions);
    const { admin } = await platform.services.admins.create("fallback-write", AdminRole.owner, SYSTEM_ACTOR);

    const result = await execute({
      schema,
      document: parse(`mutation { unlistedWrite }`),
      contextValue: { principal: { kind: "admin", admin, role: AdminRole.owner } },
    });

    expect(result.errors?.[0]?.extensions.code).toBe("FORBIDDEN");
    expect(ran).toBe(false);
  });
});

describe("S2: every object type has a rule", () => {
  test("each non-introspection object type is in the permission map, with '*' or every field; Query and Mutation list every field", async () => {
    const schema = await buildBareSchema();
    const map: Record<string, Record<string, unknown>> = permissionMap;
    const problems: string[] = [];
    const objectTypes = Object.values(schema.getTypeMap()).filter((type) => !isIntrospectionType(type) && isObjectType(type));
    for (const type of objectTypes) {
      if (!isObjectType(type)) continue;
      const rules = map[type.name];
      const fields = Object.keys(type.getFields());
      if (!rules) {
        problems.push(`${type.name}: no entry in permissionMap`);
        continue;
      }
      const explicitOnly = type.name === "Query" || type.name === "Mutation";
      if (explicitOnly && "*" in rules) problems.push(`${type.name}: uses "*" (root fields must each be listed)`);
      if (explicitOnly || !("*" in rules)) {
        for (const field of fields) if (!(field in rules)) problems.push(`${type.name}.${field}: no rule`);
      }
      for (const key of Object.keys(rules))
        if (key !== "*" && !fields.includes(key)) problems.push(`${type.name}.${key}: rule for a field that does not exist`);
    }
    const typeNames = objectTypes.map((type) => type.name);
    for (const name of Object.keys(map))
      if (!typeNames.includes(name)) problems.push(`${name}: in permissionMap but not an object type of the schema`);
    expect(problems).toEqual([]);
    // Sanity: the walk saw the types it must see.
    expect(typeNames).toEqual(
      expect.arrayContaining(["Query", "Mutation", "License", "Customer", "AdminToken", "IssuedLicense", "CreatedAdminToken"]),
    );
  });
});

describe("S3: ownership is decided per object, never cached across a request", () => {
  const twoLicenses = `query($mine: ID!, $theirs: ID!) { own: license(id: $mine) { keyLast4 } other: license(id: $theirs) { keyLast4 } }`;
  const twoLicensesReversed = `query($mine: ID!, $theirs: ID!) { other: license(id: $theirs) { keyLast4 } own: license(id: $mine) { keyLast4 } }`;

  test("a holder asking for its own license and another one in one request gets its own and FORBIDDEN for the other", async () => {
    const response = await platform.graphql<{ own: { keyLast4: string } | null; other: unknown }>(
      twoLicenses,
      { mine: fixture.mine.id, theirs: fixture.theirs.id },
      fixture.headers.holder,
    );

    errorAt(response, ["other"], "FORBIDDEN");
    expect(response.data?.other ?? null).toBeNull();
    expect(response.data?.own).toEqual({ keyLast4: fixture.mine.key.slice(-4) });
  });

  test.each([
    ["own first", twoLicenses],
    ["other first", twoLicensesReversed],
  ])("the other license stays FORBIDDEN and unseen whatever the order (%s)", async (_order, query) => {
    const response = await platform.graphql(query, { mine: fixture.mine.id, theirs: fixture.theirs.id }, fixture.headers.holder);

    errorAt(response, ["other"], "FORBIDDEN");
    expect((response.data as Record<string, unknown> | null | undefined)?.other ?? null).toBeNull();
    expect(JSON.stringify(response)).not.toContain(fixture.theirs.key.slice(-4));
    expect(response.errors?.some((error) => error.path?.[0] === "own")).toBe(false);
  });

  test("a holder cannot read another license's usage, even next to its own", async () => {
    const response = await platform.graphql(
      `query($mine: ID!, $theirs: ID!, $from: DateTimeISO!, $to: DateTimeISO!) {
        own: usage(licenseId: $mine, from: $from, to: $to) { key } other: usage(licenseId: $theirs, from: $from, to: $to) { key } }`,
      { mine: fixture.mine.id, theirs: fixture.theirs.id, ...RANGE },
      fixture.headers.holder,
    );
    errorAt(response, ["other"], "FORBIDDEN");
    expect(response.errors?.some((error) => error.path?.[0] === "own")).toBe(false);
  });

  test("a holder cannot read its license's customer", async () => {
    const response = await platform.graphql<{ viewer: { license: unknown } }>(
      `{ viewer { license { id customer { email } } } }`,
      {},
      fixture.headers.holder,
    );

    errorAt(response, ["viewer", "license", "customer"], "FORBIDDEN");
    expect(JSON.stringify(response)).not.toContain("@");
  });

  test("a holder reads its license's activations, usage summary and plan", async () => {
    const response = await platform.graphql<{
      viewer: {
        kind: string;
        license: { id: string; activations: Array<{ site: string }>; usageSummary: { requests: number }; plan: { name: string } };
      };
    }>(`{ viewer { kind license { id activations { site } usageSummary { requests } plan { name } } } }`, {}, fixture.headers.holder);
    const { viewer } = dataOf(response);
    expect(viewer.kind).toBe("license");
    expect(viewer.license.id).toBe(fixture.mine.id);
    expect(viewer.license.plan.name).toBe("pro");
    expect(viewer.license.activations.length).toBeGreaterThan(0);
    expect(viewer.license.usageSummary.requests).toBeGreaterThanOrEqual(0);
  });

  test("a support admin reads its own token through viewer, but not the list of tokens", async () => {
    const response = await platform.graphql(`{ viewer { role admin { role } } admins { id } }`, {}, fixture.headers.support);
    expect(response.data ?? null).toBeNull(); // admins is non-null, so its denial nulls the whole answer
    errorAt(response, ["admins"], "FORBIDDEN");
    const own = dataOf(
      await platform.graphql<{ viewer: { role: string; admin: { role: string } } }>(
        `{ viewer { role admin { role } } }`,
        {},
        fixture.headers.support,
      ),
    );
    expect(own.viewer).toEqual({ role: "support", admin: { role: "support" } });
  });
});

describe("invalid credentials are refused with 401, never treated as anonymous", () => {
  test("an unknown, well-formed admin token", async () => {
    expectUnauthenticated(await platform.graphql(`{ viewer { kind } }`, {}, bearer(`chk_o_${"A".repeat(32)}`)));
  });

  test("a revoked admin token", async () => {
    const { token, admin } = await platform.services.admins.create("to revoke", AdminRole.owner, SYSTEM_ACTOR);
    expect(dataOf(await platform.graphql(`{ viewer { kind } }`, {}, bearer(token)))).toEqual({ viewer: { kind: "admin" } });
    await platform.services.admins.revoke(admin._id, SYSTEM_ACTOR);
    expectUnauthenticated(await platform.graphql(`{ viewer { kind } }`, {}, bearer(token)));
  });

  test("an unknown license key", async () => {
    expectUnauthenticated(await platform.graphql(`{ viewer { kind } }`, {}, licenseKeyHeader("CHA-00000000-00000000-00000000-00000000")));
  });

  test("both an admin token and a license key", async () => {
    const response = await platform.graphql(`{ viewer { kind } }`, {}, { ...fixture.headers.owner, ...fixture.headers.holder });
    expectUnauthenticated(response);
  });

  test.each([
    ["Bearer without a token", "Bearer"],
    ["another scheme", `Basic ${Buffer.from("owner:secret").toString("base64")}`],
    ["two tokens", "Bearer chk_o_aaaa chk_o_bbbb"],
    ["a token of the wrong shape", "Bearer not-a-token"],
  ])("a malformed Authorization header (%s)", async (_case, authorization) => {
    expectUnauthenticated(await platform.graphql(`{ viewer { kind } }`, {}, { authorization }));
  });

  test("anonymous callers get only viewer", async () => {
    expect(dataOf(await platform.graphql(`{ viewer { kind role license { id } admin { id } } }`))).toEqual({
      viewer: { kind: "anonymous", role: null, license: null, admin: null },
    });
  });
});
