// @ts-check
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

// Lint runs in the build (npm test): unused code, `any` without a reason, floating promises and over-long comments
// are caught before review. Formatting itself is Prettier's (eslint-config-prettier turns the overlapping rules off).
export default tseslint.config(
  {
    ignores: [
      "dist/",
      ".bench-build/",
      "coverage/",
      "data/",
      "node_modules/",
      "test/__generated__/",
      "src/admin/app/api/operations.ts",
      "src/playground/",
      "**/*.mjs",
      "**/*.js",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: false }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-require-imports": "off",
      // Prettier wraps code; comments it leaves alone, so their length is checked here.
      "max-len": ["error", { code: 160, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignoreUrls: true }],
      eqeqeq: ["error", "always"],
      // Some patterns match control characters on purpose (site URLs, index keys, namespaces).
      "no-control-regex": "off",
      // A variable assigned after a closure that reads it is declared first on purpose.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
    },
  },
  prettier,
);
