/** The seven tables of the v1 schema (migration-sources.md §4.1) and the columns the importer reads from each. */
export const V1_COLUMNS = {
  plans: [
    "id",
    "name",
    "display_name",
    "price",
    "currency",
    "monthly_requests",
    "max_sites",
    "features",
    "is_active",
    "created_at",
    "updated_at",
  ],
  customers: [
    "id",
    "email",
    "name",
    "company",
    "notes",
    "phone",
    "address",
    "country",
    "stripe_customer_id",
    "paypal_customer_id",
    "status",
    "created_at",
    "updated_at",
  ],
  licenses: [
    "id",
    "license_key",
    "customer_id",
    "plan_id",
    "domain",
    "status",
    "activated_at",
    "expires_at",
    "last_check",
    "metadata",
    "created_at",
    "updated_at",
  ],
  usage_logs: ["id", "license_id", "endpoint", "tokens_used", "response_time_ms", "ip_address", "user_agent", "created_at"],
  payments: [
    "id",
    "customer_id",
    "license_id",
    "amount",
    "currency",
    "status",
    "payment_method",
    "transaction_id",
    "provider",
    "metadata",
    "created_at",
    "updated_at",
  ],
  api_keys: ["id", "provider", "api_key", "is_active", "usage_count", "last_used", "created_at", "updated_at"],
  activity_logs: ["id", "license_id", "customer_id", "action", "details", "ip_address", "created_at"],
} as const;

export type V1Table = keyof typeof V1_COLUMNS;
export const V1_TABLES = Object.keys(V1_COLUMNS) as V1Table[];

/** Table tags inside deterministic ids (legacy-ids.ts); never renumber them, ids already written depend on them. */
export const V1_TABLE_TAGS: Record<V1Table, number> = {
  plans: 1,
  customers: 2,
  licenses: 3,
  usage_logs: 4,
  payments: 5,
  api_keys: 6,
  activity_logs: 7,
};

/** The kind of a date column, as information_schema says (v1 uses TIMESTAMP; a hand-made copy may use DATETIME). */
export type DateKind = "timestamp" | "datetime";
