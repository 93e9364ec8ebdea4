import type { Models } from "../../db/models";
import { inTransaction, type Session } from "../../db/transaction";
import { badInput, conflict, DomainError, isDuplicateKey, notFound } from "../../errors";
import type { ActivityService, Actor } from "../activity/activity.service";
import { auditLedgerWrite, type Cause } from "./ledger-audit";
import { AdjustmentAction, AdjustmentStatus, type PaymentAdjustment } from "./payment-adjustment.model";
import { PaymentStatus, SETTLED_STATUSES, type Payment } from "./payment.model";

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
  /** When this status took effect (Paddle: the event's occurred_at); default now. */
  effectiveAt?: Date;
  cause: Cause;
  actor?: Actor;
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

/** The adjustments half of the payments ledger (LedgerService.applyAdjustment). */
export class AdjustmentLedger {
  constructor(
    private readonly models: Models,
    private readonly activity: ActivityService,
  ) {}

  /**
   * A refund, credit or chargeback (or its reversal) of a recorded payment. Only an approved adjustment moves money:
   * it adds its amount to the payment's refunded_cents (a reversal subtracts), once, whatever order and how often
   * its events arrive. Refunding more than was paid is refused (CONFLICT, reason REFUND_EXCEEDS_PAYMENT) and changes
   * nothing. Concurrent adjustments cannot lose an update: the $inc is guarded and runs in a transaction with the
   * adjustment's own write (a conflict re-runs the transaction).
   */
  async apply(input: ApplyAdjustment): Promise<AppliedAdjustment> {
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
      effective_at: input.effectiveAt ?? new Date(),
      cause: input.cause,
    };
    const adjustment = stored
      ? ((await this.models.PaymentAdjustment.findOneAndUpdate({ _id: stored._id }, { $set: fields }, { returnDocument: "after", session })
          .lean()
          .exec()) as PaymentAdjustment)
      : ((await this.models.PaymentAdjustment.create([fields], { session }))[0].toObject() as PaymentAdjustment);
    await auditLedgerWrite(
      this.activity,
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
}
