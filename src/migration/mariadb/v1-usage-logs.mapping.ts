import { CANONICAL_FIELDS } from "../target-canonical";
import { UsageStatus } from "../../modules/usage/usage-log.model";
import type { TableSource } from "../migration.pass";
import { pick, RowProblems, v1Id, v1TableSource, type MappedBatch, type V1Context } from "./v1.context";
import { intOrNull, sourceId } from "./v1.values";

const FIELDS = CANONICAL_FIELDS.usage_logs;

/**
 * Usage logs, one document per v1 row. v1 recorded no provider, model, token split or cost: those stay null or 0
 * (a cost is never estimated after the fact). Logs of a license that is not imported are skipped and reported.
 */
export function v1UsageLogsSource(ctx: V1Context): TableSource {
  return v1TableSource(ctx, {
    table: "usage_logs",
    collection: "usage_logs",
    appendOnly: true,
    canonical: (document) => pick(document, FIELDS),
    map(rows): Promise<MappedBatch> {
      const batch: MappedBatch = { records: [], skipped: [], merged: 0 };
      for (const row of rows) {
        const id = sourceId(row.id);
        const licenseId = ctx.licenses.get(sourceId(row.license_id));
        if (!licenseId) {
          new RowProblems(ctx, "usage_logs", row).add("orphan", "skipped", `its license #${String(row.license_id)} is not imported`);
          batch.skipped.push(id);
          continue;
        }
        // The hot path of a large import: a row is only wrapped for reporting when its date needs it.
        const problems = new RowProblems(ctx, "usage_logs", row);
        batch.records.push({
          sourceId: id,
          targetId: v1Id("usage_logs", id),
          fields: {
            license_id: licenseId,
            endpoint: row.endpoint ?? "",
            provider: null,
            model: null,
            prompt_tokens: 0,
            completion_tokens: 0,
            tokens_used: intOrNull(row.tokens_used),
            cost_micros: 0,
            response_time_ms: intOrNull(row.response_time_ms),
            status: UsageStatus.ok,
            site: null,
            ip_address: row.ip_address ?? null,
            user_agent: row.user_agent ?? null,
            created_at: problems.date("created_at"),
          },
          // usage_logs hold no secret: the row is reported as it is.
          row,
        });
      }
      return Promise.resolve(batch);
    },
  });
}
