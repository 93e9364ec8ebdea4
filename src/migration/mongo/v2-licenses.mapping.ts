import { CANONICAL_FIELDS, decryptedKeyDigest } from "../target-canonical";
import { LicenseStatus } from "../../modules/licenses/license.model";
import { MAX_KEY_LENGTH } from "../../modules/licenses/license-key";
import { lastFour } from "../../security/secrets";
import type { TableSource } from "../migration.pass";
import { DocumentProblems, maskDocument, pick, resolveIds, v2CollectionSource, type MappedBatch, type V2Context } from "./v2.context";
import { plainObject } from "./v2.values";

/** The canonical key format (plugin contract §2.1); other shapes are imported as they are, and reported. */
const KEY_FORMAT = /^CHA-[A-F0-9]{8}-[A-F0-9]{8}-[A-F0-9]{8}-[A-F0-9]{8}$/;

/** v2's statuses are the platform's, `cancelled` included (v2's analytics used it). */
const STATUSES = new Set<string>(Object.values(LicenseStatus));

const FIELDS = CANONICAL_FIELDS.licenses;

/**
 * Licenses keep their exact key, stored the platform's way (keyed digest + AES-256-GCM), and their ObjectId. A
 * license whose customer or plan is not imported cannot be honoured and is skipped and reported. The dashboard's
 * usage_limit, usage_count and last_verified were never enforced or read by v2 and are left out.
 */
export function v2LicensesSource(ctx: V2Context): TableSource {
  return v2CollectionSource(ctx, {
    collection: "licenses",
    into: "licenses",
    appendOnly: false,
    // The ciphertext differs on every encryption, so what is compared is the digest of what it decrypts to.
    // The plan is compared by name (seeded plans' ids differ between platforms, so checksums could not be compared).
    canonical: (document) => ({
      ...pick(document, FIELDS),
      plan_id: ctx.planNames.get(String(document.plan_id)) ?? String(document.plan_id),
      key_check: decryptedKeyDigest(ctx.secrets, document.key_encrypted),
    }),
    async map(documents): Promise<MappedBatch> {
      const batch: MappedBatch = { records: [], skipped: [], merged: 0 };
      const kept = [];
      for (const document of documents) {
        const problems = new DocumentProblems(ctx, "licenses", document);
        const key = document.license_key;
        if (typeof key !== "string" || key === "") {
          problems.add(
            key === undefined || key === null || key === "" ? "null_required" : "key_format",
            "skipped",
            typeof key === "string" || key === undefined || key === null
              ? "the license has no key"
              : "the key is not text: no plugin can send it",
          );
          batch.skipped.push(problems.id);
          continue;
        }
        const customer = problems.reference("customer_id", ctx.customers);
        const plan = problems.reference("plan_id", ctx.plans);
        if (!customer.id || !plan.id) {
          problems.add("orphan", "skipped", (customer.id ? plan : customer).what);
          batch.skipped.push(problems.id);
          continue;
        }
        if (!KEY_FORMAT.test(key))
          problems.add(
            "key_format",
            "imported",
            key.length > MAX_KEY_LENGTH
              ? `the key is longer than ${MAX_KEY_LENGTH} characters: kept, but the platform refuses keys that long`
              : "the key is not CHA- plus four groups of 8 upper-case hex digits; kept as it is",
          );
        kept.push({ document, problems, key, digest: ctx.secrets.digest(key), customerId: customer.id, planId: plan.id });
      }
      const ids = await resolveIds(
        ctx,
        "licenses",
        "key_digest",
        kept.map((entry) => ({ id: entry.problems.id, key: entry.digest })),
      );
      kept.forEach((entry, i) => {
        const { document, problems, key } = entry;
        const targetId = ids[i] ?? document._id;
        let status = problems.text("status");
        if (status === null || !STATUSES.has(status)) {
          problems.add(
            "null_required",
            "imported",
            `status ${JSON.stringify(status)}: imported as inactive (v2 let only active licenses pass)`,
          );
          status = LicenseStatus.inactive;
        }
        const metadata = problems.read("metadata", plainObject(document.metadata), {
          value: { v2_raw: document.metadata },
          says: "kept as metadata.v2_raw",
        });
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
          metadata,
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
          row: maskDocument(document),
        });
      });
      return batch;
    },
  });
}
