import { CANONICAL_FIELDS } from "../target-canonical";
import type { mongoose } from "@typegoose/typegoose";
import type { TableSource } from "../migration.pass";
import { DocumentProblems, maskDocument, pick, v2CollectionSource, type MappedBatch, type V2Context } from "./v2.context";
import { plainObject } from "./v2.values";

const FIELDS = CANONICAL_FIELDS.activity_logs;

/**
 * The v2 activity log. v2's dashboard wrote `admin_user` (a dashboard login name, not a platform admin) and
 * `timestamp` instead of the declared `created_at`: the actor is `v2-admin:<name>` (or "system" when none is
 * named) and the time is whichever of the two is there. A reference to a document that is not imported is null,
 * as v1's ON DELETE SET NULL left it, and reported.
 */
export function v2ActivityLogsSource(ctx: V2Context): TableSource {
  return v2CollectionSource(ctx, {
    collection: "activity_logs",
    into: "activity_logs",
    appendOnly: true,
    canonical: (document) => pick(document, FIELDS),
    map(documents): Promise<MappedBatch> {
      const batch: MappedBatch = { records: [], skipped: [], merged: 0 };
      for (const document of documents) {
        const problems = new DocumentProblems(ctx, "activity_logs", document);
        const reference = (field: string, map: Map<string, mongoose.Types.ObjectId>): mongoose.Types.ObjectId | null => {
          const found = problems.reference(field, map);
          if (!found.id && !found.absent) problems.add("orphan", "imported", `${found.what}: set to null`);
          return found.id;
        };
        const admin = problems.text("admin_user");
        const at = document.created_at === undefined || document.created_at === null ? "timestamp" : "created_at";
        batch.records.push({
          sourceId: problems.id,
          targetId: document._id,
          fields: {
            actor: admin === null || admin.trim() === "" ? "system" : `v2-admin:${admin.trim()}`,
            action: problems.text("action") ?? "",
            license_id: reference("license_id", ctx.licenses),
            customer_id: reference("customer_id", ctx.customers),
            details: problems.read("details", plainObject(document.details), {
              value: { v2_raw: document.details },
              says: "kept as details.v2_raw",
            }),
            ip_address: problems.text("ip_address"),
            created_at: problems.date(at),
          },
          row: maskDocument(document),
        });
      }
      return Promise.resolve(batch);
    },
  });
}
