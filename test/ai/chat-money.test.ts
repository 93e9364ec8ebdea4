import type { mongoose } from "@typegoose/typegoose";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import { CustomerStatus } from "../../src/modules/customers/customer.model";
import { LicenseStatus } from "../../src/modules/licenses/license.model";
import type { Plan } from "../../src/modules/plans/plan.model";
import { UsageStatus } from "../../src/modules/usage/usage-log.model";
import { monthWindow } from "../../src/modules/usage/usage-windows";
import { http, type HttpResult } from "../support/http";
import { newCustomer, newLicense, newPlan, setLicense } from "../support/fixtures";
import { BUDGET, MINUTE, MONTHLY } from "../support/ai-limit-bodies";
import { startAiPlatform, type AiPlatform } from "../support/ai-platform";
import { steppingClock } from "../support/clock";
import { DEFAULT_PRICES } from "../../src/ai/price-table";
import { mostPromptTokens, mostUsage } from "../support/ai-prompt-bound";

// Money and quotas of POST /api/chat under concurrency: plugin contract §4.3 ("admission is atomic", "no limit is
// ever exceeded"), §4.1 (what counts), DOMAIN.md "reserve, call, settle", reliability §5.2 B1, B2, B4, B9.
// The platform counts its windows by a clock that a test can set back to the start of a minute, instead of waiting
// for the next one.
const time = steppingClock();
let p: AiPlatform;
beforeAll(async () => {
  p = await startAiPlatform({ clock: time.clock });
});
afterAll(async () => {
  await p?.stop();
});
beforeEach(() => {
  for (const stub of [p.stubs.openai, p.stubs.anthropic, p.stubs.deepseek]) stub.reset();
});

const HI = [{ role: "user", content: "Hi" }];
const chat = (key: string, json: unknown = { messages: HI }): Promise<HttpResult> => http(p.baseUrl, "POST", "/api/chat", { key, json });
const allStubRequests = (): number => p.stubs.openai.requests.length + p.stubs.anthropic.requests.length + p.stubs.deepseek.requests.length;

/** Unlimited in every window unless the overrides say otherwise (0 = unlimited). */
async function licenseOn(overrides: Partial<Omit<Plan, "_id">>): Promise<{ key: string; licenseId: mongoose.Types.ObjectId; plan: Plan }> {
  const plan = await newPlan(p, {
    monthly_requests: 0,
    requests_per_minute: 0,
    requests_per_hour: 0,
    monthly_budget_micros: 0,
    ...overrides,
  });
  const customer = await newCustomer(p);
  const { key, license } = await p.services.licenses.issue({ customerId: customer._id, plan: plan.name }, SYSTEM_ACTOR);
  return { key, licenseId: license._id, plan };
}

async function monthCounter(licenseId: mongoose.Types.ObjectId) {
  const counters = await p.services.models.UsageCounter.find({ license_id: licenseId, window: /^m:/ }).lean().exec();
  expect(counters.length).toBeLessThanOrEqual(1);
  const [month] = counters;
  return {
    requests: month?.requests ?? 0,
    cost_micros: month?.cost_micros ?? 0,
    reserved_micros: month?.reserved_micros ?? 0,
    tokens: month?.tokens ?? 0,
    pending: (month?.pending ?? []).length,
  };
}
const windowRequests = async (licenseId: mongoose.Types.ObjectId, prefix: "h:" | "i:"): Promise<number> =>
  (
    await p.services.models.UsageCounter.find({ license_id: licenseId, window: new RegExp(`^${prefix}`) })
      .lean()
      .exec()
  ).reduce((sum, c) => sum + c.requests, 0);
const logsOf = (licenseId: mongoose.Types.ObjectId) => p.services.models.UsageLog.find({ license_id: licenseId }).lean().exec();

/** How many responses had each status. */
function statusCounts(responses: HttpResult[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const response of responses) counts[response.status] = (counts[response.status] ?? 0) + 1;
  return counts;
}

// gpt-4o-mini at 0.138 / 0.552 micro-euros per input / output token. Messages HI reserve their prompt bound, 10 + 10
// template tokens + "user" + "Hi" = 26, and max_tokens 1000: ceil(26 × 0.138 + 1000 × 0.552) = ceil(555.588) = 556
// micro-euros. The stub's default answer (12 + 3 tokens) costs 4.
const WORST_CASE_HI = 556;

