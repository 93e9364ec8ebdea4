import { randomBytes } from "node:crypto";
import { link, mkdir, open, readFile, unlink } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { PROVIDERS, type Provider } from "./ai/providers";
import type { PriceTable } from "./ai/price-table";

// The only module that reads process.env: everything else receives a Config.

const NODE_ENVS = ["development", "test", "production"] as const;
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
const BOOLEAN_FLAGS = ["1", "0", "true", "false"] as const;
const MIN_SECRET_LENGTH = 32;
const APP_SECRET_FILE = "app-secret";

export type NodeEnv = (typeof NODE_ENVS)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  nodeEnv: NodeEnv;
  port: number;
  host: string;
  /** Unset means: start the embedded engine. */
  mongodbUri: string | undefined;
  mongodbDatabase: string;
  /** As given (relative paths stay relative), so messages show what the operator typed. */
  dataDir: string;
  /** Unset outside production until resolveAppSecret() fills it from DATA_DIR/app-secret. */
  appSecret: string | undefined;
  logLevel: LogLevel;
  logPretty: boolean;
  /** One JSON log line per HTTP request (default: on). */
  logRequests: boolean;
  embeddedDbPort: number;
  /** Schema introspection on /graphql (default: on, except in production). */
  graphqlIntrospection: boolean;
  /** The GraphiQL playground at /playground (default: on, except in production). */
  playground: boolean;
  /** The admin dashboard at /admin (default: on, except in production). */
  dashboard: boolean;
  /** The plugin routes' request limits and failed-lookup guard (default: on; off for benchmarks). */
  throttle: boolean;
  /** How long one instance may reuse a license, plan or customer it read for a license check (0–5000 ms). */
  licenseCacheTtlMs: number;
  ai: AiConfig;
  backup: BackupConfig;
  metrics: MetricsConfig;
  paddle: PaddleConfig;
  billing: BillingConfig;
  notifications: NotificationsConfig;
}

/** How billing states turn into license states. */
export interface BillingConfig {
  /** How long a license stays valid after its subscription went past due, before it is suspended (0–90 days). */
  graceDays: number;
}

/** Where the notifications outbox delivers (neither set: messages are kept in the outbox, undelivered). */
export interface NotificationsConfig {
  /** Each message is POSTed here as JSON, signed with `webhookSecret`. */
  webhookUrl: string | undefined;
  /** The HMAC-SHA256 key of the `X-Chatello-Signature` header (required with `webhookUrl`). */
  webhookSecret: string | undefined;
  /** smtp:// or smtps:// with credentials: messages for a customer are also e-mailed. */
  smtpUrl: string | undefined;
  /** The e-mails' From address. */
  emailFrom: string;
}

/** Paddle Billing notifications (`POST /webhooks/paddle`); without a secret the route refuses every event. */
export interface PaddleConfig {
  /** The notification destination's secret key (`pdl_ntfset_…`). */
  webhookSecret: string | undefined;
  /** The secret being rotated out: accepted too, so no event is refused while the destination changes secrets. */
  webhookSecretPrevious: string | undefined;
}

/** Where the Prometheus scrape endpoint `/metrics` is served, and who may read it. */
export interface MetricsConfig {
  /** Unset: on the main port. Set: on this port only (the main port then answers 404). */
  port: number | undefined;
  /** Set: a scrape must send `Authorization: Bearer <token>`. */
  token: string | undefined;
}

/** Scheduled backups by the running platform (off while `dir` is unset). */
export interface BackupConfig {
  dir: string | undefined;
  /** As given (e.g. "24h"), for messages and /api/health. */
  every: string;
  everyMs: number;
  /** How many scheduled backup files to keep in `dir`; older ones are deleted. */
  keep: number;
}

export interface AiConfig {
  /** Keys from the environment (a key stored with setProviderKey wins) and base URLs (undefined: the provider's). */
  providers: Record<Provider, { apiKey: string | undefined; baseUrl: string | undefined }>;
  /** How long a provider call may take: until the whole answer, or between two streamed chunks. */
  timeoutMs: number;
  /** Prices that add to or replace the built-in table. */
  prices: PriceTable;
}

