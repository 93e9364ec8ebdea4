import { AdminRole } from "../../src/modules/admins/admin.model";
import { bearer, startTestPlatform, type GraphQLResponse, type TestPlatform } from "../support/platform";
import { describeCommands, startMonitoredPlatform, type MonitoredPlatform } from "../support/monitored-platform";

// Issue item 5 (reliability.md G1–G6): documents that are too deep, too wide or too expensive are refused before
// any resolver runs; batches and CSRF-able requests are refused; production hides the schema.

type ErrorList = NonNullable<GraphQLResponse["errors"]>;

const codes = (errors: ErrorList | undefined): unknown[] => (errors ?? []).map((error) => error.extensions?.code);
const messages = (errors: ErrorList | undefined): string => (errors ?? []).map((error) => error.message).join(" | ");

/** A chain of 10 nested fields (each level a field with a selection, the last a leaf), cheap enough for the cost limit. */
const DEPTH_10 = `{ payments(first: 1) { edges { node { license { customer { licenses { customer { licenses { plan { name } } } } } } } } } }`;
/** The same chain one level deeper. */
const DEPTH_11 = `{ payments(first: 1) { edges { node { license { customer { licenses { customer { licenses { plan { allowedModels { provider } } } } } } } } } } }`;

function aliasesOfPlans(count: number): string {
  return `{ ${Array.from({ length: count }, (_, i) => `p${i}: plans { name }`).join(" ")} }`;
}

const EXPENSIVE = `{ customers(first: 100) { edges { node { licenses { activations { site } } } } } }`;
const EXPENSIVE_WITH_VARIABLE = `query ($first: Int) { customers(first: $first) { edges { node { licenses { activations { site } } } } } }`;
const NORMAL = `{ customers(first: 20) { edges { node { email licenses { status plan { name } activations { site } } } } } }`;

