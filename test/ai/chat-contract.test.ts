import type { mongoose } from "@typegoose/typegoose";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import { CustomerStatus } from "../../src/modules/customers/customer.model";
import { LicenseStatus } from "../../src/modules/licenses/license.model";
import type { Plan } from "../../src/modules/plans/plan.model";
import { activationCounts, newCustomer, newLicense, newPlan, setLicense } from "../support/fixtures";
import { http, JSON_CONTENT_TYPE, type HttpResult, type Json, type RequestOptions } from "../support/http";
import { BUDGET, HOUR, MINUTE, MONTHLY } from "../support/ai-limit-bodies";
import { startAiPlatform, type AiPlatform } from "../support/ai-platform";
import { PINNED_INSTANT } from "../support/clock";
import type { ProviderStub } from "../support/ai-stubs";

// POST /api/chat, everything but streaming: plugin contract §6.4 (checks table rows 1, 2, 3, 5-18 and their order),
// §1.2 bodies, §1.5 throttle, §1.7 body size, §2.4 license check, §4 usage/limits/cost, §5 sites.
//
// `p` is the platform most tests use (throttle off, every provider configured, the default 30 s timeout).
// `q` is a second one for what needs other settings: THROTTLE on (row 2), no Anthropic key (row 16) and a 300 ms
// provider timeout (row 17, "hang"). Tests on `q` use fresh licenses, so its throttle never gets in their way.
let p: AiPlatform;
let q: AiPlatform;
beforeAll(async () => {
  [p, q] = await Promise.all([
    startAiPlatform(),
    startAiPlatform({ env: { THROTTLE: "on", ANTHROPIC_API_KEY: "", AI_TIMEOUT_MS: "300" } }),
  ]);
});
afterAll(async () => {
  await Promise.all([p?.stop(), q?.stop()]);
});
beforeEach(() => {
  for (const platform of [p, q]) for (const stub of stubsOf(platform)) stub.reset();
});

const stubsOf = (platform: AiPlatform): ProviderStub[] => [platform.stubs.openai, platform.stubs.anthropic, platform.stubs.deepseek];
const stubRequests = (platform: AiPlatform): number => stubsOf(platform).reduce((sum, stub) => sum + stub.requests.length, 0);

const HI = [{ role: "user", content: "Hi" }];
const chat = (key: string | undefined, json?: unknown, options: RequestOptions = {}, platform: AiPlatform = p): Promise<HttpResult> =>
  http(platform.baseUrl, "POST", "/api/chat", {
    ...(key === undefined ? {} : { key }),
    ...(json === undefined ? {} : { json }),
    ...options,
  });

/** A license on a plan of its own (a copy of pro with these changes). */
async function licenseOn(
  overrides: Partial<Omit<Plan, "_id">>,
  platform: AiPlatform = p,
): Promise<{ key: string; licenseId: mongoose.Types.ObjectId; plan: Plan }> {
  const plan = await newPlan(platform, overrides);
  const customer = await newCustomer(platform);
  const { key, license } = await platform.services.licenses.issue({ customerId: customer._id, plan: plan.name }, SYSTEM_ACTOR);
  return { key, licenseId: license._id, plan };
}

/** The quota state of a license, window-agnostic (sums over every month / hour / minute counter), and its usage logs. */
async function tally(licenseId: mongoose.Types.ObjectId, platform: AiPlatform = p) {
  const counters = await platform.services.models.UsageCounter.find({ license_id: licenseId }).lean().exec();
  const sum = (prefix: string, field: "requests" | "cost_micros" | "reserved_micros" | "tokens" | "calls"): number =>
    counters.filter((c) => c.window.startsWith(prefix)).reduce((total, c) => total + (c[field] ?? 0), 0);
  const logs = await platform.services.models.UsageLog.countDocuments({ license_id: licenseId }).exec();
  return {
    month: {
      requests: sum("m:", "requests"),
      cost_micros: sum("m:", "cost_micros"),
      reserved_micros: sum("m:", "reserved_micros"),
      tokens: sum("m:", "tokens"),
      calls: sum("m:", "calls"),
      pending: counters.filter((c) => c.window.startsWith("m:")).reduce((total, c) => total + (c.pending ?? []).length, 0),
    },
    hour: sum("h:", "requests"),
    minute: sum("i:", "requests"),
    logs,
  };
}

async function logsOf(licenseId: mongoose.Types.ObjectId, platform: AiPlatform = p) {
  return platform.services.models.UsageLog.find({ license_id: licenseId }).sort({ _id: 1 }).lean().exec();
}

/** The limit rows' clock stands still at this instant (see test/support/clock.ts). */
const PINNED = PINNED_INSTANT;

/** Asserts a Retry-After header of the whole seconds from the pinned instant until `end`. */
function expectRetryAfter(response: HttpResult, end: (at: Date) => Date): void {
  expect(response.headers.get("retry-after")).toBe(String(Math.ceil((end(new Date(PINNED)).getTime() - PINNED) / 1000)));
}
const nextMonth = (at: Date): Date => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
const nextMinute = (at: Date): Date => new Date(Math.floor(at.getTime() / 60_000) * 60_000 + 60_000);
const nextHour = (at: Date): Date => new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000 + 3_600_000);

const AI_NOT_INCLUDED = (plan: string): Json => ({
  error: "AI not included in your plan",
  plan,
  message: "Upgrade to Pro or Agency plan for included AI",
  code: "AI_NOT_INCLUDED",
});
const INVALID = (error: string): Json => ({ error, code: "INVALID_INPUT" });
const REQUEST_FAILED = { error: "Request failed", code: "PROVIDER_ERROR" };

// gpt-4o-mini: 0.138 EUR per million input tokens, 0.552 per million output tokens (micro-euros per token).
// A call with messages HI and the default max_tokens (1000) reserves its prompt bound (10 + 10 template tokens + "user"
// + "Hi" = 26) and max_tokens: ceil(26 × 0.138 + 1000 × 0.552) = ceil(555.588) = 556 micro-euros.
const WORST_CASE_HI = 556;

