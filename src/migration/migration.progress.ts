/**
 * One progress line per table: rows, rows/s and an ETA, redrawn in place on a terminal (at most 4 times a second),
 * and a final line per table. Written to stderr so that stdout carries only the report; silent with --json.
 */
export interface Progress {
  start(table: string, total: number): void;
  advance(rows: number): void;
  finish(): void;
}

export const silentProgress: Progress = { start: () => undefined, advance: () => undefined, finish: () => undefined };

const REDRAW_MS = 250;

export function createProgress(stream: NodeJS.WriteStream = process.stderr, now: () => number = Date.now): Progress {
  let table = "";
  let total = 0;
  let done = 0;
  let startedAt = 0;
  let drawnAt = 0;
  const interactive = stream.isTTY === true;

  const text = (): string => {
    const seconds = Math.max((now() - startedAt) / 1000, 0.001);
    const rate = done / seconds;
    const remaining = Math.max(total - done, 0);
    const eta = rate > 0 && remaining > 0 ? `, ETA ${formatDuration(remaining / rate)}` : "";
    return `${table}: ${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")} rows, ${Math.round(rate).toLocaleString("en-US")} rows/s${eta}`;
  };

  return {
    start(name, expected) {
      table = name;
      total = expected;
      done = 0;
      startedAt = now();
      drawnAt = 0;
    },
    advance(rows) {
      done += rows;
      if (!interactive || now() - drawnAt < REDRAW_MS) return;
      drawnAt = now();
      stream.write(`\r\x1b[2K${text()}`);
    },
    finish() {
      const seconds = (now() - startedAt) / 1000;
      stream.write(`${interactive ? "\r\x1b[2K" : ""}${text().replace(/, ETA .*$/, "")} in ${seconds.toFixed(1)} s\n`);
    },
  };
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min ${Math.ceil(seconds % 60)} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
