"""Did-you-mean: the closest few of the values a user could have meant."""

from __future__ import annotations

import difflib
from typing import Iterable, Mapping


def closest(wanted: str, candidates: Iterable[str] | Mapping[str, str], n: int = 3) -> list[str]:
    """Up to ``n`` candidates closest to ``wanted``: prefix matches, then substrings, then near spellings.

    ``candidates`` may map every string that names a value (a label, a code) to the value to
    suggest; matching is case-insensitive. ``lgbtq`` finds ``lgbtq-rights`` (a prefix),
    ``rights`` finds it too (a substring), ``violnce`` finds ``violence`` (a near spelling).
    """
    by_key: dict[str, str] = {}
    pairs = candidates.items() if isinstance(candidates, Mapping) else ((c, c) for c in candidates)
    for key, value in pairs:
        if key:
            by_key.setdefault(key.casefold(), value)
    want = wanted.strip().casefold()
    if not want:
        return []
    keys = sorted(by_key)
    found: list[str] = []

    def add(matches: Iterable[str]) -> None:
        for k in matches:
            if by_key[k] not in found:
                found.append(by_key[k])

    add(k for k in keys if k.startswith(want) and k != want)
    if len(want) >= 3:
        add(k for k in keys if want in k and not k.startswith(want))
    add(difflib.get_close_matches(want, keys, n=n * 2, cutoff=0.6))
    if len(want) >= 4:  # a word of a longer name: "barometr" in "central-asia-barometer"
        add(k for k in keys if any(difflib.SequenceMatcher(None, want, part).ratio() >= 0.8
                                    for part in k.replace("-", " ").split()))
    return found[:n]


def did_you_mean(found: list[str], quote: bool = True) -> str:
    """'did you mean 'a', 'b' or 'c'? ' (empty when nothing is close)."""
    if not found:
        return ""
    shown = [repr(f) if quote else f for f in found]
    listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]
    return f"did you mean {listed}? "
