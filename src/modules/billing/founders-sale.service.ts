import type { Models } from "../../db/models";
import type { Session } from "../../db/transaction";
import { DomainError, isDuplicateKey } from "../../errors";
import type { ActivityService } from "../activity/activity.service";
import type { License } from "../licenses/license.model";
import type { LicenseService } from "../licenses/license.service";
import { NotificationKind } from "../notifications/notification.model";
import type { NotificationOutbox } from "../notifications/notification-outbox.service";
import type { Plan } from "../plans/plan.model";
import { PADDLE_ACTOR } from "./paddle-actor";
import type { RecordedTransaction } from "./transaction-payment.service";
import type { HandlerOutcome } from "./webhook-handlers";

/**
 * A one-time purchase of a lifetime plan (the Founders Deal) → one lifetime license, issued with its seat (the
 * license service's guarded `$inc`), its `license_issued` message carrying the key, and the payment's link to it,
 * all in the license's transaction. `paddle_transaction_id` is unique on licenses, so a replayed or concurrent
 * `transaction.completed` (any instance) never issues a second one. Paddle cannot enforce our cap: a sale over it
 * stays recorded in the ledger, gets no license, and is flagged `refund_needed` (never a silent oversell).
 */
export class FoundersSaleService {
  constructor(
    private readonly models: Models,
    private readonly licenses: LicenseService,
    private readonly notifications: NotificationOutbox,
    private readonly activity: ActivityService,
  ) {}

  async fulfil(sale: RecordedTransaction, plan: Plan, quantity: number, cause: string): Promise<HandlerOutcome> {
    const existing = await this.issuedFor(sale.transaction.id);
    if (existing) return { note: `license ${existing._id.toHexString()} was already issued for ${sale.transaction.id}` };
    if (!plan.is_active) return this.refundNeeded(sale, plan, cause, `plan "${plan.name}" is not on sale`);
    let license: License;
    try {
      ({ license } = await this.licenses.issue(
        {
          customerId: sale.customer._id,
          plan: plan.name,
          paddleTransactionId: sale.transaction.id,
          metadata: { paddle_transaction_id: sale.transaction.id },
        },
        PADDLE_ACTOR,
        { cause, alsoInTransaction: (session, issued, key) => this.withLicense(sale, plan, issued, key, cause, session) },
      ));
    } catch (error) {
      // The same purchase issued meanwhile by another event of it (unique paddle_transaction_id): theirs stands.
      const raced = isDuplicateKey(error) ? await this.issuedFor(sale.transaction.id) : null;
      if (raced) return { note: `license ${raced._id.toHexString()} was issued for ${sale.transaction.id} by another event` };
      if (error instanceof DomainError && error.code === "CONFLICT" && (await this.soldOut(plan))) {
        return this.refundNeeded(sale, plan, cause, `${plan.name === "founders" ? "Founders Deal" : `plan "${plan.name}"`} sold out`);
      }
      // Anything else (a seat freed meanwhile, the database): the event fails and is retried.
      throw error;
    }
    const note = `lifetime license ${license._id.toHexString()} issued on plan "${plan.name}"`;
    // One license per purchase (the unique transaction id): more seats bought in one checkout need a person.
    if (quantity > 1) {
      await this.audit(sale, plan, cause, `quantity ${quantity}: one license issued, refund the other ${quantity - 1}`);
      return {
        attention: "refund_needed",
        note: `${note}; quantity ${quantity}: one license per purchase, refund the other ${quantity - 1}`,
      };
    }
    return { note };
  }

  private async withLicense(
    sale: RecordedTransaction,
    plan: Plan,
    license: License,
    key: string,
    cause: string,
    session: Session,
  ): Promise<void> {
    await this.notifications.enqueue(
      {
        kind: NotificationKind.license_issued,
        idempotencyKey: `license_issued:${license._id.toHexString()}`,
        subject: "Your Chatello Founders license",
        data: {
          license_id: license._id.toHexString(),
          key_last4: license.key_last4,
          plan: plan.name,
          lifetime: true,
          paddle_transaction_id: sale.transaction.id,
        },
        secret: { licenseKey: key },
        customerId: sale.customer._id,
        licenseId: license._id,
        recipientEmail: sale.customer.email,
        cause,
      },
      session,
    );
    if (!sale.payment) return;
    const linked = await this.models.Payment.updateOne(
      { _id: sale.payment._id, license_id: null },
      { $set: { license_id: license._id } },
      { session },
    ).exec();
    if (linked.modifiedCount === 0) return;
    await this.activity.record(
      PADDLE_ACTOR,
      {
        action: "payment.license_linked",
        customerId: sale.customer._id,
        licenseId: license._id,
        details: { cause, payment_id: sale.payment._id.toHexString(), transaction_id: sale.transaction.id },
      },
      session,
    );
  }

  private issuedFor(transactionId: string): Promise<License | null> {
    return this.models.License.findOne({ paddle_transaction_id: transactionId }).lean<License>().exec();
  }

  private async soldOut(plan: Plan): Promise<boolean> {
    const now = await this.models.Plan.findById(plan._id).lean<Plan>().exec();
    return now !== null && now.lifetime_limit !== null && now.lifetime_limit !== undefined && now.lifetime_sold >= now.lifetime_limit;
  }

  private async refundNeeded(sale: RecordedTransaction, plan: Plan, cause: string, why: string): Promise<HandlerOutcome> {
    await this.audit(sale, plan, cause, `${why}: no license issued, refund the payment in Paddle`);
    const recorded = sale.payment ? `payment ${sale.transaction.id} recorded` : `${sale.transaction.id} (zero total, nothing recorded)`;
    return { attention: "refund_needed", note: `${why}: ${recorded}, no license issued; refund it in Paddle` };
  }

  private audit(sale: RecordedTransaction, plan: Plan, cause: string, note: string): Promise<void> {
    return this.activity.record(PADDLE_ACTOR, {
      action: "billing.refund_needed",
      customerId: sale.customer._id,
      details: {
        cause,
        transaction_id: sale.transaction.id,
        payment_id: sale.payment?._id.toHexString() ?? null,
        plan: plan.name,
        note,
      },
    });
  }
}
