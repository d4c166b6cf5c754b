"""The token format: scanners can recognise it, and typos are refused by the checksum before any look-up."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from accessprogram.services.token_format import (
    BASE62,
    CHECKSUM_LENGTH,
    TOKEN_LENGTH,
    TOKEN_PREFIX,
    token_generate,
    token_parse,
)

tokens = st.builds(lambda _: token_generate(), st.integers())


def test_a_generated_token_has_the_documented_shape():
    token = token_generate()

    assert token.startswith("vern_") and len(token) == TOKEN_LENGTH == 43
    assert all(char in BASE62 for char in token[len(TOKEN_PREFIX) :])
    assert token_parse(token) == token


def test_generated_tokens_do_not_repeat():
    assert len({token_generate() for _ in range(2000)}) == 2000


@given(tokens, st.text(alphabet=" \t\n", max_size=3), st.text(alphabet=" \t\n", max_size=3))
def test_surrounding_whitespace_is_ignored(token, before, after):
    assert token_parse(before + token + after) == token


@given(tokens, st.data())
def test_any_single_character_changed_is_refused(token, data):
    position = data.draw(st.integers(min_value=0, max_value=TOKEN_LENGTH - 1))
    replacement = data.draw(st.characters().filter(lambda char: char != token[position]))

    assert token_parse(token[:position] + replacement + token[position + 1 :]) is None


@given(tokens, st.data())
def test_two_neighbours_swapped_are_refused(token, data):
    position = data.draw(
        st.integers(min_value=len(TOKEN_PREFIX), max_value=TOKEN_LENGTH - 2).filter(lambda i: token[i] != token[i + 1])
    )
    swapped = token[:position] + token[position + 1] + token[position] + token[position + 2 :]

    assert token_parse(swapped) is None


@given(tokens, st.data())
def test_a_character_dropped_or_added_is_refused(token, data):
    position = data.draw(st.integers(min_value=0, max_value=TOKEN_LENGTH - 1))
    extra = data.draw(st.sampled_from(BASE62))

    assert token_parse(token[:position] + token[position + 1 :]) is None
    assert token_parse(token[:position] + extra + token[position:]) is None


@given(tokens)
def test_a_checksum_that_is_right_but_for_its_case_is_refused(token):
    body, checksum = token[:-CHECKSUM_LENGTH], token[-CHECKSUM_LENGTH:]
    if checksum.swapcase() != checksum:
        assert token_parse(body + checksum.swapcase()) is None


@settings(max_examples=500)
@given(st.one_of(st.text(), st.binary(), st.integers(), st.none(), st.lists(st.text())))
def test_parsing_anything_never_raises_and_accepts_only_well_formed_tokens(candidate):
    parsed = token_parse(candidate)

    assert parsed is None or (isinstance(candidate, str) and parsed == candidate.strip())


@settings(max_examples=500)
@given(st.text(alphabet=BASE62, min_size=TOKEN_LENGTH - len(TOKEN_PREFIX), max_size=TOKEN_LENGTH - len(TOKEN_PREFIX)))
def test_random_strings_of_the_right_shape_almost_never_pass_the_checksum(tail):
    # A CRC32 lets through one random string in about 4 billion; Hypothesis would have to be very lucky.
    assert token_parse(TOKEN_PREFIX + tail) is None


@given(tokens, st.sampled_from(["ghp_", "vern-", "VERN_", "xoxb_", ""]))
def test_another_prefix_is_refused(token, prefix):
    assert token_parse(prefix + token[len(TOKEN_PREFIX) :]) is None


def test_non_ascii_lookalikes_are_refused():
    token = token_generate()
    lookalike = token.replace("0", "\N{DEVANAGARI DIGIT ZERO}").replace("o", "\N{CYRILLIC SMALL LETTER O}")
    if lookalike != token:
        assert token_parse(lookalike) is None
    assert all(token_parse(token[:-1] + char) is None for char in string.punctuation)
