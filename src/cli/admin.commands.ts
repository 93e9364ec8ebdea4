import { InvalidArgumentError, type Command } from "commander";
import { SYSTEM_ACTOR } from "../modules/activity/activity.service";
import { AdminRole } from "../modules/admins/admin.model";
import { withPlatform } from "./context";
import { createOutput } from "./output";

const ROLES = Object.values(AdminRole);

function parseRole(value: string): AdminRole {
  if (!(ROLES as string[]).includes(value)) throw new InvalidArgumentError(`choose one of ${ROLES.join(", ")}`);
  return value as AdminRole;
}

export function registerAdminCommands(program: Command): void {
  program
    .command("admin:token")
    .description("manage admin API tokens")
    .command("create")
    .description("create an admin token and print it (it is shown only once)")
    .requiredOption("--role <role>", `one of ${ROLES.join(", ")}`, parseRole)
    .requiredOption("--name <name>", "who or what the token is for")
    .action(async (options: { role: AdminRole; name: string }) => {
      const out = createOutput(program.opts().json === true);
      await withPlatform(async ({ services }) => {
        const { token, admin } = await services.admins.create(options.name, options.role, SYSTEM_ACTOR);
        out.result({ ok: true, token, id: admin._id.toHexString(), name: admin.name, role: admin.role }, () => {
          out.line(`Created ${admin.role} token "${admin.name}". Store it now; it cannot be shown again:`);
          out.line(token);
        });
      });
    });
}
