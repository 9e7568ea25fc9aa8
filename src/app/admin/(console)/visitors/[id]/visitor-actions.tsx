"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";

/** Export (a JSON download of everything of the visitor) and delete (after a confirmation), both audited. */
export function VisitorActions({ visitorId, sessionCount }: { visitorId: string; sessionCount: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const erase = useMutation(
    trpc.admin.visitors.delete.mutationOptions({
      onSuccess: () => {
        router.push("/admin/visitors");
        router.refresh();
      },
    }),
  );
  return (
    <div className="filters">
      <a className="button secondary" href={`/api/admin/visitors/${visitorId}/export/`} download>
        Export all data (JSON)
      </a>
      {!confirming ? (
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Delete visitor…
        </button>
      ) : (
        <span role="group" aria-label="Confirm deletion">
          Delete this visitor and its {sessionCount} session{sessionCount === 1 ? "" : "s"} for good?{" "}
          <button
            type="button"
            className="danger"
            disabled={erase.isPending}
            onClick={() => erase.mutate({ id: visitorId })}
          >
            Yes, delete everything
          </button>{" "}
          <button type="button" className="secondary" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </span>
      )}
      {erase.error && (
        <span role="alert" className="error">
          {erase.error.message}
        </span>
      )}
    </div>
  );
}
