// Reading the dashboard's tables the way a person reads them: by the table's caption and the column's header.
import type { Page } from "playwright-core";

/** The texts of one column (by its header) of the table with this caption. */
export async function column(page: Page, caption: string | RegExp, header: string): Promise<string[]> {
  const table = page.getByRole("table", { name: caption });
  await table.waitFor();
  const headers = (await table.locator("thead th").allTextContents()).map((text) => text.trim());
  const index = headers.indexOf(header);
  if (index < 0) throw new Error(`no column "${header}" in ${String(caption)}: ${headers.join(", ")}`);
  return (await table.locator(`tbody tr > :nth-child(${index + 1})`).allTextContents()).map((text) => text.trim());
}

/** Digits only: "1,234" and "1 234" are both 1234 (the browser formats numbers in its language). */
export function digits(text: string): number {
  return Number(text.replace(/[^0-9]/g, ""));
}
