"""A calendar feed's secret address sealed at rest with Fernet, the key from settings.

Anyone holding a calendar's secret iCal address can read every event in it, so the store
keeps only the sealed form. Fernet (from `cryptography`) is authenticated encryption
(AES-128-CBC with HMAC-SHA256) with a versioned token format, so a tampered or wrongly keyed
token fails loudly instead of decrypting to garbage. Several keys may be set, comma
separated: the first seals, all of them open, so a key can be rotated without losing feeds.
"""

from __future__ import annotations

import base64
import binascii

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

#: The setting that holds the key(s); `generate_key()` makes one.
KEY_SETTING = "COACH_FEED_KEY"


class SealError(ValueError):
    """A sealed address that cannot be opened, or a key that cannot be used, explained."""


def generate_key() -> str:
    """A fresh key to put in `COACH_FEED_KEY` (URL-safe base64 of 32 random bytes)."""
    return Fernet.generate_key().decode("ascii")


class Sealer:
    """Seals and opens feed addresses with the keys from settings."""

    def __init__(self, keys: str) -> None:
        parts = [part.strip() for part in keys.split(",") if part.strip()]
        if not parts:
            raise SealError(
                f"{KEY_SETTING} is empty: set it to a key made with "
                "`python -m bot.feeds.sealing` to store calendar addresses."
            )
        fernets: list[Fernet] = []
        for number, part in enumerate(parts, start=1):
            try:
                if len(base64.urlsafe_b64decode(part.encode("ascii"))) != 32:
                    raise ValueError
                fernets.append(Fernet(part.encode("ascii")))
            except (ValueError, binascii.Error, UnicodeEncodeError):
                raise SealError(
                    f"Key {number} in {KEY_SETTING} is not a Fernet key (32 bytes in URL-safe "
                    "base64, 44 characters); make one with `python -m bot.feeds.sealing`."
                ) from None
        self._fernet = MultiFernet(fernets)

    def __repr__(self) -> str:
        return "Sealer(<keys hidden>)"

    def seal(self, address: str) -> str:
        """The form the store keeps: a Fernet token, different every time for one address."""
        return self._fernet.encrypt(address.encode("utf-8")).decode("ascii")

    def open(self, sealed: str) -> str:
        """The address again; SealError when the token was made with another key or changed."""
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise SealError(
                "A stored calendar address cannot be opened with the key in "
                f"{KEY_SETTING}: the key was changed or the stored value was damaged. Put the "
                "old key back (after the new one, comma separated) or ask the person to set "
                "their calendar again."
            ) from None

    def reseal(self, sealed: str) -> str:
        """The token sealed again with the first key, for rotating keys."""
        try:
            return self._fernet.rotate(sealed.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeError):
            raise SealError(
                f"A stored calendar address cannot be opened with the keys in {KEY_SETTING}."
            ) from None


if __name__ == "__main__":
    print(generate_key())
