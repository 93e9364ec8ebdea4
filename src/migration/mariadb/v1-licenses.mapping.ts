import { CANONICAL_FIELDS, decryptedKeyDigest } from "../target-canonical";
import { LicenseStatus } from "../../modules/licenses/license.model";
import { lastFour } from "../../security/secrets";
import type { TableSource } from "../migration.pass";
import { maskRow, pick, resolveIds, RowProblems, v1Id, v1TableSource, type MappedBatch, type V1Context } from "./v1.context";
import { jsonObject, sourceId } from "./v1.values";

/** The canonical key format (plugin contract §2.1); other shapes are imported as they are, and reported. */
const KEY_FORMAT = /^CHA-[A-F0-9]{8}-[A-F0-9]{8}-[A-F0-9]{8}-[A-F0-9]{8}$/;

/** v1's four statuses are the platform's too (v1 has no `cancelled`). */
const STATUSES = new Set<string>([LicenseStatus.active, LicenseStatus.inactive, LicenseStatus.suspended, LicenseStatus.expired]);

const FIELDS = CANONICAL_FIELDS.licenses;

/**
 * Licenses keep their exact key (every installed plugin keeps working): it is stored the platform's way, as the
 * keyed digest it is looked up by and an AES-256-GCM ciphertext. A license whose customer or plan is gone cannot
 * be honoured (v1 itself would not find it) and is skipped and reported.
 */
export function v1LicensesSource(ctx: V1Context): TableSource {
  return v1TableSource(ctx, {
    table: "licenses",
    collection: "licenses",
    appendOnly: false,
    // The ciphertext differs on every encryption, so what is compared is the digest of what it decrypts to.
    // The plan is compared by name (seeded plans' ids differ between platforms, so checksums could not be compared).
    canonical: (document) => ({
      ...pick(document, FIELDS),
      plan_id: ctx.planNames.get(String(document.plan_id)) ?? String(document.plan_id),
      key_check: decryptedKeyDigest(ctx.secrets, document.key_encrypted),
    }),
    async map(rows): Promise<MappedBatch> {
      const batch: MappedBatch = { records: [], skipped: [], merged: 0 };
      const kept = [];
      for (const row of rows) {
        const problems = new RowProblems(ctx, "licenses", row);
        const customerId = ctx.customers.get(sourceId(row.customer_id));
        const planId = ctx.plans.get(sourceId(row.plan_id));
        if (!customerId || !planId) {
          const missing = !customerId ? `customer #${String(row.customer_id)}` : `plan #${String(row.plan_id)}`;
          problems.add("orphan", "skipped", `its ${missing} does not exist`);
          batch.skipped.push(problems.id);
          continue;
        }
        const key = String(row.license_key ?? "");
        if (!KEY_FORMAT.test(key))
          problems.add("key_format", "imported", "the key is not CHA- plus four groups of 8 upper-case hex digits; kept as it is");
        kept.push({ row, problems, key, digest: ctx.secrets.digest(key), customerId, planId });
      }
      const ids = await resolveIds(
        ctx,
        "licenses",
        "key_digest",
        kept.map((entry) => ({ legacyId: v1Id("licenses", entry.problems.id), key: entry.digest })),
      );
      kept.forEach((entry, i) => {
        const { row, problems, key } = entry;
        const targetId = ids[i] ?? v1Id("licenses", problems.id);
        let status = problems.text("status");
        if (status === null || !STATUSES.has(status)) {
          problems.add(
            "null_required",
            "imported",
            `status ${JSON.stringify(status)}: imported as inactive (v1 let only active licenses pass)`,
          );
          status = LicenseStatus.inactive;
        }
        const metadata = jsonObject(problems.text("metadata"));
        if (!metadata.ok) problems.add("invalid_json", "imported", `metadata: ${metadata.problem}; its text is kept as metadata.v1_raw`);
        const fields: Record<string, unknown> = {
          key_digest: entry.digest,
          key_encrypted: ctx.secrets.encrypt(key),
          key_last4: lastFour(key),
          customer_id: entry.customerId,
          plan_id: entry.planId,
          domain: problems.text("domain"),
          status,
          activated_at: problems.date("activated_at"),
          expires_at: problems.date("expires_at"),
          metadata: metadata.ok ? metadata.value : metadata.raw,
          created_at: problems.date("created_at"),
          updated_at: problems.date("updated_at"),
        };
        ctx.licenses.set(problems.id, targetId);
        batch.records.push({
          sourceId: problems.id,
          targetId,
          fields,
          // The platform owns these once the license exists: seats follow activations, last_check every validation.
          onInsert: { active_sites: 0, status_reason: null, last_check: problems.date("last_check") },
          row: maskRow(row),
        });
      });
      return batch;
    },
  });
}
