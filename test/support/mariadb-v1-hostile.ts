import type mysql from "mysql2/promise";
import { insertUsage, PLAN_IDS, sqlTime, useUtc, v1Key } from "./mariadb-v1";

/**
 * A v1 database as years of hand edits leave one: NULLs wherever the schema allows them, zero dates, 4-byte UTF-8,
 * JSON columns holding invalid JSON, money at the edge of DECIMAL(10,2), orphans (written with foreign-key checks
 * off), emails that differ only in case (the column was switched to a binary collation), a malformed key, a
 * duplicate plan name and a plan the platform does not have.
 */
export const HOSTILE = {
  emoji: "Alice Rossi 🦄",
  company: "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 S.r.l.",
  badKey: "CHA-TEST-1234-5678-ABCD",
  /** Keys that validate through /api/validate after the import: [key, plan, expected HTTP status]. */
  keys: {
    alice: v1Key(1),
    bob: v1Key(2),
    bobMerged: "CHA-TEST-1234-5678-ABCD",
    orphan: v1Key(4),
    suspendedCustomer: v1Key(5),
    expired: v1Key(6),
    nullStatus: v1Key(7),
    inactive: v1Key(8),
  },
  /** Usage rows of license 1 this month, and their tokens. */
  aliceRequestsThisMonth: 3,
  aliceTokensThisMonth: 300,
};

