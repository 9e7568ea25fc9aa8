/**
 * A transcript on close when the visitor asked for one (issue 25 item 2), against a real SMTP server in-process
 * (testing/smtp-receiver.ts), on both databases: the visitor asks (an address given with the request, or the one
 * left before; none → refused with a clear 400); each close by an agent queues ONE transcript (plain text and HTML,
 * the site's title, every visitor/assistant/agent message and visible step, never a private note, the link back,
 * the stop link); closing again sends nothing more; reopen + close sends one more; withdrawn → none; another
 * visitor cannot ask on someone else's conversation; a stopped address gets none.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from "vitest";
import { addSessionNote } from "~/server/admin/notes/notes.service";
import type { ChatDeps } from "~/server/chat/deps";
import { requestTranscript } from "~/server/chat/email/transcript-request";
import { MemoryEventBus } from "~/server/chat/events/memory-bus";
import type { Agent } from "~/server/chat/handoff/handoff-rules";
import { claimSession, closeSession } from "~/server/chat/handoff/handoff.service";
import { chat, sendAgentMessage } from "~/server/chat/messages/messages.service";
import { createSession } from "~/server/chat/sessions/sessions.service";
import { createVisitor, setVisitorEmail } from "~/server/chat/visitors/visitors.service";
import { startEmailWorker } from "~/server/jobs/email-worker";
import type { AuditBy } from "~/server/chat/audit/audit-record";
import { ScriptedResponder } from "../testing/responders";
import { startSmtpReceiver, type SmtpReceiver } from "../testing/smtp-receiver";
import { describeEachDatabase } from "./helpers/databases";
import { testConfig, testDeps } from "./helpers/deps";

const ADA: Agent = { id: "agent-ada", name: "Ada" };
const BY: AuditBy = { actor: { kind: "api_key", id: null, name: "test" } };

describeEachDatabase("transcript by email on close (real SMTP)", (database) => {
  let smtp: SmtpReceiver;
  let deps: ChatDeps;

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
  });
  afterAll(async () => {
    await smtp.close();
  });

  beforeEach(async () => {
    smtp.received.length = 0;
    deps = testDeps(database(), {
      responder: new ScriptedResponder(["Orders ship within two days."]),
      events: new MemoryEventBus(),
      config: testConfig({
        email: {
          smtpUrl: smtp.url,
          from: "Support <support@example.test>",
          // Long: no continuity email is due during these tests (only transcripts are looked at).
          continuityDelayMs: 3_600_000,
          inboundDomain: "reply.example.test",
          inboundSecret: "inbound-secret-for-tests-0123456789",
          agentAlertAfterMs: 3_600_000,
          publicUrl: "https://chat.example.test",
        },
      }),
    });
    await deps.db.emailOutbox.deleteMany({});
    await deps.db.agentPresence.deleteMany({});
    await deps.db.adminUser.deleteMany({});
  });

  const jobs: { stop(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const job of jobs.splice(0)) await job.stop();
  });

  /** One run of the email worker: sends what is queued. */
  async function tick() {
    const job = startEmailWorker({
      getDeps: async () => deps,
      holder: "transcript-test",
      enabled: true,
      schedule: false,
      now: () => new Date(),
    });
    jobs.push(job);
    return job.tick();
  }

  const to = (address: string) => smtp.received.filter((mail) => mail.to.includes(address));

  async function conversation() {
    const visitor = await createVisitor(deps, {});
    const session = await createSession(deps, { visitor_id: visitor.id, title: "Order 1234" });
    await chat(deps, {
      session_id: session.id,
      visitor_id: visitor.id,
      message: "When does order 1234 ship?",
    });
    await claimSession(deps, session.id, ADA);
    await sendAgentMessage(deps, { id: session.id, message: "It left our warehouse today." }, ADA);
    await addSessionNote(
      deps,
      { id: session.id, content: "PRIVATE: customer was rude last time" },
      { id: ADA.id, name: "Ada" },
      BY,
    );
    return { visitorId: visitor.id, sessionId: session.id };
  }

  it("asked with an address: one transcript per close, every message and step, never a note", async () => {
    const { visitorId, sessionId } = await conversation();
    const asked = await requestTranscript(deps, {
      id: sessionId,
      visitor_id: visitorId,
      email: "transcript@example.org",
    });
    expect(asked.transcript_requested).toBe(true);
    expect((await deps.db.visitor.findUniqueOrThrow({ where: { id: visitorId } })).email).toBe(
      "transcript@example.org",
    );

    await closeSession(deps, sessionId, BY);
    await closeSession(deps, sessionId, BY); // already closed: changes nothing, sends nothing
    await tick();
    const mails = to("transcript@example.org");
    expect(mails).toHaveLength(1);
    const mail = mails[0]!.parsed;
    expect(mail.subject).toBe("Support: the transcript of your conversation");
    for (const body of [mail.text!, mail.html as string]) {
      expect(body).toContain("Order 1234");
      expect(body).toContain("When does order 1234 ship?");
      expect(body).toContain("Orders ship within two days.");
      expect(body).toContain("It left our warehouse today.");
      expect(body).toContain("Ada joined the conversation");
      expect(body).toContain("The conversation was closed");
      expect(body).not.toContain("PRIVATE");
    }
    expect(mail.text).toContain(`https://chat.example.test/widget?visitor=${visitorId}&session=${sessionId}`);
    expect(mail.html).toContain(
      `https://chat.example.test/widget?visitor=${visitorId}&amp;session=${sessionId}`,
    );
    const session = await deps.db.session.findUniqueOrThrow({ where: { id: sessionId } });
    expect(mail.text).toContain(
      `https://chat.example.test/api/inbound/email/stop/?token=${session.reply_token}`,
    );
    expect(mail.replyTo?.text).toBe(`reply+${session.reply_token}@reply.example.test`);
    // In order: the visitor's question before the agent's answer before the close.
    const text = mail.text!;
    expect(text.indexOf("When does order 1234 ship?")).toBeLessThan(text.indexOf("It left our warehouse"));
    expect(text.indexOf("It left our warehouse")).toBeLessThan(text.indexOf("The conversation was closed"));

    // Reopened by the visitor and closed again: one more transcript, now with the new message.
    await chat(deps, { session_id: sessionId, visitor_id: visitorId, message: "One more question." });
    await closeSession(deps, sessionId, BY);
    await tick();
    expect(to("transcript@example.org")).toHaveLength(2);
    expect(to("transcript@example.org")[1]!.parsed.text).toContain("One more question.");
    expect(
      await deps.db.emailOutbox.count({
        where: { session_id: sessionId, kind: "transcript", status: "sent" },
      }),
    ).toBe(2);
  });

  it("no address: refused with a clear 400 until one is given; the address left before is used", async () => {
    const { visitorId, sessionId } = await conversation();
    await expect(requestTranscript(deps, { id: sessionId, visitor_id: visitorId })).rejects.toMatchObject({
      id: "TRANSCRIPT_EMAIL_REQUIRED",
    });
    expect(
      (await deps.db.session.findUniqueOrThrow({ where: { id: sessionId } })).transcript_requested_at,
    ).toBeNull();
    await setVisitorEmail(deps, { id: visitorId, visitor_id: visitorId, email: "left@example.org" });
    await requestTranscript(deps, { id: sessionId, visitor_id: visitorId });
    await closeSession(deps, sessionId, BY);
    await tick();
    expect(to("left@example.org")).toHaveLength(1);
  });

  it("withdrawn, never asked, or stopped: nothing is sent", async () => {
    const withdrawn = await conversation();
    await requestTranscript(deps, {
      id: withdrawn.sessionId,
      visitor_id: withdrawn.visitorId,
      email: "w@example.org",
    });
    const back = await requestTranscript(deps, {
      id: withdrawn.sessionId,
      visitor_id: withdrawn.visitorId,
      requested: false,
    });
    expect(back.transcript_requested).toBe(false);
    await closeSession(deps, withdrawn.sessionId, BY);

    const neverAsked = await conversation();
    await setVisitorEmail(deps, {
      id: neverAsked.visitorId,
      visitor_id: neverAsked.visitorId,
      email: "n@example.org",
    });
    await closeSession(deps, neverAsked.sessionId, BY);

    const stopped = await conversation();
    await requestTranscript(deps, {
      id: stopped.sessionId,
      visitor_id: stopped.visitorId,
      email: "s@example.org",
    });
    await deps.db.visitor.update({
      where: { id: stopped.visitorId },
      data: { email_stopped_at: new Date() },
    });
    await closeSession(deps, stopped.sessionId, BY);

    await tick();
    expect(smtp.received).toHaveLength(0);
    expect(await deps.db.emailOutbox.count({ where: { kind: "transcript" } })).toBe(0);
  });

  it("another visitor cannot ask for someone else's conversation", async () => {
    const { sessionId } = await conversation();
    const other = await createVisitor(deps, {});
    await expect(
      requestTranscript(deps, { id: sessionId, visitor_id: other.id, email: "thief@example.org" }),
    ).rejects.toMatchObject({ id: "SESSION_OF_ANOTHER_VISITOR" });
    expect(
      (await deps.db.session.findUniqueOrThrow({ where: { id: sessionId } })).transcript_requested_at,
    ).toBeNull();
  });
});
