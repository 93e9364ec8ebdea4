import { AdminRole } from "../../src/modules/admins/admin.model";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import { WebhookEventStatus } from "../../src/modules/billing/webhook-event.model";
import { LICENSE_WAIT_ATTEMPTS } from "../../src/modules/billing/transaction-handlers";
import { NotificationKind } from "../../src/modules/notifications/notification.model";
import { PaymentStatus } from "../../src/modules/payments/payment.model";
import { BillingHarness, paddle } from "./billing-harness";
import { customerCreated, failedAttempt, paddleId, PRICES, transactionEvent } from "./paddle-transaction-events";

/** transaction.paid / completed / payment_failed → the payments ledger, through real HTTP and signed deliveries. */

const harness = new BillingHarness();
beforeAll(() => harness.start());
afterAll(() => harness.stop());
afterEach(() => harness.invariants());

/** A Paddle customer the platform knows (its customer.created applied). */
async function knownCustomer(): Promise<{ ctm: string; email: string }> {
  const ctm = paddleId("ctm");
  const email = `${ctm}@example.com`;
  await harness.deliver(customerCreated(ctm, email));
  return { ctm, email };
}

/** A license the subscription half would have issued for a Paddle subscription. */
async function subscriptionLicense(email: string, subscriptionId: string) {
  const customer = await harness.models.Customer.findOne({ email }).lean().exec();
  const { license } = await harness.platform.services.licenses.issue(
    { customerId: customer!._id, plan: "pro", paddleSubscriptionId: subscriptionId },
    SYSTEM_ACTOR,
  );
  return license;
}