/** Where the secret in use came from, so a message can name the variable or file to fix. */
export type AppSecretOrigin = { kind: "environment" } | { kind: "file"; path: string; createdNow: boolean };

export type ResolvedConfig = Config & {
  appSecret: string;
  /** Where the secret came from (unset: given directly, as tests do). */
  appSecretOrigin?: AppSecretOrigin;
};

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

const portNumber = z
  .string()
  .regex(/^\d{1,5}$/)
  .transform(Number)
  .pipe(z.number().max(65535));

const providerKey = z
  .string()
  .regex(/^\S{8,500}$/)
  .optional();
const baseUrl = z
  .string()
  .regex(/^https?:\/\/\S+$/)
  .optional();
const priceTable = z.record(
  z.string().regex(new RegExp(`^(${PROVIDERS.join("|")})/\\S+$`)),
  z.object({ input: z.number().min(0), output: z.number().min(0) }).strict(),
);

const paddleSecret = z
  .string()
  .regex(/^[\x21-\x7e]{8,500}$/)
  .optional();

const DURATION_UNITS_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const MAX_BACKUP_EVERY_MS = 365 * DURATION_UNITS_MS.d;

// Whole minutes, hours or days: a backup more often than once a minute is a mistake, not a schedule.
const backupEvery = z
  .string()
  .regex(/^[1-9]\d{0,5}[mhd]$/)
  .transform((text) => ({ text, ms: Number(text.slice(0, -1)) * DURATION_UNITS_MS[text.slice(-1) as keyof typeof DURATION_UNITS_MS] }))
  .refine((every) => every.ms <= MAX_BACKUP_EVERY_MS);

function parsePrices(text: string, ctx: z.RefinementCtx): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: "custom", message: "not JSON" });
    return z.NEVER;
  }
}

const envSchema = z
  .object({
    NODE_ENV: z.enum(NODE_ENVS).default("development"),
    PORT: portNumber.default(4000),
    HOST: z.string().regex(/^\S+$/).optional(),
    MONGODB_URI: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\/\S+$/)
      .optional(),
    // MongoDB forbids these characters in database names and caps them at 63 bytes.
    MONGODB_DATABASE: z
      .string()
      .regex(/^[^/\\. "$*<>:|?]{1,63}$/)
      .default("chatello_saas"),
    DATA_DIR: z.string().default("./data"),
    APP_SECRET: z.string().min(MIN_SECRET_LENGTH).optional(),
    LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
    LOG_PRETTY: z.enum(BOOLEAN_FLAGS).optional(),
    LOG_REQUESTS: z.enum(BOOLEAN_FLAGS).optional(),
    EMBEDDED_DB_PORT: portNumber.default(0),
    GRAPHQL_INTROSPECTION: z.enum(BOOLEAN_FLAGS).optional(),
    PLAYGROUND: z.enum(BOOLEAN_FLAGS).optional(),
    DASHBOARD: z.enum(BOOLEAN_FLAGS).optional(),
    THROTTLE: z.enum(["on", "off", ...BOOLEAN_FLAGS]).optional(),
    // The plugin contract gives changes 5 seconds to take effect everywhere; a longer cache would break it.
    LICENSE_CACHE_TTL_MS: z
      .string()
      .regex(/^\d{1,4}$/)
      .transform(Number)
      .pipe(z.number().max(5000))
      .default(5000),
    OPENAI_API_KEY: providerKey,
    ANTHROPIC_API_KEY: providerKey,
    DEEPSEEK_API_KEY: providerKey,
    OPENAI_BASE_URL: baseUrl,
    ANTHROPIC_BASE_URL: baseUrl,
    DEEPSEEK_BASE_URL: baseUrl,
    AI_TIMEOUT_MS: z
      .string()
      .regex(/^\d{3,6}$/)
      .transform(Number)
      .pipe(z.number().min(100).max(600_000))
      .default(30_000),
    AI_PRICES: z.string().transform(parsePrices).pipe(priceTable).optional(),
    BACKUP_DIR: z.string().optional(),
    BACKUP_EVERY: backupEvery.default({ text: "24h", ms: DURATION_UNITS_MS.d }),
    BACKUP_KEEP: z
      .string()
      .regex(/^\d{1,4}$/)
      .transform(Number)
      .pipe(z.number().min(1).max(1000))
      .default(14),
    METRICS_PORT: portNumber.optional(),
    METRICS_TOKEN: z
      .string()
      .regex(/^[\x21-\x7e]{16,500}$/)
      .optional(),
    PADDLE_WEBHOOK_SECRET: paddleSecret,
    PADDLE_WEBHOOK_SECRET_PREVIOUS: paddleSecret,
    BILLING_GRACE_DAYS: z
      .string()
      .regex(/^\d{1,2}$/)
      .transform(Number)
      .pipe(z.number().max(90))
      .default(7),
    NOTIFY_WEBHOOK_URL: baseUrl,
    NOTIFY_WEBHOOK_SECRET: z
      .string()
      .regex(/^[\x21-\x7e]{16,500}$/)
      .optional(),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\/\S+$/)
      .optional(),
    NOTIFY_EMAIL_FROM: z
      .string()
      .regex(/^[^\s@<>]+@[^\s@<>]+$|^[^<>]*<[^\s@<>]+@[^\s@<>]+>$/)
      .default("Chatello <no-reply@chatello.io>"),
  })
  .superRefine((env, ctx) => {
    if (env.PADDLE_WEBHOOK_SECRET_PREVIOUS !== undefined && env.PADDLE_WEBHOOK_SECRET === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["PADDLE_WEBHOOK_SECRET_PREVIOUS"],
        params: { wholeMessage: true },
        message: "PADDLE_WEBHOOK_SECRET_PREVIOUS is set but PADDLE_WEBHOOK_SECRET is not: set the current secret too",
      });
    }
    if (env.NOTIFY_WEBHOOK_URL !== undefined && env.NOTIFY_WEBHOOK_SECRET === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["NOTIFY_WEBHOOK_SECRET"],
        params: { wholeMessage: true },
        message:
          "NOTIFY_WEBHOOK_URL is set but NOTIFY_WEBHOOK_SECRET is not: the receiver needs it to check the signature (e.g. openssl rand -hex 32)",
      });
    }
    if (env.NODE_ENV === "production" && env.APP_SECRET === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["APP_SECRET"],
        params: { wholeMessage: true },
        message: `APP_SECRET is required when NODE_ENV=production (at least ${MIN_SECRET_LENGTH} characters, e.g. from: openssl rand -hex 32)`,
      });
    }
  });

