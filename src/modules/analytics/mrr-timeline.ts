/**
 * Replays `mrr_changes` forward in time (the Kill Bill "intervals over a calendar" pattern, next-anchors.md §3.2):
 * a subscription's MRR at instant t is its latest row with effective_at ≤ t (ties: the latest _id), so the state at
 * any instant, and the movements between two instants, come from the rows alone, never from a stored total.
 */

/** One `mrr_changes` row, as the timeline needs it. */
export interface MrrRow {
  id: string;
  subscriptionId: string;
  customerId: string;
  planId: string | null;
  mrrCents: number;
  currency: string;
  effectiveAt: number;
}

export interface SubscriptionState {
  customerId: string;
  planId: string | null;
  mrrCents: number;
  currency: string;
}

export type MovementKind = "new" | "expansion" | "contraction" | "churn" | "reactivation";
export const MOVEMENT_KINDS: readonly MovementKind[] = ["new", "expansion", "contraction", "churn", "reactivation"];

export interface Movement {
  amountCents: number;
  count: number;
}
export type Movements = Record<MovementKind, Movement>;

export const noMovements = (): Movements => ({
  new: { amountCents: 0, count: 0 },
  expansion: { amountCents: 0, count: 0 },
  contraction: { amountCents: 0, count: 0 },
  churn: { amountCents: 0, count: 0 },
  reactivation: { amountCents: 0, count: 0 },
});

/** The customers' MRR in one currency at one instant. */
export type CustomerMrr = Map<string, number>;

/**
 * The state moves forward only: `advanceTo(t)` applies every row up to t. Rows must be sorted by effective_at, then
 * _id (the loader sorts them so).
 */
export class MrrTimeline {
  private next = 0;
  private readonly subscriptions = new Map<string, SubscriptionState>();
  /** "currency customer" → that customer's MRR in that currency (only non-zero entries are kept). */
  private readonly customerTotals = new Map<string, number>();
  /** customer → when it first had a positive MRR (any currency): "ever paid" for the reactivation rule. */
  private readonly firstPaid = new Map<string, number>();
  private now = Number.NEGATIVE_INFINITY;

  constructor(private readonly rows: readonly MrrRow[]) {}

  advanceTo(instant: number): void {
    if (instant < this.now) throw new Error("the MRR timeline moves forward only");
    this.now = instant;
    while (this.next < this.rows.length && (this.rows[this.next] as MrrRow).effectiveAt <= instant) {
      this.apply(this.rows[this.next] as MrrRow);
      this.next++;
    }
  }

  /** Every customer's MRR in `currency` now (customers at 0 are absent). */
  customers(currency: string): CustomerMrr {
    const result: CustomerMrr = new Map();
    const prefix = `${currency} `;
    for (const [key, cents] of this.customerTotals) if (key.startsWith(prefix)) result.set(key.slice(prefix.length), cents);
    return result;
  }

  /** The currencies with a non-zero MRR now. */
  currencies(): Set<string> {
    return new Set([...this.customerTotals.keys()].map((key) => key.slice(0, key.indexOf(" "))));
  }

  /** Paying subscriptions (MRR > 0) now. */
  paying(): SubscriptionState[] {
    return [...this.subscriptions.values()].filter((state) => state.mrrCents > 0);
  }

  /** Whether the customer had a positive MRR at or before `instant` (any currency). */
  paidBy(customerId: string, instant: number): boolean {
    const first = this.firstPaid.get(customerId);
    return first !== undefined && first <= instant;
  }

  private apply(row: MrrRow): void {
    const before = this.subscriptions.get(row.subscriptionId);
    if (before) this.addToCustomer(before.currency, before.customerId, -before.mrrCents);
    this.subscriptions.set(row.subscriptionId, {
      customerId: row.customerId,
      planId: row.planId,
      mrrCents: row.mrrCents,
      currency: row.currency,
    });
    this.addToCustomer(row.currency, row.customerId, row.mrrCents);
    if (row.mrrCents > 0 && !this.firstPaid.has(row.customerId)) this.firstPaid.set(row.customerId, row.effectiveAt);
  }

  private addToCustomer(currency: string, customerId: string, cents: number): void {
    const key = `${currency} ${customerId}`;
    const total = (this.customerTotals.get(key) ?? 0) + cents;
    if (total === 0) this.customerTotals.delete(key);
    else this.customerTotals.set(key, total);
  }
}

/**
 * The movements between two states of the customers' MRR in one currency (the mrr_waterfall rule, next-anchors.md
 * §3.3): 0 → >0 is new, or reactivation when the customer had paid before the earlier state; up is expansion; down
 * to a positive value is contraction; down to 0 is churn. Each customer counts once per kind per step.
 */
export function diffCustomers(
  before: CustomerMrr,
  after: CustomerMrr,
  paidBefore: (customerId: string) => boolean,
  into: Movements = noMovements(),
): Movements {
  const customers = new Set([...before.keys(), ...after.keys()]);
  for (const customer of customers) {
    const was = before.get(customer) ?? 0;
    const is = after.get(customer) ?? 0;
    if (was === is) continue;
    const kind: MovementKind =
      was === 0 ? (paidBefore(customer) ? "reactivation" : "new") : is === 0 ? "churn" : is > was ? "expansion" : "contraction";
    into[kind].amountCents += Math.abs(is - was);
    into[kind].count += 1;
  }
  return into;
}
