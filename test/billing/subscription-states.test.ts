import { AdminRole } from "../../src/modules/admins/admin.model";
import { LicenseStatus } from "../../src/modules/licenses/license.model";
import { bearer } from "../support/platform";
import { DAY_MS, PRICES, SubscriptionHarness } from "./subscription-harness";
import type { SubscriptionSpec } from "./paddle-subscription-events";

describe("subscription states → license states (grace period, pause, cancellation)", () => {
  let h: SubscriptionHarness;
  beforeAll(async () => {
    h = await SubscriptionHarness.start();
  });
  afterAll(() => h.stop());
  afterEach(() => h.expectInvariants());

  /** A subscription with its license issued; `next` builds its later snapshots, each a second later than the last. */
  async function subscribed(name: string) {
    const customerId = `ctm_${name}`;
    const subscriptionId = `sub_${name}`;
    await h.customer(customerId, `${name}@example.com`);
    const base = { subscriptionId, customerId, items: [{ priceId: PRICES.pro, amount: 799 }] };
    await h.send(h.event({ ...base, type: "subscription.created", status: "active" }));
    const license = await h.licenseOf(subscriptionId);
    const key = await h.keyOf(license);
    const next = (type: string, status: SubscriptionSpec["status"], more: Partial<SubscriptionSpec> = {}) => {
      h.time.advance(1000);
      return h.event({ ...base, type, status, ...more });
    };
    return { subscriptionId, license, key, next };
  }

  it("keeps a past-due license valid with a warning, suspends it when the grace period ends, and reactivates it when paid", async () => {
    const { subscriptionId, license, key, next } = await subscribed("grace");
    const pastDue = next("subscription.past_due", "past_due");
    await h.send(pastDue);
    const graceUntil = new Date(Date.parse(pastDue.occurred_at) + 7 * DAY_MS);

    const during = await h.validate(key);
    expect(during.status).toBe(200);
    expect(during.body).toMatchObject({
      valid: true,
      license: { status: "active" },
      billing: { status: "past_due", grace_until: graceUntil.toISOString() },
      warnings: [`Payment past due: this license stays valid until ${graceUntil.toISOString()}`],
    });
    expect(await h.state(subscriptionId)).toMatchObject({
      status: "past_due",
      past_due_since: new Date(pastDue.occurred_at),
      grace_until: graceUntil,
    });
    const [warning] = await h.notifications(license._id, "grace_period_ending");
    expect(warning).toMatchObject({
      recipient_email: "grace@example.com",
      cause: pastDue.event_id,
      data: { graceUntil: graceUntil.toISOString() },
    });
    // Still past due (Paddle retries the payment and sends the subscription again): same grace, no second message.
    await h.send(next("subscription.updated", "past_due"));
    expect(await h.state(subscriptionId)).toMatchObject({ grace_until: graceUntil });
    expect(await h.notifications(license._id, "grace_period_ending")).toHaveLength(1);
    // Past-due subscriptions still count in MRR.
    expect((await h.mrrRows(subscriptionId)).map((row) => row.mrr_cents)).toEqual([799]);

    h.time.advance(7 * DAY_MS - 10_000);
    expect(await h.platform.services.graceSweeper.sweep()).toBe(0);
    h.time.advance(10_000);
    expect(await h.platform.services.graceSweeper.sweep()).toBe(1);
    expect(await h.platform.services.graceSweeper.sweep()).toBe(0);
    const suspended = await h.licenseOf(subscriptionId);
    expect(suspended).toMatchObject({ status: LicenseStatus.suspended, status_reason: "billing:past_due" });
    expect(suspended.grace_until).toBeUndefined();
    expect((await h.validate(key)).body).toMatchObject({ valid: false, code: "LICENSE_SUSPENDED" });
    expect(await h.notifications(license._id, "license_suspended")).toEqual([
      expect.objectContaining({ cause: pastDue.event_id, recipient_email: "grace@example.com" }),
    ]);
    const suspension = (await h.activity(license._id)).find((entry) => entry.action === "license.suspended");
    expect(suspension).toMatchObject({ actor: "system", details: { cause: pastDue.event_id } });

    const paid = next("subscription.updated", "active");
    await h.send(paid);
    expect(await h.licenseOf(subscriptionId)).toMatchObject({ status: LicenseStatus.active, status_reason: null });
    const answer = await h.validate(key);
    expect(answer.body).toMatchObject({ valid: true });
    expect(answer.body).not.toHaveProperty("warnings");
    expect(await h.state(subscriptionId)).toMatchObject({ status: "active", past_due_since: null, grace_until: null });
    const reactivation = (await h.activity(license._id)).find((entry) => entry.action === "license.reactivated");
    expect(reactivation).toMatchObject({ actor: "paddle", details: { cause: paid.event_id } });
  });

  it("drops the grace period when paid before it ends: no suspension later", async () => {
    const { subscriptionId, key, next } = await subscribed("paid_in_time");
    await h.send(next("subscription.past_due", "past_due"));
    await h.send(next("subscription.updated", "active"));
    const license = await h.licenseOf(subscriptionId);
    expect(license.grace_until).toBeUndefined();
    h.time.advance(8 * DAY_MS);
    expect(await h.platform.services.graceSweeper.sweep()).toBe(0);
    expect((await h.validate(key)).body).toMatchObject({ valid: true });
    expect((await h.validate(key)).body).not.toHaveProperty("billing");
  });

  it("never reactivates a license an admin suspended, whatever billing says", async () => {
    const { subscriptionId, license, next } = await subscribed("admin_hold");
    await h.send(next("subscription.paused", "paused"));
    expect(await h.licenseOf(subscriptionId)).toMatchObject({ status: LicenseStatus.suspended, status_reason: "billing:paused" });
    const admin = bearer(await h.platform.token(AdminRole.admin));
    const answer = await h.platform.graphql(
      `mutation { suspendLicense(id: "${license._id.toHexString()}", reason: "abuse report") { status } }`,
      {},
      admin,
    );
    expect(answer.errors).toBeUndefined();
    await h.send(next("subscription.resumed", "active"));
    expect(await h.licenseOf(subscriptionId)).toMatchObject({ status: LicenseStatus.suspended, status_reason: "abuse report" });
  });

  it("never reactivates a license suspended for a chargeback", async () => {
    const { subscriptionId, license, next } = await subscribed("chargeback");
    await h.models.License.updateOne(
      { _id: license._id },
      { $set: { status: LicenseStatus.suspended, status_reason: "billing:chargeback" } },
    ).exec();
    await h.send(next("subscription.updated", "active"));
    expect(await h.licenseOf(subscriptionId)).toMatchObject({ status: LicenseStatus.suspended, status_reason: "billing:chargeback" });
  });

  it("suspends while paused (MRR 0, a license_suspended message) and reactivates when resumed", async () => {
    const { subscriptionId, license, key, next } = await subscribed("pause");
    const paused = next("subscription.paused", "paused");
    await h.send(paused);
    expect(await h.licenseOf(subscriptionId)).toMatchObject({ status: LicenseStatus.suspended, status_reason: "billing:paused" });
    expect((await h.validate(key)).body).toMatchObject({ valid: false, code: "LICENSE_SUSPENDED" });
    expect(await h.notifications(license._id, "license_suspended")).toEqual([expect.objectContaining({ cause: paused.event_id })]);
    const resumed = next("subscription.resumed", "active");
    await h.send(resumed);
    expect((await h.licenseOf(subscriptionId)).status).toBe(LicenseStatus.active);
    expect((await h.mrrRows(subscriptionId)).map((row) => [row.mrr_cents, row.status])).toEqual([
      [799, "active"],
      [0, "paused"],
      [799, "active"],
    ]);
  });

  it("keeps a license valid to the end of the paid period on a scheduled cancellation, and without expiry again when undone", async () => {
    const { subscriptionId, license, key, next } = await subscribed("scheduled");
    const endsAt = new Date(h.time.clock() + 20 * DAY_MS).toISOString();
    const scheduled = next("subscription.updated", "active", { scheduledCancelAt: endsAt });
    await h.send(scheduled);
    expect(await h.licenseOf(subscriptionId)).toMatchObject({ status: LicenseStatus.active, expires_at: new Date(endsAt) });
    expect((await h.validate(key)).body).toMatchObject({ valid: true, expires_at: endsAt });
    expect(await h.state(subscriptionId)).toMatchObject({ scheduled_cancel_at: new Date(endsAt) });
    expect((await h.mrrRows(subscriptionId)).map((row) => [row.mrr_cents, row.effective_at.toISOString()])).toEqual([
      [799, expect.any(String)],
      [0, endsAt],
    ]);
    const extended = (await h.activity(license._id)).find((entry) => entry.action === "license.extended");
    expect(extended?.details).toMatchObject({ cause: scheduled.event_id });

    await h.send(next("subscription.updated", "active", { scheduledCancelAt: null }));
    expect(await h.licenseOf(subscriptionId)).toMatchObject({ status: LicenseStatus.active, expires_at: null });
    expect((await h.mrrRows(subscriptionId)).map((row) => row.mrr_cents)).toEqual([799]);
  });

  it("cancels the license at once on subscription.canceled (MRR 0)", async () => {
    const { subscriptionId, key, next } = await subscribed("canceled");
    const canceled = next("subscription.canceled", "canceled");
    await h.send(canceled);
    expect(await h.licenseOf(subscriptionId)).toMatchObject({ status: LicenseStatus.cancelled, status_reason: "billing:canceled" });
    expect((await h.validate(key)).body).toMatchObject({ valid: false, code: "LICENSE_INACTIVE", error: "License is cancelled" });
    expect((await h.mrrRows(subscriptionId)).map((row) => [row.mrr_cents, row.cause])).toEqual([
      [799, expect.any(String)],
      [0, canceled.event_id],
    ]);
    // A late duplicate changes nothing.
    await h.send(canceled);
    expect(await h.mrrRows(subscriptionId)).toHaveLength(2);
  });

  it("removes a scheduled cancellation's future zero when Paddle cancels at once before it", async () => {
    const { subscriptionId, next } = await subscribed("early_cancel");
    await h.send(next("subscription.updated", "active", { scheduledCancelAt: new Date(h.time.clock() + 20 * DAY_MS).toISOString() }));
    const canceled = next("subscription.canceled", "canceled");
    await h.send(canceled);
    expect((await h.mrrRows(subscriptionId)).map((row) => [row.mrr_cents, row.cause])).toEqual([
      [799, expect.any(String)],
      [0, canceled.event_id],
    ]);
  });

  it("counts a trial as 0 and the first paid period at its price", async () => {
    await h.customer("ctm_trial", "trial@example.com");
    const base = { subscriptionId: "sub_trial", customerId: "ctm_trial", items: [{ priceId: PRICES.pro, amount: 799, quantity: 3 }] };
    await h.send(h.event({ ...base, type: "subscription.trialing", status: "trialing" }));
    expect((await h.licenseOf("sub_trial")).status).toBe(LicenseStatus.active);
    h.time.advance(1000);
    await h.send(h.event({ ...base, type: "subscription.activated", status: "active" }));
    expect((await h.mrrRows("sub_trial")).map((row) => row.mrr_cents)).toEqual([0, 2397]);
  });
});
