import { AdjustmentAction, AdjustmentStatus } from "../payments/payment-adjustment.model";
import { dataOf } from "./billing-customer.service";
import { MalformedEvent, centsAt, currencyAt, objectAt, optionalString, requiredId } from "./paddle-amounts";
import type { WebhookEvent } from "./webhook-event.model";

/** A Paddle adjustment (`adj_…`): a refund, credit or chargeback (or a reversal) of one transaction. */
export interface PaddleAdjustment {
  id: string;
  transactionId: string;
  subscriptionId: string | null;
  action: AdjustmentAction;
  status: AdjustmentStatus;
  /** full, partial, tax, proration. */
  type: string | null;
  reason: string | null;
  currency: string;
  /** `totals.total`: what goes back to the customer, tax included, always positive. */
  totalCents: number;
}

/** Reads the adjustment of an `adjustment.*` event; MalformedEvent when it cannot be read. */
export function readAdjustment(event: WebhookEvent): PaddleAdjustment {
  const data = dataOf(event);
  const id = requiredId(data, "id", "adj_", "data");
  const where = `adjustment ${id}`;
  const action = data["action"];
  const status = data["status"];
  if (typeof action !== "string" || !(Object.values(AdjustmentAction) as string[]).includes(action))
    throw new MalformedEvent(`${where}: unknown action ${JSON.stringify(action ?? null)}`);
  if (typeof status !== "string" || !(Object.values(AdjustmentStatus) as string[]).includes(status))
    throw new MalformedEvent(`${where}: unknown status ${JSON.stringify(status ?? null)}`);
  const totals = objectAt(data, "totals");
  return {
    id,
    transactionId: requiredId(data, "transaction_id", "txn_", where),
    subscriptionId: optionalString(data, "subscription_id"),
    action: action as AdjustmentAction,
    status: status as AdjustmentStatus,
    type: optionalString(data, "type"),
    reason: optionalString(data, "reason"),
    currency: currencyAt(data["currency_code"] !== undefined ? data : totals, "currency_code", where),
    totalCents: centsAt(totals, "total", `${where}: totals`, true),
  };
}
