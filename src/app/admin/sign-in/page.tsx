import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentAdmin, safeNextPath } from "~/app/admin/_lib/admin-page";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const next = safeNextPath((await searchParams).next);
  if (await currentAdmin()) redirect(next);
  return (
    <main className="admin admin-signin">
      <SignInForm next={next} />
    </main>
  );
}
