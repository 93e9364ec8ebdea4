import { AdminRole } from "../../src/modules/admins/admin.model";
import { bearer, startTestPlatform, type TestPlatform } from "../support/platform";
import { NOW, writeScenario, type Scenario } from "./analytics-scenario";

const ANALYTICS = `query ($currency: String, $at: DateTimeISO, $from: DateTimeISO, $to: DateTimeISO) {
  analytics(currency: $currency, at: $at, from: $from, to: $to) {
    currency at from to mrrCents arrCents activeSubscribers arpaCents
    start { mrrCents subscribers }
    movements {
      new { amountCents count } expansion { amountCents count } contraction { amountCents count }
      churn { amountCents count } reactivation { amountCents count } netCents
    }
    churnedCustomers customerChurnRate grossMrrChurnRate netMrrChurnRate
    oneTime { sales revenueCents salesAllTime revenueAllTimeCents }
    founders { plan limit sold remaining }
    refunds { amountCents count }
    cash { collectedCents payments refundedCents netCents }
    revenueByPlan { planId plan mrrCents subscribers collectedCents refundedCents }
    excludedCurrencies
    ai { requests tokens costMicros byProvider { provider requests tokens costMicros } byDay { date requests tokens costMicros } }
  }
}`;

type Figures = Record<string, unknown> & {
  mrrCents: number;
  movements: Record<string, { amountCents: number; count: number }>;
  churnedCustomers: number;
  customerChurnRate: number | null;
};

let platform: TestPlatform;
let admin: string;
let scenario: Scenario;

beforeAll(async () => {
  platform = await startTestPlatform({ clock: () => NOW });
  scenario = await writeScenario(platform.services);
  admin = await platform.token(AdminRole.admin);
});
afterAll(async () => platform.stop());

async function analytics(variables: Record<string, unknown> = {}, token = admin): Promise<Figures> {
  const response = await platform.graphql<{ analytics: Figures }>(ANALYTICS, variables, bearer(token));
  expect(response.errors).toBeUndefined();
  return (response.data as { analytics: Figures }).analytics;
}

