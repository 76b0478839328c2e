"""A loopback fake of the Discord API (REST v10 + gateway) for end-to-end tests.

The unmodified discord.py client connects to it once `patch_discord_py(fake)` has pointed the
REST base and the default gateway at 127.0.0.1. It serves the login, gateway handshake and
guilds; stores synced application commands and validates them like Discord; lets a test send
interactions, button clicks and mentions; records every reply the bot makes and checks each one
against Discord's limits. A limit breach is answered 400 like Discord and kept in `violations`,
which the tests assert empty. It also serves plain files and article pages for ingestion.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import secrets
import time
import zlib
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import discord
import discord.gateway
import discord.http
from aiohttp import WSMsgType, web

DISCORD_EPOCH_MS = 1420070400000

# Permission bits (https://discord.com/developers/docs/topics/permissions).
MANAGE_GUILD = 1 << 5
MANAGE_MESSAGES = 1 << 13
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_APPLICATION_COMMANDS = 1 << 31
ADMINISTRATOR = 1 << 3
MEMBER_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | READ_MESSAGE_HISTORY
    | USE_APPLICATION_COMMANDS
    | MENTION_EVERYONE
)

# Gateway intents.
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT

EPHEMERAL = 1 << 6
# The harness's bot starter: keyword arguments are environment variables for the bot.
StartBot = Callable[..., Awaitable[discord.Client]]
COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")
OPTION_TYPES = {"str": 3, "int": 4, "bool": 5, "float": 10}


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def _json(body: Any, status: int = 200) -> web.Response:
    """Answer JSON with Discord's exact content type (discord.py compares it verbatim)."""
    return web.Response(
        body=json.dumps(body).encode(), status=status, headers={"Content-Type": "application/json"}
    )


def _error(
    status: int, code: int, message: str, errors: dict[str, Any] | None = None
) -> web.Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if errors:
        body["errors"] = errors
    return _json(body, status=status)


@dataclass(frozen=True)
class Violation:
    """One request the real Discord would have refused."""

    route: str
    problem: str


@dataclass(frozen=True)
class Ping:
    """A notification a sent message would really have caused."""

    message_id: str
    target: str  # "everyone", "here", "user:<id>", "role:<id>"


@dataclass
class FakeFile:
    """A file a member attaches to a command; served under /files/."""

    filename: str
    data: bytes
    content_type: str | None = "text/plain; charset=utf-8"
    id: str = ""


@dataclass
class Guild:
    """A server with one text channel, an @everyone and a moderator role, and members."""

    id: str
    name: str
    channel_id: str
    admin_role_id: str
    bot_role_id: str
    owner_id: str
    editor_role_id: str = ""  # Manage Messages only: may ingest, may not manage the server
    members: dict[str, list[str]] = field(default_factory=dict)  # user id -> role ids
    roles: dict[str, str] = field(
        default_factory=dict
    )  # extra roles without permissions: id -> name


@dataclass
class User:
    """A Discord user."""

    id: str
    name: str
    bot: bool = False

    def payload(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.name,
            "global_name": self.name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }


@dataclass
class Interaction:
    """One interaction the fake sent, with everything the bot answered to it."""

    fake: FakeDiscord
    id: str
    token: str
    type: int
    payload: dict[str, Any]
    user_id: str
    sent_at: float
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    callback_at: float | None = None
    original_id: str | None = None
    followup_ids: list[str] = field(default_factory=list)
    edits: list[dict[str, Any]] = field(default_factory=list)

    @property
    def response(self) -> dict[str, Any] | None:
        """The first callback body, or None before the bot answered."""
        return self.callbacks[0] if self.callbacks else None

    @property
    def original(self) -> dict[str, Any] | None:
        """The current state of the original response message."""
        return self.fake.messages.get(self.original_id) if self.original_id else None

    @property
    def followups(self) -> list[dict[str, Any]]:
        return [self.fake.messages[mid] for mid in self.followup_ids if mid in self.fake.messages]

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Original response (if a message) followed by every followup, current state."""
        first = [self.original] if self.original is not None else []
        return first + [m for m in self.followups if m["id"] != self.original_id]

    @property
    def latency(self) -> float | None:
        """Seconds from dispatch to the callback."""
        return None if self.callback_at is None else self.callback_at - self.sent_at

    def is_ephemeral(self) -> bool:
        """Whether the response was decided ephemeral (flags on the callback)."""
        resp = self.response
        if resp is None:
            return False
        return bool((resp.get("data") or {}).get("flags", 0) & EPHEMERAL)

    async def wait_response(self, timeout: float = 15) -> dict[str, Any]:
        await self.fake.wait_until(lambda: bool(self.callbacks), timeout, f"callback to {self}")
        return self.callbacks[0]

    async def wait_followups(self, n: int = 1, timeout: float = 15) -> list[dict[str, Any]]:
        await self.fake.wait_until(lambda: len(self.followup_ids) >= n, timeout, f"{n} followups")
        return self.followups

    async def wait_edits(self, n: int = 1, timeout: float = 15) -> list[dict[str, Any]]:
        await self.fake.wait_until(lambda: len(self.edits) >= n, timeout, f"{n} edits")
        return self.edits

    async def wait_text(self, pred: Callable[[str], bool], timeout: float = 20) -> str:
        """Wait until the visible text of all answer messages satisfies `pred`; return it."""
        await self.fake.wait_until(lambda: pred(self.text()), timeout, f"text on {self}")
        return self.text()

    async def wait_done(self, timeout: float = 20) -> str:
        """Wait for a visible, non-loading answer (a message, an edit or a followup)."""

        def done() -> bool:
            if not self.callbacks:
                return False
            if self.callbacks[0]["type"] in (4, 7, 8, 9):
                return True
            return bool(self.followup_ids) or bool(self.edits)

        await self.fake.wait_until(done, timeout, f"an answer to {self}")
        return self.text()

    def text(self) -> str:
        """All visible text of the answer: content, embeds, button labels."""
        parts = [message_text(m) for m in self.messages]
        resp = self.response
        if resp is not None and resp["type"] == 8:
            parts.append(json.dumps(resp.get("data", {}).get("choices", [])))
        return "\n".join(parts)

    def __repr__(self) -> str:
        return (
            f"<Interaction {self.id} type={self.type} {self.payload.get('data', {}).get('name')}>"
        )


def message_text(message: dict[str, Any]) -> str:
    """Flatten a message into the text a reader sees."""
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts.append((embed.get("author") or {}).get("name", ""))
        parts.append(embed.get("title") or "")
        parts.append(embed.get("url") or "")
        parts.append(embed.get("description") or "")
        for f in embed.get("fields") or []:
            parts.append(f.get("name", ""))
            parts.append(f.get("value", ""))
        parts.append((embed.get("footer") or {}).get("text", ""))
    for row in message.get("components") or []:
        for comp in row.get("components") or []:
            parts.append(comp.get("label") or "")
    return "\n".join(p for p in parts if p)


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Every button on a message."""
    return [
        c
        for row in message.get("components") or []
        for c in row.get("components") or []
        if c.get("type") == 2
    ]


# --------------------------------------------------------------------------- validation