describe("row 1: the license check comes first (§2.4)", () => {
  it.each([
    ["no header", undefined, { error: "License key required", code: "LICENSE_REQUIRED" }],
    ["an empty header", "", { error: "License key required", code: "LICENSE_REQUIRED" }],
    ["an unknown key", "CHA-00000000-00000000-00000000-00000000", { error: "Invalid or inactive license", code: "LICENSE_NOT_FOUND" }],
  ])("%s → 401, even with a body that is not JSON", async (_label, key, body) => {
    const response = await chat(key, undefined, { raw: "{not json", contentType: "application/json" });
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toBe(JSON_CONTENT_TYPE);
    expect(response.body).toEqual(body);
    expect(stubRequests(p)).toBe(0);
  });

  it("suspended, inactive, cancelled, expired licenses and suspended customers → 401 with their codes; nothing reserved or sent", async () => {
    const cases: Array<[string, (id: mongoose.Types.ObjectId, customerId: mongoose.Types.ObjectId) => Promise<void>, Json]> = [
      [
        "suspended",
        (id) => setLicense(p, id, { status: LicenseStatus.suspended }),
        { error: "Invalid or inactive license", code: "LICENSE_SUSPENDED" },
      ],
      [
        "inactive",
        (id) => setLicense(p, id, { status: LicenseStatus.inactive }),
        { error: "Invalid or inactive license", code: "LICENSE_INACTIVE" },
      ],
      [
        "cancelled",
        (id) => setLicense(p, id, { status: LicenseStatus.cancelled }),
        { error: "Invalid or inactive license", code: "LICENSE_INACTIVE" },
      ],
      [
        "status expired",
        (id) => setLicense(p, id, { status: LicenseStatus.expired }),
        { error: "Invalid or inactive license", code: "LICENSE_EXPIRED" },
      ],
      [
        "expires_at passed",
        (id) => setLicense(p, id, { expires_at: new Date(Date.now() - 60_000) }),
        { error: "License expired", code: "LICENSE_EXPIRED" },
      ],
      [
        "customer suspended",
        async (_id, customerId) => {
          await p.services.models.Customer.updateOne({ _id: customerId }, { $set: { status: CustomerStatus.suspended } }).exec();
        },
        { error: "Invalid or inactive license", code: "LICENSE_SUSPENDED" },
      ],
    ];
    for (const [label, change, body] of cases) {
      const { key, license, customer } = await newLicense(p, "pro");
      await change(license._id, customer._id);
      const response = await chat(key, { messages: HI });
      expect({ label, status: response.status, body: response.body }).toEqual({ label, status: 401, body });
      expect(await p.services.models.UsageCounter.countDocuments({ license_id: license._id }).exec()).toBe(0);
    }
    expect(stubRequests(p)).toBe(0);
  });
});

describe("row 2: the route throttle, 100 per 1 hour per key (§1.5)", () => {
  it("counts requests that pass the license check, then answers 429 RATE_LIMITED before looking at the body", async () => {
    // Starter licenses are refused at row 5 without reserving anything, which keeps 100 requests cheap; they still count.
    const { key, license } = await newLicense(q, "starter");
    const first = await chat(key, {}, {}, q);
    expect(first.status).toBe(403);
    expect(first.headers.get("x-ratelimit-limit")).toBe("100");
    expect(first.headers.get("x-ratelimit-remaining")).toBe("99");
    for (let i = 2; i <= 100; i++) expect((await chat(key, {}, {}, q)).status).toBe(403);

    const refused = await chat(key, undefined, { raw: "{not json", contentType: "application/json" }, q);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(refused.body).toEqual({
      error: "Rate limit exceeded",
      message: "100 per 1 hour",
      retry_after: retryAfter,
      code: "RATE_LIMITED",
    });
    expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");

    // Row 1 still comes first: a license that fails the check gets its 401, not the 429.
    await setLicense(q, license._id, { status: LicenseStatus.suspended });
    expect((await chat(key, {}, {}, q)).body).toEqual({ error: "Invalid or inactive license", code: "LICENSE_SUSPENDED" });
    // Another key has its own counter.
    const other = await newLicense(q, "starter");
    expect((await chat(other.key, {}, {}, q)).status).toBe(403);
    expect(stubRequests(q)).toBe(0);
  });
});

describe("row 3: a body that is not a JSON object or null (§1.2)", () => {
  it.each([
    ["broken JSON", { raw: '{"messages":', contentType: "application/json" }],
    ["a JSON array", { raw: JSON.stringify([{ role: "user", content: "Hi" }]), contentType: "application/json" }],
    ["a JSON string", { raw: '"hello"', contentType: "application/json" }],
    ["a JSON number", { raw: "42", contentType: "application/json" }],
    ["valid JSON sent as text/plain", { raw: JSON.stringify({ messages: HI }), contentType: "text/plain" }],
    ["valid JSON without a Content-Type", { raw: new TextEncoder().encode(JSON.stringify({ messages: HI })) }],
    ["invalid UTF-8", { raw: new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), contentType: "application/json" }],
  ])("%s → 400 Invalid JSON body, nothing reserved or sent", async (_label, options: RequestOptions) => {
    const { key, license } = await newLicense(p, "pro");
    const response = await chat(key, undefined, options);
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe(JSON_CONTENT_TYPE);
    expect(response.body).toEqual(INVALID("Invalid JSON body"));
    expect(await p.services.models.UsageCounter.countDocuments({ license_id: license._id }).exec()).toBe(0);
    expect(stubRequests(p)).toBe(0);
  });

  it("comes before row 5: a Starter license with a broken body gets the 400", async () => {
    const { key } = await newLicense(p, "starter");
    expect((await chat(key, undefined, { raw: "nope", contentType: "application/json" })).body).toEqual(INVALID("Invalid JSON body"));
  });

  it("accepts a charset parameter and application/*+json types", async () => {
    const { key } = await newLicense(p, "pro");
    for (const contentType of ["application/json; charset=utf-8", "application/vnd.chatello+json", "Application/JSON"]) {
      const response = await chat(key, undefined, { raw: JSON.stringify({ messages: HI }), contentType });
      expect({ contentType, status: response.status }).toEqual({ contentType, status: 200 });
    }
    expect(p.stubs.openai.requests).toHaveLength(3);
  });
});

describe("row 5: the plan must include AI", () => {
  it("a Starter license → 403 AI_NOT_INCLUDED, even with an empty body; nothing reserved or sent", async () => {
    const { key, license } = await newLicense(p, "starter");
    for (const options of [{}, { json: {} }, { json: null }, { json: { messages: HI } }] as RequestOptions[]) {
      const response = await chat(key, undefined, options);
      expect(response.status).toBe(403);
      expect(response.body).toEqual(AI_NOT_INCLUDED("starter"));
    }
    expect(await p.services.models.UsageCounter.countDocuments({ license_id: license._id }).exec()).toBe(0);
    expect(await p.services.models.UsageLog.countDocuments({ license_id: license._id }).exec()).toBe(0);
    expect(stubRequests(p)).toBe(0);
  });

  it("names the license's own plan", async () => {
    const { key, plan } = await licenseOn({ features: ["advanced_features"] });
    expect((await chat(key, { messages: HI })).body).toEqual(AI_NOT_INCLUDED(plan.name));
  });
});

