import type mysql from "mysql2/promise";

/**
 * The v1 schema exactly as the old server's database_schema.sql creates it (migration-sources.md §4.1), with its
 * three seed plans, and builders for the rows the migration tests need.
 */
export const V1_SCHEMA_SQL = `
CREATE TABLE plans (
  id INT AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(50) NOT NULL,
  display_name VARCHAR(100) NOT NULL,
  price DECIMAL(10,2) NOT NULL,
  currency VARCHAR(3) DEFAULT 'EUR',
  monthly_requests INT NOT NULL,
  max_sites INT NOT NULL DEFAULT 1,
  features JSON,
  is_active BOOLEAN DEFAULT TRUE,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  INDEX idx_name (name),
  INDEX idx_active (is_active)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE customers (
  id INT AUTO_INCREMENT PRIMARY KEY,
  email VARCHAR(255) NOT NULL UNIQUE,
  name VARCHAR(255),
  company VARCHAR(255),
  notes TEXT,
  phone VARCHAR(50),
  address TEXT,
  country VARCHAR(2),
  stripe_customer_id VARCHAR(255),
  paypal_customer_id VARCHAR(255),
  status ENUM('active', 'inactive', 'suspended') DEFAULT 'active',
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  INDEX idx_email (email),
  INDEX idx_status (status),
  INDEX idx_stripe (stripe_customer_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE licenses (
  id INT AUTO_INCREMENT PRIMARY KEY,
  license_key VARCHAR(64) NOT NULL UNIQUE,
  customer_id INT NOT NULL,
  plan_id INT NOT NULL,
  domain VARCHAR(255) NULL,
  status ENUM('active', 'inactive', 'suspended', 'expired') DEFAULT 'active',
  activated_at TIMESTAMP NULL,
  expires_at TIMESTAMP NULL,
  last_check TIMESTAMP NULL,
  metadata JSON,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  FOREIGN KEY (customer_id) REFERENCES customers(id) ON DELETE CASCADE,
  FOREIGN KEY (plan_id) REFERENCES plans(id),
  INDEX idx_license_key (license_key),
  INDEX idx_customer (customer_id),
  INDEX idx_status (status),
  INDEX idx_domain (domain),
  INDEX idx_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE usage_logs (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  license_id INT NOT NULL,
  endpoint VARCHAR(50) NOT NULL,
  tokens_used INT DEFAULT 0,
  response_time_ms INT,
  ip_address VARCHAR(45),
  user_agent TEXT,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (license_id) REFERENCES licenses(id) ON DELETE CASCADE,
  INDEX idx_license (license_id),
  INDEX idx_endpoint (endpoint),
  INDEX idx_created (created_at),
  INDEX idx_license_date (license_id, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE payments (
  id INT AUTO_INCREMENT PRIMARY KEY,
  customer_id INT NOT NULL,
  license_id INT NOT NULL,
  amount DECIMAL(10,2) NOT NULL,
  currency VARCHAR(3) DEFAULT 'EUR',
  status ENUM('pending', 'completed', 'failed', 'refunded') DEFAULT 'pending',
  payment_method VARCHAR(50),
  transaction_id VARCHAR(255),
  provider VARCHAR(50),
  metadata JSON,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  FOREIGN KEY (customer_id) REFERENCES customers(id) ON DELETE CASCADE,
  FOREIGN KEY (license_id) REFERENCES licenses(id) ON DELETE CASCADE,
  INDEX idx_customer (customer_id),
  INDEX idx_license (license_id),
  INDEX idx_status (status),
  INDEX idx_transaction (transaction_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE api_keys (
  id INT AUTO_INCREMENT PRIMARY KEY,
  provider VARCHAR(50) NOT NULL,
  api_key TEXT NOT NULL,
  is_active BOOLEAN DEFAULT TRUE,
  usage_count INT DEFAULT 0,
  last_used TIMESTAMP NULL,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  UNIQUE KEY unique_provider (provider),
  INDEX idx_active (is_active)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
CREATE TABLE activity_logs (
  id BIGINT AUTO_INCREMENT PRIMARY KEY,
  license_id INT,
  customer_id INT,
  action VARCHAR(100) NOT NULL,
  details JSON,
  ip_address VARCHAR(45),
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
  FOREIGN KEY (license_id) REFERENCES licenses(id) ON DELETE SET NULL,
  FOREIGN KEY (customer_id) REFERENCES customers(id) ON DELETE SET NULL,
  INDEX idx_license (license_id),
  INDEX idx_customer (customer_id),
  INDEX idx_action (action),
  INDEX idx_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO plans (name, display_name, price, monthly_requests, max_sites, features) VALUES
('starter', 'Starter - BYOK', 2.99, 0, 1, '["bring_your_own_key", "1_site", "basic_support", "community_access"]'),
('pro', 'Pro - AI Inclusa', 7.99, 1000, 3, '["ai_included", "3_sites", "priority_support", "advanced_features", "no_api_key_needed"]'),
('agency', 'Agency - White Label', 19.99, 5000, -1, '["ai_included", "unlimited_sites", "white_label", "dedicated_support", "custom_branding", "api_access"]');
`;

export const PLAN_IDS = { starter: 1, pro: 2, agency: 3 } as const;

export async function createV1Schema(admin: mysql.Connection): Promise<void> {
  await admin.query(V1_SCHEMA_SQL);
}

/** "2026-12-03 10:15:00": a UTC instant as v1 TIMESTAMP text (the fixture sessions run in UTC). */
export function sqlTime(at: Date): string {
  return at.toISOString().slice(0, 19).replace("T", " ");
}

/** A canonical v1 key, derived from a number so tests can name it. */
export function v1Key(n: number): string {
  const hex = (n * 2654435761 + 0x1234abcd).toString(16).toUpperCase().padStart(8, "0").slice(-8);
  return `CHA-${hex}-0000${String(n).padStart(4, "0")}-ABCDEF01-${hex}`;
}

export interface UsageRow {
  licenseId: number;
  at: Date;
  tokens?: number | null;
  responseMs?: number | null;
  endpoint?: string;
}

/** Many usage rows in multi-row INSERTs (fast enough for 100k rows). */
export async function insertUsage(admin: mysql.Connection, rows: UsageRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) {
    const chunk = rows.slice(i, i + 5000);
    const values = chunk.map((row) => [
      row.licenseId,
      row.endpoint ?? "chat",
      row.tokens === undefined ? 120 : row.tokens,
      row.responseMs === undefined ? 800 : row.responseMs,
      "203.0.113.7",
      "WordPress/6.5; https://shop.example",
      sqlTime(row.at),
    ]);
    await admin.query(
      "INSERT INTO usage_logs (license_id, endpoint, tokens_used, response_time_ms, ip_address, user_agent, created_at) VALUES ?",
      [values],
    );
  }
}

export async function useUtc(admin: mysql.Connection): Promise<void> {
  await admin.query("SET SESSION time_zone = '+00:00'");
}
