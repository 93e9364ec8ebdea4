import { mongoose } from "@typegoose/typegoose";
import { Billing, type Plan } from "../../modules/plans/plan.model";
import { PLAN_SEED } from "../../modules/plans/plan.seed";
import type { MappedRecord, TableSource } from "../migration.pass";
import { DocumentProblems, maskDocument, pick, v2CollectionSource, type MappedBatch, type V2Context } from "./v2.context";
import { moneyUnits, stringList } from "./v2.values";

/**
 * The plan fields v2 has. max_tokens and allowed_models stay the platform's (v2 had no such limits), and so does
 * lifetime_sold: v2 never updated it, and the platform recounts it from the licenses after an import.
 */
const SOURCE_FIELDS = [
  "name",
  "display_name",
  "price_cents",
  "currency",
  "billing",
  "monthly_requests",
  "requests_per_minute",
  "requests_per_hour",
  "monthly_budget_micros",
  "cost_per_1k_tokens_micros",
  "max_sites",
  "features",
  "is_active",
  "is_lifetime",
  "lifetime_limit",
  "is_limited_offer",
  "offer_expires_at",
] as const;

type PlatformPlan = Pick<Plan, (typeof SOURCE_FIELDS)[number]> & { _id: mongoose.Types.ObjectId };

/**
 * Plans are matched by name (trimmed, lower-cased) to the platform's plans, as for v1: the values v2 has replace the
 * platform's, and every difference is reported. A field a v2 plan does not have (v2.0 had no rate limits) keeps the
 * platform's value. A v2 plan the platform does not have is created from it, keeping its ObjectId (reported). v2's
 * name index is not unique: a second plan of the same name is merged into the first.
 */
export async function v2PlansSource(ctx: V2Context): Promise<TableSource> {
  const platform = new Map<string, PlatformPlan>();
  for (const plan of await ctx.target.collection<PlatformPlan>("plans").find({}).toArray()) platform.set(plan.name, plan);
  // A target nobody has set up yet (a dry run before the first import): the import would seed these plans first.
  if (platform.size === 0)
    for (const plan of PLAN_SEED)
      platform.set(plan.name, {
        offer_expires_at: null,
        lifetime_limit: null,
        is_limited_offer: false,
        ...plan,
        _id: new mongoose.Types.ObjectId(),
      });
  for (const plan of platform.values()) ctx.planNames.set(plan._id.toHexString(), plan.name);
  const seen = new Map<string, { id: string; targetId: mongoose.Types.ObjectId }>();

  return v2CollectionSource(ctx, {
    collection: "plans",
    into: "plans",
    appendOnly: false,
    // The plan's own id is left out: the seeded plans' ids differ from one platform to another.
    canonical: (document) => pick(document, SOURCE_FIELDS),
    map(documents): Promise<MappedBatch> {
      const batch: MappedBatch = { records: [], skipped: [], merged: 0 };
      for (const document of documents) {
        const problems = new DocumentProblems(ctx, "plans", document);
        const name = (problems.text("name") ?? "").trim().toLowerCase();
        if (name === "") {
          problems.add("null_required", "skipped", "the plan has no name");
          batch.skipped.push(problems.id);
          continue;
        }
        const first = seen.get(name);
        if (first) {
          ctx.plans.set(problems.id, first.targetId);
          problems.add(
            "duplicate_name",
            "merged",
            `a second plan named "${name}": its licenses go to plan ${first.id}, its own values are not imported`,
          );
          batch.skipped.push(problems.id);
          batch.merged += 1;
          continue;
        }
        const existing = platform.get(name);
        const targetId = existing?._id ?? document._id;
        const money = (field: string, decimals: 2 | 6, keep: number | undefined): number | undefined => {
          const read = moneyUnits(document[field], decimals);
          if (read.ok) {
            if (read.note !== undefined)
              problems.add(
                "invalid_value",
                "imported",
                `${field}: ${read.note}; imported as ${read.value} ${decimals === 2 ? "cents" : "micro-euros"}`,
              );
            return read.value ?? keep;
          }
          problems.add("amount", "imported", `${field}: ${read.problem}; ${existing ? "the platform's value is kept" : "0 is used"}`);
          return keep;
        };
        const price = money("price", 2, existing?.price_cents);
        if (!existing && price === undefined) {
          problems.add("amount", "skipped", "a plan the platform does not have needs a price");
          batch.skipped.push(problems.id);
          continue;
        }
        const features = problems.read("features", stringList(document.features), {
          value: null,
          says: existing ? "the platform's features are kept" : "imported as []",
        });
        const isLifetime = problems.flag("is_lifetime") ?? existing?.is_lifetime ?? false;
        const fields: Record<string, unknown> = {
          name: existing?.name ?? name,
          display_name: problems.text("display_name") ?? existing?.display_name ?? name,
          price_cents: price,
          currency: problems.text("currency") ?? existing?.currency ?? "EUR",
          billing: isLifetime ? Billing.lifetime : Billing.monthly,
          monthly_requests: problems.int("monthly_requests") ?? existing?.monthly_requests ?? 0,
          requests_per_minute: problems.int("requests_per_minute") ?? existing?.requests_per_minute ?? 0,
          requests_per_hour: problems.int("requests_per_hour") ?? existing?.requests_per_hour ?? 0,
          monthly_budget_micros: money("monthly_budget_eur", 6, existing?.monthly_budget_micros) ?? 0,
          cost_per_1k_tokens_micros: money("cost_per_1k_tokens", 6, existing?.cost_per_1k_tokens_micros) ?? 0,
          max_sites: problems.int("max_sites") ?? existing?.max_sites ?? 1,
          features: features ?? existing?.features ?? [],
          is_active: problems.flag("is_active") ?? existing?.is_active ?? true,
          is_lifetime: isLifetime,
          lifetime_limit: problems.int("lifetime_limit") ?? existing?.lifetime_limit ?? null,
          is_limited_offer: problems.flag("is_limited_offer") ?? existing?.is_limited_offer ?? false,
          offer_expires_at: "offer_expires_at" in document ? problems.date("offer_expires_at") : (existing?.offer_expires_at ?? null),
        };
        if (existing) {
          for (const field of SOURCE_FIELDS) {
            if (JSON.stringify(existing[field] ?? null) !== JSON.stringify(fields[field] ?? null))
              ctx.planDifferences.push({ plan: existing.name, field, platform: existing[field] ?? null, source: fields[field] });
          }
        } else {
          problems.add(
            "unknown_plan",
            "imported",
            `the platform has no plan "${name}": created from the source, with no token cap or model list`,
          );
        }
        const record: MappedRecord = { sourceId: problems.id, targetId, fields, row: maskDocument(document) };
        if (!existing)
          record.onInsert = {
            max_tokens: 1000,
            allowed_models: {},
            lifetime_sold: 0,
            metadata: {},
            created_at: problems.date("created_at"),
            updated_at: problems.date("updated_at"),
          };
        seen.set(name, { id: problems.id, targetId });
        ctx.planNames.set(targetId.toHexString(), String(fields.name));
        ctx.plans.set(problems.id, targetId);
        batch.records.push(record);
      }
      return Promise.resolve(batch);
    },
  });
}
