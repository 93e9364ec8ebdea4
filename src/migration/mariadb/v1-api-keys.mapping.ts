import { CANONICAL_FIELDS, decryptedSecretHash } from "../target-canonical";
import { PROVIDERS } from "../../ai/providers";
import { lastFour } from "../../security/secrets";
import type { TableSource } from "../migration.pass";
import { maskRow, pick, resolveIds, RowProblems, v1Id, v1TableSource, type MappedBatch, type V1Context } from "./v1.context";

const FIELDS = CANONICAL_FIELDS.api_keys;

/**
 * Provider credentials, re-encrypted with APP_SECRET (AES-256-GCM). v1 stored them as text (its code never
 * encrypted them, whatever the column's comment says), so the text is the key. A provider the platform does not
 * call is imported and reported (it is never used).
 */
export function v1ApiKeysSource(ctx: V1Context): TableSource {
  return v1TableSource(ctx, {
    table: "api_keys",
    collection: "api_keys",
    appendOnly: false,
    canonical: (document) => ({ ...pick(document, FIELDS), key_check: decryptedSecretHash(ctx.secrets, document.key_encrypted) }),
    async map(rows): Promise<MappedBatch> {
      const batch: MappedBatch = { records: [], skipped: [], merged: 0 };
      const kept = [];
      for (const row of rows) {
        const problems = new RowProblems(ctx, "api_keys", row);
        const key = problems.text("api_key") ?? "";
        const provider = (problems.text("provider") ?? "").trim();
        if (key.trim() === "" || provider === "") {
          problems.add("null_required", "skipped", key.trim() === "" ? "the key is empty" : "the provider is empty");
          batch.skipped.push(problems.id);
          continue;
        }
        if (!(PROVIDERS as readonly string[]).includes(provider))
          problems.add("unknown_provider", "imported", `the platform calls only ${PROVIDERS.join(", ")}: this key is kept but never used`);
        kept.push({ row, problems, key, provider });
      }
      const ids = await resolveIds(
        ctx,
        "api_keys",
        "provider",
        kept.map((entry) => ({ legacyId: v1Id("api_keys", entry.problems.id), key: entry.provider })),
      );
      kept.forEach(({ row, problems, key, provider }, i) => {
        const active = row.is_active;
        if (active === null || active === undefined) problems.add("null_required", "imported", "is_active NULL: imported as inactive");
        const fields: Record<string, unknown> = {
          provider,
          key_encrypted: ctx.secrets.encrypt(key),
          key_last4: lastFour(key),
          is_active: active === null || active === undefined ? false : Number(active) !== 0,
          usage_count: row.usage_count === null ? 0 : Number(row.usage_count),
          last_used: problems.date("last_used"),
          created_at: problems.date("created_at"),
          updated_at: problems.date("updated_at"),
        };
        batch.records.push({ sourceId: problems.id, targetId: ids[i] ?? v1Id("api_keys", problems.id), fields, row: maskRow(row) });
      });
      return batch;
    },
  });
}
