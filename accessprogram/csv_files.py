"""Every CSV file the product writes goes through this one writer, so no cell can run as a spreadsheet formula.

A tester's typed name, a user agent or a memo lands in an admin's spreadsheet; text starting with `=`, `+`,
`-`, `@`, a tab or a carriage return would be run there as a formula (OWASP "CSV injection"). Such text is
written behind a single quote, which spreadsheets show as text. Numbers stay numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The cell as written: text a spreadsheet would run as a formula gets a leading quote; anything else as is."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class _Line:
    """A file-like object whose write returns the line, so the writer yields lines instead of buffering them."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """The file line by line, header first: a streaming response sends each line as it is made."""
    writer = csv.writer(_Line())
    yield writer.writerow([neutralise(value) for value in header])
    for row in rows:
        yield writer.writerow([neutralise(value) for value in row])


def csv_text(header: Iterable[str], rows: Iterable[Iterable]) -> str:
    """The whole file as one string, for a download or a member of an archive."""
    return "".join(csv_lines(header, rows))
