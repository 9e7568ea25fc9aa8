/**
 * Email out and in against a real SMTP server in-process (testing/smtp-receiver.ts: the `smtp-server` package
 * speaks the protocol; nodemailer is not mocked), on both databases: one email (not one per message) once the
 * visitor has been away for EMAIL_CONTINUITY_DELAY_SECONDS and none while they follow live; a reply by email (a
 * real multipart message with quoted history and a signature) comes back as the new text only; a forged token or
 * a missing secret is refused with nothing stored; SMTP down → retried, nothing lost, the agent's request
 * unaffected; agent alerts (at most one per conversation, off per user) and the daily digest.
 */
import MailComposer from "nodemailer/lib/mail-composer";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { emailAlertsWrite } from "~/server/chat/email/agent-alerts";
import type { ChatDeps } from "~/server/chat/deps";
import { MemoryEventBus } from "~/server/chat/events/memory-bus";
import type { Agent } from "~/server/chat/handoff/handoff-rules";
import {
  claimSession,
  closeSession,
  leaveEmailForFollowUp,
  requestHandoff,
} from "~/server/chat/handoff/handoff.service";
import { chat, followSessionEvents, sendAgentMessage } from "~/server/chat/messages/messages.service";
import { createSession } from "~/server/chat/sessions/sessions.service";
import { createVisitor } from "~/server/chat/visitors/visitors.service";
import { EMAIL_RETRY_BASE_MS } from "~/server/email/delivery";
import { startEmailWorker } from "~/server/jobs/email-worker";
import { restErrorResponse, toRestError } from "~/server/rest/errors";
import { inboundEmail } from "~/server/rest/inbound-email";
import { ScriptedResponder } from "../testing/responders";
import { startSmtpReceiver, type SmtpReceiver } from "../testing/smtp-receiver";
import { describeEachDatabase } from "./helpers/databases";
import { testConfig, testDeps } from "./helpers/deps";

const ADA: Agent = { id: "agent-ada", name: "Ada" };
const DELAY_MS = 120_000;
const DOMAIN = "reply.example.test";
const SECRET = "inbound-secret-for-tests-0123456789";

