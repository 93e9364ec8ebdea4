import { mongoose } from "@typegoose/typegoose";
import type { Models } from "../../db/models";
import { inTransaction, type Session } from "../../db/transaction";
import { badInput, isDuplicateKey, notFound } from "../../errors";
import type { ActivityService, Actor } from "../activity/activity.service";
import { AdjustmentLedger, type ApplyAdjustment, type AppliedAdjustment } from "./adjustment-ledger";
import { auditLedgerWrite, type Cause } from "./ledger-audit";
import { MANUAL_PROVIDER, PaymentStatus, type Payment } from "./payment.model";

export type { ApplyAdjustment, AppliedAdjustment } from "./adjustment-ledger";

export interface PaymentAmounts {
  /** What the customer paid, tax included (Paddle: details.totals.total). */
  amountCents: number;
  subtotalCents?: number | null;
  taxCents?: number | null;
  /** The provider's fee (Paddle: details.totals.fee). */
  feeCents?: number | null;
  /** ISO 4217 as the provider sends it, upper case. */
  currency: string;
}

export interface RecordPayment extends PaymentAmounts {
  provider: string;
  transactionId: string;
  customerId: mongoose.Types.ObjectId;
  licenseId?: mongoose.Types.ObjectId | null;
  invoiceNumber?: string | null;
  paidAt: Date;
  cause: Cause;
  metadata?: Record<string, unknown>;
  /** Who is audited; default: the provider ("paddle"). */
  actor?: Actor;
}

export interface RecordFailedPayment extends Omit<RecordPayment, "invoiceNumber" | "paidAt"> {
  failureReason?: string | null;
  /** When the attempt failed (default: now). */
  paidAt?: Date;
  /**
   * The provider's id of the failed attempt (Paddle: payments[].payment_attempt_id), kept as `metadata.attempt_id`. A
   * later failed attempt of a transaction still failed updates its reason; the same attempt again changes nothing.
   */
  attemptId?: string | null;
  /** Writes made with the failure, in its transaction, only when this call recorded it (the payment_failed message). */
  alsoInTransaction?: (session: Session, payment: Payment) => Promise<void>;
}

export interface RecordedPayment {
  payment: Payment;
  /** False when the transaction id was already recorded (then only missing fields may have been filled). */
  created: boolean;
  /**
   * For a repeat: the fields that were still empty and are now filled (a later event of the same transaction knows
   * more, e.g. Paddle's invoice number comes with transaction.completed, after transaction.paid). Empty otherwise.
   */
  filled: string[];
}

const CURRENCY = /^[A-Z]{3}$/;

/** Fields a repeat of a completed payment may fill when they are still empty (never overwrite). */
const FILLABLE = ["subtotal_cents", "tax_cents", "fee_cents", "invoice_number", "license_id"] as const;

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined;
}

/**
 * The payments ledger: the one place that writes payments and their adjustments. Every write is idempotent by the
 * provider's ids (unique indexes), atomic with its activity-log entry (one transaction), and records its cause.
 */
export class LedgerService {
  private readonly adjustments: AdjustmentLedger;

  constructor(
    private readonly models: Models,
    private readonly activity: ActivityService,
  ) {
    this.adjustments = new AdjustmentLedger(models, activity);
  }

