"""Wake-ups across replicas: a thread that LISTENs on its own connection for due moments.

A store NOTIFYs inside the transaction that made someone claimable, so PostgreSQL delivers the
notice only once that write is committed. Notices can be missed while the connection is down:
after every reconnect the listener asks once more when the next person is due, and the
scheduler's sweep stays the safety net.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import psycopg
from psycopg import sql

from bot.storage.postgres_schema import (
    CONNECT_TIMEOUT,
    TCP_SETTINGS,
    where,
    with_options,
    without_password,
)

LOGGER = logging.getLogger(__name__)

#: How long one wait for notices lasts: the longest `close()` waits for the thread.
POLL_SECONDS = 0.25
#: Reconnect backoff after the connection dropped, doubling up to the cap.
RECONNECT_FIRST = 0.1
RECONNECT_CAP = 5.0


class DueListener:
    """Hears other replicas' due moments and hands them on; ignores the store's own."""

    def __init__(
        self,
        url: str,
        schema: str | None,
        channel: str,
        *,
        own_id: str,
        heard: Callable[[float], None],
        reconnected: Callable[[], None],
        options: str = "",
    ) -> None:
        self._url = url
        self._schema = schema
        self._channel = channel
        self._own_id = own_id
        self._heard = heard
        self._reconnected = reconnected
        self._options = options
        self._stop = threading.Event()
        self.listening = threading.Event()
        self._thread = threading.Thread(target=self._run, name="coach-listen", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=POLL_SECONDS * 20)

    def _run(self) -> None:
        delay = RECONNECT_FIRST
        first = True
        while not self._stop.is_set():
            try:
                with psycopg.connect(
                    self._url,
                    autocommit=True,
                    connect_timeout=CONNECT_TIMEOUT,
                    **TCP_SETTINGS,
                    application_name=f"interview-coach listen {self._schema or ''}".strip(),
                    **with_options(self._url, self._schema, self._options),
                ) as conn:
                    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._channel)))
                    self.listening.set()
                    if not first:
                        self._tell(self._reconnected)
                    first, delay = False, RECONNECT_FIRST
                    while not self._stop.is_set():
                        for notice in conn.notifies(timeout=POLL_SECONDS):
                            self._take(notice.payload)
            except psycopg.Error as error:
                self.listening.clear()
                LOGGER.warning(
                    "Lost the wake-up connection to %s, reconnecting in %.1f s: %s",
                    where(self._url),
                    delay,
                    without_password(str(error), self._url),
                )
                self._stop.wait(delay)
                delay = min(delay * 2, RECONNECT_CAP)
        self.listening.clear()

    def _take(self, payload: str) -> None:
        sender, _, moment = payload.partition(" ")
        if sender == self._own_id:
            return  # this store told its own watchers already, right after its commit
        try:
            value = float(moment)
        except ValueError:
            LOGGER.warning("Ignored a wake-up notice that is not a moment: %r", payload)
            return
        self._tell(lambda: self._heard(value))

    def _tell(self, call: Callable[[], None]) -> None:
        try:
            call()
        except Exception:
            LOGGER.exception("A wake-up watcher failed; the sweep will catch up")