describe("rows 6-9: plan limits, checked before the body's fields, in the order of §4.3", () => {
  // A platform whose clock stands still inside one minute (far ahead, so that no TTL removes its counters): the
  // windows these rows count in cannot end mid-test, and Retry-After has one right value.
  let pinned: AiPlatform;
  beforeAll(async () => {
    pinned = await startAiPlatform({ clock: () => PINNED });
  });
  afterAll(async () => pinned?.stop());
  beforeEach(() => {
    for (const stub of stubsOf(pinned)) stub.reset();
  });

  it("row 6: the monthly limit → 429 MONTHLY_LIMIT with Retry-After until the next month, even for an empty body", async () => {
    const { key, licenseId } = await licenseOn({ monthly_requests: 2, requests_per_minute: 0, requests_per_hour: 0 }, pinned);
    expect((await chat(key, { messages: HI }, {}, pinned)).status).toBe(200);
    expect((await chat(key, { messages: HI }, {}, pinned)).status).toBe(200);
    const before = await tally(licenseId, pinned);
    for (const options of [
      {},
      { json: {} },
      { json: { messages: HI } },
      { json: { messages: [], api_provider: "gemini" } },
    ] as RequestOptions[]) {
      const response = await chat(key, undefined, options, pinned);
      expect(response.status).toBe(429);
      expect(response.body).toEqual(MONTHLY(2));
      expectRetryAfter(response, nextMonth);
    }
    expect(await tally(licenseId, pinned)).toEqual(before);
    expect(before.month.requests).toBe(2);
    expect(pinned.stubs.openai.requests).toHaveLength(2);
  });

  it("row 7: the per-minute limit → 429 MINUTE_LIMIT with Retry-After until the minute ends, even for a broken body's fields", async () => {
    const { key, licenseId } = await licenseOn({ monthly_requests: 0, requests_per_minute: 2, requests_per_hour: 0 }, pinned);
    expect((await chat(key, { messages: HI }, {}, pinned)).status).toBe(200);
    expect((await chat(key, { messages: HI }, {}, pinned)).status).toBe(200);
    const before = await tally(licenseId, pinned);
    for (const json of [{ messages: HI }, {}, { messages: HI, model: "gpt-4o" }]) {
      const response = await chat(key, json, {}, pinned);
      expect(response.status).toBe(429);
      expect(response.body).toEqual(MINUTE(2));
      expectRetryAfter(response, nextMinute);
    }
    expect(await tally(licenseId, pinned)).toEqual(before);
  });

  it("row 8: the per-hour limit → 429 HOUR_LIMIT with Retry-After until the hour ends", async () => {
    const { key, licenseId } = await licenseOn({ monthly_requests: 0, requests_per_minute: 0, requests_per_hour: 1 }, pinned);
    expect((await chat(key, { messages: HI }, {}, pinned)).status).toBe(200);
    const before = await tally(licenseId, pinned);
    const response = await chat(key, {}, {}, pinned);
    expect(response.status).toBe(429);
    expect(response.body).toEqual(HOUR(1));
    expectRetryAfter(response, nextHour);
    expect(await tally(licenseId, pinned)).toEqual(before);
  });

  it("row 9: the budget → 402 BUDGET_EXCEEDED (no Retry-After needed); a worst case exactly equal to what is left still passes", async () => {
    const { key, licenseId } = await licenseOn(
      {
        monthly_requests: 0,
        requests_per_minute: 0,
        requests_per_hour: 0,
        monthly_budget_micros: WORST_CASE_HI,
      },
      pinned,
    );
    // 0 settled + 0 reserved + 556 ≤ 556: admitted. It costs ceil(12 × 0.138 + 3 × 0.552) = 4 micro-euros.
    const first = await chat(key, { messages: HI }, {}, pinned);
    expect(first.status).toBe(200);
    const before = await tally(licenseId, pinned);
    expect(before.month).toMatchObject({ requests: 1, cost_micros: 4, reserved_micros: 0, pending: 0 });
    // 4 + 556 > 556: refused, whatever the body says (a bad body's worst case, no messages, is 554: 4 + 554 > 556 too).
    for (const options of [{ json: { messages: HI } }, {}, { json: { messages: "nope" } }] as RequestOptions[]) {
      const response = await chat(key, undefined, options, pinned);
      expect(response.status).toBe(402);
      expect(response.body).toEqual(BUDGET(0.000556));
    }
    expect(await tally(licenseId, pinned)).toEqual(before);
    expect(pinned.stubs.openai.requests).toHaveLength(1);
  });

  it("the order: monthly before minute, minute before hour, hour before budget", async () => {
    const all = await licenseOn(
      {
        monthly_requests: 1,
        requests_per_minute: 1,
        requests_per_hour: 1,
        monthly_budget_micros: WORST_CASE_HI + 3,
      },
      pinned,
    );
    expect((await chat(all.key, { messages: HI }, {}, pinned)).status).toBe(200);
    expect((await chat(all.key, { messages: HI }, {}, pinned)).body).toEqual(MONTHLY(1));

    const minuteAndHour = await licenseOn(
      {
        monthly_requests: 0,
        requests_per_minute: 1,
        requests_per_hour: 1,
        monthly_budget_micros: WORST_CASE_HI + 3,
      },
      pinned,
    );
    expect((await chat(minuteAndHour.key, { messages: HI }, {}, pinned)).status).toBe(200);
    expect((await chat(minuteAndHour.key, { messages: HI }, {}, pinned)).body).toEqual(MINUTE(1));

    // 4 settled + 556 > 559: the budget fails too, but the hour limit is reported.
    const hourAndBudget = await licenseOn(
      {
        monthly_requests: 0,
        requests_per_minute: 0,
        requests_per_hour: 1,
        monthly_budget_micros: WORST_CASE_HI + 3,
      },
      pinned,
    );
    expect((await chat(hourAndBudget.key, { messages: HI }, {}, pinned)).status).toBe(200);
    expect((await chat(hourAndBudget.key, { messages: HI }, {}, pinned)).body).toEqual(HOUR(1));

    const budgetOnly = await licenseOn(
      {
        monthly_requests: 0,
        requests_per_minute: 0,
        requests_per_hour: 0,
        monthly_budget_micros: WORST_CASE_HI + 3,
      },
      pinned,
    );
    expect((await chat(budgetOnly.key, { messages: HI }, {}, pinned)).status).toBe(200);
    expect((await chat(budgetOnly.key, { messages: HI }, {}, pinned)).body).toEqual(BUDGET(0.000559));
  });
});

