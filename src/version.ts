import { readFileSync } from "node:fs";
import path from "node:path";

// package.json sits one level above both src/ (tests) and dist/ (the build). It is read at run time
// because importing it would pull a file outside rootDir into the build.
const packageJson = JSON.parse(readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as { version: string };

export const APP_VERSION: string = packageJson.version;
