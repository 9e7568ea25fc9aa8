/** The IDENTITY_SECRET the e2e app runs with, and the host page's server signs its users' ids with. */
export const E2E_IDENTITY_SECRET = "e2e identity secret 0123456789";
