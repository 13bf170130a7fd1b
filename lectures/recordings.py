"""Recordings: tell an uploaded audio or video file from an external YouTube or Vimeo link.

Embeds are built from the video id without calling the providers (no oEmbed round trip), so the
page renders when the provider is unreachable; the plain link stays as a fallback.
"""

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import parse_qs, urlsplit

AUDIO_EXTENSIONS = {"mp3": "audio/mpeg", "m4a": "audio/mp4", "oga": "audio/ogg", "ogg": "audio/ogg",
                    "opus": "audio/ogg", "wav": "audio/wav"}  # fmt: skip
VIDEO_EXTENSIONS = {"mp4": "video/mp4", "m4v": "video/mp4", "webm": "video/webm", "ogv": "video/ogg"}
MEDIA_EXTENSIONS = sorted({**AUDIO_EXTENSIONS, **VIDEO_EXTENSIONS})

YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")


@dataclass(frozen=True)
class ExternalVideo:
    """A video hosted elsewhere: where to embed it and how to link to a moment in it."""

    provider: str
    video_id: str
    url: str

    @property
    def embed_url(self) -> str:
        if self.provider == "YouTube":
            return f"https://www.youtube-nocookie.com/embed/{self.video_id}"
        return f"https://player.vimeo.com/video/{self.video_id}"

    def link_at(self, seconds: int) -> str:
        """A link that opens the video at the given offset on the provider's site."""
        if self.provider == "YouTube":
            return f"https://www.youtube.com/watch?v={self.video_id}&t={int(seconds)}s"
        return f"https://vimeo.com/{self.video_id}#t={int(seconds)}s"


def parse_external_video(url: str) -> ExternalVideo | None:
    """Recognise a YouTube or Vimeo address; anything else is None (shown as a plain link)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"}:
        return None
    host = (parts.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    path = [segment for segment in parts.path.split("/") if segment]
    video_id = None
    if host in {"youtube.com", "youtube-nocookie.com"}:
        if path[:1] == ["watch"]:
            video_id = (parse_qs(parts.query).get("v") or [""])[0]
        elif len(path) >= 2 and path[0] in {"embed", "shorts", "live", "v"}:
            video_id = path[1]
        if video_id and YOUTUBE_ID.match(video_id):
            return ExternalVideo("YouTube", video_id, url)
    elif host == "youtu.be" and path and YOUTUBE_ID.match(path[0]):
        return ExternalVideo("YouTube", path[0], url)
    elif host in {"vimeo.com", "player.vimeo.com"}:
        numeric = [segment for segment in path if segment.isdigit()]
        if numeric:
            return ExternalVideo("Vimeo", numeric[0], url)
    return None


def media_kind(filename: str) -> tuple[str, str] | None:
    """Return ("audio" | "video", MIME type) for an uploaded recording's file name."""
    extension = PurePosixPath(filename or "").suffix.lower().lstrip(".")
    if extension in AUDIO_EXTENSIONS:
        return "audio", AUDIO_EXTENSIONS[extension]
    if extension in VIDEO_EXTENSIONS:
        return "video", VIDEO_EXTENSIONS[extension]
    return None
