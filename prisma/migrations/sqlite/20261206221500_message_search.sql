-- migrate:up
-- Full-text search over messages (issue 26): an external-content FTS5 index of messages.content, kept in step
-- by triggers. Prisma does not model it; it is derived data (db:copy and db:restore rebuild it through the
-- triggers as rows arrive; `INSERT INTO fts_messages(fts_messages) VALUES('rebuild')` rebuilds it by hand).
-- Every table whose name starts with fts_ is such derived data, left out of copies, backups and catalog checks.
-- unicode61 with remove_diacritics 2: case- and accent-insensitive words in every script the widget speaks.
CREATE VIRTUAL TABLE "fts_messages" USING fts5(
  content,
  content = 'messages',
  content_rowid = 'rowid',
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);

-- A deleted message's words leave the index's pages at once (an erased visitor's text is not kept in them).
INSERT INTO "fts_messages"("fts_messages", "rank") VALUES ('secure-delete', 1);

INSERT INTO "fts_messages"("fts_messages") VALUES ('rebuild');

CREATE TRIGGER "fts_messages_after_insert" AFTER INSERT ON "messages" BEGIN
  INSERT INTO "fts_messages"("rowid", "content") VALUES (new."rowid", new."content");
END;

CREATE TRIGGER "fts_messages_after_delete" AFTER DELETE ON "messages" BEGIN
  INSERT INTO "fts_messages"("fts_messages", "rowid", "content") VALUES ('delete', old."rowid", old."content");
END;

CREATE TRIGGER "fts_messages_after_update" AFTER UPDATE OF "content" ON "messages" BEGIN
  INSERT INTO "fts_messages"("fts_messages", "rowid", "content") VALUES ('delete', old."rowid", old."content");
  INSERT INTO "fts_messages"("rowid", "content") VALUES (new."rowid", new."content");
END;

-- migrate:down
DROP TRIGGER "fts_messages_after_update";
DROP TRIGGER "fts_messages_after_delete";
DROP TRIGGER "fts_messages_after_insert";
DROP TABLE "fts_messages";
