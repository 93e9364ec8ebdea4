import { CANONICAL_FIELDS } from "../target-canonical";
import type { mongoose } from "@typegoose/typegoose";
import type { TableSource } from "../migration.pass";
import { maskRow, pick, RowProblems, v1Id, v1TableSource, type MappedBatch, type V1Context } from "./v1.context";
import { jsonObject, sourceId } from "./v1.values";

const FIELDS = CANONICAL_FIELDS.activity_logs;

/** The v1 activity log. v1 did not record who acted, so the actor is "system"; a reference to a gone row is null (v1's ON DELETE SET NULL). */
export function v1ActivityLogsSource(ctx: V1Context): TableSource {
  return v1TableSource(ctx, {
    table: "activity_logs",
    collection: "activity_logs",
    appendOnly: true,
    canonical: (document) => pick(document, FIELDS),
    map(rows): Promise<MappedBatch> {
      const batch: MappedBatch = { records: [], skipped: [], merged: 0 };
      for (const row of rows) {
        const problems = new RowProblems(ctx, "activity_logs", row);
        const reference = (column: string, map: Map<number, mongoose.Types.ObjectId>): mongoose.Types.ObjectId | null => {
          if (row[column] === null || row[column] === undefined) return null;
          const found = map.get(sourceId(row[column]));
          if (!found) problems.add("orphan", "imported", `${column} #${String(row[column])} is not imported: set to null`);
          return found ?? null;
        };
        const details = jsonObject(problems.text("details"));
        if (!details.ok) problems.add("invalid_json", "imported", `details: ${details.problem}; its text is kept as details.v1_raw`);
        batch.records.push({
          sourceId: problems.id,
          targetId: v1Id("activity_logs", problems.id),
          fields: {
            actor: "system",
            action: problems.text("action") ?? "",
            license_id: reference("license_id", ctx.licenses),
            customer_id: reference("customer_id", ctx.customers),
            details: details.ok ? details.value : details.raw,
            ip_address: problems.text("ip_address"),
            created_at: problems.date("created_at"),
          },
          row: maskRow(row),
        });
      }
      return Promise.resolve(batch);
    },
  });
}
