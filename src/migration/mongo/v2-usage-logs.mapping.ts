import { CANONICAL_FIELDS } from "../target-canonical";
import { UsageStatus } from "../../modules/usage/usage-log.model";
import type { TableSource } from "../migration.pass";
import { DocumentProblems, pick, v2CollectionSource, type MappedBatch, type V2Context } from "./v2.context";

const FIELDS = CANONICAL_FIELDS.usage_logs;

const CHAT_ENDPOINT = /^\/api\/chat\/([a-z0-9_-]+)$/i;

/**
 * Usage logs, one document per v2 log, keeping its ObjectId. v2 recorded no token split and no cost: those stay 0
 * (a cost is never estimated after the fact). v2.0 logged no provider, but its endpoint names it
 * (`/api/chat/<provider>`). created_at is the API server's local time (read in --source-timezone). Logs of a
 * license that is not imported are skipped and reported.
 */
export function v2UsageLogsSource(ctx: V2Context): TableSource {
  return v2CollectionSource(ctx, {
    collection: "usage_logs",
    into: "usage_logs",
    appendOnly: true,
    canonical: (document) => pick(document, FIELDS),
    map(documents): Promise<MappedBatch> {
      const batch: MappedBatch = { records: [], skipped: [], merged: 0 };
      for (const document of documents) {
        const problems = new DocumentProblems(ctx, "usage_logs", document);
        const license = problems.reference("license_id", ctx.licenses);
        if (!license.id) {
          problems.add("orphan", "skipped", license.what);
          batch.skipped.push(problems.id);
          continue;
        }
        const endpoint = problems.text("endpoint") ?? "";
        const createdAt = problems.date("created_at", ctx.logZone);
        if (createdAt === null && (document.created_at === undefined || document.created_at === null))
          problems.add("null_required", "imported", "no created_at: imported as null (it counts in no month)");
        batch.records.push({
          sourceId: problems.id,
          targetId: document._id,
          fields: {
            license_id: license.id,
            endpoint,
            provider: problems.text("provider") ?? CHAT_ENDPOINT.exec(endpoint)?.[1]?.toLowerCase() ?? null,
            model: problems.text("model"),
            prompt_tokens: 0,
            completion_tokens: 0,
            tokens_used: problems.int("tokens_used"),
            cost_micros: 0,
            response_time_ms: problems.int("response_time_ms"),
            status: UsageStatus.ok,
            site: null,
            ip_address: problems.text("ip_address"),
            user_agent: problems.text("user_agent"),
            created_at: createdAt,
          },
          // usage_logs hold no secret: the document is reported as it is.
          row: document,
        });
      }
      return Promise.resolve(batch);
    },
  });
}
