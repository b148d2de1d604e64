"""Notes for the import run: copies of content/ with each note's service renamed and numbered.

"Amazon ECS" becomes "Amazon ECS 0001" everywhere in the copy, so every copy is a note about a
service of its own, as a large real collection would be. Pure: bytes in, files out.
"""

from __future__ import annotations

import re
from pathlib import Path

# "# 📘 Amazon ECS – Elastic Container Service": the service is the title up to the dash.
_TITLE = re.compile(rb"((?:Amazon|AWS)(?: [A-Za-z0-9]+)+?)\s+[^\w\s]")


def service_of(data: bytes) -> bytes:
    """The service a note is about, from its title line ("Amazon ECS"); b"" if none."""
    found = _TITLE.search(data.split(b"\n", 1)[0])
    return found.group(1).strip() if found else b""


def generate_notes(content_dir: Path, out_dir: Path, count: int) -> list[Path]:
    """Write `count` notes into `out_dir`, cycling through content/, numbered from 0001."""
    sources = sorted(content_dir.glob("*.md"))
    if not sources:
        raise ValueError(f"no notes in {content_dir}")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for n in range(1, count + 1):
        source = sources[(n - 1) % len(sources)]
        data = source.read_bytes()
        service = service_of(data)
        if service:
            data = data.replace(service, service + b" %04d" % n)
        target = out_dir / f"{source.stem}-{n:04d}.md"
        target.write_bytes(data)
        written.append(target)
    return written
