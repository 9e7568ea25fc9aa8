import {
  createVisitorInputSchema,
  setVisitorEmailInputSchema,
  validateVisitorInputSchema,
  validateVisitorOutputSchema,
  visitorSchema,
} from "../../chat/visitors/visitor.schema";
import { createVisitor, setVisitorEmail, validateVisitor } from "../../chat/visitors/visitors.service";
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
      rest: { successStatus: 201, successMessage: "Visitor created." },
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
    })
    .input(validateVisitorInputSchema)
    .output(validateVisitorOutputSchema)
    .query(({ ctx, input }) => validateVisitor(ctx.deps, input)),

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
          "conversation (handoff status `unavailable`). It is shown to the agents in /admin/inbox.",
      },
      errors: ["VISITOR_NOT_FOUND"],
      rest: { successMessage: "Email saved." },
      rateLimit: "changeSession",
    })
    .input(setVisitorEmailInputSchema)
    .output(visitorSchema)
    .mutation(({ ctx, input }) => setVisitorEmail(ctx.deps, input)),
});