describe("transaction.paid and transaction.completed", () => {
  it("records one payment for paid then completed, with the invoice number (known only on completed) filled in", async () => {
    const { ctm, email } = await knownCustomer();
    const sub = paddleId("sub");
    const license = await subscriptionLicense(email, sub);
    const txn = paddleId("txn");
    const base = { transactionId: txn, customerId: ctm, subscriptionId: sub, priceId: PRICES.proMonthly };
    const paid = transactionEvent("transaction.paid", { ...base, occurredAt: "2023-08-22T07:15:44.000000Z", totals: { fee: null } });
    const completed = transactionEvent("transaction.completed", { ...base, invoiceNumber: "325-10566" });

    await harness.deliver(paid);
    expect(await harness.payment(txn)).toMatchObject({ invoice_number: null, fee_cents: null, status: PaymentStatus.completed });
    await harness.deliver(completed);

    const payment = await harness.payment(txn);
    const pro = await harness.platform.services.plans.byName("pro");
    expect(payment).toMatchObject({
      provider: "paddle",
      status: PaymentStatus.completed,
      amount_cents: 65215,
      subtotal_cents: 59900,
      tax_cents: 5315,
      fee_cents: 3311,
      currency: "USD",
      invoice_number: "325-10566",
      // The captured payment's captured_at.
      paid_at: new Date("2023-08-22T07:15:43.628Z"),
      refunded_cents: 0,
      metadata: {
        plan_id: pro._id.toHexString(),
        plan: "pro",
        one_time: false,
        subscription_id: sub,
        origin: "subscription_recurring",
        discount_cents: 0,
        price_ids: [PRICES.proMonthly],
        paddle_customer_id: ctm,
      },
    });
    expect(payment.license_id?.equals(license._id)).toBe(true);
    expect(payment.customer_id.equals(license.customer_id)).toBe(true);
    expect((await harness.activityCausedBy(paid.event_id)).map((entry) => entry.action)).toEqual(["payment.recorded"]);
    const filled = await harness.activityCausedBy(completed.event_id);
    expect(filled.map((entry) => [entry.action, entry.actor, entry.details.filled])).toEqual([
      ["payment.completed_fields", "paddle", ["fee_cents", "invoice_number"]],
    ]);
    for (const event of [paid, completed]) {
      expect(await harness.event(event.event_id)).toMatchObject({ status: WebhookEventStatus.processed, attention: null });
    }
  });

  it("records one payment however often and in whatever order the events arrive (completed first: the late paid is skipped)", async () => {
    const { ctm, email } = await knownCustomer();
    const sub = paddleId("sub");
    await subscriptionLicense(email, sub);
    const txn = paddleId("txn");
    const base = { transactionId: txn, customerId: ctm, subscriptionId: sub, priceId: PRICES.proMonthly };
    const paid = transactionEvent("transaction.paid", { ...base, occurredAt: "2023-08-22T07:15:44.000000Z" });
    const completed = transactionEvent("transaction.completed", { ...base, invoiceNumber: "325-20000" });

    await harness.deliver(completed, completed, { ...completed, notification_id: "ntf_replayed" }, paid, paid);

    expect(await harness.payment(txn)).toMatchObject({ invoice_number: "325-20000", amount_cents: 65215 });
    expect(await harness.event(paid.event_id)).toMatchObject({
      status: WebhookEventStatus.ignored,
      note: `superseded: a newer event for ${txn} was already applied`,
    });
    expect((await harness.activityCausedBy(completed.event_id)).map((entry) => entry.action)).toEqual(["payment.recorded"]);
  });

  it("records a subscription's payment before its license exists, retries to link it, and links it once the license is issued", async () => {
    const { ctm, email } = await knownCustomer();
    const sub = paddleId("sub");
    const txn = paddleId("txn");
    const paid = transactionEvent("transaction.paid", {
      transactionId: txn,
      customerId: ctm,
      subscriptionId: sub,
      priceId: PRICES.proMonthly,
    });

    await harness.deliver(paid);
    expect(await harness.payment(txn)).toMatchObject({ license_id: null, amount_cents: 65215 });
    expect(await harness.event(paid.event_id)).toMatchObject({
      status: WebhookEventStatus.failed,
      attempts: 1,
      last_error: `payment ${txn} recorded without a license: ${sub} has none yet (waiting for its subscription event)`,
    });

    const license = await subscriptionLicense(email, sub);
    await harness.retryAfter(1);
    expect((await harness.payment(txn)).license_id?.equals(license._id)).toBe(true);
    expect(await harness.event(paid.event_id)).toMatchObject({ status: WebhookEventStatus.processed, attempts: 2 });
    expect((await harness.activityCausedBy(paid.event_id)).map((entry) => [entry.action, entry.details.filled ?? null])).toEqual([
      ["payment.recorded", null],
      ["payment.completed_fields", ["license_id"]],
    ]);
  });

  it(`stops waiting for a license after ${LICENSE_WAIT_ATTEMPTS} attempts and flags the event (never retried forever)`, async () => {
    const { ctm } = await knownCustomer();
    const sub = paddleId("sub");
    const txn = paddleId("txn");
    const paid = transactionEvent("transaction.paid", {
      transactionId: txn,
      customerId: ctm,
      subscriptionId: sub,
      priceId: PRICES.proMonthly,
    });
    await harness.deliver(paid);
    for (let attempt = 1; attempt < LICENSE_WAIT_ATTEMPTS; attempt++) await harness.retryAfter(attempt);

    expect(await harness.event(paid.event_id)).toMatchObject({
      status: WebhookEventStatus.processed,
      attempts: LICENSE_WAIT_ATTEMPTS,
      attention: "license_missing",
      note: `payment ${txn} recorded without a license: ${sub} still has none after ${LICENSE_WAIT_ATTEMPTS} attempts`,
    });
    expect(await harness.payments(txn)).toHaveLength(1);
  });

  it("flags a subscription payment whose price no plan sells, without waiting for a license that will never come", async () => {
    const { ctm } = await knownCustomer();
    const txn = paddleId("txn");
    const sub = paddleId("sub");
    const completed = transactionEvent("transaction.completed", {
      transactionId: txn,
      customerId: ctm,
      subscriptionId: sub,
      priceId: PRICES.unknown,
    });
    await harness.deliver(completed);
    expect(await harness.event(completed.event_id)).toMatchObject({
      status: WebhookEventStatus.processed,
      attempts: 1,
      attention: "unknown_price",
      note: `payment ${txn} recorded; no plan sells price ${PRICES.unknown}: no license to link`,
    });
    expect((await harness.payment(txn)).metadata).toMatchObject({ plan_id: null, plan: null, one_time: false });
  });

  it("does not link, nor wait for, a subscription's license that belongs to another customer: the event is flagged", async () => {
    const owner = await knownCustomer();
    const payer = await knownCustomer();
    const sub = paddleId("sub");
    const license = await subscriptionLicense(owner.email, sub);
    const txn = paddleId("txn");
    const completed = transactionEvent("transaction.completed", {
      transactionId: txn,
      customerId: payer.ctm,
      subscriptionId: sub,
      priceId: PRICES.proMonthly,
    });
    await harness.deliver(completed);
    expect(await harness.event(completed.event_id)).toMatchObject({
      status: WebhookEventStatus.processed,
      attempts: 1,
      attention: "license_mismatch",
      note: `payment ${txn} recorded; ${sub}'s license ${license._id.toHexString()} belongs to another customer: not linked`,
    });
    expect((await harness.payment(txn)).license_id).toBeNull();
  });

  it("records nothing for a zero-total transaction (a trial or a 100 % discount)", async () => {
    const { ctm, email } = await knownCustomer();
    const sub = paddleId("sub");
    await subscriptionLicense(email, sub);
    const txn = paddleId("txn");
    const trial = transactionEvent("transaction.completed", {
      transactionId: txn,
      customerId: ctm,
      subscriptionId: sub,
      priceId: PRICES.proMonthly,
      totals: { subtotal: "0", tax: "0", total: "0", grand_total: "0", fee: "0", earnings: "0" },
      payments: [],
    });
    await harness.deliver(trial);
    expect(await harness.payments(txn)).toHaveLength(0);
    expect(await harness.event(trial.event_id)).toMatchObject({ status: WebhookEventStatus.processed, attention: null });
  });

  it("waits for the customer: a transaction of an unknown Paddle customer fails and is applied after its customer.created", async () => {
    const ctm = paddleId("ctm");
    const txn = paddleId("txn");
    const completed = transactionEvent("transaction.completed", { transactionId: txn, customerId: ctm, priceId: PRICES.unknown });
    await harness.deliver(completed);
    expect(await harness.event(completed.event_id)).toMatchObject({
      status: WebhookEventStatus.failed,
      last_error: `Paddle customer ${ctm} is not known yet: waiting for its customer.created event`,
    });
    expect(await harness.payments(txn)).toHaveLength(0);
    await harness.deliver(customerCreated(ctm, `${ctm}@example.com`));
    await harness.retryAfter(1);
    expect(await harness.event(completed.event_id)).toMatchObject({ status: WebhookEventStatus.processed, attention: "unknown_price" });
    expect(await harness.payments(txn)).toHaveLength(1);
  });

  it("fails an event with malformed amounts with a clear lastError, records nothing, and keeps serving", async () => {
    const { ctm } = await knownCustomer();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ total: "652.15" }, 'details.totals.total must be a whole number of minor units as a string (e.g. "65215"), got "652.15"'],
      [{ tax: "-5" }, 'details.totals.tax must be a whole number of minor units as a string (e.g. "65215"), got "-5"'],
      [{ fee: "lots" }, 'details.totals.fee must be a whole number of minor units as a string (e.g. "65215"), got "lots"'],
      [{ total: null }, "details.totals.total is missing: an amount in minor units is required"],
    ];
    for (const [totals, message] of cases) {
      const txn = paddleId("txn");
      const event = transactionEvent("transaction.completed", { transactionId: txn, customerId: ctm, priceId: PRICES.founders, totals });
      await harness.deliver(event);
      expect(await harness.event(event.event_id)).toMatchObject({
        status: WebhookEventStatus.failed,
        last_error: `transaction ${txn}: ${message}`,
      });
      expect(await harness.payments(txn)).toHaveLength(0);
    }
    const admin = { authorization: `Bearer ${await harness.platform.token(AdminRole.admin)}` };
    const failed = await harness.platform.graphql<{ webhookEvents: { edges: Array<{ node: { status: string; lastError: string } }> } }>(
      `query { webhookEvents(filter: {status: failed, eventType: "transaction.completed"}) { edges { node { status lastError } } } }`,
      {},
      admin,
    );
    expect(failed.errors).toBeUndefined();
    expect(failed.data!.webhookEvents.edges.map((edge) => edge.node.lastError)).toEqual(
      expect.arrayContaining([expect.stringContaining('got "652.15"')]),
    );
  });
});