describe("query limits (G4, G5, G6)", () => {
  let platform: MonitoredPlatform;
  let reader: Record<string, string>;

  beforeAll(async () => {
    platform = await startMonitoredPlatform();
    reader = bearer(await platform.token(AdminRole.readonly));
    // Stamp the token's last use now, so later requests by it only look it up.
    await platform.graphql("{ viewer { kind } }", undefined, reader);
  });
  afterAll(() => platform.stop());

  /** Sends a document and returns the response with the database commands it caused. */
  async function send(query: string, headers: Record<string, string> = {}, variables?: Record<string, unknown>) {
    const { result, commands } = await platform.commands.during(() => platform.graphql(query, variables, headers));
    return { ...result, commands };
  }

  /** Refused at validation: a 400 with no data (so nothing was executed) and a message naming the limit. */
  function expectRefused(response: GraphQLResponse, message: RegExp): void {
    expect(response.status).toBe(400);
    expect(response.data).toBeUndefined();
    expect(messages(response.errors)).toMatch(message);
  }

  it.each([
    ["depth", DEPTH_11],
    ["aliases", aliasesOfPlans(16)],
    ["cost", EXPENSIVE],
  ])("answers a refusal by the %s limit with extensions.code QUERY_TOO_COMPLEX (as limits.ts raises it)", async (_limit, query) => {
    const response = await send(query, reader);
    expect(response.status).toBe(400);
    expect(codes(response.errors)).toEqual(["QUERY_TOO_COMPLEX"]);
  });

  describe("depth", () => {
    it("refuses a document nested 11 levels deep (400) without a single database command", async () => {
      const response = await send(DEPTH_11);
      expect(describeCommands(response.commands)).toBe("");
      expectRefused(response, /nested 11 levels deep; the limit is 10/);
    });

    it("runs only the token lookup for an authenticated caller, nothing the document asks for", async () => {
      const response = await send(DEPTH_11, reader);
      expect(response.commands.every((command) => command.collection === "admins")).toBe(true);
      expectRefused(response, /nested 11 levels deep/);
    });

    it("accepts a document nested exactly 10 levels deep", async () => {
      const response = await send(DEPTH_10, reader);
      expect(response.errors).toBeUndefined();
      expect(response.status).toBe(200);
    });
  });

  describe("aliases", () => {
    it("refuses 16 aliases of one field before execution", async () => {
      const response = await send(aliasesOfPlans(16), reader);
      expectRefused(response, /16 aliases; the limit is 15/);
      expect(response.commands.every((command) => command.collection === "admins")).toBe(true);
    });

    it("accepts 15 aliases", async () => {
      const response = await send(aliasesOfPlans(15), reader);
      expect(response.errors).toBeUndefined();
      expect(Object.keys(response.data ?? {})).toHaveLength(15);
    });

    it("counts aliases hidden in fragments", async () => {
      const fragment = `fragment F on Query { ${Array.from({ length: 8 }, (_, i) => `f${i}: plans { name }`).join(" ")} }`;
      const response = await send(
        `{ ...F a: plans { name } b: plans { name } c: plans { name } d: plans { name } e: plans { name } g: plans { name } h: plans { name } i: plans { name } } ${fragment}`,
        reader,
      );
      expectRefused(response, /16 aliases/);
    });
  });

  describe("cost", () => {
    it("refuses 100 customers × their licenses × their activations", async () => {
      const response = await send(EXPENSIVE, reader);
      expectRefused(response, /too expensive/);
      expect(response.commands.every((command) => command.collection === "admins")).toBe(true);
    });

    it("prices a page size given as a variable like the same page size written inline", async () => {
      // The validation rule sees no variable values; a `first: $first` must not be priced as the default page of 20.
      const response = await send(EXPENSIVE_WITH_VARIABLE, reader, { first: 100 });
      expect(response.commands.filter((command) => command.collection !== "admins")).toEqual([]);
      expectRefused(response, /too expensive/);
    });

    it("lets a normal dashboard query through", async () => {
      const response = await send(NORMAL, reader);
      expect(response.errors).toBeUndefined();
      expect(response.status).toBe(200);
    });
  });

  describe("page size (G6)", () => {
    it.each([101, 0, -1])("refuses first: %i without reading a page", async (first) => {
      const response = await send(`{ customers(first: ${first}) { edges { node { id } } } }`, reader);
      expect(response.data).toBeNull();
      expect(codes(response.errors)).toEqual(["BAD_USER_INPUT"]);
      expect(messages(response.errors)).toMatch(/first must be between 1 and 100/);
      expect(response.commands.filter((command) => command.collection === "customers")).toEqual([]);
    });

    it("refuses first: 100000 already as too expensive, before execution", async () => {
      const response = await send(`{ customers(first: 100000) { edges { node { id } } } }`, reader);
      expectRefused(response, /too expensive/);
      expect(response.commands.filter((command) => command.collection === "customers")).toEqual([]);
    });

    it("refuses first: 101 given as a variable", async () => {
      const response = await send(`query ($first: Int) { customers(first: $first) { edges { node { id } } } }`, reader, { first: 101 });
      expect(codes(response.errors)).toEqual(["BAD_USER_INPUT"]);
      expect(response.commands.filter((command) => command.collection === "customers")).toEqual([]);
    });

    it("accepts first: 100", async () => {
      const response = await send(`{ customers(first: 100) { edges { node { id } } } }`, reader);
      expect(response.errors).toBeUndefined();
    });
  });
});

describe("HTTP-level protection (G2, G3)", () => {
  let platform: TestPlatform;
  let url: string;
  let reader: Record<string, string>;

  beforeAll(async () => {
    platform = await startTestPlatform();
    url = `${platform.baseUrl}/graphql`;
    reader = bearer(await platform.token(AdminRole.readonly));
  });
  afterAll(() => platform.stop());

  it("refuses a JSON-array batch with 400", async () => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...reader },
      body: JSON.stringify([{ query: "{ plans { name } }" }, { query: "{ plans { name } }" }]),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).not.toMatch(/"plans"/);
  });

  it("refuses a GET without content-type or preflight header as CSRF (400)", async () => {
    const response = await fetch(`${url}?query=${encodeURIComponent("{ plans { name } }")}`, { headers: reader });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/Cross-Site Request Forgery/);
  });

  it("refuses a POST with content-type text/plain as CSRF (400)", async () => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "text/plain", ...reader },
      body: JSON.stringify({ query: "{ plans { name } }" }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/Cross-Site Request Forgery/);
  });

  it("answers a GET query carrying apollo-require-preflight", async () => {
    const response = await fetch(`${url}?query=${encodeURIComponent("{ plans { name } }")}`, {
      headers: { "apollo-require-preflight": "true", ...reader },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as GraphQLResponse<{ plans: Array<{ name: string }> }>;
    expect(body.data?.plans.map((plan) => plan.name)).toContain("pro");
  });

  it("refuses a mutation over GET and changes nothing", async () => {
    const owner = bearer(await platform.token(AdminRole.owner));
    const mutation = `mutation { createCustomer(input: { email: "via-get@example.com" }) { id } }`;
    const response = await fetch(`${url}?query=${encodeURIComponent(mutation)}`, {
      headers: { "apollo-require-preflight": "true", ...owner },
    });
    expect(response.status).toBe(405);
    expect(await platform.services.models.Customer.countDocuments({ email: "via-get@example.com" })).toBe(0);
  });
});