describe("B1: the monthly request limit holds under concurrency", () => {
  it("50 requests left, 200 concurrent chats → exactly 50 answered and 150 MONTHLY_LIMIT; counters and logs agree", async () => {
    const N = 1000;
    const { key, licenseId } = await licenseOn({ monthly_requests: N });
    // The month so far: N - 50 requests already used, settled long ago.
    await p.services.models.UsageCounter.create({
      license_id: licenseId,
      window: monthWindow(new Date(time.clock())),
      requests: N - 50,
      tokens: 0,
      cost_micros: 0,
      reserved_micros: 0,
      expires_at: new Date("2100-01-01T00:00:00.000Z"),
    });

    const responses = await Promise.all(Array.from({ length: 200 }, () => chat(key)));
    expect(statusCounts(responses)).toEqual({ 200: 50, 429: 150 });
    for (const refused of responses.filter((r) => r.status === 429)) expect(refused.body).toEqual(MONTHLY(N));
    for (const answered of responses.filter((r) => r.status === 200))
      expect(answered.body).toMatchObject({ success: true, usage: { tokens: 15, cost_eur: 0 } });

    const logs = await logsOf(licenseId);
    expect(logs).toHaveLength(50);
    expect(p.stubs.openai.requests).toHaveLength(50);
    const month = await monthCounter(licenseId);
    expect(month).toEqual({ requests: N, cost_micros: 50 * 4, reserved_micros: 0, tokens: 50 * 15, pending: 0 });
    expect(logs.reduce((sum, log) => sum + log.cost_micros, 0)).toBe(month.cost_micros);
    // The refused requests gave their minute and hour back.
    expect(await windowRequests(licenseId, "h:")).toBe(50);
    expect(await windowRequests(licenseId, "i:")).toBe(50);
  });

  it("B4: 30 concurrent first requests of a fresh license (no counter yet) on a 5-request month → exactly 5 answered", async () => {
    const { key, licenseId } = await licenseOn({ monthly_requests: 5 });
    const responses = await Promise.all(Array.from({ length: 30 }, () => chat(key)));
    expect(statusCounts(responses)).toEqual({ 200: 5, 429: 25 });
    expect(p.stubs.openai.requests).toHaveLength(5);
    expect(await logsOf(licenseId)).toHaveLength(5);
    expect(await monthCounter(licenseId)).toMatchObject({ requests: 5, reserved_micros: 0, pending: 0 });
    expect(await p.services.models.UsageCounter.countDocuments({ license_id: licenseId, window: /^m:/ }).exec()).toBe(1);
  });

  it("the per-minute limit holds too: 3 per minute, 25 concurrent → 3 answered, 22 MINUTE_LIMIT, the month counts 3", async () => {
    time.rewind();
    const { key, licenseId } = await licenseOn({ requests_per_minute: 3 });
    const responses = await Promise.all(Array.from({ length: 25 }, () => chat(key)));
    expect(statusCounts(responses)).toEqual({ 200: 3, 429: 22 });
    for (const refused of responses.filter((r) => r.status === 429)) {
      expect(refused.body).toEqual(MINUTE(3));
    }
    expect(p.stubs.openai.requests).toHaveLength(3);
    expect(await monthCounter(licenseId)).toMatchObject({ requests: 3, reserved_micros: 0, pending: 0 });
    expect(await windowRequests(licenseId, "i:")).toBe(3);
    expect(await windowRequests(licenseId, "h:")).toBe(3);
  });
});

