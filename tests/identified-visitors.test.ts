/**
 * Identified visitors, in-process on both databases: a valid user_hash links the visitor to the user and moves an
 * anonymous visitor's conversations to the user's visitor (the same user on another device sees them); a wrong
 * hash is a 401 that changes nothing; without a hash only metadata changes (within its limit); with
 * IDENTITY_REQUIRED unidentified visitors can read but not send.
 */
import { beforeAll, expect, it } from "vitest";
import { createCaller } from "~/server/api/root";
import type { ChatDeps, IdentityConfig } from "~/server/chat/deps";
import { isValidUserHash, userHashOf } from "~/server/chat/visitors/identify-visitor";
import { ScriptedResponder } from "../testing/responders";
import { describeEachDatabase } from "./helpers/databases";
import { expectTrpcError } from "./helpers/trpc";
import { testDeps } from "./helpers/deps";
import { TEST_ADMIN_API_KEY } from "../testing/test-env";

const SECRET = "identity-secret-for-tests-0123456789";

describeEachDatabase("identified visitors", (database, dialect) => {
  let deps: ChatDeps;
  const callerWith = (identity: IdentityConfig) =>
    createCaller({
      getDeps: async (): Promise<ChatDeps> => ({ ...deps, config: { ...deps.config, identity } }),
      headers: new Headers(),
      ip: "192.0.2.9",
    });
  const api = () => callerWith({ secret: SECRET, required: false });
  const userId = (name: string) => `${name}-${dialect}`;

  beforeAll(() => {
    deps = testDeps(database(), { responder: new ScriptedResponder(["Hello!"]) });
  });

  it("computes and checks user_hash as the site's server does (hex HMAC-SHA256)", () => {
    // RFC 4231 test case 2.
    expect(userHashOf("what do ya want for nothing?", "Jefe")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
    const hash = userHashOf("user-1", SECRET);
    expect(isValidUserHash("user-1", hash, SECRET)).toBe(true);
    expect(isValidUserHash("user-1", hash.toUpperCase(), SECRET)).toBe(true);
    expect(isValidUserHash("user-2", hash, SECRET)).toBe(false);
    expect(isValidUserHash("user-1", hash, `${SECRET}x`)).toBe(false);
  });

  it("the same user on a second device sees the first device's conversation", async () => {
    const chats = api();
    const user = userId("alice");
    const hash = userHashOf(user, SECRET);
    // Device 1: anonymous, chats, then signs in.
    const first = await chats.visitors.create({});
    const session = await chats.sessions.create({ visitor_id: first.id });
    await chats.messages.chat({
      session_id: session.id,
      visitor_id: first.id,
      message: "Where is my order?",
    });
    const linked = await chats.visitors.identify({
      id: first.id,
      user_id: user,
      user_hash: hash,
      name: "Alice",
    });
    expect(linked).toMatchObject({ visitor_id: first.id, identified: true });
    expect(linked.visitor).toMatchObject({ user_id: user, metadata: { name: "Alice" } });

    // Device 2: another anonymous visitor with a conversation of its own, then the same user signs in.
    const second = await chats.visitors.create({});
    const other = await chats.sessions.create({ visitor_id: second.id });
    await chats.messages.chat({ session_id: other.id, visitor_id: second.id, message: "And a refund?" });
    const joined = await chats.visitors.identify({ id: second.id, user_id: user, user_hash: hash });
    expect(joined).toMatchObject({ visitor_id: first.id, identified: true });

    const sessions = await chats.sessions.list({ visitor_id: joined.visitor_id });
    expect(sessions.items.map((item) => item.id).sort()).toEqual([session.id, other.id].sort());
    const messages = await chats.messages.list({ id: session.id, visitor_id: joined.visitor_id });
    expect(messages.items.map((item) => item.content)).toEqual(["Where is my order?", "Hello!"]);
    // The second device's old id is gone with everything it had (merged into the user's visitor).
    await expectTrpcError(chats.sessions.get({ id: other.id, visitor_id: second.id }), "NOT_FOUND");
    // Identifying again is idempotent.
    expect(await chats.visitors.identify({ id: first.id, user_id: user, user_hash: hash })).toMatchObject({
      visitor_id: first.id,
    });
  });

  it("a wrong hash is a 401 and changes nothing; a hash without IDENTITY_SECRET is refused", async () => {
    const chats = api();
    const victim = userId("victim");
    const owner = await chats.visitors.create({});
    await chats.visitors.identify({ id: owner.id, user_id: victim, user_hash: userHashOf(victim, SECRET) });
    const attacker = await chats.visitors.create({ metadata: { locale: "en" } });
    await chats.sessions.create({ visitor_id: attacker.id });
    for (const user_hash of [
      userHashOf(victim, "another secret value!"),
      "0".repeat(64),
      userHashOf("x", SECRET),
    ]) {
      await expectTrpcError(
        chats.visitors.identify({ id: attacker.id, user_id: victim, user_hash, name: "Mallory" }),
        "UNAUTHORIZED",
        "IDENTITY_HASH_INVALID",
      );
    }
    const after = await deps.db.visitor.findUniqueOrThrow({ where: { id: attacker.id } });
    expect(after).toMatchObject({ user_id: null, metadata: { locale: "en" } });
    expect(await deps.db.session.count({ where: { visitor_id: attacker.id } })).toBe(1);
    expect(await deps.db.session.count({ where: { visitor_id: owner.id } })).toBe(0);

    await expectTrpcError(
      callerWith({ required: false }).visitors.identify({
        id: attacker.id,
        user_id: victim,
        user_hash: userHashOf(victim, SECRET),
      }),
      "BAD_REQUEST",
      "IDENTITY_NOT_CONFIGURED",
    );
    await expectTrpcError(
      chats.visitors.identify({ id: attacker.id, user_id: victim, user_hash: "not-hex" }),
      "BAD_REQUEST",
      "VALIDATION_FAILED",
    );
    await expectTrpcError(
      chats.visitors.identify({ id: "00000000-0000-4000-8000-000000000000", user_id: "u" }),
      "NOT_FOUND",
      "VISITOR_NOT_FOUND",
    );
  });

  it("a visitor linked to one user is never merged into another: the new user gets their own", async () => {
    const chats = api();
    const [bob, carol] = [userId("bob"), userId("carol")];
    const shared = await chats.visitors.create({});
    await chats.visitors.identify({ id: shared.id, user_id: bob, user_hash: userHashOf(bob, SECRET) });
    await chats.sessions.create({ visitor_id: shared.id });
    const asCarol = await chats.visitors.identify({
      id: shared.id,
      user_id: carol,
      user_hash: userHashOf(carol, SECRET),
    });
    expect(asCarol.visitor_id).not.toBe(shared.id);
    expect(asCarol.visitor.user_id).toBe(carol);
    expect(await deps.db.session.count({ where: { visitor_id: shared.id } })).toBe(1);
    expect(await deps.db.session.count({ where: { visitor_id: asCarol.visitor_id } })).toBe(0);
  });

  it("without a hash only metadata changes, within the metadata limit", async () => {
    const chats = api();
    const visitor = await chats.visitors.create({ metadata: { locale: "de" } });
    const updated = await chats.visitors.identify({
      id: visitor.id,
      user_id: "claimed",
      name: "Dana",
      email: "dana@example.com",
      metadata: { plan: "pro" },
    });
    expect(updated).toMatchObject({ visitor_id: visitor.id, identified: false });
    // One email field: identify's email is the visitor's email, not a metadata key; a claim is not verified.
    expect(updated.visitor).toMatchObject({
      user_id: null,
      verified: false,
      email: "dana@example.com",
      metadata: { locale: "de", plan: "pro", name: "Dana", unverified_user_id: "claimed" },
    });
    expect(updated.visitor.metadata).not.toHaveProperty("email");
    expect((await deps.db.visitor.findUniqueOrThrow({ where: { id: visitor.id } })).email).toBe(
      "dana@example.com",
    );
    await expectTrpcError(
      chats.visitors.identify({ id: visitor.id, user_id: "u", metadata: { big: "x".repeat(8150) } }),
      "BAD_REQUEST",
      "METADATA_TOO_LARGE",
    );
    await expectTrpcError(
      chats.visitors.identify({ id: visitor.id, user_id: "u", email: "not an email" }),
      "BAD_REQUEST",
      "VALIDATION_FAILED",
    );
    expect((await deps.db.visitor.findUniqueOrThrow({ where: { id: visitor.id } })).metadata).toEqual(
      updated.visitor.metadata,
    );
  });

  it("only a valid hash marks a visitor verified; a merged-away anonymous visitor is gone, its data the user's", async () => {
    const chats = api();
    const user = userId("frank");
    const hash = userHashOf(user, SECRET);
    const home = await chats.visitors.create({});
    const verified = await chats.visitors.identify({ id: home.id, user_id: user, user_hash: hash });
    expect(verified.visitor).toMatchObject({ verified: true, user_id: user });
    // Another device: anonymous, with an email kept the old way (in metadata), a conversation and a rating.
    const phone = await chats.visitors.create({ metadata: { device: "phone" } });
    await deps.db.visitor.update({
      where: { id: phone.id },
      data: { metadata: { device: "phone", email: "frank@example.com" } },
    });
    const session = await chats.sessions.create({ visitor_id: phone.id });
    await chats.messages.chat({ session_id: session.id, visitor_id: phone.id, message: "hi" });
    await chats.sessions.rating({ id: session.id, visitor_id: phone.id, rating: 4 });
    const merged = await chats.visitors.identify({ id: phone.id, user_id: user, user_hash: hash });
    expect(merged.visitor_id).toBe(home.id);
    expect(merged.visitor.email).toBe("frank@example.com");
    // Nothing of the anonymous visitor is left apart from the user's visitor …
    expect(await deps.db.visitor.findUnique({ where: { id: phone.id } })).toBeNull();
    expect(await deps.db.sessionRating.count({ where: { visitor_id: phone.id } })).toBe(0);
    // … so the user's export holds it and erasing the user erases it.
    const exported = await createCaller({
      getDeps: async () => deps,
      headers: new Headers({ authorization: `Bearer ${TEST_ADMIN_API_KEY}` }),
      ip: "192.0.2.9",
    }).admin.visitors.export({ id: home.id });
    expect(JSON.stringify(exported)).toContain(session.id);
    await chats.visitors.erase({ id: home.id, visitor_id: home.id });
    expect(await deps.db.session.count({ where: { id: session.id } })).toBe(0);
    expect(await deps.db.sessionRating.count({ where: { session_id: session.id } })).toBe(0);
  });

  it("with IDENTITY_REQUIRED an unidentified visitor writes nothing: session, handoff, rating, typing, feedback", async () => {
    const open = api();
    const strict = callerWith({ secret: SECRET, required: true });
    const visitor = await open.visitors.create({});
    const session = await open.sessions.create({ visitor_id: visitor.id });
    const chat = await open.messages.chat({ session_id: session.id, visitor_id: visitor.id, message: "hi" });
    const owned = { id: session.id, visitor_id: visitor.id };
    // Each call is made when its turn comes: a refusal created early and awaited later is an unhandled rejection.
    const refused: [string, () => Promise<unknown>][] = [
      ["sessions.create", () => strict.sessions.create({ visitor_id: visitor.id })],
      ["sessions.handoff", () => strict.sessions.handoff(owned)],
      ["sessions.rating", () => strict.sessions.rating({ ...owned, rating: 5 })],
      ["sessions.typing", () => strict.sessions.typing({ ...owned, active: true })],
      [
        "messages.feedback",
        () =>
          strict.messages.feedback({ id: chat.assistant_message!.id, visitor_id: visitor.id, rating: "up" }),
      ],
      [
        "messages.chat",
        () => strict.messages.chat({ session_id: session.id, visitor_id: visitor.id, message: "x" }),
      ],
    ];
    for (const [name, call] of refused) {
      const error = await expectTrpcError(call(), "FORBIDDEN", "IDENTITY_REQUIRED");
      expect(error.message, name).toMatch(/sign in/);
    }
    expect(await deps.db.session.count({ where: { visitor_id: visitor.id } })).toBe(1);
    expect(await deps.db.sessionRating.count({ where: { session_id: session.id } })).toBe(0);
    expect(await deps.db.messageFeedback.count({ where: { session_id: session.id } })).toBe(0);
    expect(
      (await deps.db.session.findUniqueOrThrow({ where: { id: session.id } })).handoff_requested_at,
    ).toBeNull();
    // Reading stays open.
    await expect(strict.sessions.get(owned)).resolves.toMatchObject({ id: session.id });
  });

  it("with IDENTITY_REQUIRED unidentified visitors can read but not send; identified ones can", async () => {
    const open = api();
    const strict = callerWith({ secret: SECRET, required: true });
    const visitor = await open.visitors.create({});
    const session = await open.sessions.create({ visitor_id: visitor.id });
    await open.messages.chat({ session_id: session.id, visitor_id: visitor.id, message: "before" });
    await expectTrpcError(
      strict.messages.chat({ session_id: session.id, visitor_id: visitor.id, message: "now?" }),
      "FORBIDDEN",
      "IDENTITY_REQUIRED",
      /sign in/,
    );
    const reply = (await strict.messages.list({ id: session.id, visitor_id: visitor.id })).items.at(-1)!;
    await expectTrpcError(
      strict.messages.retry({ id: reply.id, visitor_id: visitor.id }),
      "FORBIDDEN",
      "IDENTITY_REQUIRED",
    );
    // Reading still works, and nothing was stored by the refused send.
    expect((await strict.messages.list({ id: session.id, visitor_id: visitor.id })).items).toHaveLength(2);
    const user = userId("erin");
    const { visitor_id } = await strict.visitors.identify({
      id: visitor.id,
      user_id: user,
      user_hash: userHashOf(user, SECRET),
    });
    const sent = await strict.messages.chat({ session_id: session.id, visitor_id, message: "now!" });
    expect(sent.user_message.content).toBe("now!");
  });
});
