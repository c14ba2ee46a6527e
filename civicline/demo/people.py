"""Generated applicants and staff: names, mobile numbers and plausible ID numbers."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from itertools import product

from civicline.demo.names import (
    COMPANY_BRANDS,
    COMPANY_PLACES,
    COMPANY_SUFFIXES,
    GIVEN_FIRST,
    GIVEN_SECOND,
    MOBILE_PREFIXES,
    REGION_CODES,
    SURNAMES,
)

Random = Callable[[], float]  # random.Random.random, passed bound for speed

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {ch: n for n, ch in enumerate(_USCC_CHARS)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def person_name(r: Random) -> str:
    """A Chinese full name; about a quarter have a one-character given name."""
    name = SURNAMES[int(r() * len(SURNAMES))] + GIVEN_FIRST[int(r() * len(GIVEN_FIRST))]
    if r() < 0.75:
        name += GIVEN_SECOND[int(r() * len(GIVEN_SECOND))]
    return name


def company_name(r: Random, industries: tuple[str, ...]) -> str:
    """E.g. 茂名市信宜食品有限公司."""
    return (COMPANY_PLACES[int(r() * len(COMPANY_PLACES))]
            + COMPANY_BRANDS[int(r() * len(COMPANY_BRANDS))]
            + industries[int(r() * len(industries))]
            + COMPANY_SUFFIXES[int(r() * len(COMPANY_SUFFIXES))])


def mobile(r: Random) -> str:
    """An 11-digit mainland mobile number."""
    return MOBILE_PREFIXES[int(r() * len(MOBILE_PREFIXES))] + f"{int(r() * 100_000_000):08d}"


@lru_cache(maxsize=1)
def _id_tables() -> tuple[tuple[tuple[str, int], ...], ...]:
    # Pieces of the 17-character body with their weighted check sums, so a number costs
    # four lookups instead of a 17-term sum (the benchmark makes hundreds of thousands).
    def piece(texts: list[str], offset: int) -> tuple[tuple[str, int], ...]:
        weights = _ID_WEIGHTS[offset:]
        return tuple((s, sum(int(ch) * w for ch, w in zip(s, weights, strict=False)))
                     for s in texts)

    return (
        piece(list(REGION_CODES), 0),
        piece([str(year) for year in range(1950, 2006)], 6),
        piece([f"{m:02d}{d:02d}" for m in range(1, 13) for d in range(1, 29)], 10),
        piece([f"{n:03d}" for n in range(1000)], 14),
    )


def resident_id(r: Random) -> str:
    """An 18-character resident ID number of a 茂名 resident, with a valid check character."""
    region, year, day, seq = _id_tables()
    a, b, c, d = (region[int(r() * len(region))], year[int(r() * len(year))],
                  day[int(r() * len(day))], seq[int(r() * len(seq))])
    return a[0] + b[0] + c[0] + d[0] + _ID_CHECK[(a[1] + b[1] + c[1] + d[1]) % 11]


@lru_cache(maxsize=1)
def _credit_tables() -> tuple[tuple[tuple[str, int], ...], ...]:
    # "914409" + district + "MA5" + two 3-character chunks; sums as in _id_tables.
    def value(text: str, offset: int) -> int:
        return sum(_USCC_VALUE[ch] * w for ch, w in zip(text, _USCC_WEIGHTS[offset:], strict=False))

    heads = [f"914409{code[4:]}MA5" for code in REGION_CODES]
    chunks = ["".join(c) for c in product(_USCC_CHARS, repeat=3)]
    return (
        tuple((h, value(h, 0)) for h in heads),
        tuple((c, value(c, 11)) for c in chunks),
        tuple((c, value(c, 14)) for c in chunks),
    )


def credit_code(r: Random) -> str:
    """An 18-character unified social credit code of a 茂名 enterprise, check character valid."""
    heads, first, second = _credit_tables()
    a, b, c = (heads[int(r() * len(heads))], first[int(r() * len(first))],
               second[int(r() * len(second))])
    return a[0] + b[0] + c[0] + _USCC_CHARS[(31 - (a[1] + b[1] + c[1]) % 31) % 31]
