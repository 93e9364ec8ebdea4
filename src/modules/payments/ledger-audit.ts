import type { Session } from "../../db/transaction";
import type { ActivityService, Actor } from "../activity/activity.service";
import type { Payment } from "./payment.model";

/** Why a write was made: the webhook event id (evt_…), or "manual" for an admin's entry. Kept in the activity log. */
export type Cause = string;

/** The activity entry of one ledger write, in the write's transaction; `details.cause` says why. */
export function auditLedgerWrite(
  activity: ActivityService,
  input: { provider: string; transactionId: string; cause: Cause; actor?: Actor },
  action: string,
  payment: Payment,
  details: Record<string, unknown>,
  session: Session,
): Promise<void> {
  return activity.record(
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
