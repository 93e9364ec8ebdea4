import { permissionMap } from "../../src/graphql/permissions";
import { LEAST_ROLE } from "../../src/admin/app/auth/roles";

/**
 * The dashboard hides what a role may not do, from its own table (src/admin/app/auth/roles.ts). That table must say
 * what the API's permission map says, or the UI would offer buttons that fail (or hide ones that work).
 */
const ROLE_OF_RULE: Record<string, string> = { isOwner: "owner", isAdmin: "admin", isSupport: "support", isReader: "readonly" };

interface ShieldRule {
  name?: string;
  rules?: ShieldRule[];
}

/** The least admin role a rule lets through (a rule like or(isAdmin, isOwnLicenseArg) is read for its role part). */
function leastRole(rule: ShieldRule): string | undefined {
  if (rule.name && ROLE_OF_RULE[rule.name]) return ROLE_OF_RULE[rule.name];
  for (const inner of rule.rules ?? []) {
    const role = leastRole(inner);
    if (role) return role;
  }
  return undefined;
}

const READS: Record<string, string> = {
  readBusiness: "licenses",
  readAnalytics: "analytics",
  readNotifications: "notifications",
  readSettings: "providerKeys",
};

test("every action the dashboard offers needs the same least role as the API's permission map", () => {
  // graphql-shield keeps `rules` private in its types; the objects carry them, and reading them is the point here.
  const mutations = permissionMap.Mutation as unknown as Record<string, ShieldRule>;
  const queries = permissionMap.Query as unknown as Record<string, ShieldRule>;
  const mismatches = Object.entries(LEAST_ROLE).flatMap(([ability, role]) => {
    const rule = READS[ability] ? queries[READS[ability]] : mutations[ability];
    if (!rule) return [`${ability}: not in the permission map`];
    const apiRole = leastRole(rule);
    return apiRole === role ? [] : [`${ability}: dashboard ${role}, API ${apiRole}`];
  });
  expect(mismatches).toEqual([]);
});

test("the settings page's other reads (admin tokens) need the same role as provider keys", () => {
  expect(leastRole(permissionMap.Query.admins as unknown as ShieldRule)).toBe(LEAST_ROLE.readSettings);
});
