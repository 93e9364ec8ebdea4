#!/usr/bin/env node
import "reflect-metadata";
import { Command } from "commander";
import { ConfigError } from "../config";
import { DatabaseStartError } from "../db/connect";
import { DomainError } from "../errors";
import { AppSecretMismatchError } from "../modules/setup/app-secret.check";
import { registerAdminCommands } from "./admin.commands";
import { registerBackupCommands } from "./backup.commands";
import { registerLicenseCommands } from "./license.commands";
import { registerMigrateCommands } from "./migrate.commands";
import { registerSetupCommands } from "./setup.commands";

const program = new Command()
  .name("platform")
  .description("Chatello platform operations (reads the same environment variables as the server)")
  .option("--json", "print one JSON document instead of text, for scripts")
  .showHelpAfterError();

registerSetupCommands(program);
registerAdminCommands(program);
registerLicenseCommands(program);
registerMigrateCommands(program);
registerBackupCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  // Expected failures are one line for the operator; anything else keeps its stack.
  const expected =
    error instanceof ConfigError ||
    error instanceof DatabaseStartError ||
    error instanceof DomainError ||
    error instanceof AppSecretMismatchError;
  const message = error instanceof Error ? (expected ? error.message : (error.stack ?? error.message)) : String(error);
  if (program.opts().json === true) process.stdout.write(`${JSON.stringify({ ok: false, error: message })}\n`);
  else process.stderr.write(`Error: ${message}\n`);
  process.exit(1);
});
