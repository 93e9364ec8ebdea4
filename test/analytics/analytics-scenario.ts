import { Writable } from "node:stream";
import { mongoose } from "@typegoose/typegoose";
import pino from "pino";
import type { FastifyBaseLogger } from "fastify";
import { SYSTEM_ACTOR } from "../../src/modules/activity/activity.service";
import type { Services } from "../../src/services";

/**
 * A hand-computed month (November 2026) written straight into the collections, in the shapes the billing lifecycle
 * and the ledger write. "Now" is NOW (2026-11-20 12:00 UTC). Every figure the tests expect is worked out in
 * EXPECTED's comments from the rows below.
 */
export const NOW = Date.parse("2026-11-20T12:00:00.000Z");
export const at = (iso: string): Date => new Date(`${iso}Z`);

export interface Scenario {
  plans: { pro: string; agency: string; founders: string };
}

interface Change {
  sub: string;
  customer: string;
  plan: "pro" | "agency" | null;
  mrr: number;
  currency?: string;
  at: string;
  status?: string;
}

/**
 * Subscriptions (EUR unless said; mrr_cents as the lifecycle normalises them: tax excluded, after discounts, ÷ 12 for
 * annual prices):
 * - A: pro 2900 from Oct 5; Nov 10 upgraded to agency 7900 (expansion 5000).
 * - B: agency annual 79000/yr → 6583 (79000 ÷ 12 = 6583.33, rounded by the lifecycle) from Oct 1; Nov 15 down to pro
 *   annual 29000/yr → 2417 (2416.67) (contraction 6583 − 2417 = 4166).
 * - C: pro 2900 from Oct 3; cancelled at the end of its period: the row is written now with effective_at Nov 25.
 * - D: pro 2900 from Oct 8; Nov 12 past_due, same MRR (no movement: it still counts).
 * - E: new on Nov 3: pro with a 20 % discount, 2900 × 0.8 = 2320 (new).
 * - F: pro 2900 Sep 1, cancelled Oct 20; a new subscription Nov 7, 2900 (reactivation: F paid before).
 * - G: new Nov 4, 2900; cancelled at once Nov 9 (new, then churn: joined and churned in the period).
 * - H: pro 2900 from Oct 1; cancelled Nov 6 (churn).
 * - J: pro 2900 from Oct 2; cancelled Nov 5 (churn), subscribed again Nov 16 (reactivation).
 * - I: pro in USD 3500 from Oct 1 (another currency: excluded, never converted).
 */
const CHANGES: Change[] = [
  { sub: "sub_A", customer: "A", plan: "pro", mrr: 2900, at: "2026-10-05T09:00:00" },
  { sub: "sub_A", customer: "A", plan: "agency", mrr: 7900, at: "2026-11-10T10:00:00" },
  { sub: "sub_B", customer: "B", plan: "agency", mrr: 6583, at: "2026-10-01T08:00:00" },
  { sub: "sub_B", customer: "B", plan: "pro", mrr: 2417, at: "2026-11-15T08:00:00" },
  { sub: "sub_C", customer: "C", plan: "pro", mrr: 2900, at: "2026-10-03T12:00:00" },
  { sub: "sub_C", customer: "C", plan: "pro", mrr: 0, at: "2026-11-25T00:00:00", status: "canceled" },
  { sub: "sub_D", customer: "D", plan: "pro", mrr: 2900, at: "2026-10-08T12:00:00" },
  { sub: "sub_D", customer: "D", plan: "pro", mrr: 2900, at: "2026-11-12T06:00:00", status: "past_due" },
  { sub: "sub_E", customer: "E", plan: "pro", mrr: 2320, at: "2026-11-03T15:00:00" },
  { sub: "sub_F1", customer: "F", plan: "pro", mrr: 2900, at: "2026-09-01T10:00:00" },
  { sub: "sub_F1", customer: "F", plan: "pro", mrr: 0, at: "2026-10-20T10:00:00", status: "canceled" },
  { sub: "sub_F2", customer: "F", plan: "pro", mrr: 2900, at: "2026-11-07T10:00:00" },
  { sub: "sub_G", customer: "G", plan: "pro", mrr: 2900, at: "2026-11-04T10:00:00" },
  { sub: "sub_G", customer: "G", plan: "pro", mrr: 0, at: "2026-11-09T10:00:00", status: "canceled" },
  { sub: "sub_H", customer: "H", plan: "pro", mrr: 2900, at: "2026-10-01T10:00:00" },
  { sub: "sub_H", customer: "H", plan: "pro", mrr: 0, at: "2026-11-06T10:00:00", status: "canceled" },
  { sub: "sub_J1", customer: "J", plan: "pro", mrr: 2900, at: "2026-10-02T10:00:00" },
  { sub: "sub_J1", customer: "J", plan: "pro", mrr: 0, at: "2026-11-05T10:00:00", status: "canceled" },
  { sub: "sub_J2", customer: "J", plan: "pro", mrr: 2900, at: "2026-11-16T10:00:00" },
  { sub: "sub_I", customer: "I", plan: "pro", mrr: 3500, currency: "USD", at: "2026-10-01T10:00:00" },
];

