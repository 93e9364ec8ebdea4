// One browser tab driven over CDP: navigation, evaluation, real mouse and keyboard input, and a record of
// every request and every problem (console errors, exceptions, CSP violations) of the page and its workers.
import { writeFile } from "node:fs/promises";
import type { CdpEvent, Chromium } from "./playground-chromium";

interface EvaluateResult {
  result: { value?: unknown };
  exceptionDetails?: { text: string; exception?: { description?: string } };
}

interface TargetInfo {
  type: string;
  url: string;
}

// Installed before any page script runs: CSP violations in the page are recorded where the test can read them.
const RECORD_CSP_VIOLATIONS = `
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) =>
    window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline")));
`;

export class Page {
  /** Every URL requested by the page or one of its workers, in order. */
  readonly requests: string[] = [];
  /** Console errors and warnings, uncaught exceptions, and CSP reports, from the page and its workers. */
  readonly problems: string[] = [];
  /** This tab's session and its workers' sessions: events of anything else are not ours. */
  private readonly sessions: Set<string>;

  private constructor(
    private readonly browser: Chromium,
    private readonly sessionId: string,
  ) {
    this.sessions = new Set([sessionId]);
  }

  static async open(browser: Chromium): Promise<Page> {
    const { targetId } = await browser.send<{ targetId: string }>("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await browser.send<{ sessionId: string }>("Target.attachToTarget", { targetId, flatten: true });
    const page = new Page(browser, sessionId);
    browser.onEvent((event) => page.record(event));
    await page.enableDomains(sessionId);
    await page.send("Page.enable");
    await page.send("Page.addScriptToEvaluateOnNewDocument", { source: RECORD_CSP_VIOLATIONS });
    // Monaco's workers are targets of their own: attach to them paused, so none of their requests or errors is missed.
    await page.send("Target.setAutoAttach", { autoAttach: true, waitForDebuggerOnStart: true, flatten: true });
    return page;
  }

  send<T = Record<string, unknown>>(method: string, params: object = {}): Promise<T> {
    return this.browser.send<T>(method, params, this.sessionId);
  }

  async navigate(url: string): Promise<void> {
    const { errorText } = await this.send<{ errorText?: string }>("Page.navigate", { url });
    if (errorText) throw new Error(`navigating to ${url}: ${errorText}`);
  }

  /** Evaluates an expression in the page and returns its JSON value; page exceptions become test failures. */
  async evaluate<T>(expression: string): Promise<T> {
    const { result, exceptionDetails } = await this.send<EvaluateResult>("Runtime.evaluate", {
      expression,
      returnByValue: true,
      awaitPromise: true,
    });
    if (exceptionDetails) throw new Error(`in page: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
    return result.value as T;
  }

  /** Polls until the expression is truthy; the failure names what was awaited and the last value seen. */
  async waitFor<T>(what: string, expression: string, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let last: T | undefined;
    while (Date.now() < deadline) {
      last = await this.evaluate<T>(expression);
      if (last) return last;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(last)}; problems: ${this.problems.join(" | ")}`);
  }

  /** A real left click at the centre of the first element matching the selector. */
  async click(selector: string): Promise<void> {
    const box = await this.evaluate<{ x: number; y: number } | null>(`(() => {
      const r = document.querySelector(${JSON.stringify(selector)})?.getBoundingClientRect();
      return r && r.width > 0 ? { x: r.x + r.width / 2, y: r.y + r.height / 2 } : null;
    })()`);
    if (!box) throw new Error(`nothing visible to click at ${selector}`);
    for (const type of ["mousePressed", "mouseReleased"]) {
      await this.send("Input.dispatchMouseEvent", { type, x: box.x, y: box.y, button: "left", clickCount: 1 });
    }
  }

  /**
   * Replaces the whole content of the focused editor as a user would: Ctrl+A, Backspace, then type key by key.
   * Clearing first matters: typing "{" over a selection makes Monaco wrap it in braces. Typing one key at a time
   * lets Monaco's auto-closed "}" and '"' be typed over, as they are for a person.
   */
  async replaceFocusedText(text: string): Promise<void> {
    await this.press({ key: "a", code: "KeyA", windowsVirtualKeyCode: 65, modifiers: 2, commands: ["selectAll"] });
    await this.press({ key: "Backspace", code: "Backspace", windowsVirtualKeyCode: 8 });
    for (const char of text) await this.press({ key: char, text: char });
  }

  private async press(key: Record<string, unknown>): Promise<void> {
    await this.send("Input.dispatchKeyEvent", { type: "keyDown", ...key });
    await this.send("Input.dispatchKeyEvent", { type: "keyUp", ...key, text: undefined });
  }

  async screenshot(file: string): Promise<void> {
    const { data } = await this.send<{ data: string }>("Page.captureScreenshot", { format: "png" });
    await writeFile(file, Buffer.from(data, "base64"));
  }

  private async enableDomains(sessionId: string): Promise<void> {
    for (const domain of ["Network", "Runtime", "Log"]) await this.browser.send(`${domain}.enable`, {}, sessionId);
  }

  private record(event: CdpEvent): void {
    const { method, params } = event;
    if (!event.sessionId || !this.sessions.has(event.sessionId)) return;
    if (method === "Target.attachedToTarget") {
      const child = params.sessionId as string;
      this.sessions.add(child);
      const info = params.targetInfo as TargetInfo;
      void this.enableDomains(child)
        .then(() => this.browser.send("Runtime.runIfWaitingForDebugger", {}, child))
        .catch((error: Error) => this.problems.push(`attaching to ${info.type} ${info.url}: ${error.message}`));
    } else if (method === "Network.requestWillBeSent") {
      this.requests.push((params.request as { url: string }).url);
    } else if (method === "Log.entryAdded") {
      const entry = params.entry as { level: string; source: string; text: string; url?: string };
      if (entry.level === "error" || entry.level === "warning") {
        this.problems.push(`${entry.source} ${entry.level}: ${entry.text} ${entry.url ?? ""}`.trim());
      }
    } else if (method === "Runtime.exceptionThrown") {
      const details = params.exceptionDetails as { text: string; exception?: { description?: string } };
      this.problems.push(`exception: ${details.exception?.description ?? details.text}`);
    } else if (method === "Runtime.consoleAPICalled" && (params.type === "error" || params.type === "warning")) {
      const args = params.args as Array<{ value?: unknown; description?: string }>;
      this.problems.push(`console.${String(params.type)}: ${args.map((a) => a.description ?? String(a.value)).join(" ")}`);
    }
  }
}
