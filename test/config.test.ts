import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ConfigError, loadConfig, resolveAppSecret } from "../src/config";

const VALID_SECRET = "s".repeat(32);

function configErrorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe("loadConfig", () => {
  it("applies the defaults to an empty environment", () => {
    expect(loadConfig({})).toEqual({
      nodeEnv: "development",
      port: 4000,
      host: "127.0.0.1",
      mongodbUri: undefined,
      mongodbDatabase: "chatello_saas",
      dataDir: "./data",
      appSecret: undefined,
      logLevel: "info",
      logPretty: false,
      logRequests: true,
      embeddedDbPort: 0,
      graphqlIntrospection: true,
      playground: true,
      dashboard: true,
      throttle: true,
      licenseCacheTtlMs: 5000,
      ai: {
        providers: {
          openai: { apiKey: undefined, baseUrl: undefined },
          anthropic: { apiKey: undefined, baseUrl: undefined },
          deepseek: { apiKey: undefined, baseUrl: undefined },
        },
        timeoutMs: 30_000,
        prices: {},
      },
      backup: { dir: undefined, every: "24h", everyMs: 86_400_000, keep: 14 },
      metrics: { port: undefined, token: undefined },
      paddle: { webhookSecret: undefined, webhookSecretPrevious: undefined },
      billing: { graceDays: 7 },
      notifications: { webhookUrl: undefined, webhookSecret: undefined, smtpUrl: undefined, emailFrom: "Chatello <no-reply@chatello.io>" },
    });
  });

  it("treats empty values as unset and ignores unknown variables", () => {
    expect(loadConfig({ PORT: "", MONGODB_URI: "", HOME: "/root", SOMETHING_ELSE: "x" })).toEqual(loadConfig({}));
  });

  it("caps the license-check cache at the contract's 5 seconds", () => {
    expect(configErrorOf({ LICENSE_CACHE_TTL_MS: "6000" }).message).toBe(
      'Invalid configuration: LICENSE_CACHE_TTL_MS must be an integer between 0 and 5000 (got "6000")',
    );
  });

  it("turns introspection, the playground and the dashboard off in production unless asked for", () => {
    expect(loadConfig({ NODE_ENV: "production", APP_SECRET: VALID_SECRET })).toMatchObject({
      graphqlIntrospection: false,
      playground: false,
      dashboard: false,
    });
    expect(loadConfig({ NODE_ENV: "production", APP_SECRET: VALID_SECRET, DASHBOARD: "1" })).toMatchObject({ dashboard: true });
    expect(loadConfig({ NODE_ENV: "production", APP_SECRET: VALID_SECRET, GRAPHQL_INTROSPECTION: "1" })).toMatchObject({
      graphqlIntrospection: true,
    });
  });

  it("is silent under test and listens on all interfaces in production", () => {
    expect(loadConfig({ NODE_ENV: "test" })).toMatchObject({ logLevel: "silent", host: "127.0.0.1" });
    expect(loadConfig({ NODE_ENV: "production", APP_SECRET: VALID_SECRET })).toMatchObject({ logLevel: "info", host: "0.0.0.0" });
  });

  it("reads every variable", () => {
    const config = loadConfig({
      NODE_ENV: "production",
      PORT: "8080",
      HOST: "10.0.0.5",
      MONGODB_URI: "mongodb+srv://user:pass@cluster0.example.net/",
      MONGODB_DATABASE: "chatello_test",
      DATA_DIR: "/var/lib/chatello",
      APP_SECRET: VALID_SECRET,
      LOG_LEVEL: "debug",
      LOG_PRETTY: "1",
      LOG_REQUESTS: "0",
      EMBEDDED_DB_PORT: "27018",
      GRAPHQL_INTROSPECTION: "true",
      PLAYGROUND: "0",
      DASHBOARD: "0",
      THROTTLE: "off",
      LICENSE_CACHE_TTL_MS: "0",
      OPENAI_API_KEY: "sk-openai-0001",
      ANTHROPIC_API_KEY: "sk-ant-0002",
      DEEPSEEK_API_KEY: "sk-deepseek-0003",
      OPENAI_BASE_URL: "http://gateway.internal:8080/v1",
      ANTHROPIC_BASE_URL: "https://anthropic.gateway.internal",
      DEEPSEEK_BASE_URL: "http://127.0.0.1:9999/v1",
      AI_TIMEOUT_MS: "12000",
      AI_PRICES: '{"openai/gpt-4o":{"input":2.5,"output":10},"deepseek/deepseek-reasoner":{"input":0.5,"output":2}}',
      BACKUP_DIR: "/var/backups/chatello",
      BACKUP_EVERY: "6h",
      BACKUP_KEEP: "30",
      BILLING_GRACE_DAYS: "14",
      NOTIFY_WEBHOOK_URL: "https://hooks.example.com/chatello",
      NOTIFY_WEBHOOK_SECRET: "n".repeat(32),
      SMTP_URL: "smtps://mailer:pw@mail.example.com:465",
      NOTIFY_EMAIL_FROM: "billing@example.com",
    });
    expect(config).toEqual({
      nodeEnv: "production",
      port: 8080,
      host: "10.0.0.5",
      mongodbUri: "mongodb+srv://user:pass@cluster0.example.net/",
      mongodbDatabase: "chatello_test",
      dataDir: "/var/lib/chatello",
      appSecret: VALID_SECRET,
      logLevel: "debug",
      logPretty: true,
      logRequests: false,
      embeddedDbPort: 27018,
      graphqlIntrospection: true,
      playground: false,
      dashboard: false,
      throttle: false,
      licenseCacheTtlMs: 0,
      ai: {
        providers: {
          openai: { apiKey: "sk-openai-0001", baseUrl: "http://gateway.internal:8080/v1" },
          anthropic: { apiKey: "sk-ant-0002", baseUrl: "https://anthropic.gateway.internal" },
          deepseek: { apiKey: "sk-deepseek-0003", baseUrl: "http://127.0.0.1:9999/v1" },
        },
        timeoutMs: 12_000,
        prices: { "openai/gpt-4o": { input: 2.5, output: 10 }, "deepseek/deepseek-reasoner": { input: 0.5, output: 2 } },
      },
      backup: { dir: "/var/backups/chatello", every: "6h", everyMs: 6 * 3_600_000, keep: 30 },
      metrics: { port: undefined, token: undefined },
      paddle: { webhookSecret: undefined, webhookSecretPrevious: undefined },
      billing: { graceDays: 14 },
      notifications: {
        webhookUrl: "https://hooks.example.com/chatello",
        webhookSecret: "n".repeat(32),
        smtpUrl: "smtps://mailer:pw@mail.example.com:465",
        emailFrom: "billing@example.com",
      },
    });
  });

  it("names the variable, the rule and the value in one line", () => {
    expect(configErrorOf({ PORT: "abc" }).message).toBe('Invalid configuration: PORT must be an integer between 0 and 65535 (got "abc")');
  });

  it.each([
    ["NODE_ENV", "staging"],
    ["PORT", "65536"],
    ["PORT", "-1"],
    ["PORT", "80.5"],
    ["PORT", " 80"],
    ["HOST", "local host"],
    ["MONGODB_URI", "localhost:27017"],
    ["MONGODB_DATABASE", "chatello.saas"],
    ["MONGODB_DATABASE", "x".repeat(64)],
    ["APP_SECRET", "too-short"],
    ["LOG_LEVEL", "verbose"],
    ["LOG_PRETTY", "yes"],
    ["LOG_REQUESTS", "off"],
    ["EMBEDDED_DB_PORT", "99999"],
    ["OPENAI_BASE_URL", "api.openai.com"],
    ["AI_TIMEOUT_MS", "50"],
    ["AI_TIMEOUT_MS", "700000"],
    ["AI_PRICES", "{not json"],
    ["AI_PRICES", '{"mistral/large":{"input":1,"output":2}}'],
    ["AI_PRICES", '{"openai/gpt-4o":{"input":-1,"output":2}}'],
    ["AI_PRICES", '{"openai/gpt-4o":{"input":1,"output":2,"cached":0.5}}'],
    ["BACKUP_EVERY", "24"],
    ["BACKUP_EVERY", "90s"],
    ["BACKUP_EVERY", "0h"],
    ["BACKUP_EVERY", "1.5h"],
    ["BACKUP_EVERY", "366d"],
    ["BACKUP_KEEP", "0"],
    ["BACKUP_KEEP", "1001"],
    ["BACKUP_KEEP", "-3"],
    ["BILLING_GRACE_DAYS", "91"],
    ["BILLING_GRACE_DAYS", "7.5"],
    ["NOTIFY_WEBHOOK_URL", "hooks.example.com"],
    ["NOTIFY_WEBHOOK_SECRET", "short"],
    ["SMTP_URL", "mail.example.com:25"],
    ["NOTIFY_EMAIL_FROM", "not an address"],
  ])("rejects %s=%j with one line naming it", (name, value) => {
    const { message } = configErrorOf({ [name]: value });
    expect(message).not.toContain("\n");
    expect(message).toMatch(new RegExp(`^Invalid configuration: ${name} must `));
  });

  it("reads the backup schedule in minutes, hours or days", () => {
    expect(loadConfig({ BACKUP_EVERY: "30m" }).backup).toMatchObject({ every: "30m", everyMs: 30 * 60_000 });
    expect(loadConfig({ BACKUP_EVERY: "7d" }).backup).toMatchObject({ every: "7d", everyMs: 7 * 86_400_000 });
    expect(loadConfig({ BACKUP_EVERY: "365d", BACKUP_KEEP: "1" }).backup).toMatchObject({ everyMs: 365 * 86_400_000, keep: 1 });
    expect(configErrorOf({ BACKUP_EVERY: "90s" }).message).toBe(
      'Invalid configuration: BACKUP_EVERY must be a whole number of minutes, hours or days from 1m to 365d, e.g. 30m, 6h, 24h or 7d (got "90s")',
    );
    expect(configErrorOf({ BACKUP_KEEP: "0" }).message).toBe(
      'Invalid configuration: BACKUP_KEEP must be an integer between 1 and 1000 (got "0")',
    );
  });

  it("never echoes a secret or the credentials of a connection string", () => {
    expect(configErrorOf({ APP_SECRET: "hunter2-hunter2" }).message).toBe(
      "Invalid configuration: APP_SECRET must be at least 32 characters (got 15 characters)",
    );
    const uriMessage = configErrorOf({ MONGODB_URI: "postgres://admin:hunter2@db.example.net/app" }).message;
    expect(uriMessage).toContain("MONGODB_URI must start with mongodb:// or mongodb+srv://");
    expect(uriMessage).not.toContain("hunter2");
    expect(configErrorOf({ OPENAI_API_KEY: "sk hunter2" }).message).toBe(
      "Invalid configuration: OPENAI_API_KEY must be 8 to 500 characters without spaces (got 10 characters)",
    );
  });

  it("needs the notification webhook's secret with its URL, and never echoes SMTP credentials", () => {
    expect(configErrorOf({ NOTIFY_WEBHOOK_URL: "https://hooks.example.com/x" }).message).toBe(
      "Invalid configuration: NOTIFY_WEBHOOK_URL is set but NOTIFY_WEBHOOK_SECRET is not: the receiver needs it to check the signature (e.g. openssl rand -hex 32)",
    );
    const smtp = configErrorOf({ SMTP_URL: "imap://mailer:hunter2@mail.example.com" }).message;
    expect(smtp).toContain("SMTP_URL must be an smtp:// or smtps:// URL");
    expect(smtp).not.toContain("hunter2");
    expect(configErrorOf({ NOTIFY_WEBHOOK_SECRET: "hunter2" }).message).toContain("(got 7 characters)");
  });

  it("reads the metrics port and token, and never echoes a bad token", () => {
    const token = "metrics-token-0123456789";
    expect(loadConfig({ METRICS_PORT: "9464", METRICS_TOKEN: token }).metrics).toEqual({ port: 9464, token });
    expect(configErrorOf({ METRICS_PORT: "99999" }).message).toBe(
      'Invalid configuration: METRICS_PORT must be an integer between 0 and 65535 (got "99999")',
    );
    expect(configErrorOf({ METRICS_TOKEN: "short hunter2" }).message).toBe(
      "Invalid configuration: METRICS_TOKEN must be 16 to 500 printable ASCII characters without spaces (got 13 characters)",
    );
  });

  it("reads the Paddle webhook secrets, never echoes one, and wants the current one when a previous one is set", () => {
    const current = "pdl_ntfset_current_0123456789";
    const previous = "pdl_ntfset_previous_0123456789";
    expect(loadConfig({ PADDLE_WEBHOOK_SECRET: current, PADDLE_WEBHOOK_SECRET_PREVIOUS: previous }).paddle).toEqual({
      webhookSecret: current,
      webhookSecretPrevious: previous,
    });
    const bad = configErrorOf({ PADDLE_WEBHOOK_SECRET: "has a space hunter2" }).message;
    expect(bad).toContain("PADDLE_WEBHOOK_SECRET must be 8 to 500 printable ASCII characters");
    expect(bad).toContain("(got 19 characters)");
    expect(bad).not.toContain("hunter2");
    expect(configErrorOf({ PADDLE_WEBHOOK_SECRET_PREVIOUS: previous }).message).toBe(
      "Invalid configuration: PADDLE_WEBHOOK_SECRET_PREVIOUS is set but PADDLE_WEBHOOK_SECRET is not: set the current secret too",
    );
  });

  it("reports several bad values on the same line", () => {
    const { message } = configErrorOf({ PORT: "abc", LOG_LEVEL: "loud" });
    expect(message).not.toContain("\n");
    expect(message).toContain("PORT must be");
    expect(message).toContain("LOG_LEVEL must be");
  });

  it("requires APP_SECRET in production", () => {
    const { message } = configErrorOf({ NODE_ENV: "production" });
    expect(message).toMatch(/^Invalid configuration: APP_SECRET is required when NODE_ENV=production/);
    expect(message).not.toContain("\n");
  });
});

