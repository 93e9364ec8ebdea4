import { mongoose } from "@typegoose/typegoose";
import type { Models } from "../../db/models";
import { AdjustmentStatus } from "../payments/payment-adjustment.model";
import { SETTLED_STATUSES } from "../payments/payment.model";
import type { Plan } from "../plans/plan.model";
import { CashFlow, type CashAdjustment, type CashPayment } from "./cash-flow";
import type { MrrRow } from "./mrr-timeline";

/** Everything the figures of a range of time are computed from, read once for the whole range. */
export interface AnalyticsData {
  /** MRR changes sorted by effective_at, then _id: replayed by an MrrTimeline (one per pass: it moves forward only). */
  mrrRows: MrrRow[];
  cash: CashFlow;
  plans: Map<string, Plan>;
}

interface PaymentDoc {
  _id: mongoose.Types.ObjectId;
  license_id?: mongoose.Types.ObjectId | null;
  amount_cents: number;
  currency: string;
  paid_at?: Date | null;
  created_at: Date;
  metadata?: Record<string, unknown> | null;
}

const UNKNOWN_PLAN = "unknown";

/** Reads the rows that matter up to `until` (inclusive): MRR changes, settled payments, approved adjustments. */
export async function loadAnalyticsData(models: Models, until: Date): Promise<AnalyticsData> {
  const [rows, payments, plans] = await Promise.all([
    models.MrrChange.find({ effective_at: { $lte: until } })
      .sort({ effective_at: 1, _id: 1 })
      .lean()
      .exec(),
    models.Payment.find(
      { status: { $in: [...SETTLED_STATUSES] }, $or: [{ paid_at: { $lte: until } }, { paid_at: null, created_at: { $lte: until } }] },
      { license_id: 1, amount_cents: 1, currency: 1, paid_at: 1, created_at: 1, metadata: 1 },
    )
      .lean<PaymentDoc[]>()
      .exec(),
    models.Plan.find({}).lean<Plan[]>().exec(),
  ]);
  const planById = new Map(plans.map((plan) => [plan._id.toHexString(), plan]));
  const adjustments = await models.PaymentAdjustment.find(
    {
      status: AdjustmentStatus.approved,
      applied_cents: { $ne: 0 },
      $or: [{ effective_at: { $lte: until } }, { effective_at: null, updated_at: { $lte: until } }],
    },
    { payment_id: 1, applied_cents: 1, currency: 1, effective_at: 1, updated_at: 1 },
  )
    .lean()
    .exec();
  // Adjusted payments may be outside the loaded ones only if their own date is after `until`; they still say the plan.
  const loaded = new Set(payments.map((payment) => payment._id.toHexString()));
  const missing = adjustments.map((row) => row.payment_id).filter((id) => !loaded.has(id.toHexString()));
  const extra =
    missing.length === 0
      ? []
      : await models.Payment.find(
          { _id: { $in: missing } },
          { license_id: 1, amount_cents: 1, currency: 1, paid_at: 1, created_at: 1, metadata: 1 },
        )
          .lean<PaymentDoc[]>()
          .exec();
  const licensePlans = await planOfLicenses(models, [...payments, ...extra]);
  const classify = (payment: PaymentDoc) => classifyPayment(payment, planById, licensePlans);
  const classified = new Map([...payments, ...extra].map((payment) => [payment._id.toHexString(), classify(payment)]));

  const cashPayments: CashPayment[] = payments
    .map((payment) => ({
      at: (payment.paid_at ?? payment.created_at).getTime(),
      currency: payment.currency,
      amountCents: payment.amount_cents,
      ...(classified.get(payment._id.toHexString()) as PaymentPlan),
    }))
    .sort((a, b) => a.at - b.at);
  const cashAdjustments: CashAdjustment[] = adjustments
    .flatMap((row) => {
      const plan = classified.get(row.payment_id.toHexString());
      // An adjustment of a payment that no longer exists cannot be attributed; the ledger never deletes payments.
      if (!plan) return [];
      return [{ at: (row.effective_at ?? row.updated_at).getTime(), currency: row.currency, appliedCents: row.applied_cents, ...plan }];
    })
    .sort((a, b) => a.at - b.at);

  return { mrrRows: rows.map(toMrrRow), cash: new CashFlow(cashPayments, cashAdjustments), plans: planById };
}

function toMrrRow(row: {
  _id: mongoose.Types.ObjectId;
  subscription_id: string;
  customer_id: mongoose.Types.ObjectId;
  plan_id?: mongoose.Types.ObjectId | null;
  mrr_cents: number;
  currency: string;
  effective_at: Date;
}): MrrRow {
  return {
    id: row._id.toHexString(),
    subscriptionId: row.subscription_id,
    customerId: row.customer_id.toHexString(),
    planId: row.plan_id ? row.plan_id.toHexString() : null,
    mrrCents: row.mrr_cents,
    currency: row.currency,
    effectiveAt: row.effective_at.getTime(),
  };
}

interface PaymentPlan {
  planId: string | null;
  plan: string;
  oneTime: boolean;
}

/**
 * The plan of a payment: `metadata.plan_id` written by the billing lifecycle, else its license's plan; a one-time sale
 * when `metadata.one_time` says so, else when that plan is a lifetime plan (manual and imported payments).
 */
function classifyPayment(payment: PaymentDoc, plans: Map<string, Plan>, licensePlans: Map<string, string>): PaymentPlan {
  const metadata = payment.metadata ?? {};
  const fromMetadata = typeof metadata.plan_id === "string" && mongoose.isObjectIdOrHexString(metadata.plan_id) ? metadata.plan_id : null;
  const planId = fromMetadata ?? (payment.license_id ? (licensePlans.get(payment.license_id.toHexString()) ?? null) : null);
  const plan = planId ? plans.get(planId) : undefined;
  const name = plan?.name ?? (typeof metadata.plan === "string" && metadata.plan !== "" ? metadata.plan : UNKNOWN_PLAN);
  const oneTime = typeof metadata.one_time === "boolean" ? metadata.one_time : plan?.is_lifetime === true;
  return { planId: plan ? planId : null, plan: name, oneTime };
}

async function planOfLicenses(models: Models, payments: PaymentDoc[]): Promise<Map<string, string>> {
  const ids = payments.flatMap((payment) => (!hasPlanId(payment) && payment.license_id ? [payment.license_id] : []));
  if (ids.length === 0) return new Map();
  const licenses = await models.License.find({ _id: { $in: ids } }, { plan_id: 1 })
    .lean()
    .exec();
  return new Map(licenses.map((license) => [license._id.toHexString(), license.plan_id.toHexString()]));
}

function hasPlanId(payment: PaymentDoc): boolean {
  return typeof payment.metadata?.plan_id === "string";
}
