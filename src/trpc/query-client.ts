import { QueryClient } from "@tanstack/react-query";

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Server-rendered data stays fresh briefly so the client does not refetch it immediately.
        staleTime: 30 * 1000,
        retry: (failureCount, error) => failureCount < 3 && !isClientError(error),
      },
    },
  });
}

/** 4xx answers will not change on retry; network errors and 5xx may. */
function isClientError(error: unknown): boolean {
  const status = (error as { data?: { httpStatus?: number } } | null)?.data?.httpStatus;
  return typeof status === "number" && status >= 400 && status < 500;
}
