import { mongoose } from "@typegoose/typegoose";
import type { Models } from "../../db/models";
import { inTransaction, type Session } from "../../db/transaction";
import { badInput, conflict, DomainError, isDuplicateKey, notFound } from "../../errors";
import type { ActivityService, Actor } from "../activity/activity.service";
import { AdjustmentAction, AdjustmentStatus, type PaymentAdjustment } from "./payment-adjustment.model";
import { MANUAL_PROVIDER, PaymentStatus, SETTLED_STATUSES, type Payment } from "./payment.model";

/** Why a write was made: the webhook event id (evt_…), or "manual" for an admin's entry. Kept in the activity log. */
type Cause = string;

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

export interface ApplyAdjustment {
  provider: string;
  adjustmentId: string;
  /** The provider's id of the adjusted payment. */
  transactionId: string;
  action: AdjustmentAction;
  /** Always positive, tax included (Paddle: totals.total); the action says which way it goes. */
  amountCents: number;
  /** When given, it must be the payment's currency. */
  currency?: string;
  status: AdjustmentStatus;
  reason?: string | null;
  cause: Cause;
  actor?: Actor;
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

export interface AppliedAdjustment {
  adjustment: PaymentAdjustment;
  payment: Payment;
  /** False for a repeat (same adjustment, same or older status): nothing was changed. */
  changed: boolean;
  /**
   * True when this call applied an approved chargeback. The ledger does not touch the license: the caller (the Paddle
   * webhook handler) suspends it, so that license rules stay in the license service.
   */
  chargeback: boolean;
}

// Adjustments that take money back (+) or give it back to us (−); warnings move nothing.
const DIRECTION: Record<AdjustmentAction, 1 | -1 | 0> = {
  refund: 1,
  credit: 1,
  chargeback: 1,
  credit_reverse: -1,
  chargeback_reverse: -1,
  chargeback_warning: 0,
  chargeback_warning_reverse: 0,
};

// Paddle moves an adjustment forward only (pending → approved | rejected → reversed); an older status arriving late
// (webhooks are not ordered) must not undo a newer one.
const STATUS_RANK: Record<AdjustmentStatus, number> = { pending_approval: 0, approved: 1, rejected: 1, reversed: 2 };

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
  constructor(
    private readonly models: Models,
    private readonly activity: ActivityService,
  ) {}

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
   * A refund, credit or chargeback (or its reversal) of a recorded payment. Only an approved adjustment moves money:
   * it adds its amount to the payment's refunded_cents (a reversal subtracts), once, whatever order and how often
   * its events arrive. Refunding more than was paid is refused (CONFLICT, reason REFUND_EXCEEDS_PAYMENT) and changes
   * nothing. Concurrent adjustments cannot lose an update: the $inc is guarded and runs in a transaction with the
   * adjustment's own write (a conflict re-runs the transaction).
   */
  async applyAdjustment(input: ApplyAdjustment): Promise<AppliedAdjustment> {
    if (!Number.isSafeInteger(input.amountCents) || input.amountCents < 0)
      throw badInput("amountCents must be a whole number of cents, 0 or more", { argument: "amountCents" });
    if (!Object.values(AdjustmentAction).includes(input.action)) throw badInput(`Unknown adjustment action ${input.action}`);
    if (!Object.values(AdjustmentStatus).includes(input.status)) throw badInput(`Unknown adjustment status ${input.status}`);
    for (let attempt = 1; ; attempt++) {
      try {
        return await inTransaction(this.models, (session) => this.adjust(input, session));
      } catch (error) {
        // Two first deliveries of one adjustment racing: the loser runs again and finds the winner's row.
        if (!isDuplicateKey(error) || attempt >= 2) throw error;
      }
    }
  }

