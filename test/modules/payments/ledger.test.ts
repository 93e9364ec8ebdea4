import { DomainError } from "../../../src/errors";
import { AdjustmentAction, AdjustmentStatus } from "../../../src/modules/payments/payment-adjustment.model";
import { PaymentStatus } from "../../../src/modules/payments/payment.model";
import { LicenseStatus } from "../../../src/modules/licenses/license.model";
import type { ApplyAdjustment, RecordPayment } from "../../../src/modules/payments/ledger.service";
import { newLicense, snapshotDatabase, unique, type Issued } from "../../support/fixtures";
import { startTestPlatform, type TestPlatform } from "../../support/platform";

/** The payments ledger against the embedded engine: idempotency, refunds, the over-refund guard under concurrency. */

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform();
});

afterAll(async () => {
  await platform.stop();
});

const ledger = () => platform.services.ledger;

function paddlePayment(issued: Issued, overrides: Partial<RecordPayment> = {}): RecordPayment {
  return {
    provider: "paddle",
    transactionId: unique("txn"),
    customerId: issued.customer._id,
    licenseId: issued.license._id,
    // Paddle's transaction.completed mock: details.totals.
    amountCents: 65215,
    subtotalCents: 59900,
    taxCents: 5315,
    feeCents: 3311,
    currency: "USD",
    invoiceNumber: "325-10566",
    paidAt: new Date("2023-08-22T07:15:45.366Z"),
    cause: unique("evt"),
    ...overrides,
  };
}

function refund(transactionId: string, amountCents: number, overrides: Partial<ApplyAdjustment> = {}): ApplyAdjustment {
  return {
    provider: "paddle",
    adjustmentId: unique("adj"),
    transactionId,
    action: AdjustmentAction.refund,
    amountCents,
    status: AdjustmentStatus.approved,
    reason: "error",
    cause: unique("evt"),
    ...overrides,
  };
}

async function stored(transactionId: string) {
  const payment = await platform.services.models.Payment.findOne({ provider: "paddle", transaction_id: transactionId }).lean().exec();
  if (!payment) throw new Error(`payment ${transactionId} not stored`);
  const adjustments = await platform.services.models.PaymentAdjustment.find({ payment_id: payment._id }).lean().exec();
  return { payment, adjustments };
}

async function entriesCausedBy(cause: string) {
  return platform.services.models.ActivityLog.find({ "details.cause": cause }).lean().exec();
}

