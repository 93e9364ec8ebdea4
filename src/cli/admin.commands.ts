import { mongoose } from "@typegoose/typegoose";
import { InvalidArgumentError, type Command } from "commander";
import { badInput } from "../errors";
import { SYSTEM_ACTOR } from "../modules/activity/activity.service";
import { type Admin, AdminRole } from "../modules/admins/admin.model";
import { withPlatform } from "./context";
import { createOutput } from "./output";

const ROLES = Object.values(AdminRole);

function parseRole(value: string): AdminRole {
  if (!(ROLES as string[]).includes(value)) throw new InvalidArgumentError(`choose one of ${ROLES.join(", ")}`);
  return value as AdminRole;
}

/** An admin token's id; the argument is not echoed back, since it could be a token pasted by mistake. */
function parseTokenId(value: string): mongoose.Types.ObjectId {
  const text = value.trim();
  if (/^[0-9a-f]{24}$/i.test(text)) return new mongoose.Types.ObjectId(text);
  if (text.startsWith("chk_")) throw badInput("That is a token, not its id: find its id with `admin:token list`");
  throw badInput("An admin token id is 24 hexadecimal characters, as `admin:token list` shows it");
}

interface TokenView {
  id: string;
  name: string;
  role: AdminRole;
  tokenPrefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** What `admin:token list` shows: never the token nor its digest (the visible prefix is what GraphQL shows too). */
function tokenView(admin: Admin): TokenView {
  return {
    id: admin._id.toHexString(),
    name: admin.name,
    role: admin.role,
    tokenPrefix: admin.token_prefix,
    createdAt: admin.created_at.toISOString(),
    lastUsedAt: admin.last_used_at?.toISOString() ?? null,
    revokedAt: admin.revoked_at?.toISOString() ?? null,
  };
}

export function registerAdminCommands(program: Command): void {
  const token = program.command("admin:token").description("manage admin API tokens (create, list, revoke)");

  token
    .command("create")
    .description("create an admin token and print it (it is shown only once)")
    .requiredOption("--role <role>", `one of ${ROLES.join(", ")}`, parseRole)
    .requiredOption("--name <name>", "who or what the token is for")
    .addHelpText(
      "after",
      `
Examples:
  $ platform admin:token create --role owner --name "Ada (ops)"
  $ platform --json admin:token create --role readonly --name grafana     # {"ok":true,"token":"chk_r_…",…}`,
    )
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

  token
    .command("list")
    .description("list every admin token, revoked ones included (never the tokens themselves)")
    .addHelpText(
      "after",
      `
Examples:
  $ platform admin:token list
  $ platform --json admin:token list`,
    )
    .action(async () => {
      const out = createOutput(program.opts().json === true);
      await withPlatform(async ({ services }) => {
        const tokens = (await services.admins.list()).map(tokenView);
        out.result({ ok: true, tokens }, () => {
          if (tokens.length === 0) out.line("No admin tokens yet: create one with `admin:token create`.");
          for (const view of tokens)
            out.line(
              `${view.id}  ${view.role.padEnd(8)} ${view.tokenPrefix}…  "${view.name}"  ` +
                `created ${view.createdAt}, last used ${view.lastUsedAt ?? "never"}` +
                (view.revokedAt === null ? "" : `, REVOKED ${view.revokedAt}`),
            );
        });
      });
    });

  token
    .command("revoke")
    .description("revoke an admin token: it stops working at once, on every instance")
    .argument("<id>", "the token's id, as `admin:token list` shows it")
    .addHelpText(
      "after",
      `
Examples:
  $ platform admin:token revoke 6571f0c2a9e4b1d2c3f4a5b6
  $ platform --json admin:token revoke 6571f0c2a9e4b1d2c3f4a5b6`,
    )
    .action(async (id: string) => {
      const out = createOutput(program.opts().json === true);
      const adminId = parseTokenId(id);
      await withPlatform(async ({ services }) => {
        const admin = await services.admins.revoke(adminId, SYSTEM_ACTOR);
        out.result({ ok: true, token: tokenView(admin) }, () =>
          out.line(`Revoked the ${admin.role} token "${admin.name}" (id ${admin._id.toHexString()}); it no longer works.`),
        );
      });
    });
}
