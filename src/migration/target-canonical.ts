import { createHash } from "node:crypto";
import type { Secrets } from "../security/secrets";

/**
 * The target side of verification shared by both importers: which fields of an imported document its canonical
 * form holds (per target collection, the same whatever the source), and how a stored secret is compared without
 * showing it.
 */
export const CANONICAL_FIELDS = {
  licenses: [
    "key_digest",
    "key_last4",
    "customer_id",
    "plan_id",
    "domain",
    "status",
    "activated_at",
    "expires_at",
    "metadata",
    "created_at",
    "updated_at",
  ],
  api_keys: ["provider", "key_last4", "is_active", "usage_count", "last_used", "created_at", "updated_at"],
  usage_logs: [
    "license_id",
    "endpoint",
    "provider",
    "model",
    "prompt_tokens",
    "completion_tokens",
    "tokens_used",
    "cost_micros",
    "response_time_ms",
    "status",
    "site",
    "ip_address",
    "user_agent",
    "created_at",
  ],
  payments: [
    "customer_id",
    "license_id",
    "amount_cents",
    "currency",
    "status",
    "provider",
    "transaction_id",
    "payment_method",
    "metadata",
    "created_at",
    "updated_at",
  ],
  activity_logs: ["actor", "action", "license_id", "customer_id", "details", "ip_address", "created_at"],
} as const satisfies Record<string, readonly string[]>;

/** `fields` of a document, a missing one as null, in the given order. */
export function pick(document: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const field of fields) picked[field] = document[field] ?? null;
  return picked;
}

/** The lookup digest of an encrypted license key, so a wrongly encrypted key shows as a mismatch. */
export function decryptedKeyDigest(secrets: Secrets, encrypted: unknown): string {
  try {
    return secrets.digest(secrets.decrypt(String(encrypted)));
  } catch {
    return "undecryptable";
  }
}

/** A SHA-256 of a decrypted provider key: compares the key on both sides without putting it in a report. */
export function decryptedSecretHash(secrets: Secrets, encrypted: unknown): string {
  try {
    return createHash("sha256")
      .update(secrets.decrypt(String(encrypted)), "utf8")
      .digest("hex");
  } catch {
    return "undecryptable";
  }
}