type EnvName = keyof z.input<typeof envSchema>;
const ENV_NAMES = Object.keys(envSchema.shape) as EnvName[];

const EXPECTED: Record<EnvName, string> = {
  NODE_ENV: `must be one of ${NODE_ENVS.join(", ")}`,
  PORT: "must be an integer between 0 and 65535",
  HOST: "must be a host name or IP address without spaces",
  MONGODB_URI: "must start with mongodb:// or mongodb+srv://",
  MONGODB_DATABASE: 'must be 1 to 63 characters without / \\ . space " $ * < > : | ?',
  DATA_DIR: "must be a folder path",
  APP_SECRET: `must be at least ${MIN_SECRET_LENGTH} characters`,
  LOG_LEVEL: `must be one of ${LOG_LEVELS.join(", ")}`,
  LOG_PRETTY: `must be one of ${BOOLEAN_FLAGS.join(", ")}`,
  LOG_REQUESTS: `must be one of ${BOOLEAN_FLAGS.join(", ")}`,
  EMBEDDED_DB_PORT: "must be an integer between 0 and 65535",
  GRAPHQL_INTROSPECTION: `must be one of ${BOOLEAN_FLAGS.join(", ")}`,
  PLAYGROUND: `must be one of ${BOOLEAN_FLAGS.join(", ")}`,
  DASHBOARD: `must be one of ${BOOLEAN_FLAGS.join(", ")}`,
  THROTTLE: `must be one of on, off, ${BOOLEAN_FLAGS.join(", ")}`,
  LICENSE_CACHE_TTL_MS: "must be an integer between 0 and 5000",
  OPENAI_API_KEY: "must be 8 to 500 characters without spaces",
  ANTHROPIC_API_KEY: "must be 8 to 500 characters without spaces",
  DEEPSEEK_API_KEY: "must be 8 to 500 characters without spaces",
  OPENAI_BASE_URL: "must be an http:// or https:// URL",
  ANTHROPIC_BASE_URL: "must be an http:// or https:// URL",
  DEEPSEEK_BASE_URL: "must be an http:// or https:// URL",
  AI_TIMEOUT_MS: "must be an integer between 100 and 600000",
  AI_PRICES:
    'must be JSON like {"openai/gpt-4o":{"input":2.3,"output":9.2}} (EUR per million tokens; providers openai, anthropic, deepseek)',
  BACKUP_DIR: "must be a folder path",
  BACKUP_EVERY: "must be a whole number of minutes, hours or days from 1m to 365d, e.g. 30m, 6h, 24h or 7d",
  BACKUP_KEEP: "must be an integer between 1 and 1000",
  METRICS_PORT: "must be an integer between 0 and 65535",
  METRICS_TOKEN: "must be 16 to 500 printable ASCII characters without spaces",
  PADDLE_WEBHOOK_SECRET: "must be 8 to 500 printable ASCII characters without spaces (Paddle's pdl_ntfset_… key)",
  PADDLE_WEBHOOK_SECRET_PREVIOUS: "must be 8 to 500 printable ASCII characters without spaces (Paddle's pdl_ntfset_… key)",
  BILLING_GRACE_DAYS: "must be a whole number of days from 0 to 90",
  NOTIFY_WEBHOOK_URL: "must be an http:// or https:// URL",
  NOTIFY_WEBHOOK_SECRET: "must be 16 to 500 printable ASCII characters without spaces",
  SMTP_URL: "must be an smtp:// or smtps:// URL, e.g. smtps://user:password@mail.example.com:465",
  NOTIFY_EMAIL_FROM: 'must be an e-mail address, or a name and address like "Chatello <no-reply@example.com>"',
};

