import { LicenseStatus } from "../../src/modules/licenses/license.model";
import { WebhookEventStatus } from "../../src/modules/billing/webhook-event.model";
import { nextEventId } from "./paddle-subscription-events";
import { PRICES, SubscriptionHarness } from "./subscription-harness";

describe("subscription.* events → licenses (created, duplicates, order, prices, plan changes)", () => {
  let h: SubscriptionHarness;
  beforeAll(async () => {
    h = await SubscriptionHarness.start();
  });
  afterAll(() => h.stop());
  afterEach(() => h.expectInvariants());

  it("issues a license on subscription.created: valid in /api/validate, its key in a license_issued message, an MRR row", async () => {
    await h.customer("ctm_created", "alice@example.com");
    const created = h.event({
      type: "subscription.created",
      subscriptionId: "sub_created",
      customerId: "ctm_created",
      status: "active",
      items: [{ priceId: PRICES.pro, amount: 799 }],
    });
    await h.send(created);

    expect(await h.eventRow(created.event_id)).toMatchObject({ status: WebhookEventStatus.processed, attention: null });
    const license = await h.licenseOf("sub_created");
    expect(license).toMatchObject({ status: LicenseStatus.active, expires_at: null, paddle_subscription_id: "sub_created" });
    expect(await h.planName(license.plan_id)).toBe("pro");
    const customer = await h.models.Customer.findById(license.customer_id).lean().exec();
    expect(customer).toMatchObject({ email: "alice@example.com", paddle_customer_id: "ctm_created" });

    const [message] = await h.notifications(license._id);
    expect(message).toMatchObject({ kind: "license_issued", recipient_email: "alice@example.com", cause: created.event_id });
    expect(JSON.stringify(message!.data)).not.toContain("CHA-");
    const key = await h.keyOf(license);
    expect(key.slice(-4)).toBe(license.key_last4);
    const validation = await h.validate(key);
    expect(validation.status).toBe(200);
    expect(validation.body).toMatchObject({ valid: true, plan: { name: "pro" } });
    expect(validation.body).not.toHaveProperty("billing");
    expect(validation.body).not.toHaveProperty("warnings");

    expect(await h.mrrRows("sub_created")).toEqual([
      expect.objectContaining({
        mrr_cents: 799,
        currency: "EUR",
        status: "active",
        cause: created.event_id,
        effective_at: new Date(created.occurred_at),
        customer_id: license.customer_id,
        license_id: license._id,
        plan_id: license.plan_id,
      }),
    ]);
    expect(await h.state("sub_created")).toMatchObject({ status: "active", license_id: license._id, list_mrr_cents: 799, mrr_cents: 799 });
    const [issued] = await h.activity(license._id);
    expect(issued).toMatchObject({ actor: "paddle", action: "license.issued", details: { plan: "pro", cause: created.event_id } });
  });

  it("applies created then activated (and Paddle's retries of both) as one license, one message, one MRR row", async () => {
    await h.customer("ctm_dup", "dup@example.com");
    const base = {
      subscriptionId: "sub_dup",
      customerId: "ctm_dup",
      status: "active" as const,
      items: [{ priceId: PRICES.starter, amount: 299 }],
    };
    const created = h.event({ ...base, type: "subscription.created" });
    h.time.advance(1000);
    const activated = h.event({ ...base, type: "subscription.activated" });
    await h.send(created, created, activated, activated, created);

    const license = await h.licenseOf("sub_dup");
    expect(await h.notifications(license._id)).toHaveLength(1);
    expect(await h.mrrRows("sub_dup")).toHaveLength(1);
    expect((await h.activity(license._id)).map((entry) => entry.action)).toEqual(["license.issued"]);
    expect(await h.models.WebhookEvent.countDocuments({ "payload.data.id": "sub_dup" }).exec()).toBe(2);
  });

  it("issues the license from whichever snapshot comes first (an updated before its created), and skips the older one", async () => {
    await h.customer("ctm_ooo", "ooo@example.com");
    const base = { subscriptionId: "sub_ooo", customerId: "ctm_ooo", items: [{ priceId: PRICES.pro, amount: 799 }] };
    const created = h.event({ ...base, type: "subscription.created", status: "active" });
    h.time.advance(60_000);
    const updated = h.event({ ...base, type: "subscription.updated", status: "active", items: [{ priceId: PRICES.agency, amount: 1999 }] });
    await h.send(updated);
    await h.send(created);

    const license = await h.licenseOf("sub_ooo");
    expect(await h.planName(license.plan_id)).toBe("agency");
    expect(await h.eventRow(created.event_id)).toMatchObject({ status: WebhookEventStatus.ignored });
    expect((await h.mrrRows("sub_ooo")).map((row) => row.mrr_cents)).toEqual([1999]);
  });

  it("never suspends for an older past_due that arrives after a newer active", async () => {
    await h.customer("ctm_late", "late@example.com");
    const base = { subscriptionId: "sub_late", customerId: "ctm_late", items: [{ priceId: PRICES.pro, amount: 799 }] };
    const created = h.event({ ...base, type: "subscription.created", status: "active" });
    h.time.advance(60_000);
    const pastDue = h.event({ ...base, type: "subscription.past_due", status: "past_due" });
    h.time.advance(60_000);
    const recovered = h.event({ ...base, type: "subscription.updated", status: "active" });
    await h.send(created, recovered);
    await h.send(pastDue);

    const license = await h.licenseOf("sub_late");
    expect(license.status).toBe(LicenseStatus.active);
    expect(license.grace_until).toBeUndefined();
    expect(await h.eventRow(pastDue.event_id)).toMatchObject({ status: WebhookEventStatus.ignored });
    expect(await h.state("sub_late")).toMatchObject({ status: "active", grace_until: null });
    expect(await h.notifications(license._id, "grace_period_ending")).toHaveLength(0);
  });

  it("flags a price no plan sells (processed, attention unknown_price, no license), and keeps the billing state", async () => {
    await h.customer("ctm_unknown", "unknown@example.com");
    const created = h.event({
      type: "subscription.created",
      subscriptionId: "sub_unknown",
      customerId: "ctm_unknown",
      status: "active",
      items: [{ priceId: PRICES.unknown, amount: 1234 }],
    });
    await h.send(created);

    expect(await h.eventRow(created.event_id)).toMatchObject({
      status: WebhookEventStatus.processed,
      attention: "unknown_price",
      note: `no plan sells price ${PRICES.unknown}: add it to a plan's paddlePriceIds (updatePlan)`,
    });
    expect(await h.licensesOf("sub_unknown")).toHaveLength(0);
    expect(await h.mrrRows("sub_unknown")).toHaveLength(0);
    expect(await h.state("sub_unknown")).toMatchObject({ status: "active", price_id: PRICES.unknown, list_mrr_cents: 1234, plan_id: null });

    // Once an operator maps the price, the subscription's next event issues the license.
    await h.mapPrice("agency", [PRICES.agency, PRICES.unknown]);
    h.time.advance(1000);
    await h.send(
      h.event({
        type: "subscription.updated",
        subscriptionId: "sub_unknown",
        customerId: "ctm_unknown",
        status: "active",
        items: [{ priceId: PRICES.unknown, amount: 1234 }],
      }),
    );
    expect(await h.planName((await h.licenseOf("sub_unknown")).plan_id)).toBe("agency");
    await h.mapPrice("agency", [PRICES.agency]);
  });

  it("waits (failed, retried) for a customer it does not know yet, then applies", async () => {
    const created = h.event({
      type: "subscription.created",
      subscriptionId: "sub_waiting",
      customerId: "ctm_waiting",
      status: "active",
      items: [{ priceId: PRICES.pro, amount: 799 }],
    });
    await h.send(created);
    expect(await h.eventRow(created.event_id)).toMatchObject({ status: WebhookEventStatus.failed });
    expect(await h.licensesOf("sub_waiting")).toHaveLength(0);
    await h.customer("ctm_waiting", "waiting@example.com");
    h.time.advance(11_000);
    await h.platform.services.webhookProcessor.drain();
    expect(await h.eventRow(created.event_id)).toMatchObject({ status: WebhookEventStatus.processed });
    expect((await h.licenseOf("sub_waiting")).status).toBe(LicenseStatus.active);
  });

  it("moves the license up and down between plans as the price changes, with an MRR row and an activity entry each", async () => {
    await h.customer("ctm_moves", "moves@example.com");
    const base = { subscriptionId: "sub_moves", customerId: "ctm_moves", status: "active" as const };
    const created = h.event({ ...base, type: "subscription.created", items: [{ priceId: PRICES.starter, amount: 299 }] });
    h.time.advance(1000);
    const upgraded = h.event({ ...base, type: "subscription.updated", items: [{ priceId: PRICES.agency, amount: 1999 }] });
    h.time.advance(1000);
    const downgraded = h.event({
      ...base,
      type: "subscription.updated",
      items: [{ priceId: PRICES.proYearly, amount: 7990, interval: "year" }],
    });
    await h.send(created, upgraded);
    const license = await h.licenseOf("sub_moves");
    expect(await h.planName(license.plan_id)).toBe("agency");
    await h.send(downgraded);

    const after = await h.licenseOf("sub_moves");
    expect(await h.planName(after.plan_id)).toBe("pro");
    // 7990 a year ÷ 12 = 665.83 → 666 cents a month.
    expect((await h.mrrRows("sub_moves")).map((row) => [row.mrr_cents, row.cause])).toEqual([
      [299, created.event_id],
      [1999, upgraded.event_id],
      [666, downgraded.event_id],
    ]);
    const changes = (await h.activity(license._id)).filter((entry) => entry.action === "license.plan_changed");
    expect(changes.map((entry) => entry.details)).toEqual([
      { from: "starter", to: "agency", cause: upgraded.event_id },
      { from: "agency", to: "pro", cause: downgraded.event_id },
    ]);
  });

  it("refuses a move onto a sold-out Founders plan: flagged sold_out, the license stays where it was", async () => {
    await h.mapPrice("founders", [PRICES.founders], { lifetimeLimit: 0 });
    await h.customer("ctm_founders", "founders@example.com");
    const base = { subscriptionId: "sub_founders", customerId: "ctm_founders", status: "active" as const };
    await h.send(h.event({ ...base, type: "subscription.created", items: [{ priceId: PRICES.pro, amount: 799 }] }));
    h.time.advance(1000);
    const onto = h.event({ ...base, type: "subscription.updated", items: [{ priceId: PRICES.founders, amount: 2900 }] });
    await h.send(onto);

    expect(await h.eventRow(onto.event_id)).toMatchObject({
      status: WebhookEventStatus.processed,
      attention: "sold_out",
      note: "Founders Deal sold out",
    });
    const license = await h.licenseOf("sub_founders");
    expect(await h.planName(license.plan_id)).toBe("pro");
    expect(license.status).toBe(LicenseStatus.active);
    await h.mapPrice("founders", [PRICES.founders], { lifetimeLimit: 500 });
  });

  it("flags a payload without the fields it needs instead of failing forever", async () => {
    const broken = h.event({
      type: "subscription.updated",
      subscriptionId: "sub_broken",
      customerId: "ctm_created",
      status: "active",
      items: [],
    });
    const event = { ...broken, event_id: nextEventId(), data: { ...broken.data, status: "exploded" } };
    await h.send(event);
    expect(await h.eventRow(event.event_id)).toMatchObject({
      status: WebhookEventStatus.processed,
      attention: "invalid_payload",
      note: 'unknown subscription status "exploded"',
    });
  });
});
