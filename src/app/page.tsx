export default function HomePage() {
  return (
    <main style={{ maxWidth: 720, margin: "0 auto", padding: "48px 24px", lineHeight: 1.6 }}>
      <h1>Visitor Chat</h1>
      <p>
        A self-hostable chat for your website&apos;s visitors: a typed tRPC API at <code>/api/trpc</code> with
        visitors, sessions and messages, on SQLite or PostgreSQL.
      </p>
    </main>
  );
}