describe("resolveAppSecret", () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = path.join(await mkdtemp(path.join(os.tmpdir(), "chatello-config-")), "data");
  });
  afterEach(async () => {
    await rm(path.dirname(dataDir), { recursive: true, force: true });
  });

  it("keeps a given APP_SECRET and writes no file", async () => {
    const config = await resolveAppSecret(loadConfig({ APP_SECRET: VALID_SECRET, DATA_DIR: dataDir }));
    expect(config.appSecret).toBe(VALID_SECRET);
    await expect(stat(path.join(dataDir, "app-secret"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("generates a secret once, in a file only the owner can read, and reuses it", async () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    const first = await resolveAppSecret(config);
    expect(first.appSecret).toMatch(/^[0-9a-f]{64}$/);

    const file = path.join(dataDir, "app-secret");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, "utf8")).trim()).toBe(first.appSecret);

    const second = await resolveAppSecret(config);
    expect(second.appSecret).toBe(first.appSecret);
  });

  it("gives processes booting at the same time the same secret", async () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    const secrets = await Promise.all(Array.from({ length: 8 }, () => resolveAppSecret(config)));
    expect(new Set(secrets.map((resolved) => resolved.appSecret)).size).toBe(1);
  });

  it("refuses a damaged secret file instead of replacing it", async () => {
    await resolveAppSecret(loadConfig({ DATA_DIR: dataDir }));
    await writeFile(path.join(dataDir, "app-secret"), "short\n");
    await expect(resolveAppSecret(loadConfig({ DATA_DIR: dataDir }))).rejects.toThrow(ConfigError);
  });
});
