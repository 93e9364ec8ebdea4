import pino, { type Logger } from "pino";
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

export function createLogger(config: Pick<Config, "logLevel" | "logPretty">): Logger {
  return pino({
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    // pino-pretty is a dev dependency, so it is only referenced when asked for.
    ...(config.logPretty ? { transport: { target: "pino-pretty" } } : {}),
  });
}
