import { GraphQLError } from "graphql";
import type { Services } from "../services";
import type { Principal } from "./principal";

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
}

/**
 * The caller of a request, from `Authorization: Bearer <admin token>` or `X-License-Key: <key>`. A credential
 * that is present but wrong is an error (never silently anonymous), answered the same for every kind of wrong.
 */
export async function principalFromHeaders(headers: Record<string, string | string[] | undefined>, services: Services): Promise<Principal> {
  const authorization = single(headers.authorization);
  const licenseKey = single(headers["x-license-key"]);
  if (authorization !== undefined && licenseKey !== undefined) throw unauthenticated("Send either an admin token or a license key, not both");
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const admin = match ? await services.admins.authenticate(match[1]) : null;
    if (!admin) throw unauthenticated("Invalid or revoked admin token");
    return { kind: "admin", admin, role: admin.role };
  }
  if (licenseKey !== undefined) {
    const license = await services.licenses.findByKey(licenseKey);
    if (!license) throw unauthenticated("Invalid license key");
    return { kind: "license", license, key: licenseKey };
  }
  return { kind: "anonymous" };
}

function single(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === "" ? undefined : text;
}