describe("transaction.payment_failed", () => {
  it("records a failed payment and one payment_failed message per attempt; a replay changes nothing; a later success completes it", async () => {
    const { ctm, email } = await knownCustomer();
    const sub = paddleId("sub");
    const license = await subscriptionLicense(email, sub);
    const txn = paddleId("txn");
    const base = { transactionId: txn, customerId: ctm, subscriptionId: sub, priceId: PRICES.proMonthly };
    const first = transactionEvent("transaction.payment_failed", {
      ...base,
      occurredAt: "2023-08-22T07:00:00.000000Z",
      payments: [failedAttempt("attempt-1", "declined", "2023-08-22T06:59:59.000000Z")],
    });
    const second = transactionEvent("transaction.payment_failed", {
      ...base,
      occurredAt: "2023-08-23T07:00:00.000000Z",
      payments: [
        failedAttempt("attempt-2", "insufficient_funds", "2023-08-23T06:59:59.000000Z"),
        failedAttempt("attempt-1", "declined", "2023-08-22T06:59:59.000000Z"),
      ],
    });

    await harness.deliver(first, first);
    expect(await harness.payment(txn)).toMatchObject({
      status: PaymentStatus.failed,
      failure_reason: "declined",
      amount_cents: 65215,
      metadata: { attempt_id: "attempt-1", plan: "pro" },
    });
    expect((await harness.payment(txn)).license_id?.equals(license._id)).toBe(true);
    await harness.deliver(second);
    expect(await harness.payment(txn)).toMatchObject({ status: PaymentStatus.failed, failure_reason: "insufficient_funds" });

    const messages = await harness.models.Notification.find({ kind: NotificationKind.payment_failed, "data.transaction_id": txn })
      .sort({ _id: 1 })
      .lean()
      .exec();
    expect(messages.map((message) => [message.idempotency_key, message.recipient_email, message.data.error_code, message.cause])).toEqual([
      [`payment_failed:${txn}:attempt-1`, email, "declined", first.event_id],
      [`payment_failed:${txn}:attempt-2`, email, "insufficient_funds", second.event_id],
    ]);
    expect(messages[0]!.license_id?.equals(license._id)).toBe(true);
    expect((await harness.activityCausedBy(first.event_id)).map((entry) => [entry.action, entry.details.failure_reason])).toEqual([
      ["payment.failed", "declined"],
    ]);

    await harness.deliver(transactionEvent("transaction.completed", { ...base, occurredAt: "2023-08-24T07:00:00.000000Z" }));
    expect(await harness.payment(txn)).toMatchObject({ status: PaymentStatus.completed, failure_reason: null });
    expect(await harness.models.Notification.countDocuments({ kind: NotificationKind.payment_failed, "data.transaction_id": txn })).toBe(2);
  });
});

