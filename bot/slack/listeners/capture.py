"""Interviews found without typing: the "Track this interview" shortcut, an .ics file shared
in the DM, and the offer button that opens the filled add form."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import urllib3
from slack_bolt import Ack, App, BoltContext, Respond, Say
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.coach.capture import MAX_ICS_BYTES, Reading, ics_offers, read_pasted
from bot.domain.calendar_feed import FeedError
from bot.domain.interview import Person
from bot.slack.blocks import build_notice
from bot.slack.capture_blocks import (
    TRACK_OFFER_ACTION,
    TRACK_SHORTCUT,
    build_filled_form,
    build_offer,
    read_offer_value,
)
from bot.slack.listeners import tells_failures
from bot.slack.payloads import interaction_person

if TYPE_CHECKING:
    from bot.slack.services import Services

LOGGER = logging.getLogger(__name__)

#: Seconds a file download may take.
DOWNLOAD_TIMEOUT = 10.0


def register(app: App) -> None:
    """Registered before the DM listener: Bolt runs the first listener that matches."""
    app.shortcut(TRACK_SHORTCUT)(tells_failures(track_shortcut))
    app.action(TRACK_OFFER_ACTION)(tells_failures(offer_pressed))
    app.event({"type": "message", "subtype": "file_share"})(tells_failures(file_shared))


def open_filled_form(
    client: WebClient,
    person: Person,
    trigger_id: str,
    read: Reading | dict[str, str],
    key: str = "",
) -> bool:
    """Open the add form filled with what was read; False (logged) when Slack would not."""
    if isinstance(read, Reading):
        values, problem = read.values, read.problem
    else:
        values, problem = read, None
    try:
        client.views_open(
            trigger_id=trigger_id, view=build_filled_form(values, problem, feed_key=key)
        )
    except (SlackApiError, SlackClientError, OSError) as error:
        LOGGER.warning("Could not open the filled add form for %s: %s", person.user_id, error)
        return False
    return True


def _message_text(message: dict[str, Any]) -> str:
    """The message's words, and those of what it carries (a forwarded email, an unfurl)."""
    parts = [str(message.get("text") or "")]
    for attachment in message.get("attachments") or []:
        if isinstance(attachment, dict):
            for key in ("pretext", "title", "text", "fallback"):
                if attachment.get(key) and attachment[key] not in parts:
                    parts.append(str(attachment[key]))
    return "\n".join(p for p in parts if p.strip())


def track_shortcut(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """ "Track this interview" on any message: its text read as an invitation, the form
    opened filled with it for the person to check and save."""
    ack()
    services: Services = context["services"]
    person = interaction_person(body)
    if not services.coach.knows_timezone(person):
        services.surfaces.learn_timezone(person)
    coach = services.coach
    found = body.get("message")
    message: dict[str, Any] = found if isinstance(found, dict) else {}
    read = read_pasted(_message_text(message), now=coach.clock.now(), tz=coach.timezone(person))
    open_filled_form(client, person, str(body.get("trigger_id", "")), read)


def offer_pressed(
    ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """The offer's button: the filled form, for its owner only."""
    ack()
    person = interaction_person(body)
    action = (body.get("actions") or [{}])[0]
    found = read_offer_value(str(action.get("value", "")))
    if found is None or found[0] != person.user_id:
        respond(
            response_type="ephemeral",
            replace_original=False,
            **build_notice("That button belongs to someone else's message."),
        )
        return
    _, key, values = found
    open_filled_form(client, person, str(body.get("trigger_id", "")), values, key)


def file_shared(event: dict[str, Any], context: BoltContext, client: WebClient, say: Say) -> None:
    """An .ics file shared in the DM: read (never kept) and each event offered."""
    if event.get("channel_type") != "im" or event.get("bot_id"):
        return
    user_id, team_id = event.get("user"), context.team_id or event.get("team")
    if not user_id or not team_id:
        return
    services: Services = context["services"]
    person = Person(team_id, user_id)
    files = [f for f in event.get("files") or [] if isinstance(f, dict) and _is_ics(f)]
    if not files:
        return
    if not services.coach.knows_timezone(person):
        services.surfaces.learn_timezone(person)
    coach = services.coach
    tz = coach.timezone(person)
    for shared in files[:5]:
        data, problem = _download(client, str(shared.get("id", "")))
        if data is None:
            say(**build_notice(f":warning: {problem}"))
            continue
        try:
            offers = ics_offers(data, now=coach.clock.now(), tz=tz)
        except FeedError as error:
            say(**build_notice(f":warning: I couldn't read that calendar file: {error.problem}"))
            continue
        if not offers:
            say(**build_notice("That calendar file has no timed event I could offer to track."))
        for offer in offers[:5]:
            say(**build_offer(person, offer, tz, from_file=True))


def _is_ics(file: dict[str, Any]) -> bool:
    name = str(file.get("name") or "").lower()
    kind = str(file.get("filetype") or "").lower()
    mime = str(file.get("mimetype") or "").lower()
    return name.endswith(".ics") or kind in ("ics", "ical") or mime == "text/calendar"


def _download(client: WebClient, file_id: str) -> tuple[bytes | None, str]:
    """The file's bytes with the bot token, or None and why; only from Slack's own hosts
    (the token must go nowhere else) and at most MAX_ICS_BYTES."""
    too_big = "That calendar file is too large for an invitation (over 1 MB); I left it alone."
    try:
        info = client.files_info(file=file_id)["file"]
    except (SlackApiError, SlackClientError, OSError, KeyError, TypeError) as error:
        LOGGER.warning("files.info failed for a shared file: %s", error)
        return None, "I couldn't open that file just now; please share it again."
    if int(info.get("size") or 0) > MAX_ICS_BYTES:
        return None, too_big
    url = str(info.get("url_private_download") or info.get("url_private") or "")
    if not _from_slack(url, client.base_url):
        LOGGER.warning("A shared file's address is not Slack's; not downloaded")
        return None, "I couldn't open that file."
    try:
        response = urllib3.request(
            "GET",
            url,
            headers={"Authorization": f"Bearer {client.token}"},
            timeout=DOWNLOAD_TIMEOUT,
            preload_content=False,
            redirect=False,
            retries=False,
        )
    except urllib3.exceptions.HTTPError as error:
        LOGGER.warning("Downloading a shared file failed: %s", type(error).__name__)
        return None, "I couldn't download that file just now; please share it again."
    try:
        if response.status != 200:
            return None, "I couldn't download that file just now; please share it again."
        data = b""
        for chunk in response.stream(64 * 1024):
            data += chunk
            if len(data) > MAX_ICS_BYTES:
                return None, too_big
        return data, ""
    finally:
        response.release_conn()


def _from_slack(url: str, api_url: str) -> bool:
    """Slack's file host, or the host the Web API itself is reached at (a local stand-in)."""
    parts, api = urlsplit(url), urlsplit(api_url)
    if parts.scheme == "https" and (parts.hostname or "").endswith(".slack.com"):
        return True
    return bool(parts.netloc) and (parts.scheme, parts.netloc) == (api.scheme, api.netloc)
