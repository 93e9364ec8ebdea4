/** CLI output: human-readable lines, or one JSON document with --json (for scripts). */
export interface Output {
  line(text: string): void;
  result(data: unknown, human: () => void): void;
}

export function createOutput(json: boolean): Output {
  return {
    line(text) {
      if (!json) process.stdout.write(`${text}\n`);
    },
    result(data, human) {
      if (json) process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
      else human();
    },
  };
}
