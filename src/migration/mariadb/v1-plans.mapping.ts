import { mongoose } from "@typegoose/typegoose";
import { PLAN_SEED } from "../../modules/plans/plan.seed";
import { Billing, type Plan } from "../../modules/plans/plan.model";
import type { MappedRecord } from "../migration.pass";
import { maskRow, pick, RowProblems, v1Id, v1TableSource, type MappedBatch, type V1Context } from "./v1.context";
import type { TableSource } from "../migration.pass";
import { decimalToCents, intOrNull, jsonStringArray } from "./v1.values";

/** The plan fields v1 has; everything else (rate limits, budgets, models, billing) stays the platform's. */
const SOURCE_FIELDS = [
  "name",
  "display_name",
  "price_cents",
  "currency",
  "monthly_requests",
  "max_sites",
  "features",
  "is_active",
] as const;

type PlatformPlan = Pick<Plan, (typeof SOURCE_FIELDS)[number]> & { _id: mongoose.Types.ObjectId };

/**
 * Plans are matched by name (trimmed, lower-cased) to the platform's plans; the values v1 has replace the
 * platform's, and every difference is reported. A v1 plan the platform does not have is created from the source
 * with no limits beyond its monthly requests (reported). A second v1 plan of the same name is merged into the first.
 */
export async function v1PlansSource(ctx: V1Context): Promise<TableSource> {
  const platform = new Map<string, PlatformPlan>();
  for (const plan of await ctx.target.collection<PlatformPlan>("plans").find({}).toArray()) platform.set(plan.name, plan);
  // A target nobody has set up yet (a dry run before the first import): the import would seed these plans first.
  if (platform.size === 0) for (const plan of PLAN_SEED) platform.set(plan.name, { ...plan, _id: new mongoose.Types.ObjectId() });
  for (const plan of platform.values()) ctx.planNames.set(plan._id.toHexString(), plan.name);
  const seen = new Map<string, { id: number; targetId: mongoose.Types.ObjectId }>();

  return v1TableSource(ctx, {
    table: "plans",
    collection: "plans",
    appendOnly: false,
    // The plan's own id is left out: the seeded plans' ids differ from one platform to another.
    canonical: (document) => pick(document, SOURCE_FIELDS),
    async map(rows): Promise<MappedBatch> {
      const batch: MappedBatch = { records: [], skipped: [], merged: 0 };
      for (const row of rows) {
        const problems = new RowProblems(ctx, "plans", row);
        const name = String(row.name ?? "")
          .trim()
          .toLowerCase();
        const first = seen.get(name);
        if (first) {
          ctx.plans.set(problems.id, first.targetId);
          problems.add(
            "duplicate_name",
            "merged",
            `a second plan named "${name}": its licenses go to plan #${first.id}, its own values are not imported`,
          );
          batch.skipped.push(problems.id);
          batch.merged += 1;
          continue;
        }
        const existing = platform.get(name);
        const targetId = existing?._id ?? v1Id("plans", problems.id);
        const price = decimalToCents(row.price as string | null);
        const features = jsonStringArray(problems.text("features"));
        if (!price.ok) problems.add("amount", "imported", `price: ${price.problem}; the platform's price is kept`);
        if (!features.ok) problems.add("invalid_json", "imported", `features: ${features.problem}; the platform's features are kept`);
        if (!existing && !price.ok) {
          problems.add("amount", "skipped", "a plan the platform does not have needs a price");
          batch.skipped.push(problems.id);
          continue;
        }
        const fields: Record<string, unknown> = {
          name: existing?.name ?? name,
          display_name: problems.text("display_name") ?? existing?.display_name ?? name,
          price_cents: price.ok ? price.value : existing?.price_cents,
          currency: problems.text("currency") ?? existing?.currency ?? "EUR",
          monthly_requests: intOrNull(row.monthly_requests) ?? existing?.monthly_requests ?? 0,
          max_sites: intOrNull(row.max_sites) ?? existing?.max_sites ?? 1,
          features: (features.ok ? features.value : null) ?? existing?.features ?? [],
          is_active: row.is_active === null || row.is_active === undefined ? (existing?.is_active ?? true) : Number(row.is_active) !== 0,
        };
        if (existing) {
          for (const field of SOURCE_FIELDS) {
            if (JSON.stringify(existing[field]) !== JSON.stringify(fields[field]))
              ctx.planDifferences.push({ plan: existing.name, field, platform: existing[field], source: fields[field] });
          }
        } else {
          problems.add(
            "unknown_plan",
            "imported",
            `the platform has no plan "${name}": created from the source, with no rate limits, budget or models`,
          );
        }
        const record: MappedRecord = { sourceId: problems.id, targetId, fields, row: maskRow(row) };
        if (!existing) record.onInsert = newPlanDefaults(problems.date("created_at"), problems.date("updated_at"));
        seen.set(name, { id: problems.id, targetId });
        ctx.planNames.set(targetId.toHexString(), String(fields.name));
        ctx.plans.set(problems.id, targetId);
        batch.records.push(record);
      }
      return batch;
    },
  });
}

function newPlanDefaults(createdAt: Date | null, updatedAt: Date | null): Record<string, unknown> {
  return {
    billing: Billing.monthly,
    requests_per_minute: 0,
    requests_per_hour: 0,
    monthly_budget_micros: 0,
    cost_per_1k_tokens_micros: 0,
    max_tokens: 1000,
    allowed_models: {},
    is_lifetime: false,
    lifetime_limit: null,
    lifetime_sold: 0,
    is_limited_offer: false,
    offer_expires_at: null,
    metadata: {},
    created_at: createdAt,
    updated_at: updatedAt,
  };
}