export async function fillHostileV1(admin: mysql.Connection, now: Date): Promise<void> {
  await useUtc(admin);
  await admin.query("SET SESSION sql_mode = '', SESSION foreign_key_checks = 0, SESSION check_constraint_checks = 0");
  await admin.query("ALTER TABLE customers MODIFY email VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL");
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const thisMonth = (minutes: number): string => sqlTime(new Date(monthStart.getTime() + minutes * 60_000));
  const lastMonth = sqlTime(new Date(monthStart.getTime() - 86_400_000));

  await admin.query("UPDATE plans SET price = 3.49 WHERE name = 'starter'");
  await admin.query(
    "INSERT INTO plans (id, name, display_name, price, currency, monthly_requests, max_sites, features, is_active) VALUES " +
      "(4, 'Pro', 'Pro (copy)', 9.99, 'EUR', 10, 1, '[\"x\"]', 1), " +
      "(5, 'enterprise', 'Enterprise', 99999999.99, NULL, 100000, 50, '{not json', NULL)",
  );
  await admin.query(
    "INSERT INTO customers (id, email, name, company, notes, phone, address, country, stripe_customer_id, paypal_customer_id, status, created_at, updated_at) VALUES ?",
    [
      [
        [
          1,
          " Alice@Example.com ",
          HOSTILE.emoji,
          HOSTILE.company,
          "notes ✓",
          "+39 333 1234567",
          "Via Roma 1\nMilano",
          "IT",
          "cus_1",
          null,
          "active",
          "2025-08-04 10:30:00",
          "2025-08-05 11:00:00",
        ],
        [2, "Bob@Example.com", "Bob", null, null, null, null, null, null, null, "active", "2025-09-01 00:00:00", "2025-09-01 00:00:00"],
        [
          3,
          "bob@example.com",
          "bob (second account)",
          null,
          null,
          null,
          null,
          null,
          null,
          "pp_3",
          "inactive",
          "2025-09-02 00:00:00",
          "2025-09-02 00:00:00",
        ],
        [4, "carol@example.com", null, null, null, null, null, null, null, null, null, "0000-00-00 00:00:00", "2025-10-01 08:00:00"],
        [
          5,
          "dave@example.com",
          "Dave",
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          "suspended",
          "2025-10-02 08:00:00",
          "2025-10-02 08:00:00",
        ],
        [6, "null@example.com", null, null, null, null, null, null, null, null, null, null, null],
      ],
    ],
  );
  await admin.query(
    "INSERT INTO licenses (id, license_key, customer_id, plan_id, domain, status, activated_at, expires_at, last_check, metadata, created_at, updated_at) VALUES ?",
    [
      [
        [
          1,
          HOSTILE.keys.alice,
          1,
          PLAN_IDS.pro,
          "shop.example",
          "active",
          "2025-08-04 10:30:00",
          null,
          "2026-01-02 03:04:05",
          '{"source":"wp","n":1}',
          "2025-08-04 10:30:00",
          "2025-08-04 10:30:00",
        ],
        [
          2,
          HOSTILE.keys.bob,
          2,
          PLAN_IDS.agency,
          null,
          "active",
          null,
          "0000-00-00 00:00:00",
          null,
          "{oops",
          "2025-09-01 00:00:00",
          "2025-09-01 00:00:00",
        ],
        [
          3,
          HOSTILE.keys.bobMerged,
          3,
          PLAN_IDS.starter,
          "bob.example",
          "active",
          null,
          null,
          null,
          null,
          "2025-09-02 00:00:00",
          "2025-09-02 00:00:00",
        ],
        [4, HOSTILE.keys.orphan, 99, PLAN_IDS.pro, null, "active", null, null, null, null, "2025-09-03 00:00:00", "2025-09-03 00:00:00"],
        [
          5,
          HOSTILE.keys.suspendedCustomer,
          5,
          PLAN_IDS.pro,
          null,
          "active",
          null,
          null,
          null,
          null,
          "2025-10-02 08:00:00",
          "2025-10-02 08:00:00",
        ],
        [
          6,
          HOSTILE.keys.expired,
          4,
          4,
          null,
          "expired",
          null,
          "2025-11-01 00:00:00",
          null,
          null,
          "2025-10-01 08:00:00",
          "2025-10-01 08:00:00",
        ],
        [7, HOSTILE.keys.nullStatus, 6, 5, null, null, null, null, null, '{"$where":"1"}', null, null],
        [
          8,
          HOSTILE.keys.inactive,
          1,
          PLAN_IDS.pro,
          null,
          "inactive",
          null,
          null,
          null,
          "[1,2]",
          "2025-08-10 00:00:00",
          "2025-08-10 00:00:00",
        ],
      ],
    ],
  );
  await insertUsage(admin, [
    { licenseId: 1, at: new Date(`${thisMonth(1).replace(" ", "T")}Z`), tokens: 100 },
    { licenseId: 1, at: new Date(`${thisMonth(2).replace(" ", "T")}Z`), tokens: 200, responseMs: null },
    { licenseId: 1, at: new Date(`${thisMonth(3).replace(" ", "T")}Z`), tokens: null, endpoint: "validate" },
    { licenseId: 1, at: new Date(`${lastMonth.replace(" ", "T")}Z`), tokens: 5000 },
    { licenseId: 2, at: new Date(`${thisMonth(4).replace(" ", "T")}Z`), tokens: 42 },
    { licenseId: 4, at: new Date(`${thisMonth(5).replace(" ", "T")}Z`) },
    { licenseId: 999, at: new Date(`${thisMonth(6).replace(" ", "T")}Z`) },
  ]);
  await admin.query(
    "INSERT INTO usage_logs (license_id, endpoint, tokens_used, response_time_ms, ip_address, user_agent, created_at) VALUES (2, 'chat', 0, NULL, NULL, 'Bot 🤖 𝒳', '0000-00-00 00:00:00')",
  );
  await admin.query(
    "INSERT INTO payments (id, customer_id, license_id, amount, currency, status, payment_method, transaction_id, provider, metadata, created_at) VALUES ?",
    [
      [
        [1, 1, 1, "99999999.99", "EUR", "completed", "card", "ch_1", "stripe", '{"invoice":"INV-1"}', "2025-08-04 10:31:00"],
        [2, 2, 2, "0.07", null, null, null, null, null, null, "2025-09-01 00:01:00"],
        [3, 3, 3, "-5.00", "EUR", "refunded", "paypal", "PAY-1", "paypal", null, "2025-09-03 00:00:00"],
        [4, 99, 1, "10.00", "EUR", "completed", null, "ch_orphan", "stripe", null, "2025-09-04 00:00:00"],
        [5, 1, 77, "1234567.89", "EUR", "completed", null, "ch_5", "stripe", "not json", "2025-09-05 00:00:00"],
      ],
    ],
  );
  await admin.query("INSERT INTO api_keys (id, provider, api_key, is_active, usage_count, last_used) VALUES ?", [
    [
      [1, "openai", "sk-test-openai-0123456789abcdef", 1, 12, "2025-12-01 10:00:00"],
      [2, "mistral", "mk-test-0123456789", 1, 0, null],
      [3, "anthropic", "sk-ant-test-0123456789", null, null, "0000-00-00 00:00:00"],
    ],
  ]);
  await admin.query("INSERT INTO activity_logs (id, license_id, customer_id, action, details, ip_address, created_at) VALUES ?", [
    [
      [1, 1, 1, "license_created", '{"by":"admin","note":"🎉"}', "198.51.100.1", "2025-08-04 10:30:00"],
      [2, 4, 99, "license_created", null, null, "2025-09-03 00:00:00"],
      [3, null, null, "cron", '{"a":', null, "2025-09-04 00:00:00"],
      [4, 1, null, "weird", '{"$set":1}', null, "2025-09-05 00:00:00"],
      [5, null, null, "nothing", null, null, null],
    ],
  ]);
}

export { sqlTime };