/** Reads and validates the environment. Pure: no files are touched (see resolveAppSecret). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const given = pickGivenVariables(env);
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    const problems = new Map<string, string>();
    for (const issue of parsed.error.issues) {
      const name = issue.path[0] as EnvName;
      if (problems.has(name)) continue;
      const wholeMessage = issue.code === "custom" && issue.params?.["wholeMessage"] === true;
      problems.set(name, wholeMessage ? issue.message : `${name} ${EXPECTED[name]} ${describeGot(name, given[name])}`);
    }
    throw new ConfigError(`Invalid configuration: ${[...problems.values()].join("; ")}`);
  }
  const vars = parsed.data;
  return {
    nodeEnv: vars.NODE_ENV,
    port: vars.PORT,
    // Outside production nothing should be reachable from the network unless asked for.
    host: vars.HOST ?? (vars.NODE_ENV === "production" ? "0.0.0.0" : "127.0.0.1"),
    mongodbUri: vars.MONGODB_URI,
    mongodbDatabase: vars.MONGODB_DATABASE,
    dataDir: vars.DATA_DIR,
    appSecret: vars.APP_SECRET,
    logLevel: vars.LOG_LEVEL ?? (vars.NODE_ENV === "test" ? "silent" : "info"),
    logPretty: flag(vars.LOG_PRETTY, false),
    logRequests: flag(vars.LOG_REQUESTS, true),
    embeddedDbPort: vars.EMBEDDED_DB_PORT,
    graphqlIntrospection: flag(vars.GRAPHQL_INTROSPECTION, vars.NODE_ENV !== "production"),
    playground: flag(vars.PLAYGROUND, vars.NODE_ENV !== "production"),
    dashboard: flag(vars.DASHBOARD, vars.NODE_ENV !== "production"),
    throttle: vars.THROTTLE === undefined || ["on", "1", "true"].includes(vars.THROTTLE),
    licenseCacheTtlMs: vars.LICENSE_CACHE_TTL_MS,
    ai: {
      providers: {
        openai: { apiKey: vars.OPENAI_API_KEY, baseUrl: vars.OPENAI_BASE_URL },
        anthropic: { apiKey: vars.ANTHROPIC_API_KEY, baseUrl: vars.ANTHROPIC_BASE_URL },
        deepseek: { apiKey: vars.DEEPSEEK_API_KEY, baseUrl: vars.DEEPSEEK_BASE_URL },
      },
      timeoutMs: vars.AI_TIMEOUT_MS,
      prices: vars.AI_PRICES ?? {},
    },
    backup: { dir: vars.BACKUP_DIR, every: vars.BACKUP_EVERY.text, everyMs: vars.BACKUP_EVERY.ms, keep: vars.BACKUP_KEEP },
    metrics: { port: vars.METRICS_PORT, token: vars.METRICS_TOKEN },
    paddle: { webhookSecret: vars.PADDLE_WEBHOOK_SECRET, webhookSecretPrevious: vars.PADDLE_WEBHOOK_SECRET_PREVIOUS },
    billing: { graceDays: vars.BILLING_GRACE_DAYS },
    notifications: {
      webhookUrl: vars.NOTIFY_WEBHOOK_URL,
      webhookSecret: vars.NOTIFY_WEBHOOK_SECRET,
      smtpUrl: vars.SMTP_URL,
      emailFrom: vars.NOTIFY_EMAIL_FROM,
    },
  };
}

function flag(value: (typeof BOOLEAN_FLAGS)[number] | undefined, fallback: boolean): boolean {
  return value === undefined ? fallback : value === "1" || value === "true";
}

// An empty value (`PORT=` in a .env file) means "use the default", as most tools read it.
function pickGivenVariables(env: NodeJS.ProcessEnv): Partial<Record<EnvName, string>> {
  const given: Partial<Record<EnvName, string>> = {};
  for (const name of ENV_NAMES) {
    const value = env[name];
    if (value !== undefined && value !== "") given[name] = value;
  }
  return given;
}

// Error messages end up in terminals and CI logs, so secrets and credentials are never echoed.
function describeGot(name: EnvName, value: string | undefined): string {
  if (value === undefined) return "(not set)";
  if (name.includes("SECRET") || name === "METRICS_TOKEN" || name.endsWith("_API_KEY")) return `(got ${value.length} characters)`;
  if (name === "MONGODB_URI" || name === "SMTP_URL") return `(got a value starting with ${JSON.stringify(value.split(/[:/]/)[0] ?? "")})`;
  const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
  return `(got ${JSON.stringify(shown)})`;
}

/**
 * Outside production a missing APP_SECRET is generated once and kept in DATA_DIR/app-secret, because
 * license-key digests and encrypted provider keys must stay readable across restarts.
 */
