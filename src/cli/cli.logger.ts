import pino, { type Logger } from "pino";
import type { Config } from "../config";
import { REDACTED_PATHS } from "../logger";

/**
 * The CLI's logger writes to stderr: stdout carries only what the command prints (with --json, one JSON document
 * that a script parses; a log line there would break it). Routine info is quieter than the server's.
 */
export function createCliLogger(config: Pick<Config, "logLevel">): Logger {
  return pino(
    { level: config.logLevel === "info" ? "warn" : config.logLevel, redact: { paths: REDACTED_PATHS, censor: "[redacted]" } },
    pino.destination({ fd: 2, sync: true }),
  );
}
