"""Access to the review app: one workspace token, stored hashed, and browser sessions.

The token is generated at first start and printed once; the workspace keeps only a salted
scrypt hash of it in `W/review/token.json` (mode 0600). Scripts send it as
`Authorization: Bearer TOKEN`; browsers post it once to the login page and get a random session
id in an HttpOnly, SameSite=Strict cookie. `cibwatch token --reset` writes a new hash, and every
session opened with the old token stops working on its next request.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cibwatch.errors import WorkspaceError

TOKEN_DIR = "review"
TOKEN_FILE = "token.json"
# scrypt cost: ~50 ms per check on this class of machine, so guessing online is slow, while
# verified tokens are cached by a fast digest so API calls don't pay it each time.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SESSION_IDLE_SECONDS = 12 * 3600
# Failed logins allowed per client address per window before it must wait.
MAX_FAILURES, FAILURE_WINDOW_SECONDS = 10, 60.0


def _scrypt(token: str, salt: bytes) -> bytes:
    return hashlib.scrypt(
        token.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, maxmem=64 * 2**20, dklen=32
    )


def token_path(workspace: Path) -> Path:
    return Path(workspace) / TOKEN_DIR / TOKEN_FILE


def new_token(workspace: Path) -> str:
    """Generate a token, store its salted hash in the workspace (replacing any old one), return it."""
    token = secrets.token_urlsafe(32)
    salt = secrets.token_bytes(16)
    record = {
        "algorithm": "scrypt",
        "n": SCRYPT_N,
        "r": SCRYPT_R,
        "p": SCRYPT_P,
        "salt": salt.hex(),
        "hash": _scrypt(token, salt).hex(),
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    path = token_path(workspace)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    # Write-then-rename so a reader never sees half a record; 0600 because the hash is a secret
    # worth protecting even if it cannot be reversed.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(record, fh)
    os.replace(tmp, path)
    return token


def ensure_token(workspace: Path) -> str | None:
    """Create the token on first start and return it (to print once); None if one exists."""
    if token_path(workspace).exists():
        return None
    return new_token(workspace)


@dataclass
class Session:
    """A browser session: who logged in, its CSRF token, and which token record it came from."""

    actor: str
    csrf: str
    token_salt: str
    last_seen: float = field(default_factory=time.monotonic)


class Authenticator:
    """Checks tokens against the stored hash and keeps browser sessions in memory.

    Sessions live in the server process only: a restart asks analysts to log in again, which is
    the safe default for a tool holding adversarial data and takedown decisions.
    """

    def __init__(self, workspace: Path):
        self.workspace = Path(workspace)
        self._lock = threading.Lock()
        self._record: dict | None = None
        self._record_stamp: tuple[int, int] | None = None
        self._verified: set[bytes] = set()  # sha256 of tokens that passed scrypt for _record
        self._sessions: dict[str, Session] = {}
        self._failures: dict[str, list[float]] = {}

    def _current(self) -> dict:
        path = token_path(self.workspace)
        try:
            st = path.stat()
        except FileNotFoundError as exc:
            raise WorkspaceError(
                f"no review token in {self.workspace} (run `cibwatch token --workspace "
                f"{self.workspace} --reset`)"
            ) from exc
        stamp = (st.st_mtime_ns, st.st_ino)
        with self._lock:
            if stamp != self._record_stamp:
                self._record = json.loads(path.read_text())
                self._record_stamp = stamp
                self._verified = set()
            assert self._record is not None
            return self._record

    def check_token(self, token: str) -> bool:
        """True when `token` is the workspace's current token (constant-time comparison)."""
        if not token or len(token) > 512:
            return False
        record = self._current()
        digest = hashlib.sha256(token.encode()).digest()
        with self._lock:
            if digest in self._verified and record is self._record:
                return True
        expected = bytes.fromhex(record["hash"])
        ok = hmac.compare_digest(_scrypt(token, bytes.fromhex(record["salt"])), expected)
        if ok:
            with self._lock:
                if record is self._record:
                    self._verified.add(digest)
        return ok

    # -- login throttling -------------------------------------------------------------------
    def throttled(self, client: str) -> bool:
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._failures.get(client, []) if now - t < FAILURE_WINDOW_SECONDS]
            self._failures[client] = recent
            return len(recent) >= MAX_FAILURES

    def record_failure(self, client: str) -> None:
        with self._lock:
            self._failures.setdefault(client, []).append(time.monotonic())

    # -- sessions ---------------------------------------------------------------------------
    def open_session(self, actor: str) -> tuple[str, Session]:
        record = self._current()
        sid = secrets.token_urlsafe(32)
        session = Session(actor=actor, csrf=secrets.token_urlsafe(32), token_salt=record["salt"])
        with self._lock:
            self._sessions[sid] = session
        return sid, session

    def session(self, sid: str | None) -> Session | None:
        """The live session for a cookie value, or None (unknown, idle too long, or token reset)."""
        if not sid:
            return None
        record = self._current()
        now = time.monotonic()
        with self._lock:
            session = self._sessions.get(sid)
            if session is None:
                return None
            if (
                now - session.last_seen > SESSION_IDLE_SECONDS
                or session.token_salt != record["salt"]
            ):
                del self._sessions[sid]
                return None
            session.last_seen = now
            return session

    def close_session(self, sid: str | None) -> None:
        if sid:
            with self._lock:
                self._sessions.pop(sid, None)
