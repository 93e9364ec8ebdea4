import { effectiveMrrCents, listMrrCents } from "../../src/modules/billing/subscription-mrr";
import { nextEventId } from "./paddle-subscription-events";
import { PRICES, SubscriptionHarness } from "./subscription-harness";

describe("list MRR of recurring items", () => {
  const item = (unitAmountCents: number, interval: "day" | "week" | "month" | "year", frequency = 1, quantity = 1) => ({
    priceId: "pri_x",
    unitAmountCents,
    quantity,
    interval,
    frequency,
  });

  it("normalises every cycle to a month and rounds the exact sum half up", () => {
    expect(listMrrCents([item(3240, "month", 1, 10)])).toBe(32400);
    expect(listMrrCents([item(9900, "year")])).toBe(825);
    expect(listMrrCents([item(7990, "year")])).toBe(666); // 665.83
    expect(listMrrCents([item(6, "year")])).toBe(1); // 0.5 → 1 (half up)
    expect(listMrrCents([item(1000, "week")])).toBe(4333); // × 52 / 12 = 4333.33
    expect(listMrrCents([item(100, "day")])).toBe(3042); // × 365 / 12 = 3041.67
    expect(listMrrCents([item(2997, "month", 3)])).toBe(999); // every 3 months
    expect(listMrrCents([item(1000, "month", 1, 2), item(12000, "year", 2)])).toBe(2500);
    // Three items of a third of a cent each add up before rounding (1 cent), not after (0).
    expect(listMrrCents([item(4, "year"), item(4, "year"), item(4, "year")])).toBe(1);
    expect(listMrrCents([])).toBe(0);
  });

  it("takes a charge's discount ratio off, and counts nothing while trialing, paused or cancelled", () => {
    expect(effectiveMrrCents(799, "active", { discountCents: 160, subtotalCents: 799 })).toBe(639);
    expect(effectiveMrrCents(1000, "past_due", { discountCents: 1, subtotalCents: 3 })).toBe(667);
    expect(effectiveMrrCents(1000, "active", null)).toBe(1000);
    for (const status of ["trialing", "paused", "canceled"] as const) expect(effectiveMrrCents(1000, status, null)).toBe(0);
  });
});

describe("SubscriptionMrrService.applyRecurringCharge (called by the transaction lifecycle)", () => {
  let h: SubscriptionHarness;
  beforeAll(async () => {
    h = await SubscriptionHarness.start();
  });
  afterAll(() => h.stop());
  afterEach(() => h.expectInvariants());

  it("re-writes MRR with the charge's discount ratio, and sets it back on a later charge without one", async () => {
    await h.customer("ctm_discount", "discount@example.com");
    const base = { subscriptionId: "sub_discount", customerId: "ctm_discount", status: "active" as const };
    await h.send(
      h.event({ ...base, type: "subscription.created", items: [{ priceId: PRICES.proYearly, amount: 12000, interval: "year" }] }),
    );
    const mrr = h.platform.services.subscriptionMrr;
    const firstCharge = nextEventId("evt_txn");
    const at = new Date(h.time.clock() + 5000);
    await mrr.applyRecurringCharge({
      subscriptionId: "sub_discount",
      subtotalCents: 12000,
      discountCents: 3000,
      currency: "EUR",
      at,
      cause: firstCharge,
    });
    // Applied twice (a retried transaction event): one row.
    await mrr.applyRecurringCharge({
      subscriptionId: "sub_discount",
      subtotalCents: 12000,
      discountCents: 3000,
      currency: "EUR",
      at,
      cause: firstCharge,
    });
    expect((await h.mrrRows("sub_discount")).map((row) => [row.mrr_cents, row.cause])).toEqual([
      [1000, expect.stringMatching(/^evt_sub/)],
      [750, firstCharge],
    ]);
    expect(await h.state("sub_discount")).toMatchObject({
      list_mrr_cents: 1000,
      mrr_cents: 750,
      discount_cents: 3000,
      discount_subtotal_cents: 12000,
    });

    // A later snapshot (e.g. a renewal's subscription.updated) keeps the discount.
    h.time.advance(10_000);
    await h.send(
      h.event({ ...base, type: "subscription.updated", items: [{ priceId: PRICES.proYearly, amount: 12000, interval: "year" }] }),
    );
    expect(await h.mrrRows("sub_discount")).toHaveLength(2);

    const secondCharge = nextEventId("evt_txn");
    await mrr.applyRecurringCharge({
      subscriptionId: "sub_discount",
      subtotalCents: 12000,
      discountCents: 0,
      currency: "EUR",
      at: new Date(h.time.clock() + 5000),
      cause: secondCharge,
    });
    expect((await h.mrrRows("sub_discount")).map((row) => row.mrr_cents)).toEqual([1000, 750, 1000]);
  });

  it("keeps the ratio of a charge that arrives before its subscription, for the subscription's first MRR row", async () => {
    await h.platform.services.subscriptionMrr.applyRecurringCharge({
      subscriptionId: "sub_charged_first",
      subtotalCents: 799,
      discountCents: 400,
      currency: "EUR",
      at: new Date(h.time.clock()),
      cause: nextEventId("evt_txn"),
    });
    expect(await h.mrrRows("sub_charged_first")).toHaveLength(0);
    await h.customer("ctm_charged_first", "first@example.com");
    const created = h.event({
      type: "subscription.created",
      subscriptionId: "sub_charged_first",
      customerId: "ctm_charged_first",
      status: "active",
      items: [{ priceId: PRICES.pro, amount: 799 }],
    });
    await h.send(created);
    expect((await h.licenseOf("sub_charged_first")).status).toBe("active");
    expect((await h.mrrRows("sub_charged_first")).map((row) => row.mrr_cents)).toEqual([399]); // 799 × 399/799
  });

  it("refuses amounts that are not whole minor units", async () => {
    await expect(
      h.platform.services.subscriptionMrr.applyRecurringCharge({
        subscriptionId: "sub_discount",
        subtotalCents: 10.5,
        discountCents: 0,
        currency: "EUR",
        at: new Date(),
        cause: "evt_bad",
      }),
    ).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
  });
});
