/** Next.js' own copy of the `compression` middleware (it ships no types): scripts/start.ts applies it as Next.js does. */
declare module "next/dist/compiled/compression/index.js" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  export default function compression(): (
    request: IncomingMessage,
    response: ServerResponse,
    next: () => void,
  ) => void;
}
