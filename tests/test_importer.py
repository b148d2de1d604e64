"""Importing notes: what lands in the database, what is kept across edits, what is refused."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from django import dispatch
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studyapp.notes import importer
from studyapp.notes import parsed as p
from studyapp.notes.importer import import_paths, save_note
from studyapp.notes.models import (
    Decision,
    Fact,
    FocusItem,
    ImportProblem,
    Note,
    Signal,
    SummaryRow,
    Topic,
)
from studyapp.notes.signals import notes_imported

SEED = Path(__file__).resolve().parent.parent / "content" / "amazon-ecs.md"
WRITES = ("INSERT", "UPDATE", "DELETE")

pytestmark = pytest.mark.django_db


# --- Hand-built notes: the importer against the parser's contract ---------------------------


def lambda_note(
    *,
    networking: tuple[str, ...] = (
        "Assigns each function an ENI in your VPC",
        "Needs a NAT gateway for internet access",
    ),
    signal: str = "If the code must reach private resources → attach Lambda to a VPC",
    content_hash: str = "v1",
) -> p.ParsedNote:
    """A small note as the parser would return it; keyword arguments say what an author edited."""
    return p.ParsedNote(
        path="content/aws-lambda.md",
        title="AWS Lambda – Serverless Functions",
        service="AWS Lambda",
        short_name="Lambda",
        intro="Run code without servers.",
        text=(
            "# AWS Lambda – Serverless Functions\n"
            "\n"
            "Run code without servers.\n"
            "\n"
            "## 1. Limits\n"
            "\n"
            "* Timeout: 15 minutes at most\n"
            "  - Memory: 128 MB to 10 GB\n"
            "\n"
            "## 2. Networking\n"
            "\n" + "".join(f"* {fact}\n" for fact in networking) + "\n"
            f"**Exam Signal:** {signal}\n"
        ),
        content_hash=content_hash,
        topics=(
            p.Topic(
                title="Limits",
                line=5,
                level=2,
                anchor="limits",
                facts=(
                    p.Fact(
                        term="Timeout",
                        text="15 minutes at most",
                        line=7,
                        family="Limits",
                        children=(
                            p.Fact(term="Memory", text="128 MB to 10 GB", line=8, family="Timeout"),
                        ),
                    ),
                ),
            ),
            p.Topic(
                title="Networking",
                line=10,
                level=2,
                anchor="networking",
                facts=tuple(
                    p.Fact(term="", text=fact, line=12 + i, family="Networking")
                    for i, fact in enumerate(networking)
                ),
                signals=(
                    p.Signal(
                        text=signal,
                        line=13 + len(networking),
                        rules=(p.Rule(when="the code must reach private resources", choose="VPC"),),
                    ),
                ),
            ),
        ),
        decisions=(
            p.Decision(
                scenario="Long-running jobs",
                fits=False,
                service_option="15-minute limit",
                alternative="AWS Batch",
                line=20,
                topic="Lambda vs Alternatives",
            ),
        ),
        summary=(p.SummaryRow(keyword="Event-driven code", option="Lambda function", line=25),),
        focus=(
            p.FocusItem(
                polarity="avoid", text="Jobs over 15 minutes", line=30, alternative="Batch"
            ),
        ),
    )


def ids(note: Note) -> dict[str, set[int]]:
    return {
        "topics": set(Topic.objects.filter(note=note).values_list("pk", flat=True)),
        "facts": set(Fact.objects.filter(topic__note=note).values_list("pk", flat=True)),
        "signals": set(Signal.objects.filter(topic__note=note).values_list("pk", flat=True)),
    }


def test_saving_a_note_stores_every_kind_of_item() -> None:
    note = save_note(lambda_note(), "aws-lambda")

    assert note.title == "AWS Lambda – Serverless Functions"
    assert note.short_name == "Lambda"
    assert list(note.topics.values_list("title", "anchor")) == [
        ("Limits", "limits"),
        ("Networking", "networking"),
    ]
    assert Fact.objects.filter(topic__note=note).count() == 4
    assert Signal.objects.get().rules == [
        {"when": "the code must reach private resources", "choose": "VPC"}
    ]
    assert Decision.objects.get().fits is False
    assert SummaryRow.objects.get().option == "Lambda function"
    assert FocusItem.objects.get().alternative == "Batch"


def test_nested_bullets_keep_their_parent() -> None:
    save_note(lambda_note(), "aws-lambda")

    memory = Fact.objects.get(term="Memory")
    assert memory.parent == Fact.objects.get(term="Timeout")


def test_topic_anchors_in_the_stored_html_match_the_topics() -> None:
    note = save_note(lambda_note(), "aws-lambda")

    for anchor in note.topics.values_list("anchor", flat=True):
        assert f'id="{anchor}"' in note.body_html
    assert 'class="exam-signal"' in note.body_html


def test_a_typo_fixed_in_one_fact_keeps_every_id() -> None:
    note = save_note(lambda_note(), "aws-lambda")
    before = ids(note)

    edited = lambda_note(
        networking=(
            "Assigns every function an ENI in your VPC",
            "Needs a NAT gateway for internet access",
        ),
        content_hash="v2",
    )
    save_note(edited, "aws-lambda", note=note)

    assert ids(note) == before
    assert Fact.objects.filter(text="Assigns every function an ENI in your VPC").exists()
    assert not Fact.objects.filter(retired_at__isnull=False).exists()


def test_an_edit_elsewhere_keeps_every_id_and_adds_the_new_bullet() -> None:
    note = save_note(lambda_note(), "aws-lambda")
    before = ids(note)

    edited = lambda_note(
        networking=(
            "Assigns each function an ENI in your VPC",
            "Needs a NAT gateway for internet access",
            "Hyperplane ENIs are shared between functions",
        ),
        content_hash="v2",
    )
    save_note(edited, "aws-lambda", note=note)

    after = ids(note)
    assert after["topics"] == before["topics"]
    assert after["signals"] == before["signals"]
    assert before["facts"] < after["facts"]
    assert len(after["facts"] - before["facts"]) == 1


def test_a_removed_bullet_is_retired_not_deleted() -> None:
    note = save_note(lambda_note(), "aws-lambda")
    nat = Fact.objects.get(text="Needs a NAT gateway for internet access")

    with time_machine.travel(datetime(2025, 3, 1, 12, tzinfo=UTC), tick=False):
        save_note(
            lambda_note(
                networking=("Assigns each function an ENI in your VPC",), content_hash="v2"
            ),
            "aws-lambda",
            note=note,
        )

    nat.refresh_from_db()
    assert nat.retired_at == datetime(2025, 3, 1, 12, tzinfo=UTC)
    assert nat not in Fact.objects.current()
    assert Fact.objects.current().filter(topic__note=note).count() == 3


def test_a_bullet_put_back_comes_back_with_its_old_id() -> None:
    note = save_note(lambda_note(), "aws-lambda")
    nat = Fact.objects.get(text="Needs a NAT gateway for internet access")
    save_note(
        lambda_note(networking=("Assigns each function an ENI in your VPC",), content_hash="v2"),
        "aws-lambda",
        note=note,
    )

    save_note(lambda_note(content_hash="v3"), "aws-lambda", note=note)

    nat.refresh_from_db()
    assert nat.retired_at is None
    assert Fact.objects.filter(topic__note=note).count() == 4


def test_a_rewritten_signal_is_a_new_signal_and_the_old_one_is_retired() -> None:
    note = save_note(lambda_note(), "aws-lambda")
    old = Signal.objects.get()

    save_note(
        lambda_note(signal="For workloads over 15 minutes → AWS Batch", content_hash="v2"),
        "aws-lambda",
        note=note,
    )

    old.refresh_from_db()
    assert old.retired_at is not None
    assert Signal.objects.current().get().text == "For workloads over 15 minutes → AWS Batch"


# --- Real files through the real parser ----------------------------------------------------


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A content folder holding a copy of the seed note (the original is never touched)."""
    folder = tmp_path / "content"
    folder.mkdir()
    shutil.copyfile(SEED, folder / "amazon-ecs.md")
    return folder