describe("rows 10-14: the body's fields", () => {
  /** A pro license that made one successful call, so its counters exist; refusals must leave them as they are. */
  async function usedLicense(): Promise<{ key: string; licenseId: mongoose.Types.ObjectId }> {
    const { key, license } = await newLicense(p, "pro");
    expect((await chat(key, { messages: HI })).status).toBe(200);
    p.stubs.openai.reset();
    return { key, licenseId: license._id };
  }

  async function expectRefusal(
    key: string,
    licenseId: mongoose.Types.ObjectId,
    options: RequestOptions,
    status: number,
    body: Json,
  ): Promise<void> {
    const before = await tally(licenseId);
    const activationsBefore = await activationCounts(p, licenseId);
    // A site is named too: a refused request must not activate it (row 15 comes after rows 10-14).
    const response = await chat(key, undefined, { site: "refused-site.example.com", ...options });
    expect({ options, status: response.status, body: response.body }).toEqual({ options, status, body });
    expect(response.headers.get("content-type")).toBe(JSON_CONTENT_TYPE);
    expect(await tally(licenseId)).toEqual(before);
    expect(await activationCounts(p, licenseId)).toEqual(activationsBefore);
    expect(stubRequests(p)).toBe(0);
  }

  it("row 10: no body, null or {} → 400 JSON data required", async () => {
    const { key, licenseId } = await usedLicense();
    for (const options of [
      {},
      { json: null },
      { json: {} },
      { raw: "", contentType: "application/json" },
      { raw: "null", contentType: "application/json" },
    ] as RequestOptions[]) {
      await expectRefusal(key, licenseId, options, 400, INVALID("JSON data required"));
    }
  });

  it("row 11: messages missing, empty or not an array → 400 Messages required (before an unknown provider)", async () => {
    const { key, licenseId } = await usedLicense();
    for (const json of [
      { model: "gpt-4o-mini" },
      { messages: [] },
      { messages: "Hi" },
      { messages: { role: "user", content: "Hi" } },
      { messages: null },
      { messages: [], api_provider: "gemini" },
    ]) {
      await expectRefusal(key, licenseId, { json }, 400, INVALID("Messages required"));
    }
  });

  it("row 12: an unknown provider → 400 naming it lower-cased, from api_provider or else provider (before the model check)", async () => {
    const { key, licenseId } = await usedLicense();
    await expectRefusal(key, licenseId, { json: { messages: HI, api_provider: "Gemini" } }, 400, INVALID("Unsupported provider: gemini"));
    await expectRefusal(
      key,
      licenseId,
      { json: { messages: HI, api_provider: null, provider: "COHERE" } },
      400,
      INVALID("Unsupported provider: cohere"),
    );
    await expectRefusal(
      key,
      licenseId,
      { json: { messages: HI, provider: "Mistral", model: "mistral-large" } },
      400,
      INVALID("Unsupported provider: mistral"),
    );
    // api_provider wins over provider when both are there.
    await expectRefusal(
      key,
      licenseId,
      { json: { messages: HI, api_provider: "groq", provider: "openai" } },
      400,
      INVALID("Unsupported provider: groq"),
    );
  });

  it("row 13: a model outside the plan's list → 403 MODEL_NOT_ALLOWED with the allowed models (before max_tokens)", async () => {
    const { key, licenseId } = await usedLicense();
    const body = (provider: string, model: string, allowed: string[]): Json => ({
      error: "Model not allowed for your plan",
      code: "MODEL_NOT_ALLOWED",
      provider,
      model,
      allowed_models: allowed,
    });
    await expectRefusal(key, licenseId, { json: { messages: HI, model: "gpt-4o" } }, 403, body("openai", "gpt-4o", ["gpt-4o-mini"]));
    await expectRefusal(
      key,
      licenseId,
      { json: { messages: HI, api_provider: "ANTHROPIC", model: "claude-3-opus" } },
      403,
      body("anthropic", "claude-3-opus", ["claude-3-haiku-20240307"]),
    );
    await expectRefusal(
      key,
      licenseId,
      { json: { messages: HI, api_provider: "deepseek", model: "gpt-4o-mini", max_tokens: 0 } },
      403,
      body("deepseek", "gpt-4o-mini", ["deepseek-chat"]),
    );
  });

  it("row 13: an empty allow-list allows only the provider's default model", async () => {
    const { key, licenseId } = await licenseOn({ allowed_models: { openai: ["gpt-4o-mini", "gpt-4o"] } });
    expect((await chat(key, { messages: HI, api_provider: "deepseek" })).status).toBe(200);
    expect(p.stubs.deepseek.requests[0].body).toMatchObject({ model: "deepseek-chat" });
    expect((await chat(key, { messages: HI, model: "gpt-4o" })).status).toBe(200);
    expect(p.stubs.openai.requests[0].body).toMatchObject({ model: "gpt-4o" });
    for (const stub of stubsOf(p)) stub.reset();
    await expectRefusal(key, licenseId, { json: { messages: HI, api_provider: "deepseek", model: "deepseek-reasoner" } }, 403, {
      error: "Model not allowed for your plan",
      code: "MODEL_NOT_ALLOWED",
      provider: "deepseek",
      model: "deepseek-reasoner",
      allowed_models: ["deepseek-chat"],
    });
  });

  it("row 14: max_tokens not a positive integer → 400 Invalid max_tokens (before an invalid site)", async () => {
    const { key, licenseId } = await usedLicense();
    for (const maxTokens of [0, -1, 1.5, "100", true, [100], { n: 1 }]) {
      await expectRefusal(
        key,
        licenseId,
        { json: { messages: HI, max_tokens: maxTokens }, site: "http://" },
        400,
        INVALID("Invalid max_tokens"),
      );
    }
  });
});

