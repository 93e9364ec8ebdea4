import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * The platform's secret-handling primitives. Everything is derived from APP_SECRET with labelled keys, so the
 * digest key and the encryption key are independent even though one secret is configured.
 */
export class Secrets {
  private readonly digestKey: Buffer;
  private readonly encryptionKey: Buffer;
  /** Identifies the secret without revealing it (a one-way value, from its own derived key). */
  readonly fingerprint: string;

  constructor(appSecret: string) {
    const master = Buffer.from(appSecret, "utf8");
    this.digestKey = Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), "chatello/license-key-digest", 32));
    this.encryptionKey = Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), "chatello/aes-256-gcm", 32));
    const fingerprintKey = Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), "chatello/secret-fingerprint", 32));
    this.fingerprint = createHmac("sha256", fingerprintKey).update("chatello app secret", "utf8").digest("hex");
  }

  /** Keyed digest used to look secrets up without storing them (license keys). */
  digest(value: string): string {
    return createHmac("sha256", this.digestKey).update(value, "utf8").digest("hex");
  }

  /** AES-256-GCM; the output is "v1:<iv>:<tag>:<ciphertext>" in base64url, safe to store. */
  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.encryptionKey, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(":");
  }

  decrypt(stored: string): string {
    const [version, iv, tag, ciphertext] = stored.split(":");
    if (version !== "v1" || !iv || !tag || ciphertext === undefined) throw new Error("unreadable encrypted value");
    const decipher = createDecipheriv("aes-256-gcm", this.encryptionKey, Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  }
}

/** Unkeyed SHA-256, for admin tokens: they carry 190 random bits, so a keyed digest adds nothing. */
export function sha256(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/** Constant-time comparison of two hex digests (different lengths compare unequal without leaking timing). */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && timingSafeEqual(left, right);
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Uniformly random base62 text (rejection sampling, so no character is more likely than another). */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

/** Shows only the end of a secret: "…AB12". */
export function lastFour(value: string): string {
  return value.slice(-4);
}
