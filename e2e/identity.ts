/** The IDENTITY_SECRET the e2e app runs with, and the host page's server signs its users' ids with. */
export const E2E_IDENTITY_SECRET = "e2e identity secret 0123456789";

/** Email in the e2e app (e2e/start-app.ts): replies go to reply+<token>@E2E_INBOUND_DOMAIN, posted with this secret. */
export const E2E_INBOUND_DOMAIN = "reply.e2e.example.com";
export const E2E_INBOUND_SECRET = "e2e inbound email secret 0123456789";
