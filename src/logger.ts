import pino, { type Logger } from "pino";
import type { Config } from "./config";

// Anything that might carry a secret is censored wherever it appears in a log object.
const REDACTED_PATHS = [
  "appSecret",
  "*.appSecret",
  "apiKey",
  "*.apiKey",
  "password",
  "*.password",
  "req.headers.authorization",
  'req.headers["x-license-key"]',
  "req.headers.cookie",
];

export function createLogger(config: Pick<Config, "logLevel" | "logPretty">): Logger {
  // pino-pretty is a dev dependency, so it is only referenced when asked for, and a production install has none.
  const pretty = config.logPretty && isInstalled("pino-pretty");
  const logger = pino({
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    ...(pretty ? { transport: { target: "pino-pretty" } } : {}),
  });
  if (config.logPretty && !pretty) {
    logger.warn("LOG_PRETTY=1 ignored: pino-pretty (a dev dependency) is not installed, as after npm prune --omit=dev; logging JSON lines");
  }
  return logger;
}

function isInstalled(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}
