// One flat config that lints and formats (prettier runs as a lint rule).
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-plugin-prettier/recommended";

const DOMAIN_FOLDERS = [
  "checks",
  "alerts",
  "executor",
  "oncall",
  "sentinel",
  "alertmanager",
  "incidents",
];
const NO_GRAMMY = "Domain code does not import grammY: Telegram belongs in src/bot.";
const NO_DATA_ACCESS =
  "A feature takes no Pool and calls no store: add a method to its domain's entry point.";

export default tseslint.config(
  // Build output, dependencies and what .ci/run and the benches leave (Node lines, the image base).
  { ignores: ["dist/", "node_modules/", "coverage/", ".cache/", ".bench/", ".ci/results/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": [
        "error",
        { checksVoidReturn: { arguments: false } },
      ],
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      eqeqeq: ["error", "smart"],
    },
  },
  // Layering. Domain code never imports grammY: it is run by the watcher, the executor and
  // the sentinel as well as the bot.
  {
    files: DOMAIN_FOLDERS.map((folder) => `src/${folder}/**/*.ts`),
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [{ name: "grammy", message: NO_GRAMMY }],
          patterns: [{ group: ["grammy/*", "@grammyjs/*"], message: NO_GRAMMY }],
        },
      ],
    },
  },
  // Features reach data only through the domains' entry points (Checks, AlertsDesk,
  // Executor, the on-call desk): none takes a Pool or calls a store directly. Types of what a
  // store returns are fine.
  {
    files: ["src/bot/features/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [{ name: "pg", message: NO_DATA_ACCESS }],
          patterns: [
            { regex: "^(\\.\\./)+db/", message: NO_DATA_ACCESS },
            {
              regex:
                "^(\\.\\./)+(.*-store|alerts/silence-actions|executor/verify|checks/(probes|listings)/.*)\\.js$",
              allowTypeImports: true,
              message: NO_DATA_ACCESS,
            },
          ],
        },
      ],
      "no-restricted-syntax": [
        "error",
        { selector: "Identifier[name='Pool']", message: NO_DATA_ACCESS },
      ],
    },
  },
  // Plain JavaScript outside the TypeScript project: the config, and a loader node takes before tsx.
  { files: ["eslint.config.js", "test/kit/*.mjs"], ...tseslint.configs.disableTypeChecked },
  prettier,
);
