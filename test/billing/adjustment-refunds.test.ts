import { AdminRole } from "../../src/modules/admins/admin.model";
import { CHARGEBACK_REASON, REFUND_REASON } from "../../src/modules/billing/paddle-adjustment.service";
import { WebhookEventStatus } from "../../src/modules/billing/webhook-event.model";
import { LicenseStatus, type License } from "../../src/modules/licenses/license.model";
import { NotificationKind } from "../../src/modules/notifications/notification.model";
import { AdjustmentAction, AdjustmentStatus } from "../../src/modules/payments/payment-adjustment.model";
import { PaymentStatus } from "../../src/modules/payments/payment.model";
import { http } from "../support/http";
import { bearer } from "../support/platform";
import { BillingHarness } from "./billing-harness";
import { adjustmentEvent, customerCreated, paddleId, PRICES, transactionEvent } from "./paddle-transaction-events";

/** adjustment.created / adjustment.updated → refunds, credits and chargebacks in the ledger, and their license effects. */

const harness = new BillingHarness();
beforeAll(() => harness.start());
afterAll(() => harness.stop());
afterEach(() => harness.invariants());

const founders = () => harness.platform.services.plans.byName("founders");

/** A completed Founders purchase: its transaction, customer, license and key. */
async function foundersSale(): Promise<{ ctm: string; txn: string; license: License; key: string }> {
  const ctm = paddleId("ctm");
  const txn = paddleId("txn");
  await harness.deliver(
    customerCreated(ctm, `${ctm}@example.com`),
    transactionEvent("transaction.completed", { transactionId: txn, customerId: ctm, priceId: PRICES.founders, invoiceNumber: "325-1" }),
  );
  const license = await harness.models.License.findOne({ paddle_transaction_id: txn }).lean<License>().exec();
  const message = await harness.models.Notification.findOne({ kind: NotificationKind.license_issued, license_id: license!._id })
    .lean()
    .exec();
  const key = harness.platform.services.notifications.revealSecret(message!).licenseKey as string;
  return { ctm, txn, license: license!, key };
}

function adjustment(
  eventType: "adjustment.created" | "adjustment.updated",
  sale: { ctm: string; txn: string },
  fields: { adjustmentId: string; action: string; status: string; total: string; type?: string; occurredAt?: string },
) {
  return adjustmentEvent(eventType, { ...fields, transactionId: sale.txn, customerId: sale.ctm });
}

const licenseNow = (license: License) => harness.models.License.findById(license._id).lean<License>().exec();

describe("refunds", () => {
  it("moves nothing while pending approval, then refunds in part once approved; the license stays as it was", async () => {
    const sale = await foundersSale();
    const adj = paddleId("adj");
    const created = adjustment("adjustment.created", sale, {
      adjustmentId: adj,
      action: "refund",
      status: "pending_approval",
      total: "10000",
    });
    await harness.deliver(created);
    expect(await harness.payment(sale.txn)).toMatchObject({ status: PaymentStatus.completed, refunded_cents: 0 });

    const approved = adjustment("adjustment.updated", sale, {
      adjustmentId: adj,
      action: "refund",
      status: "approved",
      total: "10000",
      occurredAt: "2023-08-24T10:00:00.000000Z",
    });
    await harness.deliver(approved, approved);
    expect(await harness.payment(sale.txn)).toMatchObject({ status: PaymentStatus.partially_refunded, refunded_cents: 10000 });
    expect((await licenseNow(sale.license))!.status).toBe(LicenseStatus.active);
    expect((await harness.activityCausedBy(approved.event_id)).map((entry) => [entry.action, entry.details.applied_cents])).toEqual([
      ["payment.adjusted", 10000],
    ]);

    // A late, older event of the same adjustment (pending) is skipped: it never undoes the approval.
    await harness.deliver({ ...created, event_id: paddleId("evt") });
    expect(await harness.payment(sale.txn)).toMatchObject({ refunded_cents: 10000 });
  });

  it("cancels a fully refunded Founders license, which gives its seat back", async () => {
    const sale = await foundersSale();
    const soldBefore = (await founders()).lifetime_sold;
    const refund = adjustment("adjustment.created", sale, {
      adjustmentId: paddleId("adj"),
      action: "refund",
      status: "approved",
      total: "65215",
      type: "full",
    });
    await harness.deliver(refund);

    expect(await harness.payment(sale.txn)).toMatchObject({ status: PaymentStatus.refunded, refunded_cents: 65215 });
    expect(await licenseNow(sale.license)).toMatchObject({ status: LicenseStatus.cancelled, status_reason: REFUND_REASON });
    expect((await founders()).lifetime_sold).toBe(soldBefore - 1);
    expect((await http(harness.platform.baseUrl, "POST", "/api/validate", { key: sale.key })).body).toMatchObject({ valid: false });
    expect((await harness.activityCausedBy(refund.event_id)).map((entry) => entry.action)).toEqual([
      "payment.adjusted",
      "license.cancelled",
    ]);
    expect(await harness.event(refund.event_id)).toMatchObject({
      status: WebhookEventStatus.processed,
      note: `full refund of ${sale.txn}: lifetime license ${sale.license._id.toHexString()} cancelled, seat released`,
    });
  });

  it("flags a refund larger than the payment instead of retrying it forever, and moves nothing", async () => {
    const sale = await foundersSale();
    const refund = adjustment("adjustment.created", sale, {
      adjustmentId: paddleId("adj"),
      action: "refund",
      status: "approved",
      total: "99999",
    });
    await harness.deliver(refund);
    expect(await harness.event(refund.event_id)).toMatchObject({
      status: WebhookEventStatus.processed,
      attention: "adjustment_refused",
      note: "Refusing to refund more than was paid (65215 USD)",
    });
    expect(await harness.payment(sale.txn)).toMatchObject({ status: PaymentStatus.completed, refunded_cents: 0 });
  });
});

