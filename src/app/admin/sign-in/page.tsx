import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { currentAdmin, safeNextPath } from "~/app/admin/_lib/admin-page";
import { LanguageMenu } from "../_components/language-menu";
import { SignInForm } from "./sign-in-form";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("AdminSignIn");
  return { title: t("title") };
}
export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const next = safeNextPath((await searchParams).next);
  if (await currentAdmin()) redirect(next);
  return (
    <main className="admin admin-signin">
      <SignInForm next={next} />
      <LanguageMenu className="signin-language" />
    </main>
  );
}
