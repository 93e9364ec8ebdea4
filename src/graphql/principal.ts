import type { Admin, AdminRole } from "../modules/admins/admin.model";
import { adminActor, licenseActor, type Actor } from "../modules/activity/activity.service";
import type { LicenseGrant } from "../modules/licenses/license-check.service";

/** Who is calling: nobody, an admin token (with its role), or the holder of a license key. */
export type Principal =
  | { kind: "anonymous" }
  | { kind: "admin"; admin: Admin; role: AdminRole }
  /** Only ever made from a license that passed the check (the license gate), with the plan it was checked on. */
  | ({ kind: "license"; key: string } & Omit<LicenseGrant, "valid">);

export function actorOf(principal: Principal, ip: string | null): Actor {
  switch (principal.kind) {
    case "admin":
      return adminActor(principal.admin, ip);
    case "license":
      return licenseActor(principal.license, ip);
    default:
      return { label: "anonymous", ip };
  }
}