describe("B1: the monthly budget holds under concurrency", () => {
  it("a budget of 10 worst cases, 100 concurrent chats: spend within the budget, every upstream call reserved and recorded", async () => {
    const budget = 10 * WORST_CASE_HI;
    const { key, licenseId } = await licenseOn({ monthly_budget_micros: budget, max_tokens: 1000 });
    const responses = await Promise.all(Array.from({ length: 100 }, () => chat(key)));
    const counts = statusCounts(responses);
    expect(Object.keys(counts).sort()).toEqual(Object.keys(counts).includes("402") ? ["200", "402"] : ["200"]);
    for (const refused of responses.filter((r) => r.status === 402)) expect(refused.body).toEqual(BUDGET(budget / 1_000_000));
    const admitted = counts[200];
    // At least ⌊budget / worst case⌋ fit whatever the timing; no request reached the provider without a reservation.
    expect(admitted).toBeGreaterThanOrEqual(10);
    expect(p.stubs.openai.requests).toHaveLength(admitted);

    const logs = await logsOf(licenseId);
    expect(logs).toHaveLength(admitted);
    const month = await monthCounter(licenseId);
    expect(month).toEqual({ requests: admitted, cost_micros: admitted * 4, reserved_micros: 0, tokens: admitted * 15, pending: 0 });
    expect(logs.reduce((sum, log) => sum + log.cost_micros, 0)).toBe(month.cost_micros);
    expect(month.cost_micros).toBeLessThanOrEqual(budget);
  });

  it("answers that cost their whole worst case: no more than ⌊budget / worst case⌋ are ever admitted", async () => {
    // The bound of HI (26 prompt tokens) and max_tokens 1000 reported: actual = worst case = 556 micro-euros.
    p.stubs.openai.behave({ promptTokens: 26, completionTokens: 1000 });
    const budget = 10 * WORST_CASE_HI + WORST_CASE_HI - 1;
    const { key, licenseId } = await licenseOn({ monthly_budget_micros: budget });
    const responses = await Promise.all(Array.from({ length: 60 }, () => chat(key)));
    expect(statusCounts(responses)).toEqual({ 200: 10, 402: 50 });
    expect(p.stubs.openai.requests).toHaveLength(10);
    const month = await monthCounter(licenseId);
    expect(month).toEqual({ requests: 10, cost_micros: 10 * WORST_CASE_HI, reserved_micros: 0, tokens: 10 * 1026, pending: 0 });
    expect(month.cost_micros).toBeLessThanOrEqual(budget);
  });

  it("B2: what the answer did not use is refunded and reusable: 19 sequential calls fit a budget of 10 worst cases", async () => {
    // Each call reserves 556 and costs 500 × 0.552 = 276. Call k is admitted while 276 × (k - 1) + 556 ≤ 5560: k ≤ 19.
    p.stubs.openai.behave({ promptTokens: 0, completionTokens: 500 });
    const budget = 10 * WORST_CASE_HI;
    const { key, licenseId } = await licenseOn({ monthly_budget_micros: budget });
    for (let k = 1; k <= 19; k++) {
      const response = await chat(key);
      expect({ k, status: response.status }).toEqual({ k, status: 200 });
      expect(await monthCounter(licenseId)).toMatchObject({ requests: k, cost_micros: 276 * k, reserved_micros: 0, pending: 0 });
    }
    const refused = await chat(key);
    expect(refused.status).toBe(402);
    expect(refused.body).toEqual(BUDGET(0.00556));
    expect(await monthCounter(licenseId)).toEqual({
      requests: 19,
      cost_micros: 19 * 276,
      reserved_micros: 0,
      tokens: 19 * 500,
      pending: 0,
    });
    expect(p.stubs.openai.requests).toHaveLength(19);
  });
});

