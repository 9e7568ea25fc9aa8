#!/usr/bin/env bash
# The three steps with curl and jq. Usage: BASE_URL=http://localhost:3000 bash docs/examples/curl-flow.sh
set -euo pipefail
BASE_URL="${BASE_URL:-http://localhost:3000}"

# STEP 1: create a visitor (or validate the one you stored: GET /api/chats/visitors/$VISITOR_ID/validate/).
VISITOR_ID=$(curl -sf -X POST "$BASE_URL/api/chats/visitors/" \
  -H 'Content-Type: application/json' \
  -d '{"metadata": {"locale": "en-GB"}}' | jq -r '.data.id')
echo "visitor: $VISITOR_ID"

# STEP 2: create a session for that visitor.
SESSION_ID=$(curl -sf -X POST "$BASE_URL/api/chats/sessions/" \
  -H 'Content-Type: application/json' \
  -d "{\"visitor_id\": \"$VISITOR_ID\"}" | jq -r '.data.id')
echo "session: $SESSION_ID"

# STEP 3: chat, waiting for the whole reply…
curl -sf -X POST "$BASE_URL/api/chats/messages/chat/" \
  -H 'Content-Type: application/json' \
  -d "{\"message\": \"How do I embed the widget?\", \"session_id\": \"$SESSION_ID\", \"visitor_id\": \"$VISITOR_ID\"}" |
  jq -r '"assistant: " + .data.assistant_message.content[0:60]'

# …or streamed as Server-Sent Events (-N: print each event as it arrives).
curl -sfN -X POST "$BASE_URL/api/chats/messages/chat/stream/" \
  -H 'Content-Type: application/json' \
  -d "{\"message\": \"Where is my data stored?\", \"session_id\": \"$SESSION_ID\", \"visitor_id\": \"$VISITOR_ID\"}" |
  grep -c '^event: delta' | sed 's/^/streamed deltas: /'

# Follow the conversation's events (Server-Sent Events; every change as it happens, resumable). Here for 2 s,
# resuming after event 0: older than anything kept, so the conversation as it is now comes first (one
# message.updated per message, then session.updated). A client keeps the last `id:` it saw and sends it back
# as Last-Event-ID (or last_event_id) when it reconnects.
curl -sN --max-time 2 "$BASE_URL/api/chats/sessions/$SESSION_ID/events/?visitor_id=$VISITOR_ID&last_event_id=0" |
  grep -c '^event: message.updated' | sed 's/^/replayed messages: /' || true
