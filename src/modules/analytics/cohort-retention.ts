import { monthKey, nextMonth } from "./analytics-months";

/** One cohort: the customers whose first positive MRR began in `month`, and how many still paid later. */
export interface Cohort {
  /** YYYY-MM (UTC). */
  month: string;
  customers: number;
  /** One point per month after the cohort's month that has ended: 1, 2, 3… */
  retained: Array<{ monthsAfter: number; customers: number; share: number }>;
}

export interface Starter {
  customerId: string;
  /** When the customer's first positive MRR began. */
  first: number;
}

export interface ChangeRow {
  customerId: string;
  subscriptionId: string;
  mrrCents: number;
  at: number;
}

/**
 * Retention by cohort (pure: the service reads the rows). A customer is retained after k months when, at the last
 * millisecond of the k-th calendar month after its cohort's month, one of its subscriptions has a positive MRR
 * (every currency). Only months that have ended by `now` get a point.
 */
export function retention(months: string[], starters: Starter[], rows: ChangeRow[], now: number): Cohort[] {
  const byCustomer = new Map<string, ChangeRow[]>();
  for (const row of rows) {
    let list = byCustomer.get(row.customerId);
    if (!list) byCustomer.set(row.customerId, (list = []));
    list.push(row);
  }
  return months.map((month) => {
    const members = starters.filter((starter) => monthKey(starter.first) === month);
    const start = new Date(`${month}-01T00:00:00.000Z`);
    const retained: Cohort["retained"] = [];
    let boundaryMonth = nextMonth(start);
    for (let k = 1; ; k += 1) {
      const end = nextMonth(boundaryMonth).getTime() - 1;
      if (end >= now || members.length === 0) break;
      const customers = members.filter((member) => payingAt(byCustomer.get(member.customerId) ?? [], end)).length;
      retained.push({ monthsAfter: k, customers, share: customers / members.length });
      boundaryMonth = nextMonth(boundaryMonth);
    }
    return { month, customers: members.length, retained };
  });
}

/** Whether any subscription's latest change at or before `instant` has a positive MRR (rows sorted by time). */
function payingAt(rows: ChangeRow[], instant: number): boolean {
  const latest = new Map<string, number>();
  for (const row of rows) {
    if (row.at > instant) break;
    latest.set(row.subscriptionId, row.mrrCents);
  }
  return [...latest.values()].some((cents) => cents > 0);
}
