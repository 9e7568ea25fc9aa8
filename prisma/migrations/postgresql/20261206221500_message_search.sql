-- migrate:up
-- Full-text search over messages (issue 26): a GIN index on the 'simple' text-search vector of
-- messages.content (lower-cased words, no stemming or stop words: the widget speaks en, de, fr, es and ar, and a
-- conversation may mix them). An expression index, not a column: Prisma does not model it, db:copy and db:restore
-- need not carry it (PostgreSQL keeps it), and search queries use exactly this expression.
CREATE INDEX "messages_content_search_idx" ON "messages" USING GIN (to_tsvector('simple'::regconfig, "content"));

-- migrate:down
DROP INDEX "messages_content_search_idx";
