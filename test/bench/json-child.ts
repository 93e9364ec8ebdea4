/**
 * A function run in a child node process, so that a load generator does not share the measured server's event
 * loop: the parent writes the input as JSON on the child's stdin, the child prints the result as one JSON line.
 */
import { spawn } from "node:child_process";

/** Runs `file` (which calls `serveJsonChild` when it is the main module) with `input`, and returns its result. */
export async function runJsonChild<I, O>(file: string, input: I): Promise<O> {
  const child = spawn(process.execPath, [file], { stdio: ["pipe", "pipe", "inherit"] });
  let output = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  child.stdin.end(JSON.stringify(input));
  const code = await exited;
  if (code !== 0) throw new Error(`the load child exited with ${code}: ${output.slice(-500)}`);
  return JSON.parse(output.trim().split("\n").pop() ?? "") as O;
}

/** The child's side: reads the input from stdin, runs `run`, prints its result; a failure sets the exit code. */
export function serveJsonChild<I, O>(run: (input: I) => Promise<O>): void {
  const main = async (): Promise<void> => {
    let input = "";
    process.stdin.setEncoding("utf8");
    for await (const chunk of process.stdin) input += chunk as string;
    process.stdout.write(`${JSON.stringify(await run(JSON.parse(input) as I))}\n`);
  };
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
