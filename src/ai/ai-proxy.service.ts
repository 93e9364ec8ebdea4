import type { PlatformMetrics } from "../observability/metrics.registry";
import type { Actor } from "../modules/activity/activity.service";
import type { LicenseGrant } from "../modules/licenses/license-check.service";
import type { ActivationOutcome, ActivationService } from "../modules/licenses/activation.service";
import type { Plan } from "../modules/plans/plan.model";
import { includesAi } from "../modules/plans/plan.policy";
import { UsageStatus } from "../modules/usage/usage-log.model";
import type { Reservation, UsageQuotaService } from "../modules/usage/usage-quota.service";
import type { LimitFactor } from "../modules/usage/usage-limits";
import { CallTimer } from "./call-timer";
import type { ChatCall, ChatDraft, ChatProblem } from "./chat-request";
import type { PriceList, TokenCounts } from "./price-table";
import type { ProviderRegistry } from "./provider-registry";
import { estimatedUsage, worstCaseUsage } from "./token-estimate";
import { parseJson, UpstreamStatusError, UpstreamUnreachableError, type Upstream } from "./upstream";

/** Why a chat was not sent (nothing is reserved any more when this is returned). */
export type ChatRefusal =
  | { kind: "ai_not_included"; plan: Plan }
  | { kind: "limit"; limit: LimitFactor; plan: Plan; resetAt: Date; retryAfter: number }
  | { kind: "invalid"; problem: ChatProblem }
  | { kind: "site"; outcome: Exclude<ActivationOutcome, { ok: true }> }
  | { kind: "not_configured"; provider: string };

/** A chat admitted: its reservation is held until `complete` or `openStream` settles or releases it. */
export interface Admission {
  grant: LicenseGrant;
  call: ChatCall;
  reservation: Reservation;
  upstream: Upstream;
  /** The calling site, normalised, when it named one (recorded with the call). */
  site: string | null;
}

/** Where a chat came from, for its usage record. */
export interface ChatOrigin {
  endpoint: string;
  ip: string | null;
  userAgent: string | null;
  /** Aborts when the caller goes away: the provider call is aborted too. */
  signal?: AbortSignal;
}

/** What a call used and cost (the contract's `usage` object, §6.4). */
export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
  costMicros: number;
  responseTimeMs: number;
}

export interface ChatAnswer {
  /** The provider's JSON body, unchanged. */
  body: unknown;
  text: string;
  usage: ChatUsage;
}

/** A provider stream the caller reads once; its usage is known when `pipe` resolves. */
export interface ChatStream {
  pipe(write: (chunk: Uint8Array) => void): Promise<{ usage: ChatUsage; outcome: "complete" | "aborted" | "broken" }>;
}

/**
 * The AI proxy (DOMAIN.md "reserve, call, settle"): admission in the contract's order (§6.4 rows 5–16), then
 * one provider call, then exactly one usage record and the reservation settled to what the provider reported.
 */
export class AiProxyService {
  constructor(
    private readonly quota: UsageQuotaService,
    private readonly providers: ProviderRegistry,
    private readonly prices: PriceList,
    private readonly activations: ActivationService,
    private readonly timeoutMs: number,
    private readonly metrics?: PlatformMetrics["ai"],
  ) {}

  /** `rawSite`: the calling site as sent (header or body), activated like /api/validate does (§6.4 row 15). */
  async admit(
    grant: LicenseGrant,
    draft: ChatDraft,
    options: { rawSite?: unknown; actor: Actor },
  ): Promise<{ ok: true; admission: Admission } | { ok: false; refusal: ChatRefusal }> {
    const decided = await this.decide(grant, draft, options);
    if (!decided.ok && this.metrics) {
      this.metrics.refusals.inc({ reason: decided.refusal.kind });
      if (decided.refusal.kind === "limit") this.metrics.limitRefusals.inc({ limit: decided.refusal.limit });
    }
    return decided;
  }

  private async decide(
    grant: LicenseGrant,
    draft: ChatDraft,
    options: { rawSite?: unknown; actor: Actor },
  ): Promise<{ ok: true; admission: Admission } | { ok: false; refusal: ChatRefusal }> {
    const { license, plan } = grant;
    if (!includesAi(plan)) return { ok: false, refusal: { kind: "ai_not_included", plan } };
    const { call } = draft;
    const worstCase = this.prices.costMicros(plan, call.provider, call.model, worstCaseUsage(call.messages, call.maxTokens));
    if (draft.problem) {
      // A bad body reserves nothing (bad input changes nothing), but a reached limit is still answered first.
      const limited = await this.quota.wouldRefuse(license._id, plan, worstCase);
      if (limited)
        return {
          ok: false,
          refusal: { kind: "limit", limit: limited.limit, plan, resetAt: limited.resetAt, retryAfter: limited.retryAfter },
        };
      return { ok: false, refusal: { kind: "invalid", problem: draft.problem } };
    }
    const reserved = await this.quota.reserve(license._id, plan, worstCase);
    if (!reserved.ok)
      return {
        ok: false,
        refusal: { kind: "limit", limit: reserved.limit, plan, resetAt: reserved.resetAt, retryAfter: reserved.retryAfter },
      };
    const { reservation } = reserved;
    // Released once at most: a second release would give back minute and hour requests that are not ours.
    let released = false;
    const refuse = async (refusal: ChatRefusal): Promise<{ ok: false; refusal: ChatRefusal }> => {
      released = true;
      await this.quota.release(reservation);
      return { ok: false, refusal };
    };
    try {
      let site: string | null = null;
      const { rawSite } = options;
      if (rawSite !== undefined && rawSite !== null && rawSite !== "") {
        const outcome = await this.activations.activate(license, plan, rawSite, options.actor);
        if (!outcome.ok) return await refuse({ kind: "site", outcome });
        site = outcome.activation.site;
      }
      const upstream = await this.providers.upstreamFor(call.provider);
      if (!upstream) return await refuse({ kind: "not_configured", provider: call.provider });
      return { ok: true, admission: { grant, call, reservation, upstream, site } };
    } catch (error) {
      // An unexpected failure before the call reached the provider counts for nothing (§6.4 row 19).
      if (!released) await this.quota.release(reservation).catch(() => undefined);
      throw error;
    }
  }

