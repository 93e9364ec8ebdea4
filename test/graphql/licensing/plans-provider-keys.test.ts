import { buildBareSchema } from "../../../src/graphql/schema";
import { AdminRole } from "../../../src/modules/admins/admin.model";
import { bearer, startTestPlatform, type TestPlatform } from "../../support/platform";
import { activityOf, adminIdOf, dataOf, expectFieldError } from "../../support/graphql-assertions";
import { dumpDatabase } from "../../support/fixtures";

/** updatePlan (limits, audited) and the platform's provider keys (encrypted, last 4 only). */

const PLAN_FIELDS = `name monthlyRequests requestsPerMinute requestsPerHour monthlyBudgetMicros monthlyBudgetEur maxSites maxTokens allowedModels { provider models } isActive priceCents`;
const UPDATE = `mutation($name: String!, $input: UpdatePlanInput!) { updatePlan(name: $name, input: $input) { ${PLAN_FIELDS} } }`;
const SET_KEY = `mutation($provider: String!, $apiKey: String!) { setProviderKey(provider: $provider, apiKey: $apiKey) { provider keyLast4 isActive } }`;

interface PlanView {
  name: string;
  monthlyRequests: number;
  maxSites: number;
  maxTokens: number;
  monthlyBudgetMicros: number;
  monthlyBudgetEur: string;
  allowedModels: Array<{ provider: string; models: string[] }>;
  [field: string]: unknown;
}

let platform: TestPlatform;
let owner: Record<string, string>;
let admin: Record<string, string>;

beforeAll(async () => {
  platform = await startTestPlatform();
  owner = bearer(await platform.token(AdminRole.owner));
  admin = bearer(await platform.token(AdminRole.admin));
});

afterAll(async () => {
  await platform.stop();
});

async function readPlan(name: string): Promise<PlanView> {
  return dataOf(
    await platform.graphql<{ plan: PlanView }>(`query($name: String!) { plan(name: $name) { ${PLAN_FIELDS} } }`, { name }, admin),
  ).plan;
}

describe("updatePlan", () => {
  test("changes only the limits given; they read back; the change is audited with the actor", async () => {
    const before = await readPlan("agency");
    const input = {
      monthlyRequests: 1234,
      maxSites: 7,
      monthlyBudgetMicros: 12_500_000,
      allowedModels: [
        { provider: "openai", models: ["gpt-4o", "gpt-4o-mini"] },
        { provider: "anthropic", models: [] },
      ],
    };

    const updated = dataOf(await platform.graphql<{ updatePlan: PlanView }>(UPDATE, { name: "agency", input }, admin)).updatePlan;

    const expected = { ...before, ...input, monthlyBudgetEur: "12.50" };
    expect(updated).toEqual(expected);
    expect(await readPlan("agency")).toEqual(expected);
    const [entry] = await activityOf(platform, admin, { action: "plan.updated" });
    expect(entry).toEqual({
      action: "plan.updated",
      actor: `admin:${await adminIdOf(platform, admin)}`,
      details: {
        plan: "agency",
        changes: {
          monthly_requests: 1234,
          max_sites: 7,
          monthly_budget_micros: 12_500_000,
          allowed_models: { openai: ["gpt-4o", "gpt-4o-mini"], anthropic: [] },
        },
      },
    });
  });

  test.each([
    { what: "a negative monthlyRequests", input: { monthlyRequests: -1 } },
    { what: "maxSites below -1", input: { maxSites: -2 } },
    { what: "maxTokens 0", input: { maxTokens: 0 } },
    { what: "an unknown provider in allowedModels", input: { allowedModels: [{ provider: "mistral", models: ["x"] }] } },
  ])("$what is BAD_USER_INPUT and changes nothing", async ({ input }) => {
    const before = await readPlan("pro");
    expectFieldError(
      await platform.graphql(UPDATE, { name: "pro", input }, admin),
      "updatePlan",
      "BAD_USER_INPUT",
      /^Invalid input: |maxSites/,
    );
    expect(await readPlan("pro")).toEqual(before);
  });

  test("an unknown plan is NOT_FOUND", async () => {
    expectFieldError(
      await platform.graphql(UPDATE, { name: "platinum", input: { monthlyRequests: 1 } }, admin),
      "updatePlan",
      "NOT_FOUND",
      /Plan "platinum" not found/,
    );
  });

  test("a retired plan leaves the plans list but stays readable with includeInactive", async () => {
    dataOf(await platform.graphql(UPDATE, { name: "starter", input: { isActive: false } }, admin));
    const onSale = dataOf(await platform.graphql<{ plans: Array<{ name: string }> }>(`{ plans { name } }`, {}, admin)).plans.map(
      (plan) => plan.name,
    );
    const all = dataOf(
      await platform.graphql<{ plans: Array<{ name: string }> }>(`{ plans(includeInactive: true) { name } }`, {}, admin),
    ).plans.map((plan) => plan.name);
    dataOf(await platform.graphql(UPDATE, { name: "starter", input: { isActive: true } }, admin));
    expect(onSale).not.toContain("starter");
    expect(all).toContain("starter");
  });
});

