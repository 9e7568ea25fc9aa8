import { eraseOwnVisitor } from "../../chat/visitors/erase-visitor";
import { identifyVisitor } from "../../chat/visitors/identify-visitor";
import {
  createVisitorInputSchema,
  eraseOwnVisitorInputSchema,
  identifiedVisitorSchema,
  identifyVisitorInputSchema,
  setVisitorEmailInputSchema,
  validateVisitorInputSchema,
  validateVisitorOutputSchema,
  visitorErasedSchema,
  visitorSchema,
} from "../../chat/visitors/visitor.schema";
import { createVisitor, validateVisitor } from "../../chat/visitors/visitors.service";
import { leaveEmailForFollowUp } from "../../chat/handoff/handoff.service";
import { reportVisitorContext } from "../../chat/visitors/report-context";
import {
  reportVisitorContextInputSchema,
  visitorContextSchema,
} from "../../chat/visitors/visitor-context.schema";
import { createTRPCRouter, publicProcedure } from "../trpc";

export const visitorsRouter = createTRPCRouter({
  create: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/chats/visitors",
        tags: ["Visitors"],
        protect: false,
        summary: "STEP 1 — Create a visitor",
        description:
          "Creates an anonymous visitor. Store the returned `id` (the widget keeps it in localStorage) and send it as " +
          "`visitor_id` in every later call. Optional `metadata` describes the visitor's browser.",
        successDescription: "The new visitor.",
      },
      rest: { successStatus: 201, successMessage: "Visitor created.", bodyOptional: true },
      rateLimit: "createVisitor",
    })
    .input(createVisitorInputSchema)
    .output(visitorSchema)
    .mutation(({ ctx, input }) => createVisitor(ctx.deps, input)),

  validate: publicProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/chats/visitors/{id}/validate",
        tags: ["Visitors"],
        protect: false,
        summary: "STEP 1 — Validate a stored visitor",
        description:
          "Checks that a stored visitor id still exists and records the visit (`last_seen_at`). " +
          "Unknown or malformed id → 404 with `data: { valid: false }`: create a new visitor and store its id.",
        successDescription: "The visitor exists.",
      },
      errors: ["VISITOR_NOT_FOUND"],
      rest: { successMessage: "Visitor is valid.", errorData: { VISITOR_NOT_FOUND: { valid: false } } },
      rateLimit: "validateVisitor",
      idIsVisitor: true,
    })
    .input(validateVisitorInputSchema)
    .output(validateVisitorOutputSchema)
    .query(({ ctx, input }) => validateVisitor(ctx.deps, input)),

  /** "Delete my conversations": the visitor erases itself and everything of it. */
  erase: publicProcedure
    .meta({
      openapi: {
        method: "DELETE",
        path: "/chats/visitors/{id}",
        tags: ["Visitors"],
        protect: false,
        summary: "Delete my data (visitor)",
        description:
          "Erases the visitor and everything of it — every session and message — at once and for good. Send the " +
          "visitor's own id both in the path and as `visitor_id`. Afterwards the id is unknown everywhere (404): " +
          "create a new visitor to chat again.",
        successDescription: "The visitor and its data are deleted.",
      },
      errors: ["VISITOR_ID_MISMATCH", "VISITOR_NOT_FOUND"],
      rest: { successMessage: "Visitor and its conversations deleted." },
      rateLimit: "changeSession",
    })
    .input(eraseOwnVisitorInputSchema)
    .output(visitorErasedSchema)
    .mutation(({ ctx, input }) => eraseOwnVisitor(ctx.deps, input)),

  /** The site says who the visitor is (VisitorChat.identify): linked with a valid user_hash, else metadata only. */
  identify: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/chats/visitors/{id}/identify",
        tags: ["Visitors"],
        protect: false,
        summary: "Identify a visitor as a user of the site",
        description:
          "Links the visitor to the site's logged-in user so their conversations follow them to every device. " +
          "`user_hash` is the hex HMAC-SHA256 of `user_id` with `IDENTITY_SECRET`, computed by the site's server " +
          "(never in the browser). With a valid hash the answer's `visitor_id` is the user's visitor — which may " +
          "differ from `{id}`: store it and use it from now on; this visitor's conversations move there. A wrong " +
          "hash is a 401 and changes nothing. Without `user_hash` only the visitor's metadata is updated (`name`, " +
          "`email`, `metadata`, and `user_id` as `unverified_user_id`).",
        successDescription: "The visitor to use from now on.",
      },
      errors: ["VISITOR_NOT_FOUND", "IDENTITY_HASH_INVALID", "IDENTITY_NOT_CONFIGURED", "METADATA_TOO_LARGE"],
      rest: { successMessage: "Visitor identified." },
      rateLimit: "identify",
      idIsVisitor: true,
    })
    .input(identifyVisitorInputSchema)
    .output(identifiedVisitorSchema)
    .mutation(({ ctx, input }) => identifyVisitor(ctx.deps, input)),

  /** The widget reports the page the visitor is on (on open and on each navigation): shown to the team. */
  context: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/chats/visitors/{id}/context",
        tags: ["Visitors"],
        protect: false,
        summary: "Report the page the visitor is on",
        description:
          "The widget calls this when it opens and on each navigation of the host page (at most once per " +
          "navigation). Stores the page (its URL without the fragment, and its title) as the visitor's current " +
          "page and in its last 10 pages, with the referrer, the browser's language, time zone and UTC offset; " +
          "the team sees them beside the conversation. Send the visitor's own id as `visitor_id` too: another " +
          "visitor's id is refused (403).",
        successDescription: "The visitor's context as stored.",
      },
      errors: ["VISITOR_ID_MISMATCH", "VISITOR_NOT_FOUND"],
      rest: { successMessage: "Context saved." },
      rateLimit: "reportContext",
      idIsVisitor: true,
    })
    .input(reportVisitorContextInputSchema)
    .output(visitorContextSchema)
    .mutation(({ ctx, input }) => reportVisitorContext(ctx.deps, input)),

  email: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/chats/visitors/{id}/email",
        tags: ["Visitors"],
        protect: false,
        summary: "Leave an email address",
        description:
          "Stores an address on the visitor so an agent can answer later, when nobody was available to take the " +
          "conversation (handoff status `unavailable`). It is shown to the agents in /admin/inbox. Send the " +
          "visitor's own id as `visitor_id` too, as for every visitor call (optional, for older clients).",
      },
      errors: ["VISITOR_ID_MISMATCH", "VISITOR_NOT_FOUND"],
      rest: { successMessage: "Email saved." },
      rateLimit: "changeSession",
    })
    .input(setVisitorEmailInputSchema)
    .output(visitorSchema)
    .mutation(({ ctx, input }) => leaveEmailForFollowUp(ctx.deps, input)),
});
