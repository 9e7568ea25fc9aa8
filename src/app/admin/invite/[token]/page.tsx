import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { findInvite } from "~/server/admin/users/users.service";
import { serverContext } from "~/trpc/server";
import { LanguageMenu } from "../../_components/language-menu";
import { InviteForm } from "./invite-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("AdminInvite");
  return { title: t("title") };
}
export const dynamic = "force-dynamic";

/** An invitation link (POST /api/admin/users/): the invited user sets their password, once. Public. */
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invite = await findInvite(await (await serverContext()).getDeps(), token);
  const t = await getTranslations("AdminInvite");
  return (
    <main className="admin admin-signin">
      {invite ? (
        <InviteForm token={token} email={invite.email} name={invite.name} />
      ) : (
        <div>
          <h1>{t("heading")}</h1>
          <p role="alert" className="error">
            {t("invalid")}
          </p>
        </div>
      )}
      <LanguageMenu className="signin-language" />
    </main>
  );
}