describe("analytics on the hand-computed November", () => {
  it("gives every figure of the month so far (Nov 1 → now, Nov 20 12:00), computed by hand", async () => {
    const figures = await analytics();
    // Start (end of Oct 31), EUR customers paying: A 2900, B 6583, C 2900, D 2900, H 2900, J 2900 → 21083, 6 customers.
    // F cancelled on Oct 20; E and G not yet subscribed; I pays in USD.
    // Movements (diffed per customer at each day's end):
    //   new:          E 2320 (Nov 3), G 2900 (Nov 4)                → 5220, 2
    //   expansion:    A 2900 → 7900 (Nov 10)                         → 5000, 1
    //   contraction:  B 6583 → 2417 (Nov 15)                         → 4166, 1
    //   churn:        J 2900 (Nov 5), H 2900 (Nov 6), G 2900 (Nov 9) → 8700, 3
    //   reactivation: F 2900 (Nov 7), J 2900 (Nov 16)                → 5800, 2
    //   C's cancellation is effective Nov 25, after now: C still counts. D is past_due: still counts.
    // Now: A 7900 + B 2417 + C 2900 + D 2900 + E 2320 + F 2900 + J 2900 = 24237
    //      (= 21083 + 5220 + 5000 + 5800 − 4166 − 8700), 7 customers.
    expect(figures).toMatchObject({
      currency: "EUR",
      at: "2026-11-20T12:00:00.000Z",
      from: "2026-11-01T00:00:00.000Z",
      to: "2026-11-20T12:00:00.000Z",
      mrrCents: 24237,
      arrCents: 24237 * 12, // 290844
      activeSubscribers: 7,
      arpaCents: 3462, // 24237 ÷ 7 = 3462.43 → 3462
      start: { mrrCents: 21083, subscribers: 6 },
      movements: {
        new: { amountCents: 5220, count: 2 },
        expansion: { amountCents: 5000, count: 1 },
        contraction: { amountCents: 4166, count: 1 },
        churn: { amountCents: 8700, count: 3 },
        reactivation: { amountCents: 5800, count: 2 },
        netCents: 24237 - 21083, // 3154
      },
      // Of the 6 paying at the start only H pays nothing now: J churned and came back, G joined and churned.
      churnedCustomers: 1,
      excludedCurrencies: ["USD"],
    });
    expect(figures.customerChurnRate).toBe(1 / 6);
    // Gross: (churn 8700 + contraction 4166) ÷ 21083; net: (8700 + 4166 − expansion 5000 − reactivation 5800) ÷ 21083.
    expect(figures.grossMrrChurnRate).toBe(12866 / 21083);
    expect(figures.netMrrChurnRate).toBe(2066 / 21083);
  });

  it("counts one-time sales (never in MRR), refunds, cash by plan and the Founders seats", async () => {
    const figures = await analytics();
    // One-time (Founders, €29 each, tax included): K Nov 2, L Nov 8 (refunded Nov 18), N Nov 11 (manual, no metadata:
    // its license is on the lifetime plan) → 3 sales, 3 × 2900 − 2900 = 5800. All time adds M (Oct 20): 4, 8700.
    expect(figures.oneTime).toEqual({ sales: 3, revenueCents: 5800, salesAllTime: 4, revenueAllTimeCents: 8700 });
    // Seats from the plan's counters: K, M and N hold a license (L's was never issued).
    expect(figures.founders).toEqual([{ plan: "founders", limit: 500, sold: 3, remaining: 497 }]);
    // Approved in the period: L's 2900 (Nov 18) and E's 500 (Nov 19); K's is pending (moves nothing).
    expect(figures.refunds).toEqual({ amountCents: 3400, count: 2 });
    // Settled EUR payments Nov 1 → now: A 3538 + A 6100 + E 2830 + K 2900 + L 2900 + N 2900 = 21168 (6 payments);
    // not D's failed one, not I's USD one, not C's on Nov 22.
    expect(figures.cash).toEqual({ collectedCents: 21168, payments: 6, refundedCents: 3400, netCents: 21168 - 3400 });
    // MRR by plan now: pro = B 2417 + C 2900 + D 2900 + E 2320 + F 2900 + J 2900 = 16337 (6 customers); agency = A 7900.
    // Cash by plan: pro = 3538 + 2830 = 6368 (500 refunded); agency = 6100; founders = 3 × 2900 = 8700 (2900 refunded).
    expect(figures.revenueByPlan).toEqual([
      { planId: scenario.plans.pro, plan: "pro", mrrCents: 16337, subscribers: 6, collectedCents: 6368, refundedCents: 500 },
      { planId: scenario.plans.agency, plan: "agency", mrrCents: 7900, subscribers: 1, collectedCents: 6100, refundedCents: 0 },
      { planId: scenario.plans.founders, plan: "founders", mrrCents: 0, subscribers: 0, collectedCents: 8700, refundedCents: 2900 },
    ]);
  });

  it("sums AI usage and cost by provider and by day within the period", async () => {
    const figures = await analytics();
    // Nov 2: openai 100 + 200 tokens (1500 + 2500 µ€), anthropic 300 (4000 µ€); Nov 19: deepseek 50 (100 µ€).
    // Oct 30 and Nov 21 are outside the period.
    expect(figures.ai).toEqual({
      requests: 4,
      tokens: 650,
      costMicros: 8100,
      byProvider: [
        { provider: "anthropic", requests: 1, tokens: 300, costMicros: 4000 },
        { provider: "deepseek", requests: 1, tokens: 50, costMicros: 100 },
        { provider: "openai", requests: 2, tokens: 300, costMicros: 4000 },
      ],
      byDay: [
        { date: "2026-11-02", requests: 3, tokens: 600, costMicros: 8000 },
        { date: "2026-11-19", requests: 1, tokens: 50, costMicros: 100 },
      ],
    });
  });

  it("shows the scheduled cancellation as churn once the period reaches its effective date", async () => {
    const figures = await analytics({ from: "2026-11-01T00:00:00.000Z", to: "2026-11-30T23:59:59.999Z" });
    // C's 2900 leaves on Nov 25: churn 8700 + 2900 = 11600 (4), MRR 24237 − 2900 = 21337, 6 customers;
    // H and C churned of the 6 at the start.
    expect(figures).toMatchObject({
      at: "2026-11-30T23:59:59.999Z",
      mrrCents: 21337,
      activeSubscribers: 6,
      churnedCustomers: 2,
      movements: { churn: { amountCents: 11600, count: 4 } },
    });
    expect(figures.customerChurnRate).toBe(2 / 6);
  });

  it("gives the balances of any instant: October's end, and USD on its own", async () => {
    const october = await analytics({ at: "2026-10-31T23:59:59.999Z" });
    // The state at Nov 1's start (21083, 6); October's movements: new A 2900 (Oct 5), B 6583 (Oct 1), C, D, H, J 2900
    // each → 6583 + 5 × 2900 = 21083 (6 new); F churned 2900 (Oct 20), F having been new in September.
    expect(october).toMatchObject({
      mrrCents: 21083,
      activeSubscribers: 6,
      arpaCents: 3514, // 21083 ÷ 6 = 3513.83 → 3514
      start: { mrrCents: 2900, subscribers: 1 },
      movements: { new: { amountCents: 21083, count: 6 }, churn: { amountCents: 2900, count: 1 } },
    });
    const usd = await analytics({ currency: "USD" });
    expect(usd).toMatchObject({ currency: "USD", mrrCents: 3500, activeSubscribers: 1, excludedCurrencies: ["EUR"] });
    expect(usd.cash).toEqual({ collectedCents: 3500, payments: 1, refundedCents: 0, netCents: 3500 });
  });

  it("gives null ARPA and rates, not a division by zero, for a currency nobody pays in", async () => {
    const figures = await analytics({ currency: "GBP" });
    expect(figures).toMatchObject({ mrrCents: 0, activeSubscribers: 0, arpaCents: null, customerChurnRate: null, grossMrrChurnRate: null });
    expect(figures.netMrrChurnRate).toBeNull();
  });

  it("is for owners and admins only, and refuses a bad currency or period with BAD_USER_INPUT", async () => {
    const readonly = await platform.token(AdminRole.readonly);
    const refused = await platform.graphql(ANALYTICS, {}, bearer(readonly));
    expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const anonymous = await platform.graphql(ANALYTICS, {});
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

    const badCurrency = await platform.graphql(ANALYTICS, { currency: "euro" }, bearer(admin));
    expect(badCurrency.errors?.[0]).toMatchObject({ extensions: { code: "BAD_USER_INPUT" } });
    expect(badCurrency.errors?.[0]?.message).toContain("currency must be a 3-letter ISO 4217 code");
    const backwards = await platform.graphql(ANALYTICS, { from: "2026-11-20T00:00:00Z", to: "2026-11-01T00:00:00Z" }, bearer(admin));
    expect(backwards.errors?.[0]).toMatchObject({ message: "from must not be after to", extensions: { code: "BAD_USER_INPUT" } });
  });
});
