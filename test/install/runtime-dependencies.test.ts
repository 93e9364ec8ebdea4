import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import ts from "typescript";
import { ROOT } from "../support/build";

// A production install has only package.json's "dependencies": every package that compiled code under src/ requires
// must be one of them (mongodb, for one, is a dev dependency for the tests; src/ reaches it through mongoose).

const packageJson = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    // The dashboard's browser code is bundled by esbuild at build time (dist/admin/public); nothing requires it at run time.
    if (entry.isDirectory()) return full === path.join(ROOT, "src", "admin", "app") ? [] : typeScriptFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** The packages a file requires once compiled (type-only imports are gone by then, as in the build). */
function requiredPackages(file: string): string[] {
  const { outputText } = ts.transpileModule(readFileSync(file, "utf8"), {
    fileName: file,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
    },
  });
  return [...outputText.matchAll(/\brequire\("([^"]+)"\)/g)]
    .map((match) => match[1] ?? "")
    .filter((specifier) => !specifier.startsWith(".") && !specifier.startsWith("node:") && !builtinModules.includes(specifier))
    .map((specifier) =>
      specifier
        .split("/")
        .slice(0, specifier.startsWith("@") ? 2 : 1)
        .join("/"),
    );
}

test("every package that src/ requires at run time is a production dependency", () => {
  const missing = new Map<string, string>();
  const required = new Set<string>();
  for (const file of typeScriptFiles(path.join(ROOT, "src"))) {
    for (const pkg of requiredPackages(file)) {
      required.add(pkg);
      if (!(pkg in packageJson.dependencies)) missing.set(pkg, path.relative(ROOT, file));
    }
  }
  expect(required).toContain("mongoose");
  expect(Object.fromEntries(missing)).toEqual({});
});