export async function writeScenario(services: Services): Promise<Scenario> {
  const { models } = services;
  const customers = new Map<string, mongoose.Types.ObjectId>();
  for (const name of ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N"]) {
    const customer = await models.Customer.create({ email: `${name.toLowerCase()}@example.com`, name: `Customer ${name}` });
    customers.set(name, customer._id);
  }
  const id = (name: string): mongoose.Types.ObjectId => customers.get(name) as mongoose.Types.ObjectId;
  const plans = new Map((await models.Plan.find({}).lean().exec()).map((plan) => [plan.name, plan._id]));
  const planId = (name: string): mongoose.Types.ObjectId => plans.get(name) as mongoose.Types.ObjectId;

  await models.MrrChange.collection.insertMany(
    CHANGES.map((change, n) => ({
      subscription_id: change.sub,
      customer_id: id(change.customer),
      license_id: null,
      plan_id: change.plan ? planId(change.plan) : null,
      mrr_cents: change.mrr,
      currency: change.currency ?? "EUR",
      effective_at: at(change.at),
      status: change.status ?? "active",
      cause: `evt_${n}`,
      created_at: at(change.at),
    })),
  );

  // Founders licenses through the real service: each takes a seat (K, M, N hold one; L's sale was refunded and its
  // license never issued), so the plan's counters say sold 3 of 500.
  const founders = new Map<string, mongoose.Types.ObjectId>();
  for (const name of ["K", "M", "N"])
    founders.set(name, (await services.licenses.issue({ customerId: id(name), plan: "founders" }, SYSTEM_ACTOR)).license._id);

  const paddle = (plan: string, oneTime: boolean, sub: string | null) => ({
    plan_id: planId(plan).toHexString(),
    plan,
    one_time: oneTime,
    subscription_id: sub,
  });
  const payment = (n: string, customer: string, amount: number, paidAt: string, extra: Record<string, unknown>) => ({
    _id: new mongoose.Types.ObjectId(),
    customer_id: id(customer),
    license_id: null,
    amount_cents: amount,
    currency: "EUR",
    subtotal_cents: null,
    tax_cents: null,
    fee_cents: null,
    status: "completed",
    provider: "paddle",
    transaction_id: `txn_${n}`,
    paid_at: at(paidAt),
    refunded_cents: 0,
    metadata: {},
    created_at: at(paidAt),
    updated_at: at(paidAt),
    ...extra,
  });
  const payments = [
    // A's renewal of pro (2900 + 22 % VAT = 3538) and the upgrade's prorated charge (5000 + 22 % = 6100).
    payment("A1", "A", 3538, "2026-11-01T09:00:00", { metadata: paddle("pro", false, "sub_A") }),
    payment("A2", "A", 6100, "2026-11-10T10:00:00", { metadata: paddle("agency", false, "sub_A") }),
    // E's first month: 2320 + 22 % = 2830.4 → 2830; 500 refunded on Nov 19 (below).
    payment("E1", "E", 2830, "2026-11-03T15:00:00", {
      metadata: paddle("pro", false, "sub_E"),
      status: "partially_refunded",
      refunded_cents: 500,
    }),
    // Founders (one-time, €29 tax included): M in October, K and L in November (L refunded in full on Nov 18).
    payment("M1", "M", 2900, "2026-10-20T10:00:00", { metadata: paddle("founders", true, null), license_id: founders.get("M") }),
    payment("K1", "K", 2900, "2026-11-02T10:00:00", { metadata: paddle("founders", true, null), license_id: founders.get("K") }),
    payment("L1", "L", 2900, "2026-11-08T10:00:00", { metadata: paddle("founders", true, null), status: "refunded", refunded_cents: 2900 }),
    // N's Founders sale recorded by hand without metadata: its license's plan (lifetime) makes it one-time.
    payment("N1", "N", 2900, "2026-11-11T10:00:00", { provider: "manual", license_id: founders.get("N") }),
    // Not counted: a failed attempt, a USD payment (excluded currency), and one after now.
    payment("D1", "D", 3538, "2026-11-12T06:00:00", { metadata: paddle("pro", false, "sub_D"), status: "failed" }),
    payment("I1", "I", 3500, "2026-11-01T10:00:00", { metadata: paddle("pro", false, "sub_I"), currency: "USD" }),
    payment("C1", "C", 3538, "2026-11-22T10:00:00", { metadata: paddle("pro", false, "sub_C") }),
  ];
  await models.Payment.collection.insertMany(payments);
  const paymentId = (n: string) => payments.find((row) => row.transaction_id === `txn_${n}`)?._id;
  const adjustment = (n: string, payment: string, action: string, amount: number, status: string, applied: number, when: string) => ({
    payment_id: paymentId(payment),
    provider: "paddle",
    adjustment_id: `adj_${n}`,
    action,
    amount_cents: amount,
    currency: "EUR",
    status,
    applied_cents: applied,
    reason: null,
    cause: `evt_adj_${n}`,
    created_at: at(when),
    updated_at: at(when),
  });
  await models.PaymentAdjustment.collection.insertMany([
    adjustment("L", "L1", "refund", 2900, "approved", 2900, "2026-11-18T10:00:00"),
    adjustment("E", "E1", "refund", 500, "approved", 500, "2026-11-19T10:00:00"),
    // Moves no money: still waiting for approval.
    adjustment("K", "K1", "refund", 2900, "pending_approval", 0, "2026-11-19T11:00:00"),
  ]);

  const usage = (provider: string, tokens: number, cost: number, when: string) => ({
    license_id: new mongoose.Types.ObjectId(),
    endpoint: "/v1/chat/completions",
    provider,
    model: "m",
    prompt_tokens: 0,
    completion_tokens: tokens,
    tokens_used: tokens,
    cost_micros: cost,
    response_time_ms: 10,
    status: "ok",
    created_at: at(when),
  });
  await models.UsageLog.collection.insertMany([
    usage("openai", 100, 1500, "2026-11-02T08:00:00"),
    usage("openai", 200, 2500, "2026-11-02T09:00:00"),
    usage("anthropic", 300, 4000, "2026-11-02T10:00:00"),
    usage("deepseek", 50, 100, "2026-11-19T10:00:00"),
    // Outside the period: before it, and after now.
    usage("openai", 999, 9999, "2026-10-30T10:00:00"),
    usage("openai", 999, 9999, "2026-11-21T10:00:00"),
  ]);
  return {
    plans: { pro: planId("pro").toHexString(), agency: planId("agency").toHexString(), founders: planId("founders").toHexString() },
  };
}

