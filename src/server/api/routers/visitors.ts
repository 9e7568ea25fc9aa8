import {
  createVisitorInputSchema,
  validateVisitorInputSchema,
  validateVisitorOutputSchema,
  visitorSchema,
} from "../../chat/visitors/visitor.schema";
import { createVisitor, validateVisitor } from "../../chat/visitors/visitors.service";
import { createTRPCRouter, publicProcedure } from "../trpc";

export const visitorsRouter = createTRPCRouter({
  create: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/chats/visitors",
        tags: ["Visitors"],
        summary: "STEP 1 — Create a visitor",
        description:
          "Creates an anonymous visitor. Store the returned id (e.g. in localStorage) and send it as visitor_id.",
        successDescription: "The new visitor.",
      },
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
        summary: "STEP 1 — Validate a stored visitor",
        description:
          "Checks that a stored visitor id still exists and records the visit (last_seen_at). Unknown → 404: create a new visitor.",
        successDescription: "The visitor exists.",
      },
    })
    .input(validateVisitorInputSchema)
    .output(validateVisitorOutputSchema)
    .query(({ ctx, input }) => validateVisitor(ctx.deps, input)),
});
