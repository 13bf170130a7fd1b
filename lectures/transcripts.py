"""Transcripts: parse the editor's timestamped text into segments and write WebVTT for the player.

Editors paste either lines that start with a timestamp ("[00:01:23] text", "[01:23] text") or a
WebVTT file. Lines without a timestamp continue the passage above them.
"""

import re

TIMESTAMP_LINE = re.compile(r"^\s*\[(?:(\d{1,2}):)?([0-5]?\d):([0-5]\d)\]\s*(.*)$")
LOOSE_TIMESTAMP = re.compile(r"^\s*\[[\d:.]+\]")
VTT_CUE_TIME = re.compile(
    r"^\s*(?:(\d{1,2}):)?([0-5]?\d):([0-5]\d)(?:[.,]\d{1,3})?\s*-->\s*"
    r"(?:(\d{1,2}):)?([0-5]?\d):([0-5]\d)(?:[.,]\d{1,3})?"
)


class TranscriptFormatError(ValueError):
    """The transcript has a line that looks like a timestamp but is not one."""


def _seconds(hours: str | None, minutes: str, seconds: str) -> int:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)


def parse_transcript(text: str, *, strict: bool = False) -> list[tuple[int, str]]:
    """Return (offset in seconds, text) segments from a bracketed or WebVTT transcript."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return []
    if text.startswith("WEBVTT"):
        return _parse_vtt(text)
    segments: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        match = TIMESTAMP_LINE.match(line)
        if match:
            hours, minutes, seconds, rest = match.groups()
            segments.append((_seconds(hours, minutes, seconds), rest.strip()))
        elif strict and LOOSE_TIMESTAMP.match(line):
            raise TranscriptFormatError(
                f"Line {number} starts with {line.strip()[:20]!r}, which is not a timestamp like [00:01:23]."
            )
        elif line.strip():
            if segments:
                offset, previous = segments[-1]
                segments[-1] = (offset, f"{previous} {line.strip()}".strip())
            else:
                segments.append((0, line.strip()))
    return [(offset, passage) for offset, passage in segments if passage]


def _parse_vtt(text: str) -> list[tuple[int, str]]:
    segments: list[tuple[int, str]] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.split("\n") if line.strip()]
        for index, line in enumerate(lines):
            match = VTT_CUE_TIME.match(line)
            if match:
                passage = " ".join(cue.strip() for cue in lines[index + 1 :])
                passage = re.sub(r"<[^>]+>", "", passage).strip()  # drop voice/styling tags
                if passage:
                    segments.append((_seconds(*match.groups()[:3]), passage))
                break
    return segments


def format_offset(seconds: int) -> str:
    """Format an offset as H:MM:SS or M:SS for people to read."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _vtt_time(seconds: int) -> str:
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.000"


def segments_to_vtt(segments: list[tuple[int, str]], *, last_cue_seconds: int = 10) -> str:
    """Write segments as WebVTT captions; each cue lasts until the next one starts."""
    lines = ["WEBVTT", ""]
    for index, (offset, passage) in enumerate(segments):
        end = segments[index + 1][0] if index + 1 < len(segments) else offset + last_cue_seconds
        end = max(end, offset + 1)
        # "-->" inside a cue would end it early; a blank line would split it.
        safe = passage.replace("-->", "->").replace("\n", " ")
        lines += [str(index + 1), f"{_vtt_time(offset)} --> {_vtt_time(end)}", safe, ""]
    return "\n".join(lines)
