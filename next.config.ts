import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The REST bridge answers both /api/chats/visitors/ and /api/chats/visitors (the seed's clients use the
  // trailing slash): no redirect between the two.
  skipTrailingSlashRedirect: true,
  poweredByHeader: false,
  reactStrictMode: true,
  async headers() {
    return [
      {
        // Customers' pages load this on every view: cache briefly, revalidate in the background.
        source: "/embed.js",
        headers: [
          { key: "Cache-Control", value: "public, max-age=300, stale-while-revalidate=86400" },
          { key: "Content-Type", value: "text/javascript; charset=utf-8" },
        ],
      },
    ];
  },
};

export default nextConfig;