describe("production mode (G1)", () => {
  const INTROSPECTION = `{ __schema { queryType { name } types { name } } }`;

  describe("with introspection left at its production default", () => {
    let platform: TestPlatform;
    let reader: Record<string, string>;

    beforeAll(async () => {
      platform = await startTestPlatform({ env: { NODE_ENV: "production", GRAPHQL_INTROSPECTION: "" } });
      reader = bearer(await platform.token(AdminRole.readonly));
    });
    afterAll(() => platform.stop());

    it("refuses introspection", async () => {
      const response = await platform.graphql(INTROSPECTION, undefined, reader);
      expect(response.status).toBe(400);
      expect(response.data).toBeUndefined();
      expect(messages(response.errors)).toMatch(/introspection/i);
      expect(codes(response.errors)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    });

    it("refuses __type lookups too", async () => {
      const response = await platform.graphql(`{ __type(name: "License") { fields { name } } }`, undefined, reader);
      expect(response.status).toBe(400);
      expect(JSON.stringify(response)).not.toMatch(/keyLast4/);
    });

    it("gives no 'Did you mean' hint for a typo", async () => {
      const response = await platform.graphql(`{ plan(name: "pro") { nmae } }`, undefined, reader);
      expect(response.status).toBe(400);
      expect(messages(response.errors)).toMatch(/nmae/);
      expect(messages(response.errors)).not.toMatch(/Did you mean/i);
      expect(JSON.stringify(response)).not.toMatch(/"name"/);
    });

    it("sends no stacktrace with any kind of error", async () => {
      const responses: unknown[] = [
        await platform.graphql(`{ plan(name: "pro") { nmae } }`, undefined, reader),
        await platform.graphql(`{ plans { name `, undefined, reader),
        await platform.graphql(`{ plans { name } }`),
        await platform.graphql(`{ customer(id: "nope") { id } }`, undefined, reader),
        await platform.graphql(`{ plans { name } }`, undefined, { authorization: "Bearer chk_o_wrongwrongwrongwrongwrongwrongwr" }),
        await (await fetch(`${platform.baseUrl}/graphql?query=${encodeURIComponent("{ plans { name } }")}`)).json(),
      ];
      for (const response of responses) expect(JSON.stringify(response)).not.toMatch(/stacktrace|node_modules|\.ts:\d+/);
    });
  });

  describe("with GRAPHQL_INTROSPECTION=true", () => {
    let platform: TestPlatform;

    beforeAll(async () => {
      platform = await startTestPlatform({ env: { NODE_ENV: "production", GRAPHQL_INTROSPECTION: "true" } });
    });
    afterAll(() => platform.stop());

    it("answers introspection again", async () => {
      const response = await platform.graphql<{ __schema: { queryType: { name: string }; types: Array<{ name: string }> } }>(INTROSPECTION);
      expect(response.errors).toBeUndefined();
      expect(response.data?.__schema.queryType.name).toBe("Query");
      expect(response.data?.__schema.types.map((type) => type.name)).toContain("License");
    });

    it("and gives 'Did you mean' hints, as the schema is public anyway", async () => {
      const reader = bearer(await platform.token(AdminRole.readonly));
      const response = await platform.graphql(`{ plan(name: "pro") { nmae } }`, undefined, reader);
      expect(messages(response.errors)).toMatch(/Did you mean "name"/);
    });
  });
});