def edit(path: Path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    assert old in data, f"{old!r} is not in {path}"
    path.write_bytes(data.replace(old, new, 1))


def break_table_row(path: Path) -> None:
    """Merge two cells of the "Hybrid workloads" row (line 73): a row with a cell missing."""
    edit(path, b"| Hybrid workloads            | Use EC2", b"| Hybrid workloads: Use EC2")


def test_the_seed_note_imports_with_its_topics_signals_and_decisions(content: Path) -> None:
    report = import_paths([content])

    assert (report.added, report.failed) == (1, 0)
    note = Note.objects.get(slug="amazon-ecs")
    assert note.service == "Amazon ECS"
    assert "❌" in note.source_text
    assert note.topics.current().count() >= 7
    assert Signal.objects.current().filter(topic__note=note).count() >= 6
    deployment = Signal.objects.get(topic__title="Deployment Models")
    assert {"when": "you want serverless container deployment", "choose": "Fargate"} in (
        deployment.rules
    )
    managed_k8s = Decision.objects.get(scenario__icontains="Managed Kubernetes")
    assert managed_k8s.fits is False
    assert "EKS" in managed_k8s.alternative
    serverless = Decision.objects.get(scenario__icontains="Serverless containers")
    assert serverless.fits is True
    assert note.summary_rows.count() >= 6


def test_every_topic_anchor_of_the_seed_note_is_an_id_in_its_html(content: Path) -> None:
    import_paths([content])

    note = Note.objects.get()
    for anchor in note.topics.values_list("anchor", flat=True):
        assert f'id="{anchor}"' in note.body_html
    assert note.body_html.count('class="exam-signal"') >= 6


def test_reimporting_an_unchanged_note_writes_nothing(content: Path) -> None:
    import_paths([content])

    with CaptureQueriesContext(connection) as queries:
        report = import_paths([content])

    assert report.unchanged == 1
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []


def test_reimporting_an_unchanged_note_reports_its_warnings_without_parsing_it(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = import_paths([content])
    assert first.problems  # the seed note's repaired encoding

    with monkeypatch.context() as patch:
        patch.setattr(importer, "parse_note", lambda *args: pytest.fail("parsed again"))
        again = import_paths([content])

    assert again.unchanged == 1
    assert again.problems == first.problems
    # Read when asked for, as `import_notes --json` does.
    assert again.parsed_notes == first.parsed_notes


def test_a_typo_fixed_in_the_file_keeps_every_id(content: Path) -> None:
    note_file = content / "amazon-ecs.md"
    edit(note_file, b"Assigns each task", b"Asigns each task")
    import_paths([content])
    note = Note.objects.get()
    before = ids(note)

    edit(note_file, b"Asigns each task", b"Assigns each task")
    report = import_paths([content])

    assert report.updated == 1
    assert ids(note) == before
    assert Fact.objects.filter(text__startswith="Assigns each task").exists()
    assert not Fact.objects.filter(retired_at__isnull=False).exists()


def test_an_edit_elsewhere_in_the_file_keeps_ids(content: Path) -> None:
    import_paths([content])
    note = Note.objects.get()
    before = ids(note)

    edit(
        content / "amazon-ecs.md",
        b"Amazon ECS is a fully managed",
        b"An intro line added on top.\n\nAmazon ECS is a fully managed",
    )
    import_paths([content])

    assert ids(note) == before
    assert Fact.objects.get(term__startswith="Bridge").line == 46 + 2


def test_a_bullet_removed_from_the_file_is_retired_not_deleted(content: Path) -> None:
    import_paths([content])
    host = Fact.objects.get(term__startswith="Host Mode")

    edit(content / "amazon-ecs.md", b"* Host Mode: Container shares host network namespace", b"")
    import_paths([content])

    host.refresh_from_db()
    assert host.retired_at is not None
    assert not Fact.objects.current().filter(term__startswith="Host Mode").exists()


def test_a_broken_note_is_not_imported_and_the_old_version_stays(content: Path) -> None:
    note_file = content / "amazon-ecs.md"
    import_paths([content])
    note = Note.objects.get()
    before = ids(note)

    break_table_row(note_file)
    edit(note_file, b"Bridge Mode", b"Bridge Networking Mode")
    report = import_paths([content])

    assert report.failed == 1
    assert any(pr.level == "error" and pr.line == 73 for pr in report.problems)
    refreshed = Note.objects.get()
    assert refreshed.content_hash == note.content_hash
    assert refreshed.updated_at == note.updated_at
    assert ids(note) == before
    assert not Fact.objects.filter(term__contains="Bridge Networking").exists()


def test_the_last_problems_of_each_path_are_stored_for_the_staff(content: Path) -> None:
    note_file = content / "amazon-ecs.md"
    break_table_row(note_file)
    import_paths([content])
    assert ImportProblem.objects.filter(level="error", line=73).exists()

    shutil.copyfile(SEED, note_file)
    import_paths([content])

    assert not ImportProblem.objects.filter(level="error").exists()


def test_other_notes_still_import_when_one_is_broken(content: Path) -> None:
    broken = content / "broken.md"
    shutil.copyfile(SEED, broken)
    break_table_row(broken)

    report = import_paths([content])

    assert (report.added, report.failed) == (1, 1)
    assert list(Note.objects.values_list("slug", flat=True)) == ["amazon-ecs"]


def test_a_missing_file_is_a_failure_not_a_crash(tmp_path: Path) -> None:
    report = import_paths([tmp_path / "nope.md"])

    assert report.failed == 1
    assert "cannot read" in report.problems[0].message


def test_importing_sends_notes_imported_with_changed_notes_and_all_parsed(
    content: Path,
) -> None:
    received: list[dict] = []

    def receiver(sender, **kwargs) -> None:
        received.append(kwargs)

    notes_imported.connect(receiver)
    try:
        import_paths([content])
        import_paths([content])  # unchanged: no signal
    finally:
        notes_imported.disconnect(receiver)

    assert len(received) == 1
    assert [n.slug for n in received[0]["notes"]] == ["amazon-ecs"]
    assert received[0]["parsed"]["amazon-ecs"].title.startswith("📘 Amazon ECS")


# --- The command ---------------------------------------------------------------------------


def test_the_command_prints_progress_and_a_summary(content: Path, capsys) -> None:
    call_command("import_notes", str(content))

    out = capsys.readouterr().out
    assert "[1/1] " in out
    assert "amazon-ecs.md: added" in out
    assert "notes: 1 added, 0 updated, 0 unchanged, 0 failed" in out


def test_the_command_exits_with_1_and_prints_path_line_messages(content: Path, capsys) -> None:
    break_table_row(content / "amazon-ecs.md")

    with pytest.raises(CommandError) as failure:
        call_command("import_notes", str(content))

    assert failure.value.returncode == 1
    captured = capsys.readouterr()
    assert "amazon-ecs.md: FAILED" in captured.out
    assert f"{content / 'amazon-ecs.md'}:73: error: " in captured.err
    assert "notes: 0 added, 0 updated, 0 unchanged, 1 failed" in captured.out


def test_dry_run_json_prints_one_document_and_writes_nothing(content: Path, capsys) -> None:
    with CaptureQueriesContext(connection) as queries:
        call_command("import_notes", str(content), "--dry-run", "--json")

    document = json.loads(capsys.readouterr().out)
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []
    assert Note.objects.count() == 0
    assert set(document) == {"notes", "problems"}
    [note] = document["notes"]
    assert {"path", "title", "service", "topics", "decisions", "summary"} <= set(note)
    topic = note["topics"][0]
    assert {"title", "line", "facts", "signals"} <= set(topic)
    assert {"term", "text", "line"} <= set(topic["facts"][0])
    signal = next(s for t in note["topics"] for s in t["signals"])
    assert {"text", "line", "rules"} <= set(signal)
    assert {"when", "choose"} <= set(signal["rules"][0])
    assert {"scenario", "fits", "service_option", "alternative", "line"} <= set(
        note["decisions"][0]
    )
    assert {"keyword", "option", "line"} <= set(note["summary"][0])


def test_dry_run_json_lists_problems_and_still_exits_with_1(content: Path, capsys) -> None:
    break_table_row(content / "amazon-ecs.md")

    with pytest.raises(CommandError):
        call_command("import_notes", str(content), "--dry-run", "--json")

    document = json.loads(capsys.readouterr().out)
    assert {"path", "line", "level", "message"} <= set(document["problems"][0])
    assert any(pr["line"] == 73 and pr["level"] == "error" for pr in document["problems"])
    assert ImportProblem.objects.count() == 0


# --- Saving in few statements: the same rows as one by one ----------------------------------


NESTED = """\
# AWS Batch – Batch Jobs

## Compute

* Environments: where jobs run
  * Managed: AWS picks the instances
    * Spot: cheaper, can be interrupted
  * Unmanaged: you pick the instances
* Queues: where jobs wait

## Scheduling

* Fair share: by share identifier
  * Weights: one per identifier
"""


def notes_statements(queries: CaptureQueriesContext, verb: str) -> Counter[str]:
    """How many statements of `verb` each notes table got."""
    tables = (re.search(r'"(notes_\w+)"', q["sql"]) for q in queries if q["sql"].startswith(verb))
    return Counter(table[1] for table in tables if table)


def test_a_new_note_is_saved_with_one_insert_per_kind_of_item(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "notes_imported", dispatch.Signal())  # the notes' statements only
    with CaptureQueriesContext(connection) as queries:
        import_paths([content])

    assert notes_statements(queries, "INSERT") == {
        "notes_note": 1,
        "notes_topic": 1,
        # One more for the bullet with nested bullets: its children need its id.
        "notes_fact": 2,
        "notes_signal": 1,
        "notes_decision": 1,
        "notes_summaryrow": 1,
        "notes_focusitem": 1,
        "notes_importproblem": 1,
    }
    # What the database held for the run's files, read once for all of them.
    assert notes_statements(queries, "SELECT") == {"notes_note": 1, "notes_importproblem": 1}


def test_facts_saved_together_keep_their_parents_and_reading_order(tmp_path: Path) -> None:
    (tmp_path / "aws-batch.md").write_text(NESTED, encoding="utf-8")

    import_paths([tmp_path])

    facts = list(Fact.objects.order_by("topic__position", "position"))
    assert [f.term for f in facts] == [
        "Environments",
        "Managed",
        "Spot",
        "Unmanaged",
        "Queues",
        "Fair share",
        "Weights",
    ]
    assert [f.pk for f in facts] == sorted(f.pk for f in facts)
    parents = {f.term: f.parent.term if f.parent else None for f in facts}
    assert parents == {
        "Environments": None,
        "Managed": "Environments",
        "Spot": "Managed",
        "Unmanaged": "Environments",
        "Queues": None,
        "Fair share": None,
        "Weights": "Fair share",
    }


def test_new_bullets_nested_under_new_and_kept_bullets_get_their_parents() -> None:
    note = save_note(lambda_note(), "aws-lambda")
    timeout, memory = Fact.objects.get(term="Timeout"), Fact.objects.get(term="Memory")
    limits = note.topics.get(title="Limits")
    reserved = p.Fact(term="Reserved", text="per function", line=9, family="Concurrency")
    edited = replace(
        lambda_note(content_hash="v2"),
        topics=(
            replace(
                lambda_note().topics[0],
                facts=(
                    replace(
                        lambda_note().topics[0].facts[0],
                        children=(
                            *lambda_note().topics[0].facts[0].children,
                            p.Fact(
                                term="Storage", text="512 MB to 10 GB", line=9, family="Timeout"
                            ),
                        ),
                    ),
                    p.Fact(
                        term="Concurrency",
                        text="1,000 at once",
                        line=10,
                        family="Limits",
                        children=(reserved,),
                    ),
                ),
            ),
            lambda_note().topics[1],
        ),
    )

    save_note(edited, "aws-lambda", note=note)

    parents = {
        f.term: f.parent.term if f.parent else None for f in Fact.objects.filter(topic=limits)
    }
    assert parents == {
        "Timeout": None,
        "Memory": "Timeout",
        "Storage": "Timeout",
        "Concurrency": None,
        "Reserved": "Concurrency",
    }
    assert Fact.objects.get(term="Timeout").pk == timeout.pk
    assert Fact.objects.get(term="Memory").pk == memory.pk


def test_stored_values_read_back_as_saved(tmp_path: Path) -> None:
    signals = "\n**Exam Signal:** Spiky → Spot\n\n**Exam Signal:** Think twice\n"
    (tmp_path / "aws-batch.md").write_text(NESTED + signals, encoding="utf-8")
    noon = datetime(2025, 3, 1, 12, 30, tzinfo=UTC)

    with time_machine.travel(noon, tick=False):
        import_paths([tmp_path])

    assert Signal.objects.order_by("pk").first().rules == [{"when": "Spiky", "choose": "Spot"}]
    problem = ImportProblem.objects.get()
    assert (problem.line, problem.level, problem.created_at) == (18, "warning", noon)
    assert Fact.objects.current().count() == 7


# --- Many files: read in a pool of processes, saved in order --------------------------------


@pytest.fixture
def many(tmp_path: Path) -> Path:
    """Six copies of the seed note, the fourth with a broken table row (line 73)."""
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(6):
        shutil.copyfile(SEED, folder / f"note-{i}.md")
    break_table_row(folder / "note-3.md")
    return folder


@pytest.fixture
def pool(pools: list[int], monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Read runs of 2 files or more in a pool; the pools started, by their number of workers."""
    monkeypatch.setattr(importer, "POOL_MIN_FILES", 2)
    return pools


def test_files_read_in_a_pool_come_back_in_order_as_read_one_by_one(
    many: Path, pool: list[int]
) -> None:
    paths = importer.note_files([many])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(importer, "POOL_MIN_FILES", 10**6)
        with importer._reading(paths, render=True) as read:
            one_by_one = list(read)

    with importer._reading(paths, render=True) as read:
        in_pool = list(read)

    assert pool == [2]
    assert [r.path for r in in_pool] == paths
    assert in_pool == one_by_one
    assert in_pool[0].body_html and in_pool[3].body_html is None  # broken: not rendered


def test_a_broken_note_read_in_a_pool_fails_alone_with_its_line(
    many: Path, pool: list[int]
) -> None:
    report = import_paths([many])

    assert pool == [2]
    assert [f.status for f in report.files] == ["added"] * 3 + ["failed"] + ["added"] * 2
    broken = str(importer._display(many / "note-3.md"))
    assert any(str(pr).startswith(f"{broken}:73: error: ") for pr in report.files[3].problems)
    assert Note.objects.count() == 5
    assert ImportProblem.objects.filter(path=broken, line=73, level="error").exists()
    assert all(f'id="{t.anchor}"' in t.note.body_html for t in Topic.objects.all())


def test_a_parser_crash_in_a_worker_fails_only_that_note(
    many: Path, pool: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_parse = importer.parse_note

    def crash_on_the_second(data: bytes, path: str) -> p.ParsedNote:
        if path.endswith("note-1.md"):
            raise RuntimeError("boom")
        return real_parse(data, path)

    monkeypatch.setattr(importer, "parse_note", crash_on_the_second)

    report = import_paths([many])

    assert [f.status for f in report.files] == ["added", "failed", "added", "failed"] + [
        "added"
    ] * 2
    assert [pr.message for pr in report.files[1].problems] == ["the parser crashed on this note"]
    assert Note.objects.count() == 4


def test_a_note_another_import_added_meanwhile_is_updated_not_a_failed_run(
    content: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """watch_notes and import_notes may run at once: this run's start-of-run snapshot says the
    note does not exist, another import has added it since."""
    import_paths([content])
    note = Note.objects.get(slug="amazon-ecs")
    ImportProblem.objects.create(
        path=str(content / "amazon-ecs.md"),
        line=1,
        level="warning",
        message="stale",
        created_at=note.imported_at,
    )
    edit(
        content / "amazon-ecs.md",
        b"Elastic Container Service",
        b"Elastic Container Service (edited)",
    )
    monkeypatch.setattr(importer._Known, "load", classmethod(lambda cls, files: cls({}, {})))

    report = import_paths([content])

    assert (report.updated, report.failed) == (1, 0)
    assert Note.objects.get().pk == note.pk
    assert "(edited)" in Note.objects.get().title + Note.objects.get().source_text
    # The problems stored meanwhile are replaced, not added to.
    messages = list(ImportProblem.objects.values_list("message", flat=True))
    assert "stale" not in messages and len(messages) == len(set(messages))
