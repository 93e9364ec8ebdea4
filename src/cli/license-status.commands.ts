import type { Command } from "commander";
import { SYSTEM_ACTOR } from "../modules/activity/activity.service";
import type { License } from "../modules/licenses/license.model";
import type { Services } from "../services";
import { withPlatform } from "./context";
import { findLicense } from "./license.lookup";
import { licenseSummary, planOf } from "./license.view";
import { createOutput } from "./output";

// As the suspendLicense resolver keeps it.
const MAX_REASON = 500;
const KEY_OR_ID = "the license's full key, or its id (24 hexadecimal characters)";

type Change = (services: Services, license: License, reason: string | undefined) => Promise<License>;

/**
 * Suspend, reactivate, cancel: each calls the same LicenseService method as its GraphQL mutation, whose one
 * transition keeps the Founders seats and the status exact under concurrency.
 */
export function registerLicenseStatusCommands(program: Command): void {
  registerChange(
    program,
    "license:suspend",
    "suspend a license: it stops validating until reactivated",
    "required",
    (services, license, reason) => services.licenses.suspend(license._id, reason ?? "", SYSTEM_ACTOR),
  );
  registerChange(program, "license:reactivate", "make a suspended (or inactive) license active again", "none", (services, license) =>
    services.licenses.reactivate(license._id, SYSTEM_ACTOR),
  );
  registerChange(
    program,
    "license:cancel",
    "cancel a license for good (a Founders license gives its seat back)",
    "optional",
    (services, license, reason) => services.licenses.cancel(license._id, SYSTEM_ACTOR, reason),
  );

  program
    .command("license:rotate")
    .description("replace a license's key: the new key is printed once, the old one stops validating at once")
    .argument("<key-or-id>", KEY_OR_ID)
    .addHelpText(
      "after",
      `
Examples:
  $ platform license:rotate 6571f0c2a9e4b1d2c3f4a5b6
  $ platform --json license:rotate CHA-0A1B2C3D-4E5F6071-8293A4B5-C6D7E8F9     # {"ok":true,"key":"CHA-…",…}`,
    )
    .action(async (keyOrId: string) => {
      const out = createOutput(program.opts().json === true);
      await withPlatform(async ({ services }) => {
        const before = await findLicense(services, keyOrId);
        const { key, license } = await services.licenses.rotateKey(before._id, SYSTEM_ACTOR);
        const summary = licenseSummary(license, await planOf(services, license));
        out.result({ ok: true, key, previousKeyLast4: before.key_last4, license: summary }, () => {
          out.line(`Rotated the key of license …${before.key_last4} (id ${summary.id}); the old key no longer validates.`);
          out.line("The new key is shown only now:");
          out.line(key);
        });
      });
    });
}

function registerChange(
  program: Command,
  name: string,
  description: string,
  reason: "required" | "optional" | "none",
  change: Change,
): void {
  const command = program.command(name).description(description).argument("<key-or-id>", KEY_OR_ID);
  if (reason === "required") command.requiredOption("--reason <text>", "why (kept on the license and in the activity log)");
  if (reason === "optional") command.option("--reason <text>", "why (kept on the license and in the activity log)");
  command.addHelpText(
    "after",
    `
Examples:
  $ platform ${name} CHA-0A1B2C3D-4E5F6071-8293A4B5-C6D7E8F9${reason === "none" ? "" : ' --reason "chargeback"'}
  $ platform --json ${name} 6571f0c2a9e4b1d2c3f4a5b6${reason === "required" ? ' --reason "abuse"' : ""}`,
  );
  command.action(async (keyOrId: string, options: { reason?: string }) => {
    const out = createOutput(program.opts().json === true);
    await withPlatform(async ({ services }) => {
      const license = await findLicense(services, keyOrId);
      const updated = await change(services, license, options.reason?.slice(0, MAX_REASON));
      const summary = licenseSummary(updated, await planOf(services, updated));
      out.result({ ok: true, license: summary }, () => {
        out.line(`License …${summary.keyLast4} (${summary.plan}, id ${summary.id}) is now ${summary.status}.`);
        if (summary.statusReason) out.line(`Reason: ${summary.statusReason}`);
      });
    });
  });
}
