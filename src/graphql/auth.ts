import { GraphQLError } from "graphql";
import type { Services } from "../services";
import type { Principal } from "./principal";

function unauthenticated(message: string, reason?: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", ...(reason ? { reason } : {}), http: { status: 401 } } });
}

function rateLimited(message: string, retryAfter: number): GraphQLError {
  return new GraphQLError(`Rate limit exceeded: ${message}`, {
    extensions: { code: "RATE_LIMITED", retryAfter, http: { status: 429, headers: new Map([["retry-after", String(retryAfter)]]) } },
  });
}

/**
 * The caller of a request, from `Authorization: Bearer <admin token>` or `X-License-Key: <key>`. A credential
 * that is present but wrong is an error (never silently anonymous), answered the same for every kind of wrong.
 */
export async function principalFromHeaders(
  headers: Record<string, string | string[] | undefined>,
  ip: string,
  services: Services,
): Promise<Principal> {
  const authorization = single(headers.authorization);
  const licenseKey = single(headers["x-license-key"]);
  if (authorization !== undefined && licenseKey !== undefined)
    throw unauthenticated("Send either an admin token or a license key, not both");
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    const admin = match ? await services.admins.authenticate(match[1]) : null;
    if (!admin) throw unauthenticated("Invalid or revoked admin token");
    return { kind: "admin", admin, role: admin.role };
  }
  if (licenseKey !== undefined) {
    // The same gate as every other surface: guarded, and only a license that passes the check is a holder.
    const verdict = await services.licenseGate.admit(licenseKey, ip);
    if (verdict.valid)
      return { kind: "license", license: verdict.license, plan: verdict.plan, customer: verdict.customer, key: licenseKey };
    if (verdict.code === "LOOKUPS_BLOCKED") throw rateLimited(verdict.message, verdict.retryAfter);
    // The failed check is named, as the plugin's REST routes name it (contract §2.4).
    throw unauthenticated(verdict.detail === "License expired" ? "License expired" : "Invalid or inactive license", verdict.code);
  }
  return { kind: "anonymous" };
}

function single(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === "" ? undefined : text;
}
