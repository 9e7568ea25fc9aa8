/**
 * Fills every table of a migrated database through the app's own code paths (Prisma models, the admin-user and
 * API-key services), with values that stress a change of dialect: JSON with nested and unicode values,
 * booleans, bigints past 2^53, enums, null timestamps, millisecond timestamps. Used by the copy/backup tests
 * and bench/db-copy.ts.
 */
import type { AuditBy } from "~/server/chat/audit/audit-record";
import { randomUUID } from "node:crypto";
import { openDatabase } from "~/server/db/client";
import type { ChatDeps } from "~/server/chat/deps";
import { createApiKey } from "~/server/admin/api-keys/api-keys.service";
import { ensureTestAdmin } from "./admin";

/** The fixture's admin changes are audited as made by this key. */
const FIXTURE_BY: AuditBy = { actor: { kind: "api_key", id: null, name: "db-fixture" } };

export interface Filled {
  visitorId: string;
  sessionId: string;
  apiKey: string;
  messages: number;
}

export async function fillEveryTable(
  databaseUrl: string,
  options: { messages?: number; sessions?: number } = {},
): Promise<Filled> {
  const { db, dialect, close } = await openDatabase(databaseUrl);
  try {
    const deps = { db, dialect } as unknown as ChatDeps;
    const userId = await ensureTestAdmin(deps);
    const { key } = await createApiKey(deps, { name: "copied key" }, userId, FIXTURE_BY);
    await db.apiKey.create({
      data: {
        name: "revoked key",
        prefix: "vc_revoked",
        key_hash: randomUUID(),
        revoked_at: new Date("2026-01-02T03:04:05.678Z"),
        last_used_at: new Date("2026-01-01T00:00:00.001Z"),
      },
    });
    await db.adminUser.update({ where: { id: userId }, data: { emailVerified: true } });
    await db.adminSession.create({
      data: {
        id: randomUUID(),
        token: randomUUID(),
        userId,
        expiresAt: new Date("2030-01-01T00:00:00.000Z"),
        ipAddress: "198.51.100.7",
        userAgent: "Mozilla/5.0 ✓",
      },
    });
    await db.adminVerification.create({
      data: {
        id: "verification-1",
        identifier: "reset:x",
        value: "v",
        expiresAt: new Date("2031-05-06T07:08:09.010Z"),
      },
    });
    await db.adminRateLimit.create({
      data: { id: "rl-1", key: "198.51.100.7/sign-in", count: 3, lastRequest: 9_007_199_254_740_993n },
    });
    await db.adminInvite.create({
      data: {
        user_id: userId,
        token_hash: "0".repeat(64),
        expires_at: new Date("2026-03-08T09:00:00.000Z"),
        used_at: new Date("2026-03-02T09:00:00.000Z"),
      },
    });
    await db.adminSignInAttempt.create({
      data: {
        id: "attempt-1",
        key: "198.51.100.0|copied@example.com",
        at: new Date("2026-03-01T09:00:00.123Z"),
      },
    });
    await db.cannedResponse.create({ data: { shortcut: "copied", content: "Hi {{visitor.name}} — ü" } });
    await db.adminSignInThrottle.create({
      data: { email: "Someone@Example.com", window_start: new Date("2026-03-04T05:06:07.089Z"), attempts: 4 },
    });
    await db.jobLease.create({
      data: {
        name: "stale-reply-sweep",
        holder: "instance-a",
        expires_at: new Date("2026-11-25T12:00:00.500Z"),
      },
    });
    await db.knowledgeArticle.create({
      data: {
        slug: "opening-hours",
        title: "Opening hours — “Öffnungszeiten”",
        body: "## When are you open\n\nMonday to Friday, 9–17 😀",
        published: false,
        source_kind: "url",
        source_url: "https://example.com/help/hours",
        content_hash: "0".repeat(64),
        updated_at: new Date("2026-07-08T09:10:11.012Z"),
      },
    });
    const suite = await db.answerTestSuite.create({
      data: {
        name: "Opening hours — “Öffnungszeiten”",
        questions: [{ question: "Are you open on Sunday? 😀", expected: ["opening-hours"] }],
        updated_at: new Date("2026-07-08T09:10:12.013Z"),
      },
    });
    await db.answerTestRun.create({
      data: {
        suite_id: suite.id,
        summary: { total: 1, top1: 1, top3: 1, declined_correctly: 0, passed: 1 },
        results: [{ question: "Are you open on Sunday? 😀", passed: true, sources: [] }],
        created_at: new Date("2026-07-08T09:10:13.014Z"),
      },
    });
    await db.knowledgeVector.create({
      data: { id: "a".repeat(64), model: "embed-small", vector: [0.125, -1, 3.5e-8, 0] },
    });
    await db.auditEntry.create({
      data: {
        created_at: new Date("2026-11-25T12:01:02.345Z"),
        actor_kind: "api_key",
        actor_id: null,
        actor_name: "ADMIN_API_KEY",
        action: "sessions.exported",
        detail: { format: "csv", from: "2026-11-01", to: null, count: 3, ok: true },
        client_address: "2001:db8::1",
      },
    });
    await db.widgetSettings.create({
      data: {
        version: 3,
        title: "Hilfe «Grüße» 😀",
        accent: "#0e7490",
        suggested_prompts: ["Wo ist meine Bestellung?", "Refunds?"],
        allowed_origins: ["https://shop.example"],
        office_hours: { timezone: "Europe/Berlin", ranges: [{ day: "mon", from: "09:00", to: "17:00" }] },
        updated_at: new Date("2026-11-25T12:00:00.250Z"),
      },
    });
    await db.agentPresence.create({
      data: { agent_id: "api_key:k1", name: "Ada Ö", last_seen_at: new Date("2026-11-26T01:02:03.004Z") },
    });

    const visitor = await db.visitor.create({
      data: {
        created_at: new Date("2025-12-31T23:59:59.999Z"),
        metadata: { locale: "de-DE", nested: { b: [1, 2.5, null, true], a: "Grüße 😀" }, empty: {} },
        email: "grüße@example.com",
        context: {
          page_url: "https://shop.example/preise?plan=team",
          page_title: "Preise — Grüße 😀",
          referrer: null,
          language: "de-DE",
          time_zone: "Europe/Berlin",
          utc_offset_minutes: 60,
          updated_at: "2026-11-26T01:02:03.004Z",
          pages: [
            { url: "https://shop.example/preise?plan=team", title: "Preise", at: "2026-11-26T01:02:03.004Z" },
          ],
        },
      },
    });
    const sessions = options.sessions ?? 3;
    const messages = options.messages ?? 30;
    const sessionIds: string[] = [];
    for (let i = 0; i < sessions; i++) {
      const session = await db.session.create({
        data: {
          visitor_id: visitor.id,
          title: i === 0 ? null : `Session ${i} — “quotes”`,
          // The handoff columns: an enum, nullable text and a nullable timestamp.
          ...(i === 1 && {
            mode: "agent" as const,
            agent_id: "api_key:k1",
            agent_name: "Ada Ö",
            handoff_requested_at: new Date("2026-06-01T00:00:00.123Z"),
            transcript_requested_at: new Date("2026-06-01T00:00:01.234Z"),
          }),
        },
      });
      sessionIds.push(session.id);
    }
    const statuses = ["complete", "streaming", "failed", "stopped"] as const;
    const answerKinds = ["answered", "no_answer", "small_talk"] as const;
    const start = Date.parse("2026-06-01T00:00:00.000Z");
    for (let offset = 0; offset < messages; offset += 1000) {
      const count = Math.min(1000, messages - offset);
      await db.message.createMany({
        data: Array.from({ length: count }, (_, j) => {
          const n = offset + j;
          return {
            session_id: sessionIds[n % sessionIds.length]!,
            role: n % 5 === 4 ? ("agent" as const) : n % 2 === 0 ? ("user" as const) : ("assistant" as const),
            author_name: n % 5 === 4 ? "Ada Ö" : null,
            content: n % 7 === 0 ? `line one\nline "two" \\ ${n} ☃` : `message ${n}`,
            status: statuses[n % statuses.length]!,
            answer_kind: n % 2 === 0 ? null : answerKinds[n % answerKinds.length]!,
            created_at: new Date(start + n * 1001),
          };
        }),
      });
    }
    // Feedback on the first replies and a rating of the first session (enums, nullable text, integers).
    const replies = await db.message.findMany({
      where: { role: "assistant" },
      orderBy: { created_at: "asc" },
      take: 2,
      select: { id: true, session_id: true },
    });
    for (const [index, reply] of replies.entries()) {
      await db.messageFeedback.create({
        data: {
          message_id: reply.id,
          session_id: reply.session_id,
          visitor_id: visitor.id,
          rating: index === 0 ? "up" : "down",
          comment: index === 0 ? null : "Not what I asked ☃",
          created_at: new Date(start),
          updated_at: new Date(start + 1),
        },
      });
    }
    await db.sessionRating.create({
      data: { session_id: sessionIds[0]!, visitor_id: visitor.id, rating: 4, comment: "Helpful" },
    });
    await db.sessionNote.create({
      data: {
        session_id: sessionIds[0]!,
        author_id: "bootstrap_key",
        author_name: "Support",
        content: "Private — copied ü",
        created_at: new Date("2026-03-01T09:00:00.456Z"),
      },
    });
    await db.sessionLabel.create({
      data: {
        session_id: sessionIds[0]!,
        label: "billing ü",
        created_at: new Date("2026-03-01T09:00:01.5Z"),
      },
    });
    // Binary bytes (every byte value, and a NUL) survive the copy and the backup.
    await db.attachment.create({
      data: {
        session_id: sessionIds[0]!,
        visitor_id: visitor.id,
        uploader: "visitor",
        name: "screenshot ü.png",
        content_type: "image/png",
        size: 256,
        bytes: new Uint8Array(Array.from({ length: 256 }, (_, index) => index)),
        created_at: new Date("2026-03-01T09:00:02.25Z"),
      },
    });
    await db.handoffRequest.create({
      data: { session_id: sessionIds[0]!, requested_at: new Date("2026-03-01T09:00:02.25Z") },
    });
    // Webhooks: an endpoint (JSON events, a boolean, nullable times), an event and its delivery.
    const endpoint = await db.webhookEndpoint.create({
      data: {
        url: "https://hooks.example.com/chat?x=1&y=ü",
        events: ["visitor.created", "message.created"],
        secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        enabled: false,
        disabled_at: new Date("2026-02-03T04:05:06.007Z"),
        disabled_reason: "Every delivery failed for 24 hours.",
        failing_since: new Date("2026-02-02T04:05:06.007Z"),
      },
    });
    await db.webhookEvent.create({
      data: {
        id: "msg_0123456789abcdef0123456789abcdef",
        type: "visitor.created",
        payload: { id: visitor.id, metadata: { locale: "de-DE" } },
        dispatched_at: new Date("2026-02-01T00:00:00.001Z"),
      },
    });
    await db.webhookDelivery.create({
      data: {
        event_id: "msg_0123456789abcdef0123456789abcdef",
        endpoint_id: endpoint.id,
        status: "failed",
        attempts: 12,
        next_attempt_at: new Date("2026-02-02T00:00:00.000Z"),
        retry_until: new Date("2026-02-02T00:00:00.001Z"),
        last_status: 503,
        last_response: "Service Unavailable\n",
      },
    });
    await db.emailOutbox.create({
      data: {
        kind: "continuity",
        to_address: "visitor@example.org",
        subject: "Your conversation — “Antwort”",
        text: "Ada wrote:\n\nHello 😀",
        html: "<p>Ada wrote:</p><p>Hello 😀</p>",
        reply_to: "reply+copied@reply.example.com",
        session_id: sessionIds[0]!,
        attempts: 2,
        next_attempt_at: new Date("2026-03-05T10:00:00.250Z"),
        last_error: "451 try again later",
      },
    });
    await db.agentAlertPreference.create({ data: { user_id: "user-copied", email_alerts: false } });
    return { visitorId: visitor.id, sessionId: sessionIds[1] ?? sessionIds[0]!, apiKey: key, messages };
  } finally {
    await close();
  }
}