describe("B1: the budget holds against a provider that counts the most prompt tokens it may", () => {
  // Non-Latin text is where characters ÷ 4 under-counts: Japanese takes 3 UTF-8 bytes a character, these emoji 4 to
  // 25, and "㍿" becomes "株式会社" (12 bytes) under NFKC. The stub reports, for each request it receives, the
  // most the README's rule allows: the prompt bound and all of max_tokens.
  const CONVERSATION = [
    { role: "system", content: "あなたは丁寧なアシスタントです。㍿などの略語も説明してください。" },
    { role: "user", content: "こんにちは！🍣🍜🎌 今日の東京の天気を教えてください。".repeat(20) },
    {
      role: "assistant",
      content: [
        { type: "text", text: "晴れです☀️" },
        { type: "text", text: "👨‍👩‍👧‍👦".repeat(10) },
      ],
    },
    { role: "user", content: "ありがとう🙏" },
  ];
  const MAX_TOKENS = 16;
  const cases = [
    ["openai", "gpt-4o-mini", false],
    ["anthropic", "claude-3-haiku-20240307", true],
    ["deepseek", "deepseek-chat", false],
  ] as const;

  it.each(cases)(
    "%s (%s, stream %s): 40 concurrent chats, budget 10.5 worst cases → 10 admitted, spend ≤ budget",
    async (provider, model, stream) => {
      p.stubs[provider].behave({ usageFrom: mostUsage });
      // A `name` is text the model sees too (Anthropic refuses names, so its conversation has none).
      const messages =
        provider === "anthropic" ? CONVERSATION : [...CONVERSATION, { role: "user", content: "またね👋", name: "tanaka_san" }];
      // The Anthropic stub receives the system message as `system`; mostPromptTokens counts it as that message.
      const prompt = mostPromptTokens({ messages });
      const price = DEFAULT_PRICES[`${provider}/${model}`];
      const costOfOne = Math.ceil(prompt * price.input + MAX_TOKENS * price.output);
      const budget = 10 * costOfOne + Math.floor(costOfOne / 2);
      const { key, licenseId } = await licenseOn({ monthly_budget_micros: budget });

      const responses = await Promise.all(
        Array.from({ length: 40 }, () => chat(key, { messages, api_provider: provider, max_tokens: MAX_TOKENS, stream })),
      );
      // An under-estimated reservation lets at least 11 in, which spends more than the budget.
      expect(statusCounts(responses)).toEqual({ 200: 10, 402: 30 });
      expect(p.stubs[provider].requests).toHaveLength(10);

      const logs = await logsOf(licenseId);
      expect(logs).toHaveLength(10);
      for (const log of logs) expect(log).toMatchObject({ prompt_tokens: prompt, completion_tokens: MAX_TOKENS, cost_micros: costOfOne });
      const month = await monthCounter(licenseId);
      expect(month).toEqual({
        requests: logs.length,
        cost_micros: logs.reduce((sum, log) => sum + log.cost_micros, 0),
        reserved_micros: 0,
        tokens: 10 * (prompt + MAX_TOKENS),
        pending: 0,
      });
      expect(month.cost_micros).toBeLessThanOrEqual(budget);
    },
  );

  it.each(cases)(
    "%s (%s): the reservation is exactly that most: a budget of one call admits it, 1 micro-euro less refuses it",
    async (provider, model) => {
      const messages =
        provider === "anthropic" ? CONVERSATION : [...CONVERSATION, { role: "user", content: "またね👋", name: "tanaka_san" }];
      const price = DEFAULT_PRICES[`${provider}/${model}`];
      const costOfOne = Math.ceil(mostPromptTokens({ messages }) * price.input + MAX_TOKENS * price.output);
      const body = { messages, api_provider: provider, max_tokens: MAX_TOKENS };
      const fits = await licenseOn({ monthly_budget_micros: costOfOne });
      expect((await chat(fits.key, body)).status).toBe(200);
      const short = await licenseOn({ monthly_budget_micros: costOfOne - 1 });
      expect((await chat(short.key, body)).status).toBe(402);
      expect(p.stubs[provider].requests).toHaveLength(1);
    },
  );
});

