"""Robots and machines, told apart from people by the COUNTER lists that the ``counter-robots`` package ships.

The package's own ``is_robot_or_machine`` matches case-sensitively, so "YandexBot" and "AhrefsBot"
pass as people; COUNTER's list is meant to be matched without regard to case, so the same two
pattern files are compiled here with ``re.IGNORECASE``.
"""

from __future__ import annotations

import functools
import re
from importlib.resources import files


@functools.cache
def _pattern() -> re.Pattern[str]:
    data = files("counter_robots") / "data"
    lines = [
        line.strip()
        for name in ("robot.txt", "machine.txt")
        for line in (data / name).read_text().splitlines()
        if line.strip()
    ]
    return re.compile("|".join(f"(?:{line})" for line in lines), re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def is_robot(user_agent: str) -> bool:
    """True for a user agent on the COUNTER robots or machines list, and for an empty one."""
    # Cached: the same few browsers' strings come back all day, and the list has ~360 patterns.
    if not user_agent.strip():
        return True
    return bool(_pattern().search(user_agent))
