/**
 * The v2 collections (migration-sources.md §2.1) as the importer takes them over, in dependency order. The first
 * four exist in every v2 database (the API creates them, with their indexes, at start-up): a database without any
 * of them is not a v2 database. The others may be missing (nothing ever wrote them) and are then empty.
 */
export const V2_COLLECTIONS = [
  "plans",
  "customers",
  "licenses",
  "payments",
  "api_keys",
  "usage_logs",
  "activity_logs",
  "historical_analytics",
] as const;

export type V2Collection = (typeof V2_COLLECTIONS)[number];

export const V2_REQUIRED: readonly V2Collection[] = ["plans", "customers", "licenses", "usage_logs"];

/** v2 collections left out on purpose, and why (the report lists them with their sizes). */
export const V2_NOT_IMPORTED: Record<string, string> = {
  business_events:
    "the analytics events of the v2 dashboard; the platform's analytics are computed from licenses, payments and usage instead",
  founders_deal_stats: "never updated or read by v2 (sold_count stayed 0); the platform counts Founders seats from the licenses",
};

/** A field each core collection's documents have, so that another database of the same names is not taken for v2. */
export const V2_SIGNATURE_FIELDS: Partial<Record<V2Collection, { v2: string; platform?: string }>> = {
  plans: { v2: "name", platform: "price_cents" },
  customers: { v2: "email" },
  licenses: { v2: "license_key", platform: "key_digest" },
};

/** The value every document imported as itself carries in IMPORTED_FROM_FIELD. */
export const V2_IMPORT_MARK = "mongo_v2";
