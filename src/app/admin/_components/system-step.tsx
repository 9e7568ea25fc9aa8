import { useTranslations } from "next-intl";
import type { SystemMessageKind } from "~/shared/system-messages";

/**
 * A visible step of a conversation (a message with role system) in the admin's language, from its kind: the inbox
 * and the transcript pages show the same words.
 */
export function SystemStepText({
  kind,
  authorName,
  fallback,
}: {
  kind: SystemMessageKind | null;
  authorName: string | null;
  fallback: string;
}) {
  const t = useTranslations("AdminFollowUp.system");
  const name = authorName ?? "—";
  switch (kind) {
    case "agent_joined":
      return t("agent_joined", { name });
    case "handed_back":
      return t("handed_back");
    case "closed":
      return authorName ? t("closed", { name }) : t("closedNoName");
    case "reopened":
      return t("reopened");
    default:
      return fallback;
  }
}
