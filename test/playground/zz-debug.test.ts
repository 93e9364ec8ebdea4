import type { AddressInfo } from "node:net";
import { ensurePlaygroundBuilt } from "./bundle";
import { Chromium } from "./chromium";
import { buildFixture } from "./fixture";
import { Page } from "./page";

it("debug", async () => {
  const fixture = await buildFixture({ playgroundDir: await ensurePlaygroundBuilt() });
  await fixture.app.listen({ host: "127.0.0.1", port: 0 });
  const origin = `http://127.0.0.1:${(fixture.app.server.address() as AddressInfo).port}`;
  const browser = await Chromium.launch();
  const page = await Page.open(browser);
  await page.navigate(`${origin}/playground/`);
  await page.waitFor("render", `document.querySelectorAll(".graphiql-container .monaco-editor").length >= 4`);
  const text = `(document.querySelector(".graphiql-query-editor .view-lines")?.innerText ?? "").replace(/\\u00a0/g, " ")`;
  await page.waitFor("q", text + `.includes("viewer")`);
  await page.click(".graphiql-query-editor .monaco-editor .view-lines");
  const ctrlA = { modifiers: 2, key: "a", code: "KeyA", windowsVirtualKeyCode: 65, commands: ["selectAll"] };
  await page.send("Input.dispatchKeyEvent", { type: "keyDown", ...ctrlA });
  await page.send("Input.dispatchKeyEvent", { type: "keyUp", ...ctrlA });
  const log: string[] = [];
  log.push(JSON.stringify(await page.evaluate<string>(text)));
  for (const char of "{ hello }") {
    await page.send("Input.dispatchKeyEvent", { type: "keyDown", key: char, text: char });
    await page.send("Input.dispatchKeyEvent", { type: "keyUp", key: char });
    log.push(char + " -> " + JSON.stringify(await page.evaluate<string>(text)) + " active=" + (await page.evaluate<string>("document.activeElement?.className")));
  }
  console.log(log.join("\n"));
  await page.screenshot("/tmp/debug.png");
  await browser.close();
  await fixture.close();
});