describe("chargebacks", () => {
  it("suspends the license of a charged-back payment (validate then says suspended), and reactivates it when reversed", async () => {
    const sale = await foundersSale();
    const chargeback = adjustment("adjustment.created", sale, {
      adjustmentId: paddleId("adj"),
      action: "chargeback",
      status: "approved",
      total: "65215",
      type: "full",
    });
    await harness.deliver(chargeback, chargeback);

    expect(await licenseNow(sale.license)).toMatchObject({ status: LicenseStatus.suspended, status_reason: CHARGEBACK_REASON });
    const validated = await http(harness.platform.baseUrl, "POST", "/api/validate", { key: sale.key });
    expect(validated.status).toBe(400);
    expect(validated.body).toMatchObject({ valid: false, code: "LICENSE_SUSPENDED" });
    expect(await harness.payment(sale.txn)).toMatchObject({ status: PaymentStatus.refunded, refunded_cents: 65215 });
    const audit = await harness.activityCausedBy(chargeback.event_id);
    expect(audit.map((entry) => [entry.action, entry.actor])).toEqual([
      ["payment.adjusted", "paddle"],
      ["license.suspended", "paddle"],
    ]);

    const reversed = adjustment("adjustment.created", sale, {
      adjustmentId: paddleId("adj"),
      action: "chargeback_reverse",
      status: "approved",
      total: "65215",
      occurredAt: "2023-09-01T00:00:00.000000Z",
    });
    await harness.deliver(reversed);
    expect(await licenseNow(sale.license)).toMatchObject({ status: LicenseStatus.active, status_reason: null });
    expect(await harness.payment(sale.txn)).toMatchObject({ status: PaymentStatus.completed, refunded_cents: 0 });
    expect((await http(harness.platform.baseUrl, "POST", "/api/validate", { key: sale.key })).body).toMatchObject({ valid: true });
  });

  it("finishes the suspension when the event runs again after stopping between the ledger and the license", async () => {
    const sale = await foundersSale();
    const chargeback = adjustment("adjustment.created", sale, {
      adjustmentId: paddleId("adj"),
      action: "chargeback",
      status: "approved",
      total: "65215",
    });
    // The ledger's half, as the handler's first step would have written it before the process stopped.
    await harness.platform.services.ledger.applyAdjustment({
      provider: "paddle",
      adjustmentId: chargeback.data.id,
      transactionId: sale.txn,
      action: AdjustmentAction.chargeback,
      amountCents: 65215,
      status: AdjustmentStatus.approved,
      cause: chargeback.event_id,
    });
    expect((await licenseNow(sale.license))!.status).toBe(LicenseStatus.active);
    await harness.deliver(chargeback);
    expect(await licenseNow(sale.license)).toMatchObject({ status: LicenseStatus.suspended, status_reason: CHARGEBACK_REASON });
    expect(await harness.payment(sale.txn)).toMatchObject({ refunded_cents: 65215 });
  });
});