  /**
   * A non-streamed call. Throws UpstreamStatusError (recorded and charged what the provider reported) or
   * UpstreamUnreachableError (released, not recorded).
   */
  async complete(admission: Admission, origin: ChatOrigin): Promise<ChatAnswer> {
    const timer = new CallTimer(this.timeoutMs, origin.signal);
    const started = Date.now();
    let text: string;
    try {
      const response = await admission.upstream.send(admission.call, timer.signal);
      text = await response.text();
    } catch (error) {
      throw await this.failed(admission, origin, started, error, timer.signal);
    } finally {
      timer.stop();
    }
    const body = parseJson(text);
    const usage = await this.settle(
      admission,
      origin,
      admission.upstream.usageOfJson(body) ?? estimatedUsage(admission.call.messages, admission.call.maxTokens),
      started,
      UsageStatus.ok,
      "ok",
    );
    return { body: body ?? text, text: admission.upstream.textOfJson(body), usage };
  }

  /**
   * A streamed call: resolves once the provider accepted it (before that, throws as `complete` does). The stream
   * is charged what the provider reported, or the §4.4 estimate when it was cut before reporting.
   */
  async openStream(admission: Admission, origin: ChatOrigin): Promise<ChatStream> {
    const timer = new CallTimer(this.timeoutMs, origin.signal);
    const started = Date.now();
    let response: Response;
    try {
      response = await admission.upstream.send(admission.call, timer.signal);
    } catch (error) {
      timer.stop();
      throw await this.failed(admission, origin, started, error, timer.signal);
    }
    const reader = admission.upstream.streamUsage();
    return {
      pipe: async (write) => {
        let outcome: "complete" | "aborted" | "broken" = "complete";
        try {
          for await (const chunk of response.body ?? []) {
            timer.restart();
            reader.push(chunk);
            write(chunk);
          }
        } catch {
          outcome = timer.signal.aborted && timer.signal.reason === "aborted" ? "aborted" : "broken";
        } finally {
          timer.stop();
        }
        const tokens = reader.usage() ?? estimatedUsage(admission.call.messages, admission.call.maxTokens);
        const label = outcome === "complete" ? "ok" : outcome === "aborted" ? "aborted" : "stream_broken";
        return { usage: await this.settle(admission, origin, tokens, started, UsageStatus.ok, label), outcome };
      },
    };
  }

  /** Settles or releases a call that failed, and returns the error to throw. */
  private async failed(admission: Admission, origin: ChatOrigin, started: number, error: unknown, signal: AbortSignal): Promise<Error> {
    if (error instanceof UpstreamStatusError) {
      // An error answer counts as one request, with 0 tokens unless the provider reported usage (§4.1).
      const tokens = admission.upstream.usageOfJson(parseJson(error.bodyText)) ?? { prompt: 0, completion: 0 };
      await this.settle(admission, origin, tokens, started, UsageStatus.provider_error, "provider_error");
      return error;
    }
    // A body that broke off before the answer was complete: no answer, as for a network error.
    const unreachable =
      error instanceof UpstreamUnreachableError
        ? error
        : new UpstreamUnreachableError(signal.aborted && signal.reason === "timeout" ? "timeout" : signal.aborted ? "aborted" : "network", {
            cause: error,
          });
    this.metrics?.requests.inc({ provider: admission.call.provider, model: admission.call.model, outcome: unreachable.reason });
    await this.quota.release(admission.reservation);
    return unreachable;
  }

  private async settle(
    admission: Admission,
    origin: ChatOrigin,
    tokens: TokenCounts,
    started: number,
    status: UsageStatus,
    /** For /metrics: ok, provider_error, aborted or stream_broken. */
    outcome: string,
  ): Promise<ChatUsage> {
    const { call, grant, reservation } = admission;
    const usage: ChatUsage = {
      promptTokens: tokens.prompt,
      completionTokens: tokens.completion,
      costMicros: this.prices.costMicros(grant.plan, call.provider, call.model, tokens),
      responseTimeMs: Date.now() - started,
    };
    this.record(call, usage, outcome);
    await this.quota.settle(reservation, {
      endpoint: origin.endpoint,
      provider: call.provider,
      model: call.model,
      promptTokens: usage.promptTokens,
      completionTokens: usage.completionTokens,
      costMicros: usage.costMicros,
      responseTimeMs: usage.responseTimeMs,
      status,
      site: admission.site,
      ip: origin.ip,
      userAgent: origin.userAgent,
    });
    return usage;
  }

  private record(call: ChatCall, usage: ChatUsage, outcome: string): void {
    if (!this.metrics) return;
    // The model is one of the plan's allowed models (a request for another is refused before this): a bounded label.
    const labels = { provider: call.provider, model: call.model };
    this.metrics.requests.inc({ ...labels, outcome });
    this.metrics.tokens.inc({ ...labels, direction: "input" }, usage.promptTokens);
    this.metrics.tokens.inc({ ...labels, direction: "output" }, usage.completionTokens);
    this.metrics.spendEur.inc(labels, usage.costMicros / 1_000_000);
    this.metrics.duration.observe(labels, usage.responseTimeMs / 1000);
  }
}