describe("two platform instances on one database", () => {
  const pair = new BillingHarness();
  beforeAll(() => pair.start(2));
  afterAll(() => pair.stop());

  it("records exactly one payment per transaction when the same and different events of it reach both at once", async () => {
    const ctm = paddleId("ctm");
    await pair.deliver(customerCreated(ctm, `${ctm}@example.com`));
    const customer = await pair.models.Customer.findOne({ paddle_customer_id: ctm }).lean().exec();
    const subs = Array.from({ length: 4 }, () => paddleId("sub"));
    for (const sub of subs) {
      await pair.platform.services.licenses.issue({ customerId: customer!._id, plan: "pro", paddleSubscriptionId: sub }, SYSTEM_ACTOR);
    }
    const transactions = subs.map((sub) => ({ txn: paddleId("txn"), sub }));
    const events = transactions.flatMap(({ txn, sub }) => {
      const base = { transactionId: txn, customerId: ctm, subscriptionId: sub, priceId: PRICES.proMonthly };
      return [
        transactionEvent("transaction.paid", { ...base, occurredAt: "2023-08-22T07:15:44.000000Z" }),
        transactionEvent("transaction.completed", { ...base, invoiceNumber: `INV-${txn}` }),
      ];
    });
    const deliveries = events.flatMap((event, n) =>
      [0, 1, 2].map((copy) => paddle.deliver(pair.instances[(n + copy) % 2]!.baseUrl, event)),
    );
    for (const answer of await Promise.all(deliveries)) expect(answer.status).toBe(200);
    await pair.drain();

    for (const { txn } of transactions) {
      const payment = await pair.payment(txn);
      expect(payment).toMatchObject({ status: PaymentStatus.completed, amount_cents: 65215, invoice_number: `INV-${txn}` });
    }
    const stored = await pair.models.WebhookEvent.find({ event_id: { $in: events.map((event) => event.event_id) } })
      .lean()
      .exec();
    expect(stored).toHaveLength(events.length);
    for (const row of stored) expect([WebhookEventStatus.processed, WebhookEventStatus.ignored]).toContain(row.status);
    await pair.invariants();
  });
});
