"""Adapter for Telegram Desktop exports (`result.json`): one chat, or the full-account export.

Read entirely inside DuckDB's JSON reader (no Python loop over messages). Mapping:
- The chat is an asset: public_channel / private_channel -> (telegram, channel, id);
  private_group / public_supergroup / private_supergroup -> (telegram, group, id); other chat
  types (personal chats, bots, saved messages) are venues of kind group too. It is the venue of
  every message in it.
- A channel post's asset is the channel. A group message's asset is its sender `from_id`:
  "user123" -> (telegram, account, "123"), "channel123" -> (telegram, channel, "123") (so a
  channel posting in a group joins the channel's own export), "chat123" -> (telegram, group,
  "123"); the sender's `from` is its display name.
- Message ids are per chat, so a post's native id is "<chat id>/<message id>" (as in
  t.me/c/<chat>/<message>); reply_to_message_id becomes reply_to the same way.
- Time: `date_unixtime` (UTC) when present; older exports only have `date`, which Telegram
  Desktop writes in the exporting machine's local time: it is taken as UTC (NOTE: a known
  shift of a few hours for those exports). A message whose time cannot be parsed goes to
  quarantine; its `line` is the message's 0-based position among all messages of the file.
- Text: a string, or an array of strings and entity objects {type, text, href}; both flatten
  to the visible text. URLs, hashtags and mentions come from the entities (`text_entities`,
  else the text array): link (text), text_link (href), hashtag, mention (@handle) and
  mention_name (its user_id). A plain-string text without entities falls back to extraction
  from the text.
- Forwards: shared_user = forwarded_from_id if the export has it, else the forwarded_from
  name. The export does not carry the original message's id or date, so shared_post_id is
  derived: "fwd:<shared_user>:<md5 of the text>" (the same post forwarded by several chats
  gets the same key); forwards without text have none.
- Service messages (joins, pins, ...) are not posts and are skipped (not counted as read).
A file that is not valid JSON fails with one line; valid JSON without `messages` or
`chats.list` fails naming what is missing. Invalid UTF-8 inside an otherwise valid export sends
only the messages that hold it to quarantine.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import ClassVar

import duckdb

from cibwatch.errors import FormatError
from cibwatch.ingest.base import Adapter, Sniff, StageContext, register
from cibwatch.ingest.jsonlines import head_text
from cibwatch.ingest.staging import parse_time_sql

CHANNEL_TYPES = ("public_channel", "private_channel")
_SNIFF = [
    re.compile(r'"messages"\s*:\s*\['),
    re.compile(r'"chats"\s*:\s*\{'),
]
_SNIFF_TG = re.compile(
    r'"(date_unixtime|from_id|text_entities|personal_information)"\s*:'
    r'|"type"\s*:\s*"(public_channel|private_channel|private_group|public_supergroup'
    r'|private_supergroup|personal_chat)"'
)
# The message fields read, as a json_transform structure (our constant, not data).
_MESSAGE_FIELDS = (
    '{"id": "VARCHAR", "type": "VARCHAR", "date": "VARCHAR", "date_unixtime": "VARCHAR", '
    '"from": "VARCHAR", "from_id": "VARCHAR", "forwarded_from": "VARCHAR", '
    '"forwarded_from_id": "VARCHAR", "saved_from": "VARCHAR", '
    '"reply_to_message_id": "VARCHAR", "text": "JSON", "text_entities": "JSON"}'
)
# A full export's chats are typed in the reader itself rather than parsed as one JSON value and
# cast afterwards (which re-parses the whole document).
_CHAT = "STRUCT(name VARCHAR, type VARCHAR, id VARCHAR, messages JSON[])"
_COLUMNS = (
    "{'name': 'VARCHAR', 'type': 'VARCHAR', 'id': 'VARCHAR', 'messages': 'JSON[]', "
    f"'chats': 'STRUCT(list {_CHAT}[])', 'left_chats': 'STRUCT(list {_CHAT}[])'}}"
)


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


@register
class Telegram(Adapter):
    """Telegram Desktop export (result.json): a channel or group, or the full export."""

    name: ClassVar[str] = "telegram"
    description: ClassVar[str] = "Telegram Desktop export result.json (channels and groups)"
    priority: ClassVar[int] = 30

    def sniff(self, sniff: Sniff) -> bool:
        text = head_text(sniff.head)
        return (
            text.startswith("{")
            and any(p.search(text) for p in _SNIFF)
            and bool(_SNIFF_TG.search(text))
        )

    @staticmethod
    def _read_doc(con: duckdb.DuckDBPyConnection, path: Path) -> bool:
        """Read the export into _cw_tg_doc; True when invalid UTF-8 had to be replaced.

        A Telegram export is one JSON document, so a few invalid bytes would fail all of it.
        Then the bytes are decoded with U+FFFD replacements into a private temporary copy
        (named by tempfile, never by the data) and the messages that hold a replacement
        character go to quarantine as 'invalid utf-8'.
        """
        # The reader reserves buffers of twice the maximum object size up front (counted
        # against the memory limit even if untouched): the file's own size is enough.
        gz = path.suffix.lower() == ".gz"
        size = 2**31 - 1 if gz else min(2**31 - 1, max(2**24, path.stat().st_size + 2**20))
        sql = f"""
            CREATE OR REPLACE TEMP TABLE _cw_tg_doc AS
            SELECT * FROM read_json(?, format = 'unstructured', records = true,
                columns = {_COLUMNS}, maximum_object_size = {int(size)})
        """
        try:
            con.execute(sql, [str(path)])
            return False
        except duckdb.OutOfMemoryException:
            raise
        except duckdb.Error as exc:
            if "json transform error" in str(exc).lower():
                # Valid JSON whose fields have the wrong shape (e.g. `chats` a list).
                raise FormatError(
                    f"{path}: not a Telegram Desktop export ({_first_line(exc)})"
                ) from exc
            if "utf-8" not in str(exc).lower() or path.suffix.lower() == ".gz":
                raise FormatError(
                    f"{path}: not a readable Telegram export (invalid JSON: {_first_line(exc)})"
                ) from exc
            first_error = exc
        with tempfile.TemporaryDirectory(prefix="cibwatch-") as tmp:
            copy = Path(tmp) / "result.json"
            copy.write_text(path.read_bytes().decode("utf-8", errors="replace"), encoding="utf-8")
            try:
                con.execute(sql, [str(copy)])
            except duckdb.OutOfMemoryException:
                raise
            except duckdb.Error as exc:
                raise FormatError(
                    f"{path}: not a readable Telegram export (invalid JSON: "
                    f"{_first_line(first_error)})"
                ) from exc
        return True

    def stage(self, ctx: StageContext) -> None:
        con = ctx.con
        repaired = self._read_doc(con, ctx.path)
        # One row per chat: the single-chat export, or every chat of a full export.
        con.execute("""
            CREATE OR REPLACE TEMP TABLE _cw_tg_chats AS
            SELECT row_number() OVER () AS chat_ord, * FROM (
                SELECT name, type, id, messages FROM _cw_tg_doc WHERE messages IS NOT NULL
                UNION ALL BY NAME
                SELECT c.name, c.type, c.id, c.messages
                FROM (SELECT unnest(chats.list) AS c FROM _cw_tg_doc)
                UNION ALL BY NAME
                SELECT c.name, c.type, c.id, c.messages
                FROM (SELECT unnest(left_chats.list) AS c FROM _cw_tg_doc)
            )
        """)
        # Each intermediate table is dropped as soon as the next one holds what is needed: a
        # full export of hundreds of MB would otherwise sit in memory five times over.
        con.execute("DROP TABLE _cw_tg_doc")
        if int(con.execute("SELECT count(*) FROM _cw_tg_chats").fetchall()[0][0]) == 0:
            raise FormatError(
                f"{ctx.path}: not a Telegram Desktop export: missing field(s) messages "
                "(single chat) or chats.list (full export)"
            )
        # The chats themselves (also those whose every message was quarantined or a service).
        con.execute(f"""
            INSERT INTO stg_assets BY NAME
            SELECT 0 AS line, 'telegram' AS platform,
                   CASE WHEN type IN {CHANNEL_TYPES} THEN 'channel' ELSE 'group' END AS kind,
                   trim(id) AS native_id, nullif(trim(name), '') AS display_name
            FROM _cw_tg_chats WHERE nullif(trim(id), '') IS NOT NULL
        """)
        con.execute("""
            CREATE OR REPLACE TEMP TABLE _cw_tg_msgs AS
            SELECT row_number() OVER (ORDER BY chat_ord, idx) - 1 AS line, * FROM (
                SELECT chat_ord, name AS chat_name, type AS chat_type, trim(id) AS chat_id,
                       generate_subscripts(messages, 1) AS idx, unnest(messages) AS m
                FROM _cw_tg_chats
            )
        """)
        con.execute("DROP TABLE _cw_tg_chats")
        # Each message is parsed once into the fields used (json_transform), not per field.
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _cw_tg AS
            SELECT line, chat_name, chat_type, chat_id, m,
                   CASE WHEN chat_type IN {CHANNEL_TYPES} THEN 'channel' ELSE 'group' END AS chat_kind,
                   s.id AS msg_id, s.date AS _date,
                   coalesce({parse_time_sql("s.date_unixtime")}, {parse_time_sql("s.date")}) AS _t,
                   s.from_id AS from_id, s."from" AS from_name,
                   s.reply_to_message_id AS reply_id,
                   CASE json_type(s.text)
                       WHEN 'ARRAY' THEN array_to_string(list_transform(
                           CAST(s.text AS JSON[]),
                           lambda e: CASE WHEN json_type(e) = 'VARCHAR' THEN e->>'$'
                                          ELSE coalesce(e->>'$.text', '') END), '')
                       ELSE s.text->>'$' END AS _text,
                   CASE WHEN json_type(s.text_entities) = 'ARRAY'
                            THEN CAST(s.text_entities AS JSON[])
                        WHEN json_type(s.text) = 'ARRAY'
                            THEN list_filter(CAST(s.text AS JSON[]),
                                             lambda e: json_type(e) = 'OBJECT')
                   END AS _ents,
                   nullif(trim(coalesce(s.forwarded_from_id, s.forwarded_from, s.saved_from)), '')
                       AS _fwd
            FROM (SELECT *, json_transform(m, '{_MESSAGE_FIELDS}') AS s FROM _cw_tg_msgs)
            WHERE coalesce(s.type, 'message') <> 'service'
        """)
        con.execute("DROP TABLE _cw_tg_msgs")
        ctx.rows_read = int(con.execute("SELECT count(*) FROM _cw_tg").fetchall()[0][0])
        if repaired:
            con.execute("""
                INSERT INTO stg_quarantine
                SELECT line, 'invalid utf-8: bytes replaced by U+FFFD in this message',
                       CAST(m AS VARCHAR)
                FROM _cw_tg WHERE contains(CAST(m AS VARCHAR), chr(65533))
            """)
            con.execute("DELETE FROM _cw_tg WHERE contains(CAST(m AS VARCHAR), chr(65533))")
        con.execute("""
            INSERT INTO stg_quarantine
            SELECT line,
                   CASE WHEN msg_id IS NULL OR chat_id IS NULL THEN 'missing id: message id or chat id'
                        ELSE 'unparseable time: date ' || coalesce('''' || _date || '''', 'missing')
                   END, CAST(m AS VARCHAR)
            FROM _cw_tg WHERE _t IS NULL OR msg_id IS NULL OR chat_id IS NULL
        """)
        good = "_t IS NOT NULL AND msg_id IS NOT NULL AND chat_id IS NOT NULL"
        sender_kind = """CASE WHEN chat_kind = 'channel' OR from_id IS NULL THEN chat_kind
                              WHEN starts_with(from_id, 'channel') THEN 'channel'
                              WHEN starts_with(from_id, 'chat') THEN 'group'
                              ELSE 'account' END"""
        sender_id = """CASE WHEN chat_kind = 'channel' OR from_id IS NULL THEN chat_id
                            ELSE regexp_replace(from_id, '^(user|channel|chat)', '') END"""
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _cw_tg2 AS
            SELECT * EXCLUDE (m), {sender_kind} AS _skind, {sender_id} AS _sid
            FROM _cw_tg WHERE {good}
        """)
        con.execute("DROP TABLE _cw_tg")
        con.execute("""
            INSERT INTO stg_assets BY NAME
            SELECT line, 'telegram' AS platform, _skind AS kind, _sid AS native_id,
                   nullif(trim(from_name), '') AS display_name
            FROM _cw_tg2 WHERE NOT (_skind = chat_kind AND _sid = chat_id)
        """)
        ent = lambda types, field="text": (  # noqa: E731
            f"list_filter(list_transform(list_filter(_ents, lambda e: (e->>'$.type') IN {types}), "
            f"lambda e: nullif(trim(e->>'$.{field}'), '')), lambda x: x IS NOT NULL)"
        )
        urls = (
            "CASE WHEN _ents IS NULL THEN NULL ELSE list_filter(list_transform("
            "list_filter(_ents, lambda e: (e->>'$.type') IN ('link', 'text_link')), "
            "lambda e: nullif(trim(CASE WHEN (e->>'$.type') = 'text_link' THEN e->>'$.href' "
            "ELSE e->>'$.text' END), '')), lambda x: x IS NOT NULL) END"
        )
        mentions = (
            "CASE WHEN _ents IS NULL THEN NULL ELSE "
            f"{ent(('mention',))} || list_filter(list_transform(list_filter(_ents, "
            "lambda e: (e->>'$.type') = 'mention_name'), "
            "lambda e: nullif(trim(coalesce(e->>'$.user_id', e->>'$.text')), '')), "
            "lambda x: x IS NOT NULL) END"
        )
        con.execute(f"""
            INSERT INTO stg_posts BY NAME
            SELECT line, 'telegram' AS platform, chat_id || '/' || msg_id AS native_id,
                   'telegram' AS asset_platform, _skind AS asset_kind, _sid AS asset_native_id,
                   _t AS created_at, _text AS text,
                   CASE WHEN reply_id IS NOT NULL THEN chat_id || '/' || reply_id END AS reply_to,
                   CASE WHEN _fwd IS NOT NULL AND nullif(trim(_text), '') IS NOT NULL
                        THEN 'fwd:' || _fwd || ':' || md5(trim(_text)) END AS shared_post_id,
                   _fwd AS shared_user,
                   'telegram' AS venue_platform, chat_kind AS venue_kind,
                   chat_id AS venue_native_id,
                   {urls} AS urls,
                   CASE WHEN _ents IS NULL THEN NULL ELSE {ent(("hashtag",))} END AS hashtags,
                   {mentions} AS mentions
            FROM _cw_tg2
        """)
        con.execute("DROP TABLE _cw_tg2")