describe("the worst case reserved: prompt bound × input price + clamped max_tokens × output price", () => {
  it("a max_tokens above the plan's cap reserves only the cap (B3)", async () => {
    // pro's cap is 2048: ceil(26 × 0.138 + 2048 × 0.552) = ceil(1134.084) = 1135 micro-euros, however large the request's max_tokens.
    const fits = await licenseOn({ monthly_budget_micros: 1135 });
    expect((await chat(fits.key, { messages: HI, max_tokens: 1_000_000 })).status).toBe(200);
    expect(p.stubs.openai.requests[0].body).toMatchObject({ max_tokens: 2048 });
    const short = await licenseOn({ monthly_budget_micros: 1134 });
    const refused = await chat(short.key, { messages: HI, max_tokens: 1_000_000 });
    expect(refused.status).toBe(402);
    expect(refused.body).toEqual(BUDGET(0.001134));
    expect(p.stubs.openai.requests).toHaveLength(1);
  });

  it.each([
    // 4000 ASCII bytes + "user" + 20 template tokens = 4024: ceil(4024 × 0.138 + 552) = ceil(1107.312) = 1108.
    ["4000 ASCII characters", 1108, "z".repeat(4000)],
    // 3 UTF-8 bytes each: 3000 + 24 = 3024 tokens, ceil(969.312) = 970 (characters ÷ 4 would say 250).
    ["1000 Japanese characters", 970, "日".repeat(1000)],
    // "㍿" is 3 bytes but 12 in NFKC ("株式会社"): 12,000 + 24 = 12,024 tokens, ceil(2211.312) = 2212.
    ["1000 characters that NFKC lengthens", 2212, "㍿".repeat(1000)],
  ])("the prompt counts at its bound: %s reserve %d micro-euros", async (_label, reserved, content) => {
    const messages = [{ role: "user", content }];
    const fits = await licenseOn({ monthly_budget_micros: reserved });
    expect((await chat(fits.key, { messages })).status).toBe(200);
    const short = await licenseOn({ monthly_budget_micros: reserved - 1 });
    expect((await chat(short.key, { messages })).status).toBe(402);
    expect(p.stubs.openai.requests).toHaveLength(1);
  });

  it("the model's own prices: Anthropic's haiku reserves ceil(26 × 0.23 + 1000 × 1.15) = ceil(1155.98) = 1156", async () => {
    const fits = await licenseOn({ monthly_budget_micros: 1156 });
    expect((await chat(fits.key, { messages: HI, api_provider: "anthropic" })).status).toBe(200);
    const short = await licenseOn({ monthly_budget_micros: 1155 });
    expect((await chat(short.key, { messages: HI, api_provider: "anthropic" })).status).toBe(402);
    expect(p.stubs.anthropic.requests).toHaveLength(1);
  });
});

describe("B9 and §4.1: refused before the reservation, or counted at no cost", () => {
  it("a Starter license → 403 AI_NOT_INCLUDED; nothing reserved, nothing sent", async () => {
    const { key, license } = await newLicense(p, "starter");
    const responses = await Promise.all(Array.from({ length: 10 }, () => chat(key)));
    for (const response of responses) {
      expect(response.status).toBe(403);
      expect(response.body).toEqual({
        error: "AI not included in your plan",
        plan: "starter",
        message: "Upgrade to Pro or Agency plan for included AI",
        code: "AI_NOT_INCLUDED",
      });
    }
    expect(allStubRequests()).toBe(0);
    expect(await p.services.models.UsageCounter.countDocuments({ license_id: license._id }).exec()).toBe(0);
    expect(await logsOf(license._id)).toHaveLength(0);
  });

  it("a suspended license, or one whose customer is suspended → 401; nothing reserved, nothing sent", async () => {
    const suspended = await newLicense(p, "pro");
    await setLicense(p, suspended.license._id, { status: LicenseStatus.suspended });
    const customerSuspended = await newLicense(p, "pro");
    await p.services.models.Customer.updateOne(
      { _id: customerSuspended.customer._id },
      { $set: { status: CustomerStatus.suspended } },
    ).exec();
    for (const { key, license } of [suspended, customerSuspended]) {
      const responses = await Promise.all(Array.from({ length: 5 }, () => chat(key)));
      for (const response of responses)
        expect(response).toMatchObject({ status: 401, body: { error: "Invalid or inactive license", code: "LICENSE_SUSPENDED" } });
      expect(await p.services.models.UsageCounter.countDocuments({ license_id: license._id }).exec()).toBe(0);
      expect(await logsOf(license._id)).toHaveLength(0);
    }
    expect(allStubRequests()).toBe(0);
  });

  it("a provider 500 costs nothing, but the request counts", async () => {
    const { key, license } = await newLicense(p, "pro");
    p.stubs.openai.behave({ mode: "error", errorStatus: 500 });
    const response = await chat(key);
    expect(response.status).toBe(500);
    expect(response.body).toMatchObject({ error: "AI service error", code: "PROVIDER_ERROR" });
    expect(await monthCounter(license._id)).toEqual({ requests: 1, cost_micros: 0, reserved_micros: 0, tokens: 0, pending: 0 });
    const logs = await logsOf(license._id);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ status: UsageStatus.provider_error, tokens_used: 0, cost_micros: 0 });
  });

  it("a provider that cannot be reached costs nothing and does not count (§4.1)", async () => {
    const { key, license } = await newLicense(p, "pro");
    p.stubs.openai.behave({ mode: "drop" });
    const responses = await Promise.all(Array.from({ length: 5 }, () => chat(key)));
    for (const response of responses)
      expect(response).toMatchObject({ status: 500, body: { error: "Request failed", code: "PROVIDER_ERROR" } });
    expect(await monthCounter(license._id)).toEqual({ requests: 0, cost_micros: 0, reserved_micros: 0, tokens: 0, pending: 0 });
    expect(await windowRequests(license._id, "i:")).toBe(0);
    expect(await windowRequests(license._id, "h:")).toBe(0);
    expect(await logsOf(license._id)).toHaveLength(0);
  });
});