describe("row 15: the calling site (§5)", () => {
  it("X-Site-URL activates the site and is recorded with the call; it wins over the body's site_url", async () => {
    const { key, license } = await newLicense(p, "pro");
    const response = await chat(key, { messages: HI, site_url: "https://other.example.org/" }, { site: "https://www.Example.com/shop/" });
    expect(response.status).toBe(200);
    const activations = await p.services.models.Activation.find({ license_id: license._id }).lean().exec();
    expect(activations.map((a) => a.site)).toEqual(["example.com/shop"]);
    expect((await logsOf(license._id)).map((log) => log.site)).toEqual(["example.com/shop"]);
  });

  it("the body's site_url when there is no header", async () => {
    const { key, license } = await newLicense(p, "pro");
    expect((await chat(key, { messages: HI, site_url: "HTTP://WWW.EXAMPLE.NET" })).status).toBe(200);
    expect((await p.services.models.Activation.find({ license_id: license._id }).lean().exec()).map((a) => a.site)).toEqual([
      "example.net",
    ]);
    expect((await logsOf(license._id)).map((log) => log.site)).toEqual(["example.net"]);
  });

  it("an invalid site → 400 Invalid site_url; nothing counted, logged, activated or sent", async () => {
    const { key, license } = await newLicense(p, "pro");
    expect((await chat(key, { messages: HI })).status).toBe(200);
    p.stubs.openai.reset();
    const before = await tally(license._id);
    for (const options of [
      { site: "http://" },
      { json: { messages: HI, site_url: "http://" } },
      { json: { messages: HI, site_url: 42 } },
      { site: `https://${"a".repeat(2050)}.com` },
    ] as RequestOptions[]) {
      const response = await chat(key, { messages: HI }, options);
      expect({ options, status: response.status, body: response.body }).toEqual({
        options,
        status: 400,
        body: INVALID("Invalid site_url"),
      });
    }
    expect(await tally(license._id)).toEqual(before);
    expect(await activationCounts(p, license._id)).toEqual({ all: 0, seated: 0 });
    expect(stubRequests(p)).toBe(0);
  });

  it("no free seat → 403 TOO_MANY_SITES; an active site and development sites still work", async () => {
    const { key, licenseId } = await licenseOn({ max_sites: 1 });
    expect((await chat(key, { messages: HI }, { site: "a.example.com" })).status).toBe(200);
    const before = await tally(licenseId);
    const refused = await chat(key, { messages: HI }, { site: "b.example.com" });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ error: "Site limit reached", code: "TOO_MANY_SITES", max_sites: 1, active_sites: 1 });
    expect(await tally(licenseId)).toEqual(before);
    expect((await chat(key, { messages: HI }, { site: "https://a.example.com/" })).status).toBe(200);
    expect((await chat(key, { messages: HI }, { site: "http://localhost:8080" })).status).toBe(200);
    expect(await activationCounts(p, licenseId)).toEqual({ all: 2, seated: 1 });
    expect(p.stubs.openai.requests).toHaveLength(3);
  });
});

describe("row 16: no platform key for the provider", () => {
  // No successful call on `q`: its 300 ms provider timeout is for the "hang" test only.
  it("anthropic without ANTHROPIC_API_KEY → 503 PROVIDER_NOT_CONFIGURED; nothing counted or logged", async () => {
    const { key, license } = await newLicense(q, "pro");
    const before = await tally(license._id, q);
    for (const json of [
      { messages: HI, api_provider: "anthropic" },
      { messages: HI, provider: "Anthropic", max_tokens: 50 },
    ]) {
      const response = await chat(key, json, {}, q);
      expect(response.status).toBe(503);
      expect(response.headers.get("content-type")).toBe(JSON_CONTENT_TYPE);
      expect(response.body).toEqual({ error: "anthropic not configured", code: "PROVIDER_NOT_CONFIGURED" });
    }
    expect(await tally(license._id, q)).toEqual(before);
    expect(before).toEqual({
      month: { requests: 0, cost_micros: 0, reserved_micros: 0, tokens: 0, calls: 0, pending: 0 },
      hour: 0,
      minute: 0,
      logs: 0,
    });
    expect(q.stubs.anthropic.requests).toHaveLength(0);
  });

  it("comes after row 15: an invalid site is reported first", async () => {
    const { key } = await newLicense(q, "pro");
    expect((await chat(key, { messages: HI, api_provider: "anthropic" }, { site: "http://" }, q)).body).toEqual(
      INVALID("Invalid site_url"),
    );
  });
});

describe("row 17: no answer from the provider → 500 Request failed, no usage record, nothing counted", () => {
  it("the provider drops the connection", async () => {
    const { key, license } = await newLicense(p, "pro");
    expect((await chat(key, { messages: HI })).status).toBe(200);
    const before = await tally(license._id);
    for (const provider of ["openai", "anthropic", "deepseek"] as const) {
      p.stubs[provider].behave({ mode: "drop" });
      const response = await chat(key, { messages: HI, api_provider: provider });
      expect({ provider, status: response.status, body: response.body }).toEqual({ provider, status: 500, body: REQUEST_FAILED });
      expect(response.headers.get("content-type")).toBe(JSON_CONTENT_TYPE);
    }
    expect(await tally(license._id)).toEqual(before);
    expect(before.logs).toBe(1);
  });

  it("the answer breaks off half-way (headers sent, body cut)", async () => {
    const { key, license } = await newLicense(p, "pro");
    expect((await chat(key, { messages: HI })).status).toBe(200);
    const before = await tally(license._id);
    p.stubs.openai.behave({ mode: "break" });
    const response = await chat(key, { messages: HI });
    expect(response.status).toBe(500);
    expect(response.body).toEqual(REQUEST_FAILED);
    expect(await tally(license._id)).toEqual(before);
  });

  it("the provider never answers (timeout, AI_TIMEOUT_MS=300): the upstream call is aborted", async () => {
    const { key, license } = await newLicense(q, "pro");
    const before = await tally(license._id, q);
    q.stubs.openai.behave({ mode: "hang" });
    const response = await chat(key, { messages: HI }, {}, q);
    expect(response.status).toBe(500);
    expect(response.body).toEqual(REQUEST_FAILED);
    expect(q.stubs.openai.requests).toHaveLength(1);
    await q.stubs.openai.requests[0].closed;
    expect(q.stubs.openai.requests[0].outcome).toBe("aborted");
    expect(await tally(license._id, q)).toEqual(before);
  });
});

