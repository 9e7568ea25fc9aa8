import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

/**
 * Layer boundaries (docs/architecture.md). An import is matched by its specifier, so each layer lists both the
 * `~/…` alias and the relative form (`../../api/…`) of what it must not reach.
 */
const FRAMEWORK = {
  regex: "^(next(/|$)|@trpc/|trpc-to-openapi$)",
  message:
    "The domain does not depend on Next.js or tRPC: the transports (src/server/api, src/server/rest) do.",
};

/** `~/server/<dir>` or `(../)+<dir>` or `(../)+server/<dir>`, for each dir. */
function serverDirs(dirs) {
  const names = dirs.join("|");
  return `^(~/server/(${names})|(\\.\\./)+(server/)?(${names}))(/|$)`;
}

/** `~/<dir>` or `(../)+<dir>` at the src/ level, for each dir. */
function srcDirs(dirs) {
  const names = dirs.join("|");
  return `^(~/(${names})|(\\.\\./)+(${names}))(/|$)`;
}

/** The environment (src/env.ts), by alias or relative path. */
const ENV = {
  regex: "^(~/|(\\.\\./)+)env(\\.[jt]s)?$",
  message:
    "The environment is read once, by the runtime (src/server/runtime/config.ts builds ChatDeps.config): take " +
    "the setting from deps.config.",
};

const DOMAIN_PATTERNS = [
  {
    regex: serverDirs(["api", "rest", "runtime", "admin"]),
    message:
      "src/server/chat is the domain: it must not import the transports (api, rest), the runtime wiring or admin.",
  },
  {
    regex: srcDirs(["trpc", "app", "components"]),
    message: "src/server/chat is the domain: it must not import src/trpc, src/app or src/components.",
  },
  FRAMEWORK,
  ENV,
];

/** The chat entities import in one direction: messages → sessions → visitors. */
function entityRule(files, forbidden) {
  return {
    files,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            ...DOMAIN_PATTERNS,
            {
              regex: `^(~/server/chat/|(\\.\\./)+(chat/)?)(${forbidden.join("|")})/`,
              message: "Chat entities import in one direction: messages → sessions → visitors.",
            },
          ],
        },
      ],
    },
  };
}

const boundaries = [
  {
    // The chat domain: plain functions of ChatDeps. No transport, no app wiring, no framework.
    files: ["src/server/chat/**", "src/server/errors/**"],
    rules: { "no-restricted-imports": ["error", { patterns: DOMAIN_PATTERNS }] },
  },
  // Later entries replace the rule's options for their files, so they repeat the domain's patterns.
  entityRule(["src/server/chat/visitors/**"], ["sessions", "messages"]),
  entityRule(["src/server/chat/sessions/**"], ["messages"]),
  {
    // Admin read-models and services: like the domain, reached through the transports, never reaching into them.
    files: ["src/server/admin/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: serverDirs(["api", "rest"]),
              message: "Admin services must not import the transports (src/server/api, src/server/rest).",
            },
            {
              regex: srcDirs(["trpc", "app", "components"]),
              message: "Admin services must not import src/trpc, src/app or src/components.",
            },
            FRAMEWORK,
          ],
        },
      ],
    },
  },
  {
    // The tRPC routers: their settings come with the deps (ctx.deps.config), never from the environment.
    files: ["src/server/api/routers/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [ENV] }] },
  },
  {
    // The app's wiring: builds the dependencies from the environment for the layers above it, never reaching up.
    files: ["src/server/runtime/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: serverDirs(["admin", "api", "rest"]),
              message:
                "src/server/runtime is the wiring below the transports and admin: it must not import src/server/admin, " +
                "api or rest (take what it needs as a parameter, or move it down).",
            },
          ],
        },
      ],
    },
  },
  {
    // Browser code: types of the API only; constants shared with the server come from src/shared.
    files: ["src/components/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(~/|(\\.\\./)+)server/",
              allowTypeImports: true,
              message:
                "Components run in the browser: import only types from src/server (`import type`); constants " +
                "shared with the server (modes, statuses, limits) come from src/shared.",
            },
          ],
        },
      ],
    },
  },
  {
    // The browser-safe constants: pure modules that import nothing but each other (no server code, no zod, no
    // framework, no Node), so any browser code may import them.
    files: ["src/shared/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(?!\\./[^/]+$)",
              message:
                "src/shared is imported by the browser: its modules are pure and import nothing but each other " +
                "(`./name`), not server code, zod or any other package.",
            },
          ],
        },
      ],
    },
  },
];

const config = [
  ...nextVitals,
  ...nextTypescript,
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      "src/generated/**",
      "data/**",
      "test-results/**",
      "playwright-report/**",
      "e2e/artifacts/**",
      "next-env.d.ts",
      "public/**",
    ],
  },
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // Server code logs through src/server/observability/logger.ts (JSON lines, an error's safe fields only);
    // browser code has no console output to read, so it reports through the UI or not at all.
    files: ["src/**"],
    rules: { "no-console": "error" },
  },
  ...boundaries,
  {
    // Every word a visitor or an admin reads comes from messages/<locale>.json (src/i18n): no text in JSX.
    files: ["src/components/widget/**/*.tsx", "src/app/widget/**/*.tsx", "src/app/admin/**/*.tsx"],
    rules: {
      "react/jsx-no-literals": [
        "error",
        {
          noStrings: false,
          allowedStrings: ["·", "—", "–", "×", "…", "/", ":", "(", ")", "#", "%", "+", "•", "*"],
        },
      ],
    },
  },
];

export default config;
