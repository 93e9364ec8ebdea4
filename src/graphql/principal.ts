import type { Admin, AdminRole } from "../modules/admins/admin.model";
import type { Actor } from "../modules/activity/activity.service";
import type { License } from "../modules/licenses/license.model";

/** Who is calling: nobody, an admin token (with its role), or the holder of a license key. */
export type Principal =
  | { kind: "anonymous" }
  | { kind: "admin"; admin: Admin; role: AdminRole }
  | { kind: "license"; license: License; key: string };

export function actorOf(principal: Principal, ip: string | null): Actor {
  switch (principal.kind) {
    case "admin":
      return { label: `admin:${principal.admin._id.toHexString()}`, ip };
    case "license":
      return { label: `license:${principal.license._id.toHexString()}`, ip };
    default:
      return { label: "anonymous", ip };
  }
}
