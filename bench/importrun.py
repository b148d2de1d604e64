"""Time one import of a folder of notes, as `import_notes` does it (parse, save, question bank).

    python -m bench.importrun cold NOTES_DIR    # migrate (not timed), then import
    python -m bench.importrun again NOTES_DIR   # import again into the same database

Started by bench/run.py in a process of its own, with the environment naming the database
(bench.settings), so a cold import that runs too long can be stopped. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("phase", choices=["cold", "again"])
    parser.add_argument("notes_dir")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from studyapp.notes.importer import import_paths
    from studyapp.questions.models import Question

    if args.phase == "cold":
        call_command("migrate", verbosity=0)
    started = time.perf_counter()
    report = import_paths([args.notes_dir])
    seconds = time.perf_counter() - started
    result = {
        "seconds": seconds,
        "notes": len(report.files),
        "added": report.added,
        "unchanged": report.unchanged,
        "failed": report.failed,
        "questions": Question.objects.current().count(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