/** A logger that keeps its lines (for a test to wait for a platform's own report), at info level. */
export function capturingLogger(): { logger: FastifyBaseLogger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: "info" }, stream), lines };
}

export async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * The history of Nov 9 and Nov 10 as CSV, worked out by hand from the scenario.
 * Nov 9: at the start (end of Nov 8) A 2900, B 6583, C 2900, D 2900, E 2320, F 2900, G 2900 = 23403, 7 customers;
 *   G churns 2900 → 20503, 6 customers; ARPA 20503 ÷ 6 = 3417.17 → 34.17; 1 of 7 churned; gross = net = 2900 ÷ 23403.
 *   No payment that day; one-time all time: M, K, L = 3 × 29.00 = 87.00 (L's refund comes on Nov 18).
 * Nov 10: start 20503, 6; A expands by 5000 → 25503; ARPA 25503 ÷ 6 = 4250.5 → 42.51; nobody churned (rate 0);
 *   gross 0; net = −5000 ÷ 20503; A's 61.00 collected.
 * USD (I's 35.00 MRR) is named in excluded_currencies; no AI usage those days.
 */
export function novemberCsv(source: "snapshot" | "computed"): string {
  const header =
    "date,complete,source,currency,mrr,arr,active_subscribers,arpa,new_mrr,new_count,expansion_mrr,expansion_count," +
    "contraction_mrr,contraction_count,churn_mrr,churn_count,reactivation_mrr,reactivation_count,customers_at_start," +
    "mrr_at_start,churned_customers,customer_churn_rate,gross_mrr_churn_rate,net_mrr_churn_rate,cash_collected,refunds," +
    "refunds_count,one_time_sales,one_time_revenue,one_time_revenue_all_time,ai_requests,ai_tokens,ai_cost_eur,excluded_currencies";
  const nov9 = [
    ...["2026-11-09", "true", source, "EUR", "205.03", "2460.36" /* 20503 × 12 = 246036 */, "6", "34.17"],
    ...["0.00", "0", "0.00", "0", "0.00", "0", "29.00", "1", "0.00", "0"],
    ...["7", "234.03", "1", (1 / 7).toFixed(6), (2900 / 23403).toFixed(6), (2900 / 23403).toFixed(6)],
    ...["0.00", "0.00", "0", "0", "0.00", "87.00", "0", "0", "0.000000", "USD"],
  ];
  const nov10 = [
    ...["2026-11-10", "true", source, "EUR", "255.03", "3060.36" /* 25503 × 12 */, "6", "42.51"],
    ...["0.00", "0", "50.00", "1", "0.00", "0", "0.00", "0", "0.00", "0"],
    ...["6", "205.03", "0", "0.000000", "0.000000", (-5000 / 20503).toFixed(6)],
    ...["61.00", "0.00", "0", "0", "0.00", "87.00", "0", "0", "0.000000", "USD"],
  ];
  return `${header}\n${nov9.join(",")}\n${nov10.join(",")}\n`;
}
