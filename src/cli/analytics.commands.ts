import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { badInput } from "../errors";
import { historyCsv } from "../modules/analytics/analytics-csv";
import { parseDayRange } from "../modules/analytics/analytics.dates";
import { checkCurrency } from "../modules/analytics/analytics.service";
import { withPlatform } from "./context";

export function registerAnalyticsCommands(program: Command): void {
  program
    .command("analytics:export")
    .description("write the daily analytics history as CSV (from the daily snapshots; days without one are computed)")
    .requiredOption("--from <day>", "first UTC day, YYYY-MM-DD")
    .requiredOption("--to <day>", "last UTC day, YYYY-MM-DD (at most 3 years after --from)")
    .option("--currency <code>", "ISO 4217 currency of the money columns", "EUR")
    .option("--output <file>", "write the CSV to this file instead of stdout")
    .addHelpText(
      "after",
      "\nExample:\n  $ platform analytics:export --from 2026-11-01 --to 2026-11-30 --currency EUR --output november.csv",
    )
    .action(async (options: { from: string; to: string; currency: string; output?: string }) => {
      // Checked before connecting: a typo is one line, at once.
      const range = parseDayRange(options.from, options.to);
      const currency = checkCurrency(options.currency);
      const csv = await withPlatform(async ({ services }) => {
        progress(`Reading ${options.from} … ${options.to} (${currency}) from the daily snapshots, computing the days without one…`);
        const rows = await services.snapshots.history(range.from, range.to, currency);
        const computed = rows.filter((row) => row.source === "computed").length;
        progress(`${rows.length} days: ${rows.length - computed} from snapshots, ${computed} computed.`);
        return historyCsv(rows);
      });
      if (options.output === undefined) process.stdout.write(csv);
      else {
        await writeFile(options.output, csv, "utf8").catch((error: unknown) => {
          throw badInput(`Cannot write ${options.output}: ${error instanceof Error ? error.message : String(error)}`);
        });
        progress(`Wrote ${options.output}.`);
      }
    });
}

/** Progress goes to stderr: stdout may be the CSV itself. */
function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}
