#!/usr/bin/env node
import "reflect-metadata";
import { Command, CommanderError } from "commander";
import { ConfigError } from "../config";
import { DatabaseStartError } from "../db/connect";
import { DomainError } from "../errors";
import { AppSecretMismatchError } from "../modules/setup/app-secret.check";
import { APP_VERSION } from "../version";
import { registerAdminCommands } from "./admin.commands";
import { registerAnalyticsCommands } from "./analytics.commands";
import { registerBackupCommands } from "./backup.commands";
import { registerCustomerCommands } from "./customer.commands";
import { registerLicenseCommands } from "./license.commands";
import { registerLicenseStatusCommands } from "./license-status.commands";
import { registerMigrateCommands } from "./migrate.commands";
import { registerSetupCommands } from "./setup.commands";

// --json may come before or after the command (commander reads program options anywhere); an error raised while
// parsing, before commander has read it, must still know.
const jsonAsked = (): boolean => program.opts().json === true || process.argv.slice(2).includes("--json");

const program = new Command()
  .name("platform")
  .description("Chatello platform operations (reads the same environment variables as the server)")
  .option("--json", "print one JSON document instead of text, for scripts")
  .option("-V, --version", "print the platform version")
  .showHelpAfterError()
  // Usage errors (unknown command, missing option) end up in the catch below, so --json gets JSON for them too.
  .exitOverride()
  .configureOutput({
    // With --json the error (and the help shown after it) is the JSON document alone.
    writeErr: (text) => {
      if (!jsonAsked()) process.stderr.write(text);
    },
  })
  .addHelpText(
    "after",
    `
Run it as \`npm run --silent cli -- <command>\` or \`npx platform <command>\` (after \`npm run build\`).
Examples:
  $ platform --version
  $ platform license:show CHA-0A1B2C3D-4E5F6071-8293A4B5-C6D7E8F9
  $ platform --json customer:find @example.com
  $ platform <command> --help     # each command's options and examples`,
  );

program.on("option:version", () => {
  process.stdout.write(jsonAsked() ? `${JSON.stringify({ ok: true, version: APP_VERSION })}\n` : `${APP_VERSION}\n`);
  process.exit(0);
});

registerSetupCommands(program);
registerAdminCommands(program);
registerLicenseCommands(program);
registerLicenseStatusCommands(program);
registerCustomerCommands(program);
registerMigrateCommands(program);
registerBackupCommands(program);
registerAnalyticsCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    // Help and --version end well; a usage error was already printed as text unless --json.
    if (error.exitCode === 0) process.exit(0);
    if (jsonAsked()) process.stdout.write(`${JSON.stringify({ ok: false, error: error.message.replace(/^error: /, "") })}\n`);
    process.exit(1);
  }
  // Expected failures are one line for the operator; anything else keeps its stack.
  const expected =
    error instanceof ConfigError ||
    error instanceof DatabaseStartError ||
    error instanceof DomainError ||
    error instanceof AppSecretMismatchError;
  const message = error instanceof Error ? (expected ? error.message : (error.stack ?? error.message)) : String(error);
  const code = error instanceof DomainError ? error.code : undefined;
  if (jsonAsked()) process.stdout.write(`${JSON.stringify({ ok: false, error: message, ...(code ? { code } : {}) })}\n`);
  else process.stderr.write(`Error: ${message}\n`);
  process.exit(1);
});
