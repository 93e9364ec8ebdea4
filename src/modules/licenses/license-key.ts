import { randomBytes } from "node:crypto";

/** Keys longer than this are never found (plugin contract §2.2). */
export const MAX_KEY_LENGTH = 64;

/** `CHA-` plus four groups of 8 upper-case hex digits: 128 bits from a CSPRNG (plugin contract §2.1). */
export function generateLicenseKey(): string {
  const groups = Array.from({ length: 4 }, () => randomBytes(4).toString("hex").toUpperCase());
  return `CHA-${groups.join("-")}`;
}
