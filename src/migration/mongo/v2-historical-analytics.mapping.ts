import type { mongo } from "mongoose";
import type { TableSource } from "../migration.pass";
import { DocumentProblems, maskDocument, v2CollectionSource, type MappedBatch, type V2Context } from "./v2.context";
import { isPlainObject, moneyUnits } from "./v2.values";

export const HISTORICAL_ANALYTICS = "historical_analytics";

/** Money in euros (floats) that becomes integer cents, under a name that says so. */
const MONEY: Record<string, string> = { mrr: "mrr_cents", arr: "arr_cents" };
const COUNTS = ["total_customers", "paying_customers", "new_customers", "churned_customers"];
const DATES = ["date", "created_at", "updated_at"];
const TEXTS = ["period_type", "notes"];

/**
 * v2's daily analytics snapshots. The platform's own analytics are not built yet, so they are imported into a
 * collection of their own, `historical_analytics`, as they are, with their ObjectIds: only the types are made the
 * platform's (dates as UTC dates, counts as integers, money as integer cents: mrr → mrr_cents, arr → arr_cents,
 * revenue_by_plan.<plan>.revenue → revenue_cents, auto_events[].amount → amount_cents). Fields this list does not
 * know are kept as they are. History is never recomputed: these figures are what v2 recorded.
 */
export function v2HistoricalAnalyticsSource(ctx: V2Context): TableSource {
  return v2CollectionSource(ctx, {
    collection: "historical_analytics",
    into: HISTORICAL_ANALYTICS,
    appendOnly: false,
    ownsCollection: true,
    canonical: (document) => {
      const { _id: _ignored, ...fields } = document;
      return fields;
    },
    map(documents): Promise<MappedBatch> {
      const batch: MappedBatch = { records: [], skipped: [], merged: 0 };
      for (const document of documents) {
        const problems = new DocumentProblems(ctx, "historical_analytics", document);
        const fields: Record<string, unknown> = {};
        for (const [field, value] of Object.entries(document)) {
          if (field === "_id") continue;
          if (DATES.includes(field)) fields[field] = problems.date(field);
          else if (COUNTS.includes(field)) fields[field] = problems.int(field);
          else if (TEXTS.includes(field)) fields[field] = problems.text(field);
          else if (MONEY[field] !== undefined) fields[MONEY[field]] = cents(problems, field, value);
          else if (field === "revenue_by_plan") fields[field] = revenueByPlan(problems, value);
          else if (field === "auto_events") fields[field] = autoEvents(problems, value);
          else fields[field] = value;
        }
        batch.records.push({ sourceId: problems.id, targetId: document._id, fields, row: maskDocument(document) });
      }
      return Promise.resolve(batch);
    },
  });
}

/** The indexes v2 had: one snapshot per day and period (unique), the latest first. */
export async function prepareHistoricalAnalytics(target: mongo.Db): Promise<void> {
  const collection = target.collection(HISTORICAL_ANALYTICS);
  await collection.createIndex({ date: 1, period_type: 1 }, { unique: true });
  await collection.createIndex({ date: -1 });
}

function cents(problems: DocumentProblems, field: string, value: unknown): number | null {
  const read = moneyUnits(value, 2);
  if (read.ok) {
    if (read.note !== undefined) problems.add("invalid_value", "imported", `${field}: ${read.note}; imported as ${read.value} cents`);
    return read.value;
  }
  problems.add("amount", "imported", `${field}: ${read.problem}; imported as null`);
  return null;
}

function revenueByPlan(problems: DocumentProblems, value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  const result: Record<string, unknown> = {};
  for (const [plan, entry] of Object.entries(value)) {
    if (!isPlainObject(entry)) {
      result[plan] = entry;
      continue;
    }
    const { revenue, ...rest } = entry;
    result[plan] = "revenue" in entry ? { ...rest, revenue_cents: cents(problems, `revenue_by_plan.${plan}.revenue`, revenue) } : entry;
  }
  return result;
}

function autoEvents(problems: DocumentProblems, value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((event: unknown, i) => {
    if (!isPlainObject(event) || !("amount" in event)) return event;
    const { amount, ...rest } = event;
    return { ...rest, amount_cents: cents(problems, `auto_events.${i}.amount`, amount) };
  });
}
