import { createHmac } from "node:crypto";

/** What a delivery looked like on the wire, and how the platform answered. */
export interface Delivery {
  status: number;
  body: unknown;
}

export interface SignOptions {
  /** Unix seconds; default now. */
  ts?: number;
  secret?: string;
}

/**
 * Signs as Paddle does: `Paddle-Signature: ts=<unix seconds>;h1=<hex HMAC-SHA256 of "<ts>:<raw body>">`, keyed with
 * the notification destination's secret (developer.paddle.com/webhooks/signature-verification).
 */
export function paddleSignature(rawBody: string, secret: string, ts = Math.floor(Date.now() / 1000)): string {
  const h1 = createHmac("sha256", secret).update(`${ts}:${rawBody}`).digest("hex");
  return `ts=${ts};h1=${h1}`;
}

/** A stand-in for Paddle's notification service, posting signed events over real HTTP to running platforms. */
export class PaddleSimulator {
  constructor(private readonly secret: string) {}

  /** Serialises and signs an event, and delivers it to one platform. */
  deliver(baseUrl: string, event: object, options: SignOptions = {}): Promise<Delivery> {
    const rawBody = JSON.stringify(event);
    return this.deliverRaw(baseUrl, rawBody, paddleSignature(rawBody, options.secret ?? this.secret, options.ts));
  }

  /** Delivers exact bytes with the header given (undefined: no Paddle-Signature header at all). */
  async deliverRaw(baseUrl: string, rawBody: string, signature: string | undefined): Promise<Delivery> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (signature !== undefined) headers["paddle-signature"] = signature;
    const response = await fetch(`${baseUrl}/webhooks/paddle`, { method: "POST", headers, body: rawBody });
    const text = await response.text();
    return { status: response.status, body: text === "" ? null : (JSON.parse(text) as unknown) };
  }
}