describeEachDatabase("email out and in (real SMTP)", (database) => {
  let smtp: SmtpReceiver;
  let deps: ChatDeps;
  let clock: number;

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
  });
  afterAll(async () => {
    await smtp.close();
  });

  beforeEach(async () => {
    clock = Date.now();
    smtp.received.length = 0;
    smtp.setDown(false);
    deps = testDeps(database(), {
      responder: new ScriptedResponder(["Bot reply"]),
      events: new MemoryEventBus(),
      config: testConfig({
        email: {
          smtpUrl: smtp.url,
          from: "Support <support@example.test>",
          continuityDelayMs: DELAY_MS,
          inboundDomain: DOMAIN,
          inboundSecret: SECRET,
          agentAlertAfterMs: 60_000,
          publicUrl: "https://chat.example.test",
        },
      }),
    });
    await deps.db.agentPresence.deleteMany({});
    await deps.db.emailOutbox.deleteMany({});
    await deps.db.agentAlertPreference.deleteMany({});
    await deps.db.adminUser.deleteMany({});
    // Earlier tests' conversations are done: nothing of theirs is due any more.
    await deps.db.session.updateMany({
      data: {
        follow_up_since: null,
        agents_alerted_at: new Date(0),
        emailed_through: new Date(clock + 3_600_000),
      },
    });
  });

  const jobs: { stop(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const job of jobs.splice(0)) await job.stop();
  });

  /** One run of the email worker at `at` (queue what is due, send the outbox). */
  async function tick(at: number) {
    const job = startEmailWorker({
      getDeps: async () => deps,
      holder: "email-test",
      enabled: true,
      schedule: false,
      now: () => new Date(at),
    });
    jobs.push(job);
    return job.tick();
  }

  const to = (address: string) => smtp.received.filter((mail) => mail.to.includes(address));

  async function conversationWithEmail(address: string) {
    const visitor = await createVisitor(deps, {});
    const session = await createSession(deps, { visitor_id: visitor.id });
    await chat(deps, {
      session_id: session.id,
      visitor_id: visitor.id,
      message: "Is my order 1234 shipped?",
    });
    await leaveEmailForFollowUp(deps, { id: visitor.id, visitor_id: visitor.id, email: address });
    await claimSession(deps, session.id, ADA);
    return { visitorId: visitor.id, sessionId: session.id };
  }

  it("the visitor is away: the agent's messages go in ONE email after the delay (text + HTML, link, stop, Reply-To)", async () => {
    const { sessionId, visitorId } = await conversationWithEmail("away@example.org");
    await sendAgentMessage(deps, { id: sessionId, message: "Hi, Ada here. Let me check." }, ADA);
    await sendAgentMessage(deps, { id: sessionId, message: "It shipped yesterday: tracking 1Z999." }, ADA);

    expect((await tick(Date.now())).continuity).toBe(0); // not away long enough yet
    expect(to("away@example.org")).toHaveLength(0);

    const later = Date.now() + DELAY_MS + 1_000;
    const result = await tick(later);
    expect(result).toMatchObject({ continuity: 1 });
    const mails = to("away@example.org");
    expect(mails).toHaveLength(1);
    const mail = mails[0]!.parsed;
    expect(mail.subject).toBe("Support: Ada replied to your message");
    expect(mail.from?.text).toContain("support@example.test");
    expect(mail.text).toContain("Hi, Ada here. Let me check.");
    expect(mail.text).toContain("It shipped yesterday: tracking 1Z999.");
    expect(mail.html).toContain("It shipped yesterday: tracking 1Z999.");
    expect(mail.text).toContain(`https://chat.example.test/widget?visitor=${visitorId}&session=${sessionId}`);
    const session = await deps.db.session.findUniqueOrThrow({ where: { id: sessionId } });
    expect(mail.replyTo?.text).toBe(`reply+${session.reply_token}@${DOMAIN}`);
    expect(mail.text).toContain(
      `https://chat.example.test/api/inbound/email/stop/?token=${session.reply_token}`,
    );

    // Sent once: later runs find nothing new.
    await tick(later + 10_000);
    expect(to("away@example.org")).toHaveLength(1);
    const row = await deps.db.emailOutbox.findFirstOrThrow({
      where: { session_id: sessionId, kind: "continuity" },
    });
    expect(row).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("the visitor follows live: no email for the messages they saw", async () => {
    const { sessionId, visitorId } = await conversationWithEmail("live@example.org");
    const controller = new AbortController();
    const stream = await followSessionEvents(
      deps,
      { id: sessionId, visitor_id: visitorId },
      controller.signal,
    );
    const reading = (async () => {
      for await (const event of stream)
        if (event.type === "message.created" && event.data.role === "agent") break;
    })();
    await new Promise((resolve) => setImmediate(resolve));
    await sendAgentMessage(deps, { id: sessionId, message: "Seen live" }, ADA);
    await reading; // the stream delivered it, then closed (the visitor left)
    controller.abort();
    await tick(Date.now() + DELAY_MS + 1_000);
    expect(to("live@example.org")).toHaveLength(0);
  });

  it("a reply by email comes back into the conversation as the new text only; a closed one reopens for agents", async () => {
    const { sessionId } = await conversationWithEmail("replier@example.org");
    await sendAgentMessage(deps, { id: sessionId, message: "Which size do you need?" }, ADA);
    await tick(Date.now() + DELAY_MS + 1_000);
    const sent = to("replier@example.org")[0]!.parsed;
    const replyTo = sent.replyTo!.value[0]!.address!;
    await closeSession(deps, sessionId);

    const raw = await new MailComposer({
      from: "Visitor <replier@example.org>",
      to: replyTo,
      subject: `Re: ${sent.subject}`,
      inReplyTo: sent.messageId,
      text:
        "Size M, please.\nThanks!\n\nOn Mon, 1 Dec 2026 at 10:00, Support <support@example.test> wrote:\n" +
        "> Which size do you need?\n> \n> Reply to this email\n",
      html: "<div>Size M, please.<br>Thanks!</div><blockquote>On Mon, 1 Dec 2026, Support wrote:<br>Which size do you need?</blockquote>",
    })
      .compile()
      .build();
    const response = await inboundEmail({
      request: new Request("http://localhost/api/inbound/email/", {
        method: "POST",
        headers: { authorization: `Bearer ${SECRET}`, "content-type": "message/rfc822" },
        body: new Uint8Array(raw),
      }),
      params: {},
      input: undefined,
      deps,
      principal: undefined,
    });
    expect(response.status).toBe(200);
    const stored = await deps.db.message.findMany({
      where: { session_id: sessionId },
      orderBy: [{ created_at: "asc" }, { id: "asc" }],
    });
    const last = stored.at(-1)!;
    expect(last).toMatchObject({ role: "user", content: "Size M, please.\nThanks!" });
    expect(stored.filter((row) => row.role === "system").map((row) => row.kind)).toContain("reopened");
    // No assistant reply to an email; the conversation is back in the follow-up queue for the agents.
    expect(stored.filter((row) => row.role === "assistant")).toHaveLength(1);
    const session = await deps.db.session.findUniqueOrThrow({ where: { id: sessionId } });
    expect(session.mode).toBe("bot");
    expect(session.follow_up_since).not.toBeNull();
  });

  it("a forged token or a missing secret is refused and nothing is stored", async () => {
    const { sessionId } = await conversationWithEmail("forger@example.org");
    const before = await deps.db.message.count();
    const post = async (headers: Record<string, string>, recipient: string) => {
      const raw = await new MailComposer({
        from: "forger@example.org",
        to: recipient,
        subject: "hi",
        text: "let me in",
      })
        .compile()
        .build();
      try {
        return await inboundEmail({
          request: new Request("http://localhost/api/inbound/email/", {
            method: "POST",
            headers,
            body: new Uint8Array(raw),
          }),
          params: {},
          input: undefined,
          deps,
          principal: undefined,
        });
      } catch (error) {
        return restErrorResponse(toRestError(error));
      }
    };
    const mime = { "content-type": "message/rfc822" };
    const forged = await post(
      { ...mime, authorization: `Bearer ${SECRET}` },
      `reply+${"0".repeat(32)}@${DOMAIN}`,
    );
    expect(forged.status).toBe(404);
    const otherDomain = await post(
      { ...mime, authorization: `Bearer ${SECRET}` },
      `reply+${"a".repeat(32)}@evil.test`,
    );
    expect(otherDomain.status).toBe(404);
    await sendAgentMessage(deps, { id: sessionId, message: "token please" }, ADA);
    await tick(Date.now() + DELAY_MS + 1_000);
    const realAddress = to("forger@example.org")[0]!.parsed.replyTo!.value[0]!.address!;
    expect((await post(mime, realAddress)).status).toBe(401);
    expect(
      (await post({ ...mime, authorization: "Bearer wrong-secret-0123456789" }, realAddress)).status,
    ).toBe(401);
    expect(await deps.db.message.count()).toBe(before + 1); // only the agent's message
  });

  it("SMTP down: the send is recorded and retried, nothing lost, the agent's message unaffected", async () => {
    const { sessionId } = await conversationWithEmail("patient@example.org");
    smtp.setDown(true);
    const message = await sendAgentMessage(deps, { id: sessionId, message: "Sent while mail is down" }, ADA);
    expect(message.role).toBe("agent");
    const later = Date.now() + DELAY_MS + 1_000;
    const first = await tick(later);
    expect(first).toMatchObject({ continuity: 1, sent: 0, retried: 1 });
    const pending = await deps.db.emailOutbox.findFirstOrThrow({ where: { session_id: sessionId } });
    expect(pending).toMatchObject({ status: "pending", attempts: 1 });
    expect(pending.last_error).toMatch(/451|unavailable/i);
    // Before the backoff has passed nothing is attempted.
    await tick(later + 1_000);
    expect((await deps.db.emailOutbox.findFirstOrThrow({ where: { id: pending.id } })).attempts).toBe(1);
    smtp.setDown(false);
    const retried = await tick(later + EMAIL_RETRY_BASE_MS + 1_000);
    expect(retried.sent).toBeGreaterThanOrEqual(1);
    expect(to("patient@example.org")).toHaveLength(1);
    expect(to("patient@example.org")[0]!.parsed.text).toContain("Sent while mail is down");
    expect(await deps.db.emailOutbox.findFirstOrThrow({ where: { id: pending.id } })).toMatchObject({
      status: "sent",
      attempts: 2,
    });
  });

  it("agent alerts: every admin user (unless turned off), once per conversation; the daily digest once a day", async () => {
    await deps.db.adminUser.createMany({
      data: [
        { id: "u-ada", name: "Ada", email: "ada@agents.test" },
        { id: "u-bob", name: "Bob", email: "bob@agents.test" },
      ],
    });
    await emailAlertsWrite(deps, "u-bob", false);
    const visitor = await createVisitor(deps, {});
    const session = await createSession(deps, { visitor_id: visitor.id, title: "Refund" });
    await chat(deps, { session_id: session.id, visitor_id: visitor.id, message: "I want a refund" });
    await requestHandoff(deps, { id: session.id, visitor_id: visitor.id }); // nobody online

    const now = Date.now();
    const first = await tick(now);
    expect(first.alerts).toBe(1);
    const alerts = to("ada@agents.test").filter((mail) => mail.parsed.subject?.includes("waiting"));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.parsed.text).toContain("I want a refund");
    expect(alerts[0]!.parsed.text).toContain("https://chat.example.test/admin/inbox");
    expect(to("bob@agents.test")).toHaveLength(0);
    const digests = () => to("ada@agents.test").filter((mail) => mail.parsed.subject?.includes("follow up"));
    expect(digests()).toHaveLength(1);
    expect(digests()[0]!.parsed.text).toContain("Refund");

    await tick(now + 60_000);
    expect(to("ada@agents.test").filter((mail) => mail.parsed.subject?.includes("waiting"))).toHaveLength(1);
    expect(digests()).toHaveLength(1);
    await tick(now + 25 * 60 * 60 * 1000);
    expect(digests()).toHaveLength(2);
  });
});