  private async adjust(input: ApplyAdjustment, session: Session): Promise<AppliedAdjustment> {
    const payment = await this.models.Payment.findOne({ provider: input.provider, transaction_id: input.transactionId })
      .session(session)
      .lean()
      .exec();
    if (!payment) throw notFound(`Payment ${input.transactionId}`);
    if (input.currency !== undefined && input.currency !== payment.currency)
      throw badInput(`The adjustment is in ${input.currency}, the payment in ${payment.currency}`, { reason: "CURRENCY_MISMATCH" });
    const stored = await this.models.PaymentAdjustment.findOne({ provider: input.provider, adjustment_id: input.adjustmentId })
      .session(session)
      .lean()
      .exec();
    if (stored && !stored.payment_id.equals(payment._id))
      throw conflict(`Adjustment ${input.adjustmentId} belongs to another payment`, { reason: "ADJUSTMENT_PAYMENT_MISMATCH" });
    if (stored && (STATUS_RANK[input.status] < STATUS_RANK[stored.status] || input.status === stored.status))
      return { adjustment: stored, payment, changed: false, chargeback: false };

    const wanted = input.status === AdjustmentStatus.approved ? DIRECTION[input.action] * input.amountCents : 0;
    const delta = wanted - (stored?.applied_cents ?? 0);
    if (delta !== 0 && !SETTLED_STATUSES.includes(payment.status))
      throw conflict(`Payment ${input.transactionId} is ${payment.status}: nothing to refund`, { reason: "PAYMENT_NOT_SETTLED" });
    const updated = delta === 0 ? payment : await this.moveRefunded(payment, delta, session);

    const fields = {
      payment_id: payment._id,
      provider: input.provider,
      adjustment_id: input.adjustmentId,
      action: input.action,
      amount_cents: input.amountCents,
      currency: payment.currency,
      status: input.status,
      applied_cents: wanted,
      reason: input.reason ?? null,
      cause: input.cause,
    };
    const adjustment = stored
      ? ((await this.models.PaymentAdjustment.findOneAndUpdate({ _id: stored._id }, { $set: fields }, { returnDocument: "after", session })
          .lean()
          .exec()) as PaymentAdjustment)
      : ((await this.models.PaymentAdjustment.create([fields], { session }))[0].toObject() as PaymentAdjustment);
    await this.audit(
      input,
      "payment.adjusted",
      updated,
      {
        adjustment_id: input.adjustmentId,
        action: input.action,
        adjustment_status: input.status,
        applied_cents: delta,
        refunded_cents: updated.refunded_cents ?? 0,
        status: updated.status,
      },
      session,
    );
    const chargeback = input.action === AdjustmentAction.chargeback && delta > 0;
    return { adjustment, payment: updated, changed: true, chargeback };
  }

  /** Adds `delta` to refunded_cents, guarded so that it stays within 0 … amount_cents, and sets the status it implies. */
  private async moveRefunded(payment: Payment, delta: number, session: Session): Promise<Payment> {
    // Documents from before the ledger have no refunded_cents; the guard below needs a number to compare.
    await this.models.Payment.updateOne({ _id: payment._id, refunded_cents: null }, { $set: { refunded_cents: 0 } }, { session }).exec();
    const guard = delta > 0 ? { $lte: payment.amount_cents - delta } : { $gte: -delta };
    const moved = await this.models.Payment.findOneAndUpdate(
      { _id: payment._id, refunded_cents: guard },
      { $inc: { refunded_cents: delta } },
      { returnDocument: "after", session },
    )
      .lean()
      .exec();
    if (!moved) {
      const current = await this.models.Payment.findById(payment._id).session(session).lean().exec();
      throw new DomainError("CONFLICT", `Refusing to refund more than was paid (${payment.amount_cents} ${payment.currency})`, {
        reason: delta > 0 ? "REFUND_EXCEEDS_PAYMENT" : "REVERSAL_EXCEEDS_REFUNDED",
        amount_cents: payment.amount_cents,
        refunded_cents: current?.refunded_cents ?? 0,
        requested_cents: Math.abs(delta),
      });
    }
    const refunded = moved.refunded_cents ?? 0;
    const status =
      refunded === 0 ? PaymentStatus.completed : refunded >= moved.amount_cents ? PaymentStatus.refunded : PaymentStatus.partially_refunded;
    // Guarded on the value this call produced: if another adjustment moved it since, that one sets the status.
    await this.models.Payment.updateOne({ _id: payment._id, refunded_cents: refunded }, { $set: { status } }, { session }).exec();
    return { ...(moved as Payment), status };
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
    return this.activity.record(
      input.actor ?? { label: input.provider },
      {
        action,
        customerId: payment.customer_id,
        licenseId: payment.license_id ?? null,
        details: {
          cause: input.cause,
          payment_id: payment._id.toHexString(),
          provider: input.provider,
          transaction_id: input.transactionId,
          amount_cents: payment.amount_cents,
          currency: payment.currency,
          ...details,
        },
      },
      session,
    );
  }
}