def validate_message(payload: dict[str, Any]) -> list[str]:
    """Return Discord's objections to a message payload (empty when valid)."""
    problems: list[str] = []
    content = payload.get("content")
    if content is not None and len(str(content)) > 2000:
        problems.append(f"content is {len(content)} characters (max 2000)")
    embeds = payload.get("embeds") or []
    if len(embeds) > 10:
        problems.append(f"{len(embeds)} embeds (max 10)")
    total = 0
    for i, e in enumerate(embeds):
        limits = [
            ("title", e.get("title"), 256),
            ("description", e.get("description"), 4096),
            ("footer.text", (e.get("footer") or {}).get("text"), 2048),
            ("author.name", (e.get("author") or {}).get("name"), 256),
        ]
        fields = e.get("fields") or []
        if len(fields) > 25:
            problems.append(f"embed {i}: {len(fields)} fields (max 25)")
        for j, f in enumerate(fields):
            limits.append((f"fields[{j}].name", f.get("name"), 256))
            limits.append((f"fields[{j}].value", f.get("value"), 1024))
            if not f.get("name") or not f.get("value"):
                problems.append(f"embed {i}: field {j} has an empty name or value")
        for name, value, limit in limits:
            if value is None:
                continue
            total += len(value)
            if len(value) > limit:
                problems.append(f"embed {i}: {name} is {len(value)} characters (max {limit})")
        url = e.get("url")
        if url is not None and not re.match(r"^https?://", url):
            problems.append(f"embed {i}: url {url!r} is not a http(s) URL")
    if total > 6000:
        problems.append(f"embeds total {total} characters (max 6000)")
    rows = payload.get("components") or []
    if len(rows) > 5:
        problems.append(f"{len(rows)} action rows (max 5)")
    seen_ids: set[str] = set()
    for row in rows:
        children = row.get("components") or []
        if row.get("type") == 1 and len(children) > 5:
            problems.append(f"action row with {len(children)} components (max 5)")
        for c in children:
            cid = c.get("custom_id")
            if cid is not None:
                if len(cid) > 100:
                    problems.append(f"custom_id {cid[:20]!r}… longer than 100")
                if cid in seen_ids:
                    problems.append(f"duplicate custom_id {cid!r}")
                seen_ids.add(cid)
            if len(c.get("label") or "") > 80:
                problems.append("button label longer than 80")
    if content is not None and not str(content) and not embeds and not rows:
        problems.append("cannot send an empty message")
    return problems


def validate_choices(choices: list[dict[str, Any]]) -> list[str]:
    problems = []
    if len(choices) > 25:
        problems.append(f"{len(choices)} autocomplete choices (max 25)")
    for c in choices:
        if not 1 <= len(str(c.get("name", ""))) <= 100:
            problems.append(f"choice name {c.get('name')!r} not 1-100 characters")
        value = c.get("value")
        if isinstance(value, str) and len(value) > 100:
            problems.append(f"choice value {value[:20]!r}… longer than 100")
    return problems


def _validate_option(opt: dict[str, Any], where: str, problems: list[str]) -> int:
    name = opt.get("name") or ""
    desc = opt.get("description")
    if not COMMAND_NAME.match(name) or name != name.lower():
        problems.append(f"{where}: option name {name!r} invalid")
    if not desc or not 1 <= len(desc) <= 100:
        problems.append(f"{where}.{name}: description must be 1-100 characters")
    if opt.get("type") not in range(1, 12):
        problems.append(f"{where}.{name}: unknown option type {opt.get('type')!r}")
    size = len(name) + len(desc or "")
    choices = opt.get("choices") or []
    if len(choices) > 25:
        problems.append(f"{where}.{name}: more than 25 choices")
    if choices and opt.get("autocomplete"):
        problems.append(f"{where}.{name}: autocomplete and choices are exclusive")
    for c in choices:
        size += len(str(c.get("name", ""))) + len(str(c.get("value", "")))
    sub = opt.get("options") or []
    if sub:
        size += _validate_options(sub, f"{where}.{name}", problems)
    for key in ("min_length", "max_length"):
        if key in opt and not 0 <= opt[key] <= 6000:
            problems.append(f"{where}.{name}: {key} out of range")
    return size


def _validate_options(options: list[dict[str, Any]], where: str, problems: list[str]) -> int:
    if len(options) > 25:
        problems.append(f"{where}: {len(options)} options (max 25)")
    size = 0
    seen_optional = False
    names = set()
    for opt in options:
        if opt.get("name") in names:
            problems.append(f"{where}: duplicate option {opt.get('name')!r}")
        names.add(opt.get("name"))
        if opt.get("type") not in (1, 2):
            if opt.get("required"):
                if seen_optional:
                    problems.append(f"{where}: required option {opt.get('name')} after optional")
            else:
                seen_optional = True
        size += _validate_option(opt, where, problems)
    return size


def validate_commands(commands: list[dict[str, Any]]) -> list[str]:
    """Return Discord's objections to a bulk-overwrite command list."""
    problems: list[str] = []
    counts = {1: 0, 2: 0, 3: 0}
    seen: set[tuple[int, str]] = set()
    for cmd in commands:
        ctype = cmd.get("type", 1)
        name = cmd.get("name") or ""
        where = f"command {name!r}"
        counts[ctype] = counts.get(ctype, 0) + 1
        if (ctype, name) in seen:
            problems.append(f"{where}: duplicate name")
        seen.add((ctype, name))
        desc = cmd.get("description")
        if ctype == 1:
            if not COMMAND_NAME.match(name) or name != name.lower():
                problems.append(f"{where}: name must match ^[-_'\\w]{{1,32}}$ in lower case")
            if not desc or not 1 <= len(desc) <= 100:
                problems.append(f"{where}: description must be 1-100 characters")
            size = len(name) + len(desc or "")
            size += _validate_options(cmd.get("options") or [], where, problems)
            if size > 4000:
                problems.append(f"{where}: {size} characters in total (max 4000)")
        else:
            if not 1 <= len(name) <= 32:
                problems.append(f"{where}: context menu name must be 1-32 characters")
            if desc:
                problems.append(f"{where}: context menu commands take no description")
            if cmd.get("options"):
                problems.append(f"{where}: context menu commands take no options")
        perms = cmd.get("default_member_permissions")
        if perms is not None and not str(perms).isdigit():
            problems.append(f"{where}: default_member_permissions must be a string of digits")
    if counts.get(1, 0) > 100:
        problems.append("more than 100 slash commands")
    if counts.get(2, 0) > 15 or counts.get(3, 0) > 15:
        problems.append("more than 15 context menu commands of one type")
    return problems


# --------------------------------------------------------------------------- the fake


