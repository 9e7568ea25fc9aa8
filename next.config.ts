import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The REST bridge answers both /api/chats/visitors/ and /api/chats/visitors (the seed's clients use the
  // trailing slash): no redirect between the two.
  skipTrailingSlashRedirect: true,
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
