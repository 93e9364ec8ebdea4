import { CANONICAL_FIELDS, decryptedSecretHash } from "../target-canonical";
import { PROVIDERS } from "../../ai/providers";
import { lastFour } from "../../security/secrets";
import type { TableSource } from "../migration.pass";
import { DocumentProblems, maskDocument, pick, resolveIds, v2CollectionSource, type MappedBatch, type V2Context } from "./v2.context";

const FIELDS = CANONICAL_FIELDS.api_keys;

/**
 * Provider credentials, re-encrypted with APP_SECRET (AES-256-GCM). v2 declared the collection but never read or
 * wrote it (its keys came from environment variables); what a script put there is taken as the key's text, as for
 * v1. A provider the platform does not call is imported and reported (it is never used).
 */
export function v2ApiKeysSource(ctx: V2Context): TableSource {
  return v2CollectionSource(ctx, {
    collection: "api_keys",
    into: "api_keys",
    appendOnly: false,
    canonical: (document) => ({ ...pick(document, FIELDS), key_check: decryptedSecretHash(ctx.secrets, document.key_encrypted) }),
    async map(documents): Promise<MappedBatch> {
      const batch: MappedBatch = { records: [], skipped: [], merged: 0 };
      const kept = [];
      for (const document of documents) {
        const problems = new DocumentProblems(ctx, "api_keys", document);
        const key = typeof document.api_key === "string" ? document.api_key : "";
        const provider = (problems.text("provider") ?? "").trim();
        if (key.trim() === "" || provider === "") {
          problems.add("null_required", "skipped", key.trim() === "" ? "the key is empty (or not text)" : "the provider is empty");
          batch.skipped.push(problems.id);
          continue;
        }
        if (!(PROVIDERS as readonly string[]).includes(provider))
          problems.add("unknown_provider", "imported", `the platform calls only ${PROVIDERS.join(", ")}: this key is kept but never used`);
        kept.push({ document, problems, key, provider });
      }
      const ids = await resolveIds(
        ctx,
        "api_keys",
        "provider",
        kept.map((entry) => ({ id: entry.problems.id, key: entry.provider })),
      );
      kept.forEach(({ document, problems, key, provider }, i) => {
        const active = problems.flag("is_active");
        if (active === null) problems.add("null_required", "imported", "no is_active: imported as inactive");
        const fields: Record<string, unknown> = {
          provider,
          key_encrypted: ctx.secrets.encrypt(key),
          key_last4: lastFour(key),
          is_active: active ?? false,
          usage_count: problems.int("usage_count") ?? 0,
          last_used: problems.date("last_used"),
          created_at: problems.date("created_at"),
          updated_at: problems.date("updated_at"),
        };
        batch.records.push({ sourceId: problems.id, targetId: ids[i] ?? document._id, fields, row: maskDocument(document) });
      });
      return batch;
    },
  });
}
