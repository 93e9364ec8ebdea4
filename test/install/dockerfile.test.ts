import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../support/build";

// The Dockerfile cannot be built on the project's machines (no Docker); these checks catch what a rename or a new
// build input would break in it.

const dockerfile = readFileSync(path.join(ROOT, "Dockerfile"), "utf8");
const dockerignore = readFileSync(path.join(ROOT, ".dockerignore"), "utf8")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("#"));
const instructions = dockerfile
  .replace(/\\\n\s*/g, " ")
  .split("\n")
  .filter((line) => /^[A-Z]+\s/.test(line));
const runtimeStage = instructions.slice(instructions.findLastIndex((line) => line.startsWith("FROM ")));

test("every file the build stage copies from the context exists and is not excluded by .dockerignore", () => {
  const sources = instructions
    .filter((line) => line.startsWith("COPY ") && !line.includes("--from="))
    .flatMap((line) => line.split(/\s+/).slice(1, -1));
  expect(sources.length).toBeGreaterThan(0);
  for (const source of sources) {
    expect({ source, exists: existsSync(path.join(ROOT, source)), ignored: dockerignore.includes(source) }).toEqual({
      source,
      exists: true,
      ignored: false,
    });
  }
});

test("the build stage copies everything npm run build reads", () => {
  const copied = instructions.filter((line) => line.startsWith("COPY ") && !line.includes("--from=")).join(" ");
  for (const input of ["package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json", "scripts", "src"]) {
    expect(copied).toContain(input);
  }
});

test("the runtime image runs dist/main.js with node as a non-root user in production, and checks /livez without curl", () => {
  expect(runtimeStage).toContainEqual(expect.stringMatching(/^ENV .*NODE_ENV=production/));
  expect(runtimeStage).toContainEqual(expect.stringMatching(/^USER node$/));
  const port = /PORT=(\d+)/.exec(runtimeStage.find((line) => line.startsWith("ENV ")) ?? "")?.[1];
  expect(runtimeStage).toContain(`EXPOSE ${port}`);
  const healthcheck = runtimeStage.find((line) => line.startsWith("HEALTHCHECK ")) ?? "";
  expect(healthcheck).toMatch(/CMD \["node", "-e", "fetch\(.*\/livez'\)/);
  expect(healthcheck).not.toContain("curl");
  expect(runtimeStage.at(-1)).toBe('CMD ["node", "--enable-source-maps", "dist/main.js"]');
});
