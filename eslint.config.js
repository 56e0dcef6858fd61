import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "coverage/", "src/**/*.as.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  {
    // Globals of Node that the import rules (.dependency-cruiser.mjs) cannot see: the
    // mathematics and the stream layer run anywhere a JavaScript engine does.
    files: ["src/tda/**/*.ts", "src/stream/**/*.ts"],
    rules: {
      "no-restricted-globals": ["error", "process", "Buffer", "require", "__dirname"],
    },
  },
);