describe("row 18: the provider answered an error status → passed through, one usage record, the request counted", () => {
  const cases: Array<[string, "openai" | "anthropic" | "deepseek", number, string]> = [
    [
      "openai 400",
      "openai",
      400,
      JSON.stringify({ error: { message: "Invalid 'messages[0].role'", type: "invalid_request_error", param: "messages", code: null } }),
    ],
    [
      "openai 401",
      "openai",
      401,
      JSON.stringify({
        error: { message: "Incorrect API key provided", type: "invalid_request_error", param: null, code: "invalid_api_key" },
      }),
    ],
    [
      "openai 429",
      "openai",
      429,
      JSON.stringify({ error: { message: "Rate limit reached", type: "requests", param: null, code: "rate_limit_exceeded" } }),
    ],
    ["anthropic 529", "anthropic", 529, JSON.stringify({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } })],
    [
      "anthropic 400",
      "anthropic",
      400,
      JSON.stringify({ type: "error", error: { type: "invalid_request_error", message: "messages: roles must alternate" } }),
    ],
    ["deepseek 500 with a plain-text body", "deepseek", 500, "upstream exploded\n"],
    [
      "deepseek 402",
      "deepseek",
      402,
      JSON.stringify({ error: { message: "Insufficient Balance", type: "unknown_error", param: null, code: "invalid_request_error" } }),
    ],
  ];

  it.each(cases)("%s", async (_label, provider, status, errorBody) => {
    const { key, license } = await newLicense(p, "pro");
    p.stubs[provider].behave({ mode: "error", errorStatus: status, errorBody });
    const response = await chat(
      key,
      { messages: HI, api_provider: provider },
      { headers: { "user-agent": "WordPress/6.5; https://example.com" } },
    );
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toBe(JSON_CONTENT_TYPE);
    expect(response.body).toEqual({ error: "AI service error", details: errorBody, code: "PROVIDER_ERROR" });
    expect(p.stubs[provider].requests).toHaveLength(1);

    const logs = await logsOf(license._id);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      endpoint: `/api/chat/${provider}`,
      provider,
      status: "provider_error",
      prompt_tokens: 0,
      completion_tokens: 0,
      tokens_used: 0,
      cost_micros: 0,
      ip_address: "127.0.0.1",
      user_agent: "WordPress/6.5; https://example.com",
    });
    expect(await tally(license._id)).toEqual({
      month: { requests: 1, cost_micros: 0, reserved_micros: 0, tokens: 0, calls: 1, pending: 0 },
      hour: 1,
      minute: 1,
      logs: 1,
    });
  });

  it("an error answer that reports usage is charged that usage (§4.1)", async () => {
    const { key, license } = await newLicense(p, "pro");
    const errorBody = JSON.stringify({
      error: { message: "content filtered", type: "invalid_request_error" },
      usage: { prompt_tokens: 1000, completion_tokens: 0, total_tokens: 1000 },
    });
    p.stubs.openai.behave({ mode: "error", errorStatus: 400, errorBody });
    const response = await chat(key, { messages: HI });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: "AI service error", details: errorBody, code: "PROVIDER_ERROR" });
    const [log] = await logsOf(license._id);
    expect(log).toMatchObject({ status: "provider_error", prompt_tokens: 1000, completion_tokens: 0, tokens_used: 1000, cost_micros: 138 });
    expect((await tally(license._id)).month).toMatchObject({ requests: 1, cost_micros: 138, reserved_micros: 0, pending: 0 });
  });
});

describe("row 19: an unexpected failure", () => {
  /** Arms the embedded engine's failCommand fail point (as mongod's): the next `times` matching commands fail. */
  async function failNext(commands: string[], times: number): Promise<void> {
    const native = p.db.connection.db;
    if (!native) throw new Error("the test database is not connected");
    await native.admin().command({ configureFailPoint: "failCommand", mode: { times }, data: { failCommands: commands, errorCode: 8 } });
  }
  async function clearFailures(): Promise<void> {
    await p.db.connection.db?.admin().command({ configureFailPoint: "failCommand", mode: "off" });
  }

  it("the database fails while the site is activated → 500 Request failed INTERNAL_ERROR, and the reservation is released", async () => {
    const { key, license } = await newLicense(p, "pro");
    expect((await chat(key, { messages: HI })).status).toBe(200);
    const before = await tally(license._id);
    // The first insert after admission is the new activation's (reservations are updates, usage records come later).
    await failNext(["insert"], 1);
    let response: HttpResult;
    try {
      response = await chat(key, { messages: HI }, { site: "https://brand-new-site.example.com" });
    } finally {
      await clearFailures();
    }
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toBe(JSON_CONTENT_TYPE);
    expect(response.body).toEqual({ error: "Request failed", code: "INTERNAL_ERROR" });
    expect(stubRequests(p)).toBe(1);
    // §6.4: "Rows 10–17 and 19 release the reservation": nothing stays counted or reserved.
    expect(await tally(license._id)).toEqual(before);
  });
});

