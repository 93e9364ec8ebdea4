import pino, { type DestinationStream, type Logger } from "pino";
import type { Config } from "./config";

// Anything that might carry a secret is censored wherever it appears in a log object.
export const REDACTED_PATHS = [
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

/** Logs JSON lines to stdout (tests pass a destination to read them). */
export function createLogger(config: Pick<Config, "logLevel" | "logPretty">, destination?: DestinationStream): Logger {
  // pino-pretty is a dev dependency, so it is only referenced when asked for, and a production install has none.
  const pretty = config.logPretty && destination === undefined && isInstalled("pino-pretty");
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    // "time":"2026-12-03T14:35:00.123Z" reads in any log viewer; epoch milliseconds need converting.
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(pretty ? { transport: { target: "pino-pretty" } } : {}),
  };
  const logger = destination === undefined ? pino(options) : pino(options, destination);
  if (config.logPretty && destination === undefined && !pretty) {
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