  /** A completed payment. A repeat of the transaction id changes nothing; a failed or pending one is completed. */
  async recordPayment(input: RecordPayment): Promise<RecordedPayment> {
    this.checkAmounts(input);
    if (!(input.paidAt instanceof Date) || Number.isNaN(input.paidAt.getTime())) throw badInput("paidAt must be a date");
    await this.checkOwner(input.customerId, input.licenseId);
    const fields = {
      ...this.paymentFields(input),
      status: PaymentStatus.completed,
      invoice_number: input.invoiceNumber ?? null,
      paid_at: input.paidAt,
      failure_reason: null,
    };
    try {
      return await inTransaction(this.models, async (session) => {
        const payment = await this.insertPayment(fields, session);
        await this.audit(input, "payment.recorded", payment, {}, session);
        return { payment, created: true, filled: [] };
      });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    // The transaction id is known: a repeat, or a payment that failed before and has now been paid.
    return inTransaction(this.models, async (session) => {
      const before = await this.models.Payment.findOneAndUpdate(
        { provider: input.provider, transaction_id: input.transactionId, status: { $in: [PaymentStatus.failed, PaymentStatus.pending] } },
        { $set: fields },
        { returnDocument: "before", session },
      )
        .lean()
        .exec();
      if (before) {
        const completed = { ...(before as Payment), ...fields } as Payment;
        await this.audit(input, "payment.recorded", completed, { previous_status: before.status }, session);
        return { payment: completed, created: true, filled: [] };
      }
      return this.fillMissing(input, fields, session);
    });
  }

  /**
   * A repeat of a completed payment: amounts, status and dates stay as first recorded, but fields still empty are
   * filled from what this call knows (invoice number, fee, tax, the license once it exists, metadata keys).
   */
  private async fillMissing(input: RecordPayment, fields: Record<string, unknown>, session: Session): Promise<RecordedPayment> {
    const current = await this.existing(input.provider, input.transactionId, session);
    const missing: Record<string, unknown> = {};
    for (const name of FILLABLE) {
      if (isEmpty((current as unknown as Record<string, unknown>)[name]) && !isEmpty(fields[name])) missing[name] = fields[name];
    }
    for (const [key, value] of Object.entries(input.metadata ?? {})) {
      if (isEmpty(current.metadata?.[key]) && !isEmpty(value)) missing[`metadata.${key}`] = value;
    }
    const filled = Object.keys(missing);
    if (filled.length === 0) return { payment: current, created: false, filled };
    const payment = (await this.models.Payment.findOneAndUpdate(
      { _id: current._id },
      { $set: missing },
      { returnDocument: "after", session },
    )
      .lean()
      .exec()) as Payment;
    await this.audit(input, "payment.completed_fields", payment, { filled }, session);
    return { payment, created: false, filled };
  }

  /**
   * A failed payment attempt. A repeat, or a failure after the payment was completed, changes nothing; a later failed
   * attempt (another attemptId) of a payment still failed updates its reason and date.
   */
  async recordFailedPayment(input: RecordFailedPayment): Promise<RecordedPayment> {
    this.checkAmounts(input);
    await this.checkOwner(input.customerId, input.licenseId);
    const attemptId = input.attemptId ?? null;
    const fields = {
      ...this.paymentFields(input),
      status: PaymentStatus.failed,
      paid_at: input.paidAt ?? new Date(),
      failure_reason: input.failureReason ?? null,
      metadata: attemptId === null ? (input.metadata ?? {}) : { ...input.metadata, attempt_id: attemptId },
    };
    const details = { failure_reason: fields.failure_reason, attempt_id: attemptId };
    try {
      return await inTransaction(this.models, async (session) => {
        const payment = await this.insertPayment(fields, session);
        await this.audit(input, "payment.failed", payment, details, session);
        await input.alsoInTransaction?.(session, payment);
        return { payment, created: true, filled: [] };
      });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    // Known: the same attempt again (nothing), a later failed attempt (its reason), or already paid (nothing).
    return inTransaction(this.models, async (session) => {
      const later =
        attemptId === null
          ? null
          : await this.models.Payment.findOneAndUpdate(
              {
                provider: input.provider,
                transaction_id: input.transactionId,
                status: PaymentStatus.failed,
                "metadata.attempt_id": { $ne: attemptId },
              },
              { $set: { failure_reason: fields.failure_reason, paid_at: fields.paid_at, "metadata.attempt_id": attemptId } },
              { returnDocument: "after", session },
            )
              .lean()
              .exec();
      if (!later) return { payment: await this.existing(input.provider, input.transactionId, session), created: false, filled: [] };
      await this.audit(input, "payment.failed", later as Payment, details, session);
      await input.alsoInTransaction?.(session, later as Payment);
      return { payment: later as Payment, created: true, filled: [] };
    });
  }

  /** A payment recorded by an admin for a sale outside Paddle (provider "manual", a generated transaction id). */
  recordManualPayment(
    input: PaymentAmounts & {
      customerId: mongoose.Types.ObjectId;
      licenseId?: mongoose.Types.ObjectId | null;
      paidAt?: Date | null;
      note?: string | null;
      invoiceNumber?: string | null;
    },
    actor: Actor,
  ): Promise<RecordedPayment> {
    if (!(input.amountCents > 0)) throw badInput("amountCents must be a positive whole number of cents", { argument: "amountCents" });
    return this.recordPayment({
      ...input,
      provider: MANUAL_PROVIDER,
      transactionId: `manual-${new mongoose.Types.ObjectId().toHexString()}`,
      paidAt: input.paidAt ?? new Date(),
      cause: "manual",
      metadata: input.note ? { note: input.note } : {},
      actor,
    });
  }

  /**
   * A refund, credit or chargeback (or its reversal) of a recorded payment: see AdjustmentLedger.apply (only an
   * approved adjustment moves money, once; never more than was paid).
   */
  applyAdjustment(input: ApplyAdjustment): Promise<AppliedAdjustment> {
    return this.adjustments.apply(input);
  }

  private checkAmounts(input: PaymentAmounts & { provider: string; transactionId: string }): void {
    if (!input.provider.trim()) throw badInput("provider is required");
    if (!input.transactionId.trim()) throw badInput("transactionId is required");
    if (!CURRENCY.test(input.currency))
      throw badInput("currency must be a 3-letter ISO 4217 code in upper case, e.g. EUR", { argument: "currency" });
    const amounts = {
      amountCents: input.amountCents,
      subtotalCents: input.subtotalCents,
      taxCents: input.taxCents,
      feeCents: input.feeCents,
    };
    for (const [name, value] of Object.entries(amounts)) {
      if (value === undefined || value === null) continue;
      if (!Number.isSafeInteger(value) || value < 0)
        throw badInput(`${name} must be a whole number of cents, 0 or more`, { argument: name });
    }
  }

  /** The customer exists, and the license (if any) exists and is the customer's. */
  private async checkOwner(customerId: mongoose.Types.ObjectId, licenseId?: mongoose.Types.ObjectId | null): Promise<void> {
    if (!(await this.models.Customer.exists({ _id: customerId }).exec())) throw notFound("Customer");
    if (!licenseId) return;
    const license = await this.models.License.findById(licenseId, { customer_id: 1 }).lean().exec();
    if (!license) throw notFound("License");
    if (!license.customer_id.equals(customerId))
      throw badInput("The license belongs to another customer", { argument: "licenseId", reason: "LICENSE_OF_ANOTHER_CUSTOMER" });
  }

  private paymentFields(input: RecordPayment | RecordFailedPayment): Record<string, unknown> {
    return {
      customer_id: input.customerId,
      license_id: input.licenseId ?? null,
      amount_cents: input.amountCents,
      subtotal_cents: input.subtotalCents ?? null,
      tax_cents: input.taxCents ?? null,
      fee_cents: input.feeCents ?? null,
      currency: input.currency,
      provider: input.provider,
      transaction_id: input.transactionId,
      refunded_cents: 0,
      metadata: input.metadata ?? {},
    };
  }

  private async insertPayment(fields: Record<string, unknown>, session: Session): Promise<Payment> {
    const [created] = await this.models.Payment.create([fields], { session });
    return created.toObject() as Payment;
  }

  private async existing(provider: string, transactionId: string, session?: Session): Promise<Payment> {
    const payment = await this.models.Payment.findOne({ provider, transaction_id: transactionId })
      .session(session ?? null)
      .lean()
      .exec();
    if (!payment) throw notFound(`Payment ${transactionId}`);
    return payment as Payment;
  }

  private audit(
    input: { provider: string; transactionId: string; cause: Cause; actor?: Actor },
    action: string,
    payment: Payment,
    details: Record<string, unknown>,
    session: Session,
  ): Promise<void> {
    return auditLedgerWrite(this.activity, input, action, payment, details, session);
  }
}