describe("the 200 answer (v2.1 envelope)", () => {
  it("OpenAI: the provider's body unchanged under `response`, the usage, one usage record with every field", async () => {
    const { key, license } = await newLicense(p, "pro");
    const started = Date.now();
    const response = await chat(key, { messages: HI }, { headers: { "user-agent": "Chatello/2.1 (WordPress)" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(JSON_CONTENT_TYPE);
    expect(response.body).toEqual({
      success: true,
      provider: "openai",
      model: "gpt-4o-mini",
      response: {
        id: expect.stringMatching(/^chatcmpl-[0-9a-f]{24}$/),
        object: "chat.completion",
        created: expect.any(Number),
        model: "gpt-4o-mini",
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: "Hello from the stub!", refusal: null },
            logprobs: null,
            finish_reason: "stop",
          },
        ],
        usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
        system_fingerprint: "fp_stub",
      },
      // ceil(12 × 0.138 + 3 × 0.552) = 4 micro-euros, which rounds to 0.0000 EUR.
      usage: { tokens: 15, prompt_tokens: 12, completion_tokens: 3, cost_eur: 0, response_time_ms: expect.any(Number) },
    });
    const usage = response.body.usage as Json;
    expect(Number.isInteger(usage.response_time_ms)).toBe(true);
    expect(usage.response_time_ms as number).toBeGreaterThanOrEqual(0);

    const logs = await logsOf(license._id);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({
      endpoint: "/api/chat/openai",
      provider: "openai",
      model: "gpt-4o-mini",
      prompt_tokens: 12,
      completion_tokens: 3,
      tokens_used: 15,
      cost_micros: 4,
      response_time_ms: usage.response_time_ms,
      status: "ok",
      site: null,
      ip_address: "127.0.0.1",
      user_agent: "Chatello/2.1 (WordPress)",
    });
    expect(logs[0].created_at.getTime()).toBeGreaterThanOrEqual(started - 1000);
    expect(await tally(license._id)).toEqual({
      month: { requests: 1, cost_micros: 4, reserved_micros: 0, tokens: 15, calls: 1, pending: 0 },
      hour: 1,
      minute: 1,
      logs: 1,
    });
  });

  it("Anthropic: its body under `response`, input and output tokens summed", async () => {
    const { key } = await newLicense(p, "pro");
    p.stubs.anthropic.behave({ text: "Ciao!", promptTokens: 20, completionTokens: 7 });
    const response = await chat(key, { messages: HI, api_provider: "anthropic" });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      success: true,
      provider: "anthropic",
      model: "claude-3-haiku-20240307",
      response: {
        id: expect.stringMatching(/^msg_[0-9a-f]{24}$/),
        type: "message",
        role: "assistant",
        model: "claude-3-haiku-20240307",
        content: [{ type: "text", text: "Ciao!" }],
        stop_reason: "end_turn",
        stop_sequence: null,
        usage: { input_tokens: 20, output_tokens: 7 },
      },
      // ceil(20 × 0.23 + 7 × 1.15) = ceil(12.65) = 13 micro-euros.
      usage: { tokens: 27, prompt_tokens: 20, completion_tokens: 7, cost_eur: 0, response_time_ms: expect.any(Number) },
    });
  });

  it.each([
    // 1,000,000 × 0.138 + 1,000,000 × 0.552 = 690,000 micro-euros.
    ["openai", "gpt-4o-mini", 1_000_000, 1_000_000, 690_000, 0.69],
    // ceil(1,234,567 × 0.138) = ceil(170,370.246) = 170,371 micro-euros → 0.1704 EUR (4 decimals).
    ["openai", "gpt-4o-mini", 1_234_567, 0, 170_371, 0.1704],
    // 1,000,000 × 0.23 + 100,000 × 1.15 = 345,000.
    ["anthropic", "claude-3-haiku-20240307", 1_000_000, 100_000, 345_000, 0.345],
    // 1,000,000 × 0.2484 + 10,000 × 1.012 = 258,520 → 0.2585.
    ["deepseek", "deepseek-chat", 1_000_000, 10_000, 258_520, 0.2585],
  ] as const)(
    "%s %s, %d + %d tokens → cost_eur from the price table",
    async (provider, model, promptTokens, completionTokens, micros, eur) => {
      const { key, license } = await newLicense(p, "pro");
      p.stubs[provider].behave({ promptTokens, completionTokens });
      const response = await chat(key, { messages: HI, api_provider: provider });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ provider, model });
      expect(response.body.usage).toEqual({
        tokens: promptTokens + completionTokens,
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        cost_eur: eur,
        response_time_ms: expect.any(Number),
      });
      const [log] = await logsOf(license._id);
      expect(log).toMatchObject({
        provider,
        model,
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        tokens_used: promptTokens + completionTokens,
        cost_micros: micros,
      });
      expect((await tally(license._id)).month).toMatchObject({
        requests: 1,
        cost_micros: micros,
        tokens: promptTokens + completionTokens,
        reserved_micros: 0,
        pending: 0,
      });
    },
  );

  it("a model missing from the price table is charged the plan's cost_per_1k_tokens", async () => {
    const { key, licenseId } = await licenseOn({
      allowed_models: { openai: ["gpt-4o-mini", "gpt-9-experimental"] },
      cost_per_1k_tokens_micros: 1500,
    });
    p.stubs.openai.behave({ promptTokens: 700, completionTokens: 300 });
    const response = await chat(key, { messages: HI, model: "gpt-9-experimental" });
    expect(response.status).toBe(200);
    // 1000 tokens / 1000 × 1500 micro-euros = 1500 → 0.0015 EUR.
    expect(response.body).toMatchObject({
      model: "gpt-9-experimental",
      usage: { tokens: 1000, prompt_tokens: 700, completion_tokens: 300, cost_eur: 0.0015 },
    });
    expect((await logsOf(licenseId))[0]).toMatchObject({ cost_micros: 1500 });
  });

  it("a provider that reports no usage is charged the §4.4 estimate", async () => {
    const { key, license } = await newLicense(p, "pro");
    p.stubs.openai.behave({ reportUsage: false });
    // 403 + 9 characters of string content plus 5 + 3 of text parts = 420 → 105 prompt tokens; min(300, 500) completion.
    const messages = [
      { role: "system", content: "x".repeat(403) },
      {
        role: "user",
        content: [
          { type: "text", text: "abcde" },
          { type: "text", text: "fgh" },
        ],
      },
      { role: "user", content: "123456789" },
    ];
    const response = await chat(key, { messages, max_tokens: 300 });
    expect(response.status).toBe(200);
    // ceil(105 × 0.138 + 300 × 0.552) = ceil(180.09) = 181 micro-euros.
    expect(response.body.usage).toEqual({
      tokens: 405,
      prompt_tokens: 105,
      completion_tokens: 300,
      cost_eur: 0.0002,
      response_time_ms: expect.any(Number),
    });
    expect((await logsOf(license._id))[0]).toMatchObject({ prompt_tokens: 105, completion_tokens: 300, cost_micros: 181 });
    // Without max_tokens: min(1000, 500) = 500 completion tokens.
    const second = await chat(key, { messages: HI });
    expect(second.body.usage).toMatchObject({ prompt_tokens: 0, completion_tokens: 500, tokens: 500 });
  });
});

describe("side effects", () => {
  it("a chat sets the license's last_check (§2.4, §6.4 'Side effects')", async () => {
    const { key, license } = await newLicense(p, "pro");
    await setLicense(p, license._id, { last_check: null });
    const started = Date.now();
    expect((await chat(key, { messages: HI })).status).toBe(200);
    const stored = await p.services.models.License.findById(license._id).lean().exec();
    expect(stored?.last_check).toBeInstanceOf(Date);
    expect((stored?.last_check as Date).getTime()).toBeGreaterThanOrEqual(started - 1000);
  });
});

