/** Fixed-duration throughput/latency measurement and a plain-text table, for the benchmarks in this folder. */

export interface Measurement {
  operation: string;
  concurrency: number;
  ops: number;
  seconds: number;
  p50Us: number;
  p99Us: number;
}

const nowNs = (): bigint => process.hrtime.bigint();

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summarise(operation: string, concurrency: number, latenciesUs: number[], elapsedNs: bigint): Measurement {
  const sorted = Float64Array.from(latenciesUs).sort();
  const seconds = Number(elapsedNs) / 1e9;
  return {
    operation,
    concurrency,
    ops: latenciesUs.length / seconds,
    seconds,
    p50Us: percentile(sorted, 50),
    p99Us: percentile(sorted, 99),
  };
}

/** Runs a synchronous operation back to back for `durationMs` (same event loop, nothing else runs meanwhile). */
export function measureSync(operation: string, durationMs: number, op: (i: number) => void): Measurement {
  const latencies: number[] = [];
  const start = nowNs();
  const deadline = start + BigInt(durationMs) * 1_000_000n;
  let t = start;
  for (let i = 0; t < deadline; i++) {
    op(i);
    const after = nowNs();
    latencies.push(Number(after - t) / 1000);
    t = after;
  }
  return summarise(operation, 1, latencies, t - start);
}

/** Runs `concurrency` workers, each awaiting `op` back to back, for `durationMs`. */
export async function measureAsync(
  operation: string,
  concurrency: number,
  durationMs: number,
  op: (i: number) => Promise<unknown>,
): Promise<Measurement> {
  const latencies: number[] = [];
  const start = nowNs();
  const deadline = start + BigInt(durationMs) * 1_000_000n;
  let counter = 0;
  const worker = async (): Promise<void> => {
    while (nowNs() < deadline) {
      const before = nowNs();
      await op(counter++);
      latencies.push(Number(nowNs() - before) / 1000);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return summarise(operation, concurrency, latencies, nowNs() - start);
}

export function formatTable(rows: Measurement[]): string {
  const header = ["operation", "concurrency", "ops/s", "p50 µs", "p99 µs"];
  const cells = rows.map((row) => [
    row.operation,
    String(row.concurrency),
    Math.round(row.ops).toLocaleString("en-US"),
    row.p50Us.toFixed(1),
    row.p99Us.toFixed(1),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((cell) => cell[i].length)));
  const line = (cell: string[]): string => cell.map((text, i) => (i === 0 ? text.padEnd(widths[i]) : text.padStart(widths[i]))).join("  ");
  return [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...cells.map(line)].join("\n");
}