describe("provider keys", () => {
  const apiKey = "sk-test-1234567890abcd";

  test("setProviderKey as owner returns the last 4 characters; the database holds no plaintext; audited with last 4 only", async () => {
    const saved = dataOf(
      await platform.graphql<{ setProviderKey: { provider: string; keyLast4: string; isActive: boolean } }>(
        SET_KEY,
        { provider: "openai", apiKey },
        owner,
      ),
    ).setProviderKey;

    expect(saved).toEqual({ provider: "openai", keyLast4: "abcd", isActive: true });
    const dump = await dumpDatabase(platform.db);
    expect(dump).not.toContain(apiKey);
    expect(dump).not.toContain("1234567890");
    const stored = await platform.services.models.ApiKey.findOne({ provider: "openai" }).lean().exec();
    expect(stored?.key_last4).toBe("abcd");
    expect(platform.services.secrets.decrypt(stored?.key_encrypted ?? "")).toBe(apiKey);
    const [entry] = await activityOf(platform, owner, { action: "provider_key.set" });
    expect(entry).toEqual({
      action: "provider_key.set",
      actor: `admin:${await adminIdOf(platform, owner)}`,
      details: { provider: "openai", keyLast4: "abcd" },
    });
  });

  test("providerKeys lists last 4 only: the type has no field that could carry the key", async () => {
    dataOf(await platform.graphql(SET_KEY, { provider: "anthropic", apiKey: "sk-ant-api03-zzzzzzzzzzzz9876" }, owner));

    const listed = dataOf(
      await platform.graphql<{ providerKeys: Array<Record<string, unknown>> }>(
        `{ providerKeys { provider keyLast4 isActive usageCount lastUsed updatedAt } }`,
        {},
        owner,
      ),
    ).providerKeys;

    expect(listed.map((key) => [key.provider, key.keyLast4])).toEqual([
      ["anthropic", "9876"],
      ["openai", "abcd"],
    ]);
    expect(JSON.stringify(listed)).not.toContain("sk-");
    const schema = await buildBareSchema();
    const type = schema.getType("ProviderKey");
    if (!type || !("getFields" in type)) throw new Error("no ProviderKey type");
    expect(Object.keys(type.getFields()).sort()).toEqual(["isActive", "keyLast4", "lastUsed", "provider", "updatedAt", "usageCount"]);
  });

  test("setting a provider's key again replaces it (one document per provider)", async () => {
    dataOf(await platform.graphql(SET_KEY, { provider: "deepseek", apiKey: "sk-deepseek-first-1111" }, owner));
    dataOf(await platform.graphql(SET_KEY, { provider: "deepseek", apiKey: "sk-deepseek-second-2222" }, owner));
    const stored = await platform.services.models.ApiKey.find({ provider: "deepseek" }).lean().exec();
    expect(stored.map((key) => key.key_last4)).toEqual(["2222"]);
    expect(platform.services.secrets.decrypt(stored[0].key_encrypted)).toBe("sk-deepseek-second-2222");
  });

  test.each([
    { what: "an unknown provider", provider: "mistral", key: apiKey, message: /provider must be one of openai, anthropic, deepseek/ },
    { what: "a key that is too short", provider: "openai", key: "sk-1", message: /apiKey must be 8 to 500 characters/ },
  ])("$what is BAD_USER_INPUT and stores nothing", async ({ provider, key, message }) => {
    const before = await platform.services.models.ApiKey.find({}).lean().exec();
    expectFieldError(await platform.graphql(SET_KEY, { provider, apiKey: key }, owner), "setProviderKey", "BAD_USER_INPUT", message);
    expect(await platform.services.models.ApiKey.find({}).lean().exec()).toEqual(before);
  });
});