describe("the provider call (§6.4 'Provider call')", () => {
  it("defaults: provider openai, its default model, max_tokens 1000, temperature 0.7; messages forwarded verbatim", async () => {
    const { key } = await newLicense(p, "pro");
    const messages = [
      { role: "system", content: "Be brief." },
      {
        role: "user",
        content: [
          { type: "text", text: "What is a cat?" },
          { type: "text", text: "One line." },
        ],
      },
      { role: "assistant", content: "A cat.", name: "bot" },
      { role: "user", content: "Thanks" },
    ];
    const response = await chat(key, { messages });
    expect(response.status).toBe(200);
    expect(p.stubs.openai.requests).toHaveLength(1);
    const sent = p.stubs.openai.requests[0];
    expect(sent.path).toBe("/v1/chat/completions");
    expect(sent.headers.authorization).toBe("Bearer sk-test-openai-0000");
    expect(sent.body).toEqual({ model: "gpt-4o-mini", messages, max_tokens: 1000, temperature: 0.7 });
  });

  it("api_provider is lower-cased; null counts as missing; provider is the fallback; each provider's default model", async () => {
    const { key } = await newLicense(p, "pro");
    const cases: Array<[Json, "openai" | "anthropic" | "deepseek", string]> = [
      [{ api_provider: "DeepSeek" }, "deepseek", "deepseek-chat"],
      [{ api_provider: "ANTHROPIC" }, "anthropic", "claude-3-haiku-20240307"],
      [{ api_provider: null }, "openai", "gpt-4o-mini"],
      [{ api_provider: null, provider: "anthropic" }, "anthropic", "claude-3-haiku-20240307"],
      [{ provider: "DEEPSEEK" }, "deepseek", "deepseek-chat"],
      [{ api_provider: "openai", provider: "anthropic" }, "openai", "gpt-4o-mini"],
      [{ model: null, api_provider: "deepseek" }, "deepseek", "deepseek-chat"],
    ];
    for (const [fields, provider, model] of cases) {
      for (const stub of stubsOf(p)) stub.reset();
      const response = await chat(key, { messages: HI, ...fields });
      expect({ fields, status: response.status, provider: response.body.provider, model: response.body.model }).toEqual({
        fields,
        status: 200,
        provider,
        model,
      });
      expect({ fields, sentTo: stubsOf(p).map((stub) => stub.requests.length) }).toEqual({
        fields,
        sentTo: [provider === "openai" ? 1 : 0, provider === "anthropic" ? 1 : 0, provider === "deepseek" ? 1 : 0],
      });
      expect(p.stubs[provider].requests[0].body).toMatchObject({ model });
    }
  });

  it("max_tokens is clamped to the plan's max_tokens; smaller values and temperature (0 included) are forwarded", async () => {
    const { key } = await newLicense(p, "pro");
    const cases: Array<[Json, number, number]> = [
      [{ max_tokens: 5000 }, 2048, 0.7],
      [{ max_tokens: 2048 }, 2048, 0.7],
      [{ max_tokens: 64, temperature: 0.2 }, 64, 0.2],
      [{ temperature: 0 }, 1000, 0],
      [{ max_tokens: null, temperature: null }, 1000, 0.7],
    ];
    for (const [fields, maxTokens, temperature] of cases) {
      p.stubs.openai.reset();
      expect((await chat(key, { messages: HI, ...fields })).status).toBe(200);
      expect({ fields, sent: p.stubs.openai.requests[0].body }).toEqual({
        fields,
        sent: { model: "gpt-4o-mini", messages: HI, max_tokens: maxTokens, temperature },
      });
    }
    const agency = await newLicense(p, "agency");
    p.stubs.deepseek.reset();
    expect((await chat(agency.key, { messages: HI, api_provider: "deepseek", max_tokens: 999_999 })).status).toBe(200);
    expect(p.stubs.deepseek.requests[0].body).toMatchObject({ model: "deepseek-chat", max_tokens: 4096 });
  });

  it("Anthropic: system messages go to `system` (joined), temperature and the clamped max_tokens are sent", async () => {
    const { key } = await newLicense(p, "pro");
    const response = await chat(key, {
      api_provider: "anthropic",
      max_tokens: 4000,
      temperature: 0.3,
      messages: [
        { role: "system", content: "You are Chatello." },
        { role: "user", content: "Hi" },
        { role: "system", content: [{ type: "text", text: "Answer in Italian." }] },
        { role: "assistant", content: "Ciao" },
        { role: "user", content: [{ type: "text", text: "Come stai?" }] },
      ],
    });
    expect(response.status).toBe(200);
    const sent = p.stubs.anthropic.requests[0];
    expect(sent.path).toBe("/v1/messages");
    expect(sent.body).toEqual({
      model: "claude-3-haiku-20240307",
      max_tokens: 2048,
      temperature: 0.3,
      system: "You are Chatello.\n\nAnswer in Italian.",
      messages: [
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Ciao" },
        { role: "user", content: [{ type: "text", text: "Come stai?" }] },
      ],
    });
    // Without system messages no `system` is sent; the default temperature still is.
    p.stubs.anthropic.reset();
    expect((await chat(key, { api_provider: "anthropic", messages: HI })).status).toBe(200);
    expect(p.stubs.anthropic.requests[0].body).toEqual({
      model: "claude-3-haiku-20240307",
      max_tokens: 1000,
      temperature: 0.7,
      messages: HI,
    });
  });

  it("Anthropic is called with `x-api-key: <key>` and `anthropic-version: 2023-06-01`", async () => {
    const { key } = await newLicense(p, "pro");
    expect((await chat(key, { api_provider: "anthropic", messages: HI })).status).toBe(200);
    const { headers } = p.stubs.anthropic.requests[0];
    expect({ "x-api-key": headers["x-api-key"], "anthropic-version": headers["anthropic-version"] }).toEqual({
      "x-api-key": "sk-ant-test-0000",
      "anthropic-version": "2023-06-01",
    });
  });

  it("DeepSeek is called like OpenAI, with its own key", async () => {
    const { key } = await newLicense(p, "pro");
    expect((await chat(key, { api_provider: "deepseek", messages: HI, temperature: 1.3 })).status).toBe(200);
    const sent = p.stubs.deepseek.requests[0];
    expect(sent.path).toBe("/v1/chat/completions");
    expect(sent.headers.authorization).toBe("Bearer sk-test-deepseek-0000");
    expect(sent.body).toEqual({ model: "deepseek-chat", messages: HI, max_tokens: 1000, temperature: 1.3 });
  });
});

describe("body size (§1.7: 5 MiB on /api/chat)", () => {
  it("a 2 MiB body is accepted and forwarded", async () => {
    const { key } = await newLicense(p, "pro");
    const content = "a".repeat(2 * 1024 * 1024);
    const response = await chat(key, { messages: [{ role: "user", content }] });
    expect(response.status).toBe(200);
    expect((p.stubs.openai.requests[0].body as { messages: Array<{ content: string }> }).messages[0].content).toHaveLength(content.length);
  });

  /** A chat body of exactly `bytes` bytes of JSON. */
  const bodyOfSize = (bytes: number): string => {
    const frame = JSON.stringify({ messages: [{ role: "user", content: "" }] });
    return JSON.stringify({ messages: [{ role: "user", content: "b".repeat(bytes - frame.length) }] });
  };

  it("exactly 5 MiB is accepted; one byte more → 413", async () => {
    const { key } = await newLicense(p, "pro");
    const limit = 5 * 1024 * 1024;
    const atLimit = bodyOfSize(limit);
    expect(Buffer.byteLength(atLimit)).toBe(limit);
    expect((await chat(key, undefined, { raw: atLimit, contentType: "application/json" })).status).toBe(200);
    const over = await chat(key, undefined, { raw: bodyOfSize(limit + 1), contentType: "application/json" });
    expect(over.status).toBe(413);
    expect(over.body).toEqual({ error: "Request body too large", code: "INVALID_INPUT" });
    expect(p.stubs.openai.requests).toHaveLength(1);
  });

  it("a 6 MiB body → 413 Request body too large; nothing counted or sent", async () => {
    const { key, license } = await newLicense(p, "pro");
    const response = await chat(key, { messages: [{ role: "user", content: "a".repeat(6 * 1024 * 1024) }] });
    expect(response.status).toBe(413);
    expect(response.headers.get("content-type")).toBe(JSON_CONTENT_TYPE);
    expect(response.body).toEqual({ error: "Request body too large", code: "INVALID_INPUT" });
    expect(await p.services.models.UsageCounter.countDocuments({ license_id: license._id }).exec()).toBe(0);
    expect(stubRequests(p)).toBe(0);
  });
});