export async function resolveAppSecret(config: Config): Promise<ResolvedConfig> {
  if (config.appSecret !== undefined) return { ...config, appSecret: config.appSecret, appSecretOrigin: { kind: "environment" } };
  if (config.nodeEnv === "production") {
    throw new ConfigError("Invalid configuration: APP_SECRET is required when NODE_ENV=production");
  }
  const file = path.join(config.dataDir, APP_SECRET_FILE);
  const existing = await readSecretFile(file);
  if (existing !== undefined) return { ...config, appSecret: existing, appSecretOrigin: { kind: "file", path: file, createdNow: false } };
  const created = await createSecretFile(file);
  return { ...config, appSecret: created.secret, appSecretOrigin: { kind: "file", path: file, createdNow: created.createdNow } };
}

async function readSecretFile(file: string): Promise<string | undefined> {
  let content: string;
  try {
    content = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ConfigError(`Invalid configuration: cannot read ${file} (${(error as Error).message}); set APP_SECRET instead`);
  }
  const secret = content.trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      `Invalid configuration: ${file} holds no valid secret (at least ${MIN_SECRET_LENGTH} characters); restore it from a backup, or set APP_SECRET`,
    );
  }
  return secret;
}

// Written to a private temporary file, then hard-linked into place: link() fails if the name exists, so
// two processes booting at once both end up with the one secret that won, and nobody reads a half file.
async function createSecretFile(file: string): Promise<{ secret: string; createdNow: boolean }> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString("hex");
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const handle = await open(temporary, "wx", 0o600);
  try {
    await handle.writeFile(`${secret}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temporary, file);
    return { secret, createdNow: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const winner = await readSecretFile(file);
    if (winner === undefined) throw error;
    return { secret: winner, createdNow: true };
  } finally {
    await unlink(temporary);
  }
}