class FakeDiscord:
    """The fake Discord: one aiohttp server on 127.0.0.1 for REST, gateway and files."""

    def __init__(
        self,
        *,
        guild_names: tuple[str, ...] = ("Alpha News Club", "Beta Readers"),
        allow_privileged_intents: bool = False,
        callback_deadline: float = 3.0,
        spread_over_shards: int = 1,
    ) -> None:
        self._ids = itertools.count(1)
        self.token = "fake-token"  # noqa: S105 - a fake for tests
        self.allow_privileged_intents = allow_privileged_intents
        self.callback_deadline = callback_deadline
        self.app_id = self.snowflake()
        self.bot_user = User(self.app_id, "claimbot", bot=True)
        self.users: dict[str, User] = {self.bot_user.id: self.bot_user}
        self.admin = self.add_user("ada_admin")
        self.member = self.add_user("max_member")
        self.other = self.add_user("olga_other")
        self.guilds: list[Guild] = []
        for number, name in enumerate(guild_names):
            g = Guild(
                id=self._snowflake_on_shard(number % spread_over_shards, spread_over_shards),
                name=name,
                channel_id=self.snowflake(),
                admin_role_id=self.snowflake(),
                bot_role_id=self.snowflake(),
                owner_id=self.admin.id,
                editor_role_id=self.snowflake(),
            )
            g.members[self.bot_user.id] = [g.bot_role_id]
            g.members[self.admin.id] = [g.admin_role_id]
            g.members[self.member.id] = []
            g.members[self.other.id] = []
            self.guilds.append(g)
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[str, list[dict[str, Any]]] = {}
        self.command_syncs: list[tuple[str | None, list[dict[str, Any]]]] = []
        self._command_ids: dict[tuple[str | None, int, str], str] = {}
        self.interactions: dict[str, Interaction] = {}
        self._by_token: dict[str, Interaction] = {}
        self.messages: dict[str, dict[str, Any]] = {}
        self.channel_messages: list[dict[str, Any]] = []  # sent with POST /channels/{id}/messages
        self.violations: list[Violation] = []
        self.pings: list[Ping] = []
        self.requests: list[tuple[str, str]] = []
        self.unknown_routes: list[tuple[str, str]] = []
        self.late_callbacks: list[Interaction] = []
        self.pages: dict[str, tuple[int, str, bytes]] = {}
        self.etags: dict[str, str] = {}
        self.reactions: list[tuple[str, str]] = []  # (message id, emoji) the bot added
        self.not_modified: list[str] = []  # paths answered 304
        self.files: dict[str, FakeFile] = {}
        self.identify: dict[str, Any] | None = None
        self.identifies: list[dict[str, Any]] = []  # every IDENTIFY, in order (with shards)
        self.gateway_closed_with: int | None = None
        self._sockets: list[_GatewaySocket] = []
        self._seq = 0
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ----------------------------------------------------------------- set-up

    def snowflake(self) -> str:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return str((ms << 22) | (next(self._ids) & 0x3FFFFF))

    def _snowflake_on_shard(self, shard_id: int, shard_count: int) -> str:
        """Return a new id whose guild Discord would route to ``shard_id`` of ``shard_count``."""
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        ms -= (ms - shard_id) % shard_count
        return str((ms << 22) | (next(self._ids) & 0x3FFFFF))

    @staticmethod
    def shard_of(guild_id: str | int, shard_count: int) -> int:
        """Return the shard Discord routes a guild's events to."""
        return (int(guild_id) >> 22) % shard_count

    def add_user(self, name: str) -> User:
        user = User(self.snowflake(), name)
        self.users[user.id] = user
        for g in getattr(self, "guilds", []):
            g.members[user.id] = []
        return user

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/gateway/", self._gateway)
        app.router.add_get("/files/{id}/{name}", self._file)
        app.router.add_route("*", "/{tail:.*}", self._page)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server: Any = site._server
        self.port = server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        for sock in list(self._sockets):
            with contextlib.suppress(Exception):
                await sock.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def serve(
        self,
        path: str,
        body: str | bytes,
        *,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        etag: str | None = None,
    ) -> str:
        """Serve `body` at `path` on the fake's host; return its URL.

        With an `etag`, the page sends it and answers 304 to a request that carries it back.
        """
        data = body.encode() if isinstance(body, str) else body
        self.pages[path] = (status, content_type, data)
        if etag is None:
            self.etags.pop(path, None)
        else:
            self.etags[path] = etag
        return self.url(path)

    def attach(self, file: FakeFile) -> FakeFile:
        """Host a file as a Discord attachment."""
        file.id = self.snowflake()
        self.files[file.id] = file
        return file

    # ----------------------------------------------------------------- waiting

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_until(
        self, pred: Callable[[], bool], timeout: float = 15, what: str = ""
    ) -> None:
        async def inner() -> None:
            async with self._changed:
                await self._changed.wait_for(pred)

        try:
            await asyncio.wait_for(inner(), timeout)
        except TimeoutError:
            raise AssertionError(
                f"timed out after {timeout}s waiting for {what or pred}; "
                f"violations={self.violations}"
            ) from None

    def _violate(self, route: str, problems: list[str]) -> None:
        for p in problems:
            self.violations.append(Violation(route, p))

    # ----------------------------------------------------------------- guild data

    def guild(self, index_or_id: int | str) -> Guild:
        if isinstance(index_or_id, int):
            return self.guilds[index_or_id]
        return next(g for g in self.guilds if g.id == index_or_id)

    def _role_payloads(self, g: Guild) -> list[dict[str, Any]]:
        def role(
            rid: str, name: str, perms: int, pos: int, managed: bool = False
        ) -> dict[str, Any]:
            return {
                "id": rid,
                "name": name,
                "color": 0,
                "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
                "hoist": False,
                "icon": None,
                "unicode_emoji": None,
                "position": pos,
                "permissions": str(perms),
                "managed": managed,
                "mentionable": False,
                "flags": 0,
                "tags": {"bot_id": self.bot_user.id} if managed else {},
            }

        return [
            role(g.id, "@everyone", MEMBER_PERMISSIONS, 0),
            role(g.admin_role_id, "Moderators", MANAGE_GUILD | MANAGE_MESSAGES, 2),
            role(g.bot_role_id, "claimbot", MEMBER_PERMISSIONS, 1, managed=True),
            role(g.editor_role_id, "Editors", MANAGE_MESSAGES, 1),
            *(role(rid, name, 0, 3 + n) for n, (rid, name) in enumerate(g.roles.items())),
        ]

    def add_role(self, g: Guild, name: str, *members: User) -> str:
        """Create a role without permissions (before the bot connects) and give it to members."""
        rid = self.snowflake()
        g.roles[rid] = name
        for user in members:
            g.members[user.id].append(rid)
        return rid

    def permissions(self, g: Guild, user_id: str) -> int:
        perms = 0
        roles = {r["id"]: int(r["permissions"]) for r in self._role_payloads(g)}
        for rid in [g.id, *g.members.get(user_id, [])]:
            perms |= roles.get(rid, 0)
        if user_id == g.owner_id or perms & ADMINISTRATOR:
            return (1 << 53) - 1
        return perms

    def _member_payload(self, g: Guild, user_id: str, *, with_user: bool = True) -> dict[str, Any]:
        m: dict[str, Any] = {
            "roles": list(g.members[user_id]),
            "joined_at": "2024-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "nick": None,
            "avatar": None,
            "communication_disabled_until": None,
        }
        if with_user:
            m["user"] = self.users[user_id].payload()
        return m

    def _channel_payload(self, g: Guild) -> dict[str, Any]:
        return {
            "id": g.channel_id,
            "type": 0,
            "guild_id": g.id,
            "name": "news",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }

    def _guild_create(self, g: Guild, intents: int = INTENT_GUILD_MEMBERS) -> dict[str, Any]:
        return {
            "id": g.id,
            "name": g.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": g.owner_id,
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": self._role_payloads(g),
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": g.channel_id,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "max_members": 500000,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": "en-US",
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "joined_at": "2024-01-01T00:00:00+00:00",
            "large": False,
            "unavailable": False,
            "member_count": len(g.members),
            "voice_states": [],
            # Without the members intent Discord only sends the bot's own member.
            "members": [
                self._member_payload(g, uid)
                for uid in g.members
                if intents & INTENT_GUILD_MEMBERS or uid == self.bot_user.id
            ],
            "channels": [self._channel_payload(g)],
            "threads": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    # ----------------------------------------------------------------- gateway

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        sock = _GatewaySocket(ws, request.query.get("compress") == "zlib-stream")
        self._sockets.append(sock)
        await sock.send({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                data = json.loads(msg.data)
                op = data.get("op")
                if op == 1:
                    await sock.send({"op": 11, "d": None, "s": None, "t": None})
                elif op == 2:
                    await self._on_identify(sock, data["d"])
                elif op == 6:
                    await sock.send({"op": 9, "d": False, "s": None, "t": None})
                elif op in (3, 4, 8):
                    pass  # presence, voice state and member requests: nothing to do
                else:
                    await ws.close(code=4001, message=b"Unknown opcode")
        finally:
            self._sockets.remove(sock)
        return ws

    async def _on_identify(self, sock: _GatewaySocket, d: dict[str, Any]) -> None:
        if d.get("token") != self.token:
            self.gateway_closed_with = 4004
            await sock.ws.close(code=4004, message=b"Authentication failed.")
            return
        intents = int(d.get("intents", 0))
        if intents & PRIVILEGED_INTENTS and not self.allow_privileged_intents:
            self.gateway_closed_with = 4014
            await sock.ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        self.identify = d
        self.identifies.append({**d, "at": time.monotonic()})
        shard = d.get("shard") or [0, 1]
        sock.shard = (int(shard[0]), int(shard[1]))
        sock.intents = intents
        sock.ready = True
        own = [g for g in self.guilds if sock.owns(g.id)]
        ready = {
            "v": 10,
            "user": {**self.bot_user.payload(), "verified": True, "mfa_enabled": False, "flags": 0},
            "guilds": [{"id": g.id, "unavailable": True} for g in own],
            "session_id": secrets.token_hex(16),
            "resume_gateway_url": f"ws://127.0.0.1:{self.port}/gateway",
            "application": {"id": self.app_id, "flags": 0},
            "private_channels": [],
            "relationships": [],
            "user_settings": {},
            "presences": [],
            "geo_ordered_rtc_regions": [],
            "guild_join_requests": [],
            "shard": list(sock.shard),
        }
        await self._send_dispatch(sock, "READY", ready)
        if intents & INTENT_GUILDS:
            for g in own:
                await self._send_dispatch(sock, "GUILD_CREATE", self._guild_create(g, intents))

    async def _send_dispatch(self, sock: _GatewaySocket, event: str, data: dict[str, Any]) -> None:
        self._seq += 1
        await sock.send({"op": 0, "t": event, "s": self._seq, "d": data})

    async def dispatch(self, event: str, data: dict[str, Any], *, intent: int = 0) -> int:
        """Send a dispatch event to every identified connection that has `intent`."""
        sent = 0
        guild_id = data.get("guild_id")
        for sock in list(self._sockets):
            if guild_id is not None and not sock.owns(guild_id):
                continue  # Discord sends a guild's events only to the shard that owns it
            if sock.ready and (intent == 0 or sock.intents & intent):
                await self._send_dispatch(sock, event, data)
                sent += 1
        return sent

    # ----------------------------------------------------------------- commands

    def commands(self, guild: Guild | None = None) -> list[dict[str, Any]]:
        """The commands a member of `guild` sees: the guild's own, then global ones."""
        own = self.guild_commands.get(guild.id, []) if guild else []
        names = {(c["type"], c["name"]) for c in own}
        return own + [c for c in self.global_commands if (c["type"], c["name"]) not in names]

    def find_command(self, guild: Guild, name: str, ctype: int = 1) -> dict[str, Any]:
        for cmd in self.commands(guild):
            if cmd["name"] == name and cmd["type"] == ctype:
                return cmd
        raise LookupError(
            f"command {name!r} (type {ctype}) is not synced for {guild.name}; "
            f"synced: {[c['name'] for c in self.commands(guild)]}"
        )

    def _store_commands(
        self, guild_id: str | None, body: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        stored = []
        for cmd in body:
            ctype = cmd.get("type", 1)
            key = (guild_id, ctype, cmd["name"])
            perms = cmd.get("default_member_permissions")
            cid = self._command_ids.setdefault(key, self.snowflake())
            rec = {
                "id": cid,
                "application_id": self.app_id,
                "version": self.snowflake(),
                "type": ctype,
                "name": cmd["name"],
                "description": cmd.get("description", ""),
                "options": cmd.get("options", []),
                # Discord accepts a number but always answers with a string.
                "default_member_permissions": (None if perms is None else str(perms)),
                "dm_permission": cmd.get("dm_permission", True),
                "contexts": cmd.get("contexts"),
                "integration_types": cmd.get("integration_types", [0]),
                "nsfw": cmd.get("nsfw", False),
                "name_localizations": cmd.get("name_localizations"),
                "description_localizations": cmd.get("description_localizations"),
            }
            if guild_id is not None:
                rec["guild_id"] = guild_id
            stored.append(rec)
        if guild_id is None:
            self.global_commands = stored
        else:
            self.guild_commands[guild_id] = stored
        self.command_syncs.append((guild_id, body))
        return stored

    # ----------------------------------------------------------------- REST

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        method = request.method
        self.requests.append((method, path))
        if request.headers.get("Authorization") != f"Bot {self.token}" and not (
            path.startswith("/interactions/") or path.startswith("/webhooks/")
        ):
            return _error(401, 0, "401: Unauthorized")
        try:
            return await self._route(request, method, path)
        finally:
            await self._notify()

    async def _route(self, request: web.Request, method: str, path: str) -> web.StreamResponse:
        parts = [p for p in path.split("/") if p]
        app = self.app_id
        if (method, path) == ("GET", "/users/@me"):
            return _json({**self.bot_user.payload(), "verified": True, "flags": 0})
        if (method, path) == ("GET", "/oauth2/applications/@me") or (method, path) == (
            "GET",
            "/applications/@me",
        ):
            return _json(self._app_info())
        if method == "GET" and path in ("/gateway", "/gateway/bot"):
            url = f"ws://127.0.0.1:{self.port}/gateway"
            return _json(
                {
                    "url": url,
                    "shards": 1,
                    "session_start_limit": {
                        "total": 1000,
                        "remaining": 999,
                        "reset_after": 0,
                        "max_concurrency": 1,
                    },
                }
            )
        # /applications/{app}/commands and /applications/{app}/guilds/{g}/commands
        if len(parts) >= 3 and parts[0] == "applications" and parts[1] == app:
            guild_id = parts[3] if len(parts) >= 5 and parts[2] == "guilds" else None
            if parts[-1] == "commands":
                if method == "GET":
                    if guild_id is None:
                        return _json(self.global_commands)
                    return _json(self.guild_commands.get(guild_id, []))
                if method == "PUT":
                    body = await request.json()
                    problems = validate_commands(body)
                    if problems:
                        self._violate(path, problems)
                        return _error(400, 50035, "Invalid Form Body", {"_errors": problems})
                    return _json(self._store_commands(guild_id, body))
        if parts[:1] == ["interactions"] and len(parts) == 4 and parts[3] == "callback":
            return await self._callback(request, parts[1], parts[2])
        if parts[:1] == ["webhooks"] and len(parts) >= 3 and parts[1] == app:
            return await self._webhook(request, method, parts[2], parts[3:])
        if parts[:1] == ["channels"] and len(parts) >= 3 and parts[2] == "messages":
            return await self._channel(request, method, parts[1], parts[3:])
        if parts[:1] == ["channels"] and len(parts) == 2 and method == "GET":
            for g in self.guilds:
                if g.channel_id == parts[1]:
                    return _json(self._channel_payload(g))
        if parts[:1] == ["guilds"] and len(parts) == 2 and method == "GET":
            for g in self.guilds:
                if g.id == parts[1]:
                    return _json(self._guild_create(g))
        self.unknown_routes.append((method, path))
        return _error(404, 0, "404: Not Found")

    def _app_info(self) -> dict[str, Any]:
        return {
            "id": self.app_id,
            "name": "claimbot",
            "icon": None,
            "description": "",
            "summary": "",
            "verify_key": "0" * 64,
            "flags": 0,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.admin.payload(),
            "team": None,
            "interactions_endpoint_url": None,
            "tags": [],
        }

    async def _read_payload(self, request: web.Request) -> tuple[dict[str, Any], list[str]]:
        """Read a JSON or multipart (payload_json + files) body."""
        if request.content_type.startswith("multipart/"):
            payload: dict[str, Any] = {}
            names = []
            reader = await request.multipart()
            async for part in reader:
                if part.name == "payload_json":  # type: ignore[union-attr]
                    payload = json.loads(await part.text())  # type: ignore[union-attr]
                else:
                    names.append(part.filename or "")  # type: ignore[union-attr]
                    await part.read()  # type: ignore[union-attr]
            return payload, names
        if not request.can_read_body:
            return {}, []
        return await request.json(), []

    def _new_message(
        self,
        payload: dict[str, Any],
        *,
        channel_id: str,
        guild_id: str | None,
        interaction: Interaction | None = None,
        mtype: int = 0,
        files: list[str] | None = None,
    ) -> dict[str, Any]:
        mid = self.snowflake()
        msg: dict[str, Any] = {
            "id": mid,
            "type": mtype,
            "channel_id": channel_id,
            "author": self.bot_user.payload(),
            "content": payload.get("content") or "",
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [{"id": self.snowflake(), "filename": n} for n in files or []],
            "embeds": payload.get("embeds") or [],
            "components": _stamp_components(payload.get("components") or []),
            "pinned": False,
            "flags": int(payload.get("flags") or 0),
            "allowed_mentions": payload.get("allowed_mentions"),
        }
        if guild_id is not None:
            msg["guild_id"] = guild_id
        if "message_reference" in payload:
            msg["message_reference"] = payload["message_reference"]
            msg["type"] = 19
        if interaction is not None:
            msg["webhook_id"] = self.app_id
            msg["application_id"] = self.app_id
            user = self.users[interaction.user_id].payload()
            msg["interaction_metadata"] = {
                "id": interaction.id,
                "type": interaction.type,
                "user": user,
                "authorizing_integration_owners": {"0": guild_id} if guild_id else {},
            }
            msg["interaction"] = {
                "id": interaction.id,
                "type": interaction.type,
                "name": interaction.payload.get("data", {}).get("name", ""),
                "user": user,
            }
        self.messages[mid] = msg
        self._record_pings(msg, payload)
        return msg

    def _record_pings(
        self, msg: dict[str, Any], payload: dict[str, Any], *, is_edit: bool = False
    ) -> None:
        """Work out which notifications the message content would really trigger.

        A reply notifies the replied member when it is sent, never again when it is edited.
        """
        content = msg.get("content") or ""
        allowed = payload.get("allowed_mentions")
        parse = {"everyone", "users", "roles"} if allowed is None else set(allowed.get("parse", []))
        users = set((allowed or {}).get("users", []))
        roles = set((allowed or {}).get("roles", []))
        targets = []
        if "everyone" in parse:
            targets += [m for m in ("everyone", "here") if f"@{m}" in content]
        for uid in re.findall(r"<@!?(\d+)>", content):
            if "users" in parse or uid in users:
                targets.append(f"user:{uid}")
        for rid in re.findall(r"<@&(\d+)>", content):
            if "roles" in parse or rid in roles:
                targets.append(f"role:{rid}")
        ref = None if is_edit else msg.get("message_reference")
        if ref and (allowed is None or allowed.get("replied_user", True)):
            replied = self.messages.get(str(ref.get("message_id")))
            if replied is not None and replied["author"]["id"] != self.bot_user.id:
                targets.append(f"user:{replied['author']['id']} (reply)")
        msg["mention_everyone"] = "everyone" in targets or "here" in targets
        for t in targets:
            self.pings.append(Ping(msg["id"], t))

    def _edit_message(
        self, route: str, mid: str, payload: dict[str, Any]
    ) -> dict[str, Any] | web.Response:
        msg = self.messages.get(mid)
        if msg is None:
            self._violate(route, [f"edit of unknown message {mid}"])
            return _error(404, 10008, "Unknown Message")
        merged = {
            k: payload.get(k, msg.get(k)) for k in ("content", "embeds", "components", "flags")
        }
        problems = validate_message(merged)
        if problems:
            self._violate(route, problems)
            return _error(400, 50035, "Invalid Form Body", {"_errors": problems})
        for key in ("content", "embeds"):
            if key in payload:
                msg[key] = (
                    payload[key] if payload[key] is not None else ("" if key == "content" else [])
                )
        if "components" in payload:
            msg["components"] = _stamp_components(payload["components"] or [])
        msg["edited_timestamp"] = _now_iso()
        if "allowed_mentions" in payload:
            msg["allowed_mentions"] = payload["allowed_mentions"]
        self._record_pings(msg, payload, is_edit=True)
        return msg

    async def _callback(self, request: web.Request, iid: str, token: str) -> web.Response:
        route = "POST /interactions/{id}/{token}/callback"
        inter = self.interactions.get(iid)
        if inter is None or inter.token != token:
            self._violate(route, [f"callback for unknown interaction {iid}"])
            return _error(404, 10062, "Unknown interaction")
        body, files = await self._read_payload(request)
        now = time.monotonic()
        if inter.callbacks:
            self._violate(route, [f"second callback to {inter!r}: already acknowledged"])
            return _error(400, 40060, "Interaction has already been acknowledged.")
        if now - inter.sent_at > self.callback_deadline:
            self.late_callbacks.append(inter)
            return _error(404, 10062, "Unknown interaction")
        rtype = body.get("type")
        data = body.get("data") or {}
        allowed_types = {2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}[inter.type]
        if rtype not in allowed_types:
            self._violate(
                route, [f"callback type {rtype} is not valid for interaction type {inter.type}"]
            )
            return _error(400, 50035, "Invalid Form Body")
        problems: list[str] = []
        if rtype in (4, 7):
            problems = validate_message(data)
        elif rtype == 8:
            problems = validate_choices(data.get("choices") or [])
        if problems:
            self._violate(route, problems)
            return _error(400, 50035, "Invalid Form Body", {"_errors": problems})
        inter.callbacks.append(body)
        inter.callback_at = now
        guild_id = inter.payload.get("guild_id")
        channel_id = inter.payload.get("channel_id", "0")
        response: dict[str, Any] = {
            "interaction": {
                "id": iid,
                "type": inter.type,
                "response_message_loading": rtype == 5,
                "response_message_ephemeral": bool(int(data.get("flags") or 0) & EPHEMERAL),
            }
        }
        if rtype in (4, 5):
            msg = self._new_message(
                data if rtype == 4 else {"content": "", "flags": data.get("flags", 0)},
                channel_id=channel_id,
                guild_id=guild_id,
                interaction=inter,
                mtype=20 if inter.type == 2 else 0,
                files=files,
            )
            if rtype == 5:
                msg["flags"] = int(msg["flags"]) | 128  # LOADING
            inter.original_id = msg["id"]
            response["interaction"]["response_message_id"] = msg["id"]
            response["resource"] = {"type": rtype, "message": msg}
        elif rtype == 7 and inter.original_id:
            edited = self._edit_message(route, inter.original_id, data)
            if isinstance(edited, web.Response):
                return edited
            response["resource"] = {"type": rtype, "message": edited}
        elif rtype == 8:
            response["resource"] = {"type": 8}
        return _json(response)

    def _interaction_for_token(self, route: str, token: str) -> Interaction | web.Response:
        inter = self._by_token.get(token)
        if inter is None:
            self._violate(route, ["unknown webhook token"])
            return _error(404, 10015, "Unknown Webhook")
        if not inter.callbacks:
            self._violate(route, [f"webhook call on {inter!r} before any callback"])
            return _error(404, 10015, "Unknown Webhook")
        return inter

    async def _webhook(
        self, request: web.Request, method: str, token: str, rest: list[str]
    ) -> web.StreamResponse:
        route = f"{method} /webhooks/{{app}}/{{token}}/" + "/".join(
            "{id}" if p.isdigit() else p for p in rest
        )
        inter = self._interaction_for_token(route, token)
        if isinstance(inter, web.Response):
            return inter
        if method == "POST" and not rest:
            payload, files = await self._read_payload(request)
            problems = validate_message(payload)
            if problems:
                self._violate(route, problems)
                return _error(400, 50035, "Invalid Form Body", {"_errors": problems})
            if inter.callbacks[0]["type"] == 5 and inter.original_id and not inter.followup_ids:
                # The first followup after a deferred reply edits the loading message.
                original = self.messages.get(inter.original_id)
                if original is not None and original["flags"] & 128 and not inter.edits:
                    keep = original["flags"] & EPHEMERAL
                    msg = self._edit_message(route, inter.original_id, payload)
                    if isinstance(msg, web.Response):
                        return msg
                    msg["flags"] = keep
                    inter.followup_ids.append(msg["id"])
                    return _json(msg)
            msg = self._new_message(
                payload,
                channel_id=inter.payload.get("channel_id", "0"),
                guild_id=inter.payload.get("guild_id"),
                interaction=inter,
                files=files,
            )
            inter.followup_ids.append(msg["id"])
            return _json(msg)
        if len(rest) == 2 and rest[0] == "messages":
            mid = inter.original_id if rest[1] == "@original" else rest[1]
            if mid is None:
                self._violate(route, [f"{rest[1]} does not exist for {inter!r}"])
                return _error(404, 10008, "Unknown Message")
            if method == "GET":
                found = self.messages.get(mid)
                return _json(found) if found else _error(404, 10008, "Unknown Message")
            if method == "DELETE":
                self.messages.pop(mid, None)
                return web.Response(status=204)
            if method == "PATCH":
                payload, _ = await self._read_payload(request)
                msg = self._edit_message(route, mid, payload)
                if isinstance(msg, web.Response):
                    return msg
                msg["flags"] = int(msg["flags"]) & ~128
                if rest[1] == "@original":
                    inter.edits.append(payload)
                return _json(msg)
        self.unknown_routes.append((method, route))
        return _error(404, 0, "404: Not Found")

    async def _channel(
        self, request: web.Request, method: str, channel_id: str, rest: list[str]
    ) -> web.StreamResponse:
        route = f"{method} /channels/{{id}}/messages" + ("/{id}" if rest else "")
        guild = next((g for g in self.guilds if g.channel_id == channel_id), None)
        if guild is None:
            self._violate(route, [f"unknown channel {channel_id}"])
            return _error(404, 10003, "Unknown Channel")
        if len(rest) == 4 and rest[1] == "reactions" and rest[3] == "@me" and method == "PUT":
            if rest[0] not in self.messages:
                return _error(404, 10008, "Unknown Message")
            self.reactions.append((rest[0], unquote(rest[2])))
            return web.Response(status=204)
        if method == "POST" and not rest:
            payload, files = await self._read_payload(request)
            problems = validate_message(payload)
            if problems:
                self._violate(route, problems)
                return _error(400, 50035, "Invalid Form Body", {"_errors": problems})
            ref = payload.get("message_reference")
            if ref is not None:
                problem = self._check_reference(ref, channel_id)
                if problem is not None and ref.get("fail_if_not_exists", True):
                    self._violate(route, [problem])
                    return _error(400, 50035, "Invalid Form Body", {"_errors": [problem]})
                if problem is not None:  # Discord sends it as a plain message instead
                    payload = {k: v for k, v in payload.items() if k != "message_reference"}
            msg = self._new_message(payload, channel_id=channel_id, guild_id=guild.id, files=files)
            self.channel_messages.append(msg)
            return _json(msg)
        if len(rest) == 1:
            mid = rest[0]
            if method == "GET":
                found = self.messages.get(mid)
                return _json(found) if found else _error(404, 10008, "Unknown Message")
            if method == "PATCH":
                target = self.messages.get(mid)
                if target is not None and target["flags"] & EPHEMERAL:
                    self._violate(route, ["ephemeral messages can only be edited by webhook"])
                    return _error(404, 10008, "Unknown Message")
                payload, _ = await self._read_payload(request)
                out = self._edit_message(route, mid, payload)
                return out if isinstance(out, web.Response) else _json(out)
            if method == "DELETE":
                self.messages.pop(mid, None)
                return web.Response(status=204)
        self.unknown_routes.append((method, route))
        return _error(404, 0, "404: Not Found")

    def _check_reference(self, ref: dict[str, Any], channel_id: str) -> str | None:
        """Return why a reply's message_reference is refused (MessageReference object)."""
        target = self.messages.get(str(ref.get("message_id")))
        if target is None:
            return "message_reference: Unknown message"
        if (
            str(ref.get("channel_id", channel_id)) != channel_id
            or target["channel_id"] != channel_id
        ):
            return "message_reference: a reply must be in the channel of the replied message"
        return None

    async def _file(self, request: web.Request) -> web.Response:
        f = self.files.get(request.match_info["id"])
        if f is None or f.filename != request.match_info["name"]:
            return web.Response(status=404, text="Not Found")
        headers = {"Content-Type": f.content_type} if f.content_type else {}
        return web.Response(body=f.data, headers=headers)

    async def _page(self, request: web.Request) -> web.Response:
        try:
            return self._answer_page(request)
        finally:
            await self._notify()

    def _answer_page(self, request: web.Request) -> web.Response:
        self.requests.append((request.method, request.path))
        page = self.pages.get(request.path)
        if page is None:
            return web.Response(status=404, text="Not Found")
        status, ctype, body = page
        headers = {"Content-Type": ctype}
        etag = self.etags.get(request.path)
        if etag is not None:
            headers["ETag"] = etag
            if request.headers.get("If-None-Match") == etag:
                self.not_modified.append(request.path)
                return web.Response(status=304, headers={"ETag": etag})
        return web.Response(status=status, body=body, headers=headers)

    # ----------------------------------------------------------------- members act

    def _base_interaction(
        self, itype: int, guild: Guild, user: User, data: dict[str, Any]
    ) -> Interaction:
        iid = self.snowflake()
        token = "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48)
        member = self._member_payload(guild, user.id)
        member["permissions"] = str(self.permissions(guild, user.id))
        payload = {
            "id": iid,
            "application_id": self.app_id,
            "type": itype,
            "data": data,
            "guild_id": guild.id,
            "guild": {"id": guild.id, "locale": "en-US", "features": []},
            "channel_id": guild.channel_id,
            "channel": self._channel_payload(guild),
            "member": member,
            "token": token,
            "version": 1,
            "app_permissions": str(self.permissions(guild, self.bot_user.id)),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "entitlement_sku_ids": [],
            "authorizing_integration_owners": {"0": guild.id},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        inter = Interaction(self, iid, token, itype, payload, user.id, time.monotonic())
        self.interactions[iid] = inter
        self._by_token[token] = inter
        return inter

    def _check_allowed(self, guild: Guild, user: User, cmd: dict[str, Any], override: bool) -> None:
        """Discord hides a command from members lacking its default permissions."""
        needed = int(cmd.get("default_member_permissions") or 0)
        if needed and not override and self.permissions(guild, user.id) & needed != needed:
            raise PermissionError(
                f"{user.name} cannot see /{cmd['name']} in {guild.name} (needs {needed}); pass "
                "override_permissions=True to act as a server that changed the default"
            )
        contexts = cmd.get("contexts")
        if contexts is not None and 0 not in contexts:
            raise PermissionError(f"/{cmd['name']} is not available in servers")

    def _options(
        self,
        cmd: dict[str, Any],
        values: dict[str, Any],
        resolved: dict[str, Any],
        focused: str | None,
        guild: Guild | None = None,
    ) -> list[dict[str, Any]]:
        declared = {o["name"]: o for o in cmd.get("options") or []}
        unknown = set(values) - set(declared)
        if unknown:
            raise ValueError(f"/{cmd['name']} has no option(s) {sorted(unknown)}")
        if focused is None:
            missing = [n for n, o in declared.items() if o.get("required") and n not in values]
            if missing:
                raise ValueError(f"/{cmd['name']} needs option(s) {missing}")
        out = []
        for name, value in values.items():
            otype = declared[name]["type"]
            opt: dict[str, Any] = {"name": name, "type": otype}
            if otype == 11:
                if not isinstance(value, FakeFile):
                    raise TypeError(f"option {name} takes a FakeFile")
                f = value if value.id else self.attach(value)
                url = self.url(f"/files/{f.id}/{f.filename}")
                att = {
                    "id": f.id,
                    "filename": f.filename,
                    "size": len(f.data),
                    "url": url,
                    "proxy_url": url,
                    "ephemeral": True,
                }
                if f.content_type:
                    att["content_type"] = f.content_type
                resolved.setdefault("attachments", {})[f.id] = att
                opt["value"] = f.id
            elif otype == 8:  # ROLE: the value is a role id, resolved to the role object
                if guild is None:
                    raise ValueError("role options need the guild")
                payload = next((r for r in self._role_payloads(guild) if r["id"] == value), None)
                if payload is None:
                    raise ValueError(f"no role {value!r} in {guild.name}")
                resolved.setdefault("roles", {})[value] = payload
                opt["value"] = value
            elif otype == 7:
                channel_guild = next(g for g in self.guilds if g.channel_id == str(value))
                channel = self._channel_payload(channel_guild)
                resolved.setdefault("channels", {})[str(value)] = {
                    **channel,
                    "permissions": str(self.permissions(channel_guild, self.bot_user.id)),
                }
                opt["value"] = str(value)
            else:
                opt["value"] = value
            if name == focused:
                opt["focused"] = True
            out.append(opt)
        return out

    async def _send_interaction(self, inter: Interaction) -> Interaction:
        inter.sent_at = time.monotonic()
        if not await self.dispatch("INTERACTION_CREATE", inter.payload):
            raise RuntimeError("no gateway connection is ready")
        return inter

    async def slash(
        self,
        guild: Guild,
        user: User,
        name: str,
        options: dict[str, Any] | None = None,
        *,
        override_permissions: bool = False,
    ) -> Interaction:
        """Run `/name` (or `/group sub`) as `user` in `guild` with `options`; return the record."""
        top, _, sub = name.partition(" ")
        cmd = self.find_command(guild, top)
        self._check_allowed(guild, user, cmd, override_permissions)
        resolved: dict[str, Any] = {}
        if sub:
            declared = next(
                (o for o in cmd.get("options") or [] if o["type"] == 1 and o["name"] == sub), None
            )
            if declared is None:
                raise LookupError(f"/{top} has no subcommand {sub!r}")
            sub_options = self._options(declared, options or {}, resolved, None, guild)
            given = [{"name": sub, "type": 1, "options": sub_options}]
        else:
            given = self._options(cmd, options or {}, resolved, None, guild)
        data: dict[str, Any] = {"id": cmd["id"], "name": top, "type": 1, "options": given}
        if resolved:
            data["resolved"] = resolved
        if "guild_id" in cmd:
            data["guild_id"] = cmd["guild_id"]
        return await self._send_interaction(self._base_interaction(2, guild, user, data))

    async def autocomplete(
        self,
        guild: Guild,
        user: User,
        name: str,
        options: dict[str, Any],
        focused: str,
    ) -> Interaction:
        """Type into option `focused` of `/name` (or `/group sub`); the response holds the choices."""
        top, _, sub = name.partition(" ")
        cmd = self.find_command(guild, top)
        self._check_allowed(guild, user, cmd, True)
        declared = cmd
        if sub:
            declared = next(o for o in cmd.get("options") or [] if o["name"] == sub)
        option = next(o for o in declared.get("options") or [] if o["name"] == focused)
        if not option.get("autocomplete"):
            raise ValueError(f"option {focused} of /{name} has no autocomplete")
        given = self._options(declared, options, {}, focused)
        if sub:
            given = [{"name": sub, "type": 1, "options": given}]
        data: dict[str, Any] = {"id": cmd["id"], "name": top, "type": 1, "options": given}
        if "guild_id" in cmd:
            data["guild_id"] = cmd["guild_id"]
        return await self._send_interaction(self._base_interaction(4, guild, user, data))

    async def message_command(
        self, guild: Guild, user: User, name: str, message: dict[str, Any]
    ) -> Interaction:
        """Use the message context menu `name` on `message`."""
        cmd = self.find_command(guild, name, ctype=3)
        self._check_allowed(guild, user, cmd, False)
        data: dict[str, Any] = {
            "id": cmd["id"],
            "name": name,
            "type": 3,
            "target_id": message["id"],
            "resolved": {"messages": {message["id"]: message}},
        }
        if "guild_id" in cmd:
            data["guild_id"] = cmd["guild_id"]
        return await self._send_interaction(self._base_interaction(2, guild, user, data))

    async def click(self, message: dict[str, Any], custom_id: str, user: User) -> Interaction:
        """Press the button `custom_id` on a message the bot sent."""
        current = self.messages.get(message["id"])
        if current is None:
            raise LookupError("that message does not exist (deleted?)")
        button = next((b for b in buttons(current) if b.get("custom_id") == custom_id), None)
        if button is None:
            raise LookupError(f"no button {custom_id!r} on the message: {buttons(current)}")
        if button.get("disabled"):
            raise PermissionError(f"button {custom_id!r} is disabled")
        guild = self.guild(current["guild_id"])
        data = {"custom_id": custom_id, "component_type": 2}
        inter = self._base_interaction(3, guild, user, data)
        inter.payload["message"] = current
        inter.original_id = current["id"]
        return await self._send_interaction(inter)

    def bot_message(
        self, guild: Guild, components: list[dict[str, Any]], content: str = "a message"
    ) -> dict[str, Any]:
        """Store a message from the bot with the given component rows (an old or copied one)."""
        msg = self._new_message(
            {"content": content, "components": components},
            channel_id=guild.channel_id,
            guild_id=guild.id,
        )
        self.channel_messages.append(msg)
        return msg

    def delete_message(self, message: dict[str, Any]) -> None:
        """A member (or moderator) deletes a message."""
        self.messages.pop(message["id"], None)

    def user_message(self, guild: Guild, user: User, content: str) -> dict[str, Any]:
        """Store a message a member posted (without sending it to the bot)."""
        mid = self.snowflake()
        mentions = []
        for uid in re.findall(r"<@!?(\d+)>", content):
            if uid in self.users:
                mentions.append(
                    {
                        **self.users[uid].payload(),
                        "member": self._member_payload(guild, uid, with_user=False),
                    }
                )
        msg = {
            "id": mid,
            "type": 0,
            "channel_id": guild.channel_id,
            "guild_id": guild.id,
            "author": self.users[user.id].payload(),
            "member": self._member_payload(guild, user.id, with_user=False),
            "content": content,
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": mentions,
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": False,
            "flags": 0,
        }
        self.messages[mid] = msg
        return msg

    async def post(self, guild: Guild, user: User, content: str) -> dict[str, Any]:
        """A member posts `content`; the bot receives it as MESSAGE_CREATE if its intents allow."""
        msg = self.user_message(guild, user, content)
        event = dict(msg)
        mentioned = any(m["id"] == self.bot_user.id for m in msg["mentions"])
        for sock in list(self._sockets):
            if not sock.ready or not sock.intents & INTENT_GUILD_MESSAGES:
                continue
            if not sock.owns(guild.id):
                continue
            if not (sock.intents & INTENT_MESSAGE_CONTENT or mentioned):
                # Without the privileged intent Discord blanks the content.
                event = {**msg, "content": "", "embeds": [], "attachments": [], "components": []}
            await self._send_dispatch(sock, "MESSAGE_CREATE", event)
        return msg

    async def mention(self, guild: Guild, user: User, text: str) -> dict[str, Any]:
        """A member posts "@claimbot <text>"."""
        return await self.post(guild, user, f"<@{self.bot_user.id}> {text}")

    def replies_to(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        """Bot messages in the channel that reply to `message`."""
        return [
            m
            for m in self.channel_messages
            if str((m.get("message_reference") or {}).get("message_id")) == message["id"]
        ]

    async def wait_reply(self, message: dict[str, Any], timeout: float = 20) -> dict[str, Any]:
        await self.wait_until(lambda: bool(self.replies_to(message)), timeout, "a reply")
        return self.replies_to(message)[0]

    def all_sent(self) -> Iterator[dict[str, Any]]:
        """Every message the bot created."""
        return (m for m in self.messages.values() if m["author"]["id"] == self.bot_user.id)


def _stamp_components(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copy components as Discord echoes them back."""
    copied: list[dict[str, Any]] = json.loads(json.dumps(rows))
    return copied


class _GatewaySocket:
    def __init__(self, ws: web.WebSocketResponse, compress: bool) -> None:
        self.ws = ws
        self.compress = compress
        self._z = zlib.compressobj() if compress else None
        self.intents = 0
        self.ready = False
        self.shard = (0, 1)  # (shard id, shard count) from IDENTIFY
        self._lock = asyncio.Lock()

    def owns(self, guild_id: str | int) -> bool:
        """Return whether this session's shard receives the guild's events."""
        return FakeDiscord.shard_of(guild_id, self.shard[1]) == self.shard[0]

    async def send(self, payload: dict[str, Any]) -> None:
        text = json.dumps(payload)
        async with self._lock:
            if self.ws.closed:
                return
            if self._z is not None:
                data = self._z.compress(text.encode()) + self._z.flush(zlib.Z_SYNC_FLUSH)
                await self.ws.send_bytes(data)
            else:
                await self.ws.send_str(text)


@contextlib.contextmanager
def patch_discord_py(fake: FakeDiscord) -> Iterator[None]:
    """Point discord.py's REST base and default gateway at the fake."""
    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    import yarl

    discord.http.Route.BASE = f"{fake.base_url}/api/v10"
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(
        f"ws://127.0.0.1:{fake.port}/gateway"
    )
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


async def wait_ready(
    client: discord.Client, fake: FakeDiscord, task: asyncio.Task[None], timeout: float = 30
) -> None:
    """Wait until the client is ready and saw every guild; fail fast if `task` (start) died."""

    async def inner() -> None:
        while not client.is_ready() or any(
            client.get_guild(int(g.id)) is None for g in fake.guilds
        ):
            if task.done():
                task.result()
                raise RuntimeError("the client stopped before it was ready")
            await asyncio.sleep(0.02)

    await asyncio.wait_for(inner(), timeout)
