"""A calendar's secret address is kept sealed: the stored form reveals nothing of it."""

from __future__ import annotations

import pytest

from bot.feeds.sealing import Sealer, SealError, generate_key

ADDRESS = "https://calendar.google.com/calendar/ical/sam%40gmail.com/private-5f3a9c0d1e/basic.ics"


def test_the_stored_form_is_not_the_address_and_opens_back_to_it():
    sealer = Sealer(generate_key())
    sealed = sealer.seal(ADDRESS)
    assert sealed != ADDRESS
    for piece in ("calendar.google.com", "private-5f3a9c0d1e", "sam%40gmail.com", "basic.ics"):
        assert piece not in sealed
    assert sealer.open(sealed) == ADDRESS


def test_sealing_one_address_twice_gives_two_different_forms():
    sealer = Sealer(generate_key())
    assert sealer.seal(ADDRESS) != sealer.seal(ADDRESS)


def test_a_wrong_key_fails_clearly_and_names_the_setting():
    sealed = Sealer(generate_key()).seal(ADDRESS)
    with pytest.raises(SealError, match="COACH_FEED_KEY") as caught:
        Sealer(generate_key()).open(sealed)
    assert ADDRESS not in str(caught.value)


def test_a_damaged_stored_form_fails_clearly():
    sealer = Sealer(generate_key())
    sealed = sealer.seal(ADDRESS)
    damaged = sealed[:-6] + ("A" if sealed[-6] != "A" else "B") + sealed[-5:]
    with pytest.raises(SealError, match="damaged"):
        sealer.open(damaged)
    with pytest.raises(SealError):
        sealer.open("not a token at all ✓")


@pytest.mark.parametrize("key", ["", " , ", "short", "x" * 44, generate_key()[:-2]])
def test_a_key_that_is_not_a_fernet_key_is_refused_with_how_to_make_one(key):
    with pytest.raises(SealError, match="COACH_FEED_KEY"):
        Sealer(key)


def test_a_rotated_key_still_opens_old_addresses_and_reseals_them_with_the_new_one():
    old, new = generate_key(), generate_key()
    sealed_with_old = Sealer(old).seal(ADDRESS)
    rotated = Sealer(f"{new},{old}")
    assert rotated.open(sealed_with_old) == ADDRESS
    resealed = rotated.reseal(sealed_with_old)
    assert Sealer(new).open(resealed) == ADDRESS
    with pytest.raises(SealError):
        Sealer(new).open(sealed_with_old)


def test_the_sealer_never_shows_its_keys():
    key = generate_key()
    assert key not in repr(Sealer(key))
