import type { mongoose } from "@typegoose/typegoose";
import { AdminRole } from "../../src/modules/admins/admin.model";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import { WebhookEventStatus } from "../../src/modules/billing/webhook-event.model";
import { LicenseStatus } from "../../src/modules/licenses/license.model";
import { NotificationKind } from "../../src/modules/notifications/notification.model";
import { http } from "../support/http";
import { BillingHarness, paddle } from "./billing-harness";
import { customerCreated, paddleId, PRICES, transactionEvent } from "./paddle-transaction-events";

/** A one-time purchase of the Founders price → a lifetime license, exactly once, never over the cap. */

const harness = new BillingHarness();
beforeAll(() => harness.start(2));
afterAll(() => harness.stop());
afterEach(() => harness.invariants());

const founders = () => harness.platform.services.plans.byName("founders");

function purchase(options: { ctm?: string; email?: string; quantity?: number; priceId?: string } = {}) {
  const ctm = options.ctm ?? paddleId("ctm");
  const txn = paddleId("txn");
  const event = transactionEvent("transaction.completed", {
    transactionId: txn,
    customerId: ctm,
    priceId: options.priceId ?? PRICES.founders,
    quantity: options.quantity,
    invoiceNumber: `325-${txn.slice(-6)}`,
    // The checkout passes the buyer's e-mail: resolve() creates and links the customer without waiting.
    customData: { email: options.email ?? `${ctm}@example.com` },
  });
  return { ctm, txn, event };
}

/** The license key, as the outbox will deliver it (the test reads the encrypted secret like the worker does). */
async function keyFromMessage(licenseId: mongoose.Types.ObjectId): Promise<string> {
  const message = await harness.models.Notification.findOne({ kind: NotificationKind.license_issued, license_id: licenseId }).lean().exec();
  expect(message).not.toBeNull();
  return harness.platform.services.notifications.revealSecret(message!).licenseKey as string;
}

