/** A page rendered on each request, as the app's widget page is. */
export const dynamic = "force-dynamic";

export default function Page() {
  return (
    <main>
      <h1>Reference</h1>
      <p>{new Date().toISOString()}</p>
    </main>
  );
}