describe("order and bad input", () => {
  it("retries an adjustment that arrives before its transaction, visibly, and applies it once the payment is recorded", async () => {
    const ctm = paddleId("ctm");
    const txn = paddleId("txn");
    await harness.deliver(customerCreated(ctm, `${ctm}@example.com`));
    const refund = adjustmentEvent("adjustment.created", {
      adjustmentId: paddleId("adj"),
      transactionId: txn,
      customerId: ctm,
      action: "refund",
      status: "approved",
      total: "100",
    });
    await harness.deliver(refund);
    const admin = bearer(await harness.platform.token(AdminRole.admin));
    const seen = await harness.platform.graphql<{ webhookEvents: { edges: Array<{ node: Record<string, unknown> }> } }>(
      `query { webhookEvents(filter: {status: failed, eventType: "adjustment.created"}) { edges { node { eventId status attempts lastError } } } }`,
      {},
      admin,
    );
    expect(seen.data!.webhookEvents.edges.map((edge) => edge.node)).toContainEqual({
      eventId: refund.event_id,
      status: "failed",
      attempts: 1,
      lastError: `Payment ${txn} is not in the ledger yet: waiting for its transaction event`,
    });

    await harness.deliver(transactionEvent("transaction.completed", { transactionId: txn, customerId: ctm, priceId: PRICES.unknown }));
    await harness.retryAfter(1);
    expect(await harness.event(refund.event_id)).toMatchObject({ status: WebhookEventStatus.processed, attempts: 2 });
    expect(await harness.payment(txn)).toMatchObject({ status: PaymentStatus.partially_refunded, refunded_cents: 100 });
  });

  it("fails an adjustment with a malformed amount or action with a clear lastError", async () => {
    const sale = await foundersSale();
    const cases: Array<[Record<string, string>, string]> = [
      [{ total: "1,00" }, 'totals.total must be a whole number of minor units as a string (e.g. "65215"), got "1,00"'],
      [{ total: "100", action: "gift" }, 'unknown action "gift"'],
    ];
    for (const [fields, message] of cases) {
      const event = adjustment("adjustment.created", sale, {
        adjustmentId: paddleId("adj"),
        action: "refund",
        status: "approved",
        ...fields,
        total: fields.total ?? "100",
      });
      await harness.deliver(event);
      expect(await harness.event(event.event_id)).toMatchObject({
        status: WebhookEventStatus.failed,
        last_error: `adjustment ${event.data.id}: ${message}`,
      });
    }
    expect(await harness.payment(sale.txn)).toMatchObject({ refunded_cents: 0 });
  });
});

describe("the payments ledger in GraphQL", () => {
  it("lists payments by customer, license, status and date range, with totals and refunds linked to their payment", async () => {
    const sale = await foundersSale();
    const customer = await harness.models.Customer.findOne({ paddle_customer_id: sale.ctm }).lean().exec();
    const adj = paddleId("adj");
    await harness.deliver(
      adjustment("adjustment.created", sale, { adjustmentId: adj, action: "refund", status: "approved", total: "5215" }),
    );
    const failedTxn = paddleId("txn");
    await harness.deliver(
      transactionEvent("transaction.payment_failed", { transactionId: failedTxn, customerId: sale.ctm, priceId: PRICES.founders }),
    );

    const reader = bearer(await harness.platform.token(AdminRole.readonly));
    const query = `query($filter: PaymentFilterInput) {
      payments(filter: $filter) { edges { node { transactionId status amountCents refundedCents invoiceNumber license { id } customer { email }
        adjustments { adjustmentId action status amountCents appliedCents payment { transactionId } } } } }
      paymentTotals(filter: $filter) { currency count failedCount grossCents refundedCents netCents taxCents feeCents } }`;
    const byCustomer = await harness.platform.graphql<{
      payments: { edges: Array<{ node: Record<string, unknown> }> };
      paymentTotals: Array<Record<string, unknown>>;
    }>(query, { filter: { customerId: customer!._id.toHexString() } }, reader);
    expect(byCustomer.errors).toBeUndefined();
    expect(byCustomer.data!.payments.edges.map((edge) => edge.node)).toEqual([
      {
        transactionId: failedTxn,
        status: "failed",
        amountCents: 65215,
        refundedCents: 0,
        invoiceNumber: null,
        license: null,
        customer: { email: `${sale.ctm}@example.com` },
        adjustments: [],
      },
      {
        transactionId: sale.txn,
        status: "partially_refunded",
        amountCents: 65215,
        refundedCents: 5215,
        invoiceNumber: "325-1",
        license: { id: sale.license._id.toHexString() },
        customer: { email: `${sale.ctm}@example.com` },
        adjustments: [
          {
            adjustmentId: adj,
            action: "refund",
            status: "approved",
            amountCents: 5215,
            appliedCents: 5215,
            payment: { transactionId: sale.txn },
          },
        ],
      },
    ]);
    expect(byCustomer.data!.paymentTotals).toEqual([
      {
        currency: "USD",
        count: 1,
        failedCount: 1,
        grossCents: 65215,
        refundedCents: 5215,
        netCents: 60000,
        taxCents: 5315,
        feeCents: 3311,
      },
    ]);

    const ids = async (filter: Record<string, unknown>) => {
      const answer = await harness.platform.graphql<{ payments: { edges: Array<{ node: { transactionId: string } }> } }>(
        query,
        { filter: { customerId: customer!._id.toHexString(), ...filter } },
        reader,
      );
      expect(answer.errors).toBeUndefined();
      return answer.data!.payments.edges.map((edge) => edge.node.transactionId);
    };
    expect(await ids({ licenseId: sale.license._id.toHexString() })).toEqual([sale.txn]);
    expect(await ids({ status: "failed" })).toEqual([failedTxn]);
    // Paid at the captured payment's time (2023-08-22T07:15:43.628Z); the failure at its attempt's time (07:15:41.931Z).
    expect(await ids({ from: "2023-08-22T07:15:42.000Z", to: "2023-08-23T00:00:00.000Z" })).toEqual([sale.txn]);
    expect(await ids({ from: "2023-08-23T00:00:00.000Z" })).toEqual([]);
  });
});
