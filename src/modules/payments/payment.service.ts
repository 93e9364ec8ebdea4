import type { mongoose } from "@typegoose/typegoose";
import type { Models } from "../../db/models";
import { paginate, type Page, type PageRequest } from "../../db/pagination";
import { badInput } from "../../errors";
import { SETTLED_STATUSES, type Payment, type PaymentStatus } from "./payment.model";

export interface PaymentFilter {
  status?: PaymentStatus | null;
  customerId?: mongoose.Types.ObjectId | null;
  licenseId?: mongoose.Types.ObjectId | null;
  provider?: string | null;
  /** On paid_at (created_at for payments recorded before the ledger): from inclusive, to exclusive. */
  from?: Date | null;
  to?: Date | null;
}

/** The ledger's sums for one currency (amounts in its minor unit). */
export interface CurrencyTotals {
  currency: string;
  /** Settled payments (completed, partially refunded, refunded): the ones the sums add up. */
  count: number;
  failedCount: number;
  grossCents: number;
  refundedCents: number;
  /** gross − refunded: what customers paid and kept paid (tax included, fees not deducted). */
  netCents: number;
  taxCents: number;
  feeCents: number;
}

/** Reads of the payments ledger; writes go through LedgerService. */
export class PaymentService {
  constructor(private readonly models: Models) {}

  list(filter: PaymentFilter, page: PageRequest): Promise<Page<Payment>> {
    return paginate<Payment>(this.models.Payment, toQuery(filter), page);
  }

  /** Totals per currency (never mixed), sorted by currency code. */
  async totals(filter: PaymentFilter): Promise<CurrencyTotals[]> {
    const settled = { $in: ["$status", [...SETTLED_STATUSES]] };
    const whenSettled = (value: unknown) => ({ $cond: [settled, { $ifNull: [value, 0] }, 0] });
    const rows = await this.models.Payment.aggregate<Omit<CurrencyTotals, "netCents" | "currency"> & { _id: string }>([
      { $match: toQuery(filter) },
      {
        $group: {
          _id: "$currency",
          count: { $sum: { $cond: [settled, 1, 0] } },
          failedCount: { $sum: { $cond: [{ $eq: ["$status", "failed"] }, 1, 0] } },
          grossCents: { $sum: whenSettled("$amount_cents") },
          refundedCents: { $sum: whenSettled("$refunded_cents") },
          taxCents: { $sum: whenSettled("$tax_cents") },
          feeCents: { $sum: whenSettled("$fee_cents") },
        },
      },
      { $sort: { _id: 1 } },
    ]).exec();
    return rows.map(({ _id, ...sums }) => ({ currency: _id, ...sums, netCents: sums.grossCents - sums.refundedCents }));
  }
}

function toQuery(filter: PaymentFilter): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  if (filter.status) query.status = filter.status;
  if (filter.customerId) query.customer_id = filter.customerId;
  if (filter.licenseId) query.license_id = filter.licenseId;
  if (filter.provider) query.provider = filter.provider;
  if (filter.from || filter.to) {
    if (filter.from && filter.to && filter.from.getTime() >= filter.to.getTime()) throw badInput("from must be before to");
    const range: Record<string, Date> = {};
    if (filter.from) range.$gte = filter.from;
    if (filter.to) range.$lt = filter.to;
    // Payments written before the ledger (and by the importers) have no paid_at: their date is created_at.
    query.$or = [{ paid_at: range }, { paid_at: null, created_at: range }];
  }
  return query;
}