describe("B2: a reservation whose process died is released by the sweep, exactly once", () => {
  it("reserve without settling, sweep(0) → the request and the reserved cost come back; a second sweep releases nothing", async () => {
    const { licenseId, plan } = await licenseOn({ monthly_requests: 10, monthly_budget_micros: 10_000 });
    const reserved = await p.services.quota.reserve(licenseId, plan, 1234);
    if (!reserved.ok) throw new Error(`reservation refused: ${reserved.limit}`);
    expect(await monthCounter(licenseId)).toEqual({ requests: 1, cost_micros: 0, reserved_micros: 1234, tokens: 0, pending: 1 });

    // Too young for a patient sweep.
    expect(await p.services.quota.sweep(60_000)).toBe(0);
    expect(await monthCounter(licenseId)).toMatchObject({ requests: 1, reserved_micros: 1234, pending: 1 });

    await new Promise((resolve) => setTimeout(resolve, 5));
    // Two sweepers at once: the reservation is released by one of them only.
    const released = await Promise.all([p.services.quota.sweep(0), p.services.quota.sweep(0)]);
    expect(released[0] + released[1]).toBe(1);
    expect(await monthCounter(licenseId)).toEqual({ requests: 0, cost_micros: 0, reserved_micros: 0, tokens: 0, pending: 0 });
    expect(await p.services.quota.sweep(0)).toBe(0);
    expect(await monthCounter(licenseId)).toEqual({ requests: 0, cost_micros: 0, reserved_micros: 0, tokens: 0, pending: 0 });
    // Nothing was recorded as usage.
    expect(await logsOf(licenseId)).toHaveLength(0);
  });

  it("a call that settles after the sweep released it is charged once, and the counters stay consistent", async () => {
    const { licenseId, plan } = await licenseOn({ monthly_budget_micros: 10_000 });
    const reserved = await p.services.quota.reserve(licenseId, plan, 552);
    if (!reserved.ok) throw new Error(`reservation refused: ${reserved.limit}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await p.services.quota.sweep(0)).toBe(1);
    await p.services.quota.settle(reserved.reservation, {
      endpoint: "/api/chat/openai",
      provider: "openai",
      model: "gpt-4o-mini",
      promptTokens: 12,
      completionTokens: 3,
      costMicros: 4,
      responseTimeMs: 100,
      status: UsageStatus.ok,
      site: null,
      ip: "127.0.0.1",
      userAgent: null,
    });
    expect(await monthCounter(licenseId)).toEqual({ requests: 1, cost_micros: 4, reserved_micros: 0, tokens: 15, pending: 0 });
    expect(await logsOf(licenseId)).toHaveLength(1);
    expect(await p.services.quota.sweep(0)).toBe(0);
  });

  it("a sweep leaves in-flight reservations of live calls alone when they are younger than its cut-off", async () => {
    const { key, licenseId } = await licenseOn({});
    p.stubs.openai.behave({ delayMs: 300 });
    const call = chat(key);
    await new Promise<void>((resolve) => {
      const poll = (): void => void monthCounter(licenseId).then((m) => (m.pending === 1 ? resolve() : setTimeout(poll, 5)));
      poll();
    });
    expect(await p.services.quota.sweep(60_000)).toBe(0);
    expect((await call).status).toBe(200);
    expect(await monthCounter(licenseId)).toEqual({ requests: 1, cost_micros: 4, reserved_micros: 0, tokens: 15, pending: 0 });
  });
});