async function expectCode(promise: Promise<unknown>, code: string, reason?: string): Promise<DomainError> {
  const error = await promise.then(
    () => {
      throw new Error("expected a refusal");
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(code);
  if (reason) expect((error as DomainError).details.reason).toBe(reason);
  return error as DomainError;
}

describe("recordPayment", () => {
  test("stores the amounts as given; a repeat of the transaction id changes nothing and returns the existing payment", async () => {
    const issued = await newLicense(platform, "pro");
    const input = paddlePayment(issued);

    const first = await ledger().recordPayment(input);
    const before = await snapshotDatabase(platform.db);
    const again = await ledger().recordPayment({ ...input, amountCents: 1, cause: unique("evt-repeat") });

    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    expect(again.payment._id.equals(first.payment._id)).toBe(true);
    expect(again.payment.amount_cents).toBe(65215);
    expect(await snapshotDatabase(platform.db)).toEqual(before);
    const { payment } = await stored(input.transactionId);
    expect(payment).toMatchObject({
      amount_cents: 65215,
      subtotal_cents: 59900,
      tax_cents: 5315,
      fee_cents: 3311,
      currency: "USD",
      invoice_number: "325-10566",
      status: PaymentStatus.completed,
      refunded_cents: 0,
      paid_at: input.paidAt,
    });
    const audit = await entriesCausedBy(input.cause);
    expect(audit.map((entry) => [entry.action, entry.actor])).toEqual([["payment.recorded", "paddle"]]);
  });

  test("a failed attempt is recorded as failed; when the same transaction is paid later, it becomes completed", async () => {
    const issued = await newLicense(platform, "pro");
    const input = paddlePayment(issued);

    const failed = await ledger().recordFailedPayment({ ...input, failureReason: "declined" });
    const repeatFailed = await ledger().recordFailedPayment({ ...input, failureReason: "declined" });
    const paid = await ledger().recordPayment(input);

    expect(failed.payment.status).toBe(PaymentStatus.failed);
    expect(failed.payment.failure_reason).toBe("declined");
    expect(repeatFailed.created).toBe(false);
    expect(paid.created).toBe(true);
    expect(paid.payment._id.equals(failed.payment._id)).toBe(true);
    expect(paid.payment).toMatchObject({ status: PaymentStatus.completed, failure_reason: null, invoice_number: "325-10566" });
    const audit = await entriesCausedBy(input.cause);
    expect(audit.map((entry) => [entry.action, entry.details.previous_status ?? null]).sort()).toEqual([
      ["payment.failed", null],
      ["payment.recorded", "failed"],
    ]);
    // A late failure event after the payment went through changes nothing.
    expect((await ledger().recordFailedPayment({ ...input, failureReason: "late" })).payment.status).toBe(PaymentStatus.completed);
  });

  test("a repeat fills the fields still empty (invoice number, fee, license, metadata keys) and never overwrites the others", async () => {
    const issued = await newLicense(platform, "pro");
    const input = paddlePayment(issued, {
      licenseId: null,
      invoiceNumber: null,
      feeCents: null,
      metadata: { plan: null, one_time: false, origin: "web" },
    });
    await ledger().recordPayment(input);
    const repeat = { ...input, cause: unique("evt-completed"), licenseId: issued.license._id, invoiceNumber: "325-1", feeCents: 3311 };
    const filled = await ledger().recordPayment({
      ...repeat,
      amountCents: 1,
      taxCents: 1,
      metadata: { plan: "pro", one_time: true, origin: "api", discount_cents: 0 },
    });

    expect(filled.created).toBe(false);
    expect([...filled.filled].sort()).toEqual(["fee_cents", "invoice_number", "license_id", "metadata.discount_cents", "metadata.plan"]);
    const { payment } = await stored(input.transactionId);
    expect(payment).toMatchObject({ amount_cents: 65215, tax_cents: 5315, fee_cents: 3311, invoice_number: "325-1" });
    expect(payment.license_id?.equals(issued.license._id)).toBe(true);
    expect(payment.metadata).toEqual({ plan: "pro", one_time: false, origin: "web", discount_cents: 0 });
    expect((await entriesCausedBy(repeat.cause)).map((entry) => [entry.action, entry.details.filled])).toEqual([
      ["payment.completed_fields", filled.filled],
    ]);
    const before = await snapshotDatabase(platform.db);
    expect((await ledger().recordPayment(repeat)).filled).toEqual([]);
    expect(await snapshotDatabase(platform.db)).toEqual(before);
  });

  test("a failed payment runs its extra write once per attempt: a repeat of the attempt writes nothing, a new attempt updates", async () => {
    const issued = await newLicense(platform, "pro");
    const input = paddlePayment(issued);
    const attempts: string[] = [];
    const fail = (attemptId: string, failureReason: string) =>
      ledger().recordFailedPayment({
        ...input,
        attemptId,
        failureReason,
        alsoInTransaction: async (_session, payment) => {
          attempts.push(`${attemptId}:${payment.failure_reason}`);
        },
      });
    expect((await fail("a1", "declined")).created).toBe(true);
    expect((await fail("a1", "declined")).created).toBe(false);
    expect((await fail("a2", "expired_card")).created).toBe(true);
    expect(attempts).toEqual(["a1:declined", "a2:expired_card"]);
    const { payment } = await stored(input.transactionId);
    expect(payment).toMatchObject({ status: PaymentStatus.failed, failure_reason: "expired_card", metadata: { attempt_id: "a2" } });
  });

  test("bad amounts, a bad currency, a license of another customer and unknown ids are refused", async () => {
    const issued = await newLicense(platform, "pro");
    const other = await newLicense(platform, "pro");
    const before = await snapshotDatabase(platform.db);

    await expectCode(ledger().recordPayment(paddlePayment(issued, { amountCents: -1 })), "BAD_USER_INPUT");
    await expectCode(ledger().recordPayment(paddlePayment(issued, { taxCents: 1.5 })), "BAD_USER_INPUT");
    await expectCode(ledger().recordPayment(paddlePayment(issued, { currency: "usd" })), "BAD_USER_INPUT");
    await expectCode(
      ledger().recordPayment(paddlePayment(issued, { licenseId: other.license._id })),
      "BAD_USER_INPUT",
      "LICENSE_OF_ANOTHER_CUSTOMER",
    );
    await expectCode(ledger().recordPayment(paddlePayment(issued, { customerId: other.license._id })), "NOT_FOUND");
    expect(await snapshotDatabase(platform.db)).toEqual(before);
  });
});

describe("applyAdjustment", () => {
  test("a partial then a full refund: partially_refunded, then refunded; refunded_cents is their sum; repeats change nothing", async () => {
    const issued = await newLicense(platform, "pro");
    const { payment } = await ledger().recordPayment(paddlePayment(issued, { amountCents: 10000 }));
    const first = refund(payment.transaction_id, 2500, { status: AdjustmentStatus.pending_approval });

    const pending = await ledger().applyAdjustment(first);
    expect(pending.payment.status).toBe(PaymentStatus.completed);
    expect((await stored(payment.transaction_id)).payment.refunded_cents).toBe(0);

    const approved = await ledger().applyAdjustment({ ...first, status: AdjustmentStatus.approved, cause: unique("evt") });
    expect(approved.changed).toBe(true);
    expect(approved.payment).toMatchObject({ status: PaymentStatus.partially_refunded, refunded_cents: 2500 });

    // The same approval again, and the pending event arriving late: neither applies anything.
    expect((await ledger().applyAdjustment({ ...first, status: AdjustmentStatus.approved })).changed).toBe(false);
    expect((await ledger().applyAdjustment(first)).changed).toBe(false);

    const rest = await ledger().applyAdjustment(refund(payment.transaction_id, 7500));
    expect(rest.payment).toMatchObject({ status: PaymentStatus.refunded, refunded_cents: 10000 });

    const after = await stored(payment.transaction_id);
    expect(after.payment).toMatchObject({ status: PaymentStatus.refunded, refunded_cents: 10000 });
    expect(after.adjustments.map((row) => [row.amount_cents, row.status, row.applied_cents]).sort()).toEqual([
      [2500, "approved", 2500],
      [7500, "approved", 7500],
    ]);
    const audit = await entriesCausedBy(approved.adjustment.cause);
    expect(audit.map((entry) => [entry.action, entry.details.applied_cents, entry.details.status])).toEqual([
      ["payment.adjusted", 2500, "partially_refunded"],
    ]);
  });

  test("a refund of more than what is left is refused with REFUND_EXCEEDS_PAYMENT, and nothing changes", async () => {
    const issued = await newLicense(platform, "pro");
    const { payment } = await ledger().recordPayment(paddlePayment(issued, { amountCents: 10000 }));
    await ledger().applyAdjustment(refund(payment.transaction_id, 6000));
    const before = await snapshotDatabase(platform.db);

    const error = await expectCode(ledger().applyAdjustment(refund(payment.transaction_id, 4001)), "CONFLICT", "REFUND_EXCEEDS_PAYMENT");

    expect(error.details).toMatchObject({ amount_cents: 10000, refunded_cents: 6000, requested_cents: 4001 });
    expect(await snapshotDatabase(platform.db)).toEqual(before);
  });

  test("an adjustment of an unknown transaction is NOT_FOUND; one of a failed payment is refused", async () => {
    const issued = await newLicense(platform, "pro");
    const failed = await ledger().recordFailedPayment(paddlePayment(issued));

    await expectCode(ledger().applyAdjustment(refund(unique("txn-unknown"), 100)), "NOT_FOUND");
    await expectCode(ledger().applyAdjustment(refund(failed.payment.transaction_id, 100)), "CONFLICT", "PAYMENT_NOT_SETTLED");
    expect((await stored(failed.payment.transaction_id)).adjustments).toEqual([]);
  });

  test("20 concurrent partial refunds on one payment: exactly those that fit are applied, and refunded_cents is their sum", async () => {
    const issued = await newLicense(platform, "pro");
    const { payment } = await ledger().recordPayment(paddlePayment(issued, { amountCents: 10000 }));
    // 700 × 14 = 9800 fits in 10000; a 15th would not.
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => ledger().applyAdjustment(refund(payment.transaction_id, 700))),
    );

    const applied = results.filter((result) => result.status === "fulfilled");
    const refused = results.flatMap((result) => (result.status === "rejected" ? [result.reason as DomainError] : []));
    expect(applied).toHaveLength(14);
    expect(refused).toHaveLength(6);
    for (const error of refused) {
      expect(error).toBeInstanceOf(DomainError);
      expect(error.details.reason).toBe("REFUND_EXCEEDS_PAYMENT");
    }
    const after = await stored(payment.transaction_id);
    // The invariant: the payment's refunded_cents is the sum of what its stored adjustments apply.
    const sumOfAdjustments = after.adjustments.reduce((sum, row) => sum + row.applied_cents, 0);
    expect(after.adjustments).toHaveLength(14);
    expect(after.payment.refunded_cents).toBe(sumOfAdjustments);
    expect(after.payment.refunded_cents).toBe(9800);
    expect(after.payment.status).toBe(PaymentStatus.partially_refunded);
    const audit = await platform.services.models.ActivityLog.countDocuments({
      action: "payment.adjusted",
      "details.payment_id": payment._id.toHexString(),
    }).exec();
    expect(audit).toBe(14);
  });

  test("an approved chargeback is reported to the caller (once) and the license is left to it; its reversal gives the money back", async () => {
    const issued = await newLicense(platform, "pro");
    const { payment } = await ledger().recordPayment(paddlePayment(issued, { amountCents: 4900 }));
    const chargeback = refund(payment.transaction_id, 4900, { action: AdjustmentAction.chargeback, reason: "fraud" });

    const result = await ledger().applyAdjustment(chargeback);
    const repeat = await ledger().applyAdjustment(chargeback);
    const reversal = await ledger().applyAdjustment(refund(payment.transaction_id, 4900, { action: AdjustmentAction.chargeback_reverse }));

    expect(result.chargeback).toBe(true);
    expect(result.payment).toMatchObject({ status: PaymentStatus.refunded, refunded_cents: 4900 });
    expect(repeat).toMatchObject({ changed: false, chargeback: false });
    expect(reversal.chargeback).toBe(false);
    expect(reversal.payment).toMatchObject({ status: PaymentStatus.completed, refunded_cents: 0 });
    // Suspending is the webhook handler's job (through the license service), not the ledger's.
    const license = await platform.services.models.License.findById(issued.license._id).lean().exec();
    expect(license?.status).toBe(LicenseStatus.active);
  });

  test("a payment written before the ledger (no refunded_cents, no paid_at, as the importers write it) can be refunded", async () => {
    const issued = await newLicense(platform, "pro");
    const transactionId = unique("txn-legacy");
    await platform.db.connection.collection("payments").insertOne({
      customer_id: issued.customer._id,
      license_id: issued.license._id,
      amount_cents: 3000,
      currency: "EUR",
      status: "completed",
      provider: "paddle",
      transaction_id: transactionId,
      metadata: {},
      created_at: new Date("2025-02-10T09:00:00Z"),
    });

    const result = await ledger().applyAdjustment(refund(transactionId, 1000));

    expect(result.payment).toMatchObject({ status: PaymentStatus.partially_refunded, refunded_cents: 1000 });
    await expectCode(ledger().applyAdjustment(refund(transactionId, 2001)), "CONFLICT", "REFUND_EXCEEDS_PAYMENT");
    expect((await stored(transactionId)).payment).toMatchObject({ refunded_cents: 1000, status: PaymentStatus.partially_refunded });
  });

  test("an adjustment in another currency than its payment is refused", async () => {
    const issued = await newLicense(platform, "pro");
    const { payment } = await ledger().recordPayment(paddlePayment(issued));
    await expectCode(
      ledger().applyAdjustment(refund(payment.transaction_id, 100, { currency: "EUR" })),
      "BAD_USER_INPUT",
      "CURRENCY_MISMATCH",
    );
  });
});