describe("a Founders sale", () => {
  it("records the payment and issues one lifetime license, valid at once, with its key in a license_issued message", async () => {
    const soldBefore = (await founders()).lifetime_sold;
    const sale = purchase();
    await harness.deliver(sale.event);

    const licenses = await harness.models.License.find({ paddle_transaction_id: sale.txn }).lean().exec();
    expect(licenses).toHaveLength(1);
    const license = licenses[0]!;
    const plan = await founders();
    expect(license).toMatchObject({ status: LicenseStatus.active, expires_at: null, plan_id: plan._id });
    expect(plan.lifetime_sold).toBe(soldBefore + 1);

    const payment = await harness.payment(sale.txn);
    expect(payment.license_id?.equals(license._id)).toBe(true);
    expect(payment).toMatchObject({ amount_cents: 65215, metadata: { plan: "founders", plan_id: plan._id.toHexString(), one_time: true } });

    const message = await harness.models.Notification.findOne({ kind: NotificationKind.license_issued, license_id: license._id })
      .lean()
      .exec();
    expect(message).toMatchObject({
      idempotency_key: `license_issued:${license._id.toHexString()}`,
      recipient_email: `${sale.ctm}@example.com`,
      cause: sale.event.event_id,
      data: { plan: "founders", lifetime: true, key_last4: license.key_last4, paddle_transaction_id: sale.txn },
    });
    expect(JSON.stringify(message!.data)).not.toContain("CHA-");
    const key = await keyFromMessage(license._id);
    const validated = await http(harness.platform.baseUrl, "POST", "/api/validate", { key });
    expect(validated.status).toBe(200);
    expect(validated.body).toMatchObject({ valid: true });

    expect(await harness.event(sale.event.event_id)).toMatchObject({ status: WebhookEventStatus.processed, attention: null });
    const causes = await harness.activityCausedBy(sale.event.event_id);
    expect(causes.map((entry) => entry.action)).toEqual([
      "customer.created",
      "payment.recorded",
      "license.issued",
      "payment.license_linked",
    ]);
  });

  it("issues exactly one license when the same purchase reaches two instances many times, as one and as several events", async () => {
    const soldBefore = (await founders()).lifetime_sold;
    const sale = purchase();
    // Paddle's retries (same event id) and a second event of the same transaction (a resend with a new id).
    const resent = { ...sale.event, event_id: paddleId("evt"), occurred_at: "2023-08-22T07:15:45.366122Z" };
    const deliveries = Array.from({ length: 12 }, (_, n) =>
      paddle.deliver(harness.instances[n % 2]!.baseUrl, n % 3 === 0 ? resent : sale.event),
    );
    for (const answer of await Promise.all(deliveries)) expect(answer.status).toBe(200);
    await harness.drain();

    expect(await harness.models.License.countDocuments({ paddle_transaction_id: sale.txn })).toBe(1);
    expect(await harness.payments(sale.txn)).toHaveLength(1);
    expect((await founders()).lifetime_sold).toBe(soldBefore + 1);
    const license = await harness.models.License.findOne({ paddle_transaction_id: sale.txn }).lean().exec();
    expect(await harness.models.Notification.countDocuments({ kind: NotificationKind.license_issued, license_id: license!._id })).toBe(1);
  });

  it("holds the cap under concurrent sales on two instances: exactly the seats left are issued, the rest flagged refund_needed", async () => {
    const plan = await founders();
    const seatsLeft = 3;
    await harness.platform.services.plans.update("founders", { lifetime_limit: plan.lifetime_sold + seatsLeft }, SYSTEM_ACTOR);
    const sales = Array.from({ length: 8 }, () => purchase());
    const deliveries = sales.map((sale, n) => paddle.deliver(harness.instances[n % 2]!.baseUrl, sale.event));
    for (const answer of await Promise.all(deliveries)) expect(answer.status).toBe(200);
    await harness.drain();

    const issued = await harness.models.License.find({ paddle_transaction_id: { $in: sales.map((sale) => sale.txn) } })
      .lean()
      .exec();
    expect(issued).toHaveLength(seatsLeft);
    const after = await founders();
    expect(after.lifetime_sold).toBe(after.lifetime_limit);
    // Every sale is in the ledger, sold or not.
    expect(await harness.models.Payment.countDocuments({ transaction_id: { $in: sales.map((sale) => sale.txn) } })).toBe(sales.length);

    const events = await harness.models.WebhookEvent.find({ event_id: { $in: sales.map((sale) => sale.event.event_id) } })
      .lean()
      .exec();
    expect(events.every((event) => event.status === WebhookEventStatus.processed)).toBe(true);
    const flagged = events.filter((event) => event.attention === "refund_needed");
    expect(flagged).toHaveLength(sales.length - seatsLeft);
    const soldTxns = new Set(issued.map((license) => license.paddle_transaction_id));
    for (const event of flagged) {
      const txn = (event.payload.data as { id: string }).id;
      expect(soldTxns.has(txn)).toBe(false);
      expect(event.note).toBe(
        `payment ${txn} recorded; Founders Deal sold out: payment ${txn} recorded, no license issued; refund it in Paddle`,
      );
      const audit = await harness.activityCausedBy(event.event_id);
      expect(audit.filter((entry) => entry.action === "billing.refund_needed").map((entry) => entry.details.transaction_id)).toEqual([txn]);
      expect((await harness.payment(txn)).license_id).toBeNull();
    }
    const admin = { authorization: `Bearer ${await harness.platform.token(AdminRole.admin)}` };
    const listed = await harness.platform.graphql<{ webhookEvents: { edges: Array<{ node: { attention: string } }> } }>(
      "query { webhookEvents(filter: {needsAttention: true}, first: 50) { edges { node { eventId attention } } } }",
      {},
      admin,
    );
    expect(listed.errors).toBeUndefined();
    expect(listed.data!.webhookEvents.edges.filter((edge) => edge.node.attention === "refund_needed")).toHaveLength(flagged.length);
    await harness.platform.services.plans.update("founders", { lifetime_limit: 500 }, SYSTEM_ACTOR);
  });

  it("records a one-time sale of a price no plan sells and flags it unknown_price, issuing nothing", async () => {
    const sale = purchase({ priceId: PRICES.unknown });
    await harness.deliver(sale.event);
    expect(await harness.event(sale.event.event_id)).toMatchObject({
      status: WebhookEventStatus.processed,
      attention: "unknown_price",
      note: `payment ${sale.txn} recorded; no plan sells price ${PRICES.unknown}: no license issued`,
    });
    expect(await harness.payment(sale.txn)).toMatchObject({ license_id: null, metadata: { plan: null, plan_id: null, one_time: true } });
    expect(await harness.models.License.countDocuments({ paddle_transaction_id: sale.txn })).toBe(0);
  });

  it("issues on transaction.completed only: transaction.paid records the payment and waits", async () => {
    const sale = purchase();
    const paid = { ...sale.event, event_id: paddleId("evt"), event_type: "transaction.paid", occurred_at: "2023-08-22T07:15:44.000000Z" };
    await harness.deliver(paid);
    expect(await harness.payments(sale.txn)).toHaveLength(1);
    expect(await harness.models.License.countDocuments({ paddle_transaction_id: sale.txn })).toBe(0);
    await harness.deliver(sale.event);
    expect(await harness.models.License.countDocuments({ paddle_transaction_id: sale.txn })).toBe(1);
  });

  it("issues one license for a quantity above one and flags the rest for a refund", async () => {
    const sale = purchase({ quantity: 3 });
    await harness.deliver(sale.event);
    expect(await harness.models.License.countDocuments({ paddle_transaction_id: sale.txn })).toBe(1);
    expect(await harness.event(sale.event.event_id)).toMatchObject({ attention: "refund_needed" });
  });

  it("links a known Paddle customer by its id (customer.created first), not by the checkout's e-mail", async () => {
    const ctm = paddleId("ctm");
    await harness.deliver(customerCreated(ctm, `known-${ctm}@example.com`));
    const sale = purchase({ ctm, email: `other-${ctm}@example.com` });
    await harness.deliver(sale.event);
    const customer = await harness.models.Customer.findOne({ paddle_customer_id: ctm }).lean().exec();
    expect(customer?.email).toBe(`known-${ctm}@example.com`);
    expect((await harness.payment(sale.txn)).customer_id.equals(customer!._id)).toBe(true);
  });
});
