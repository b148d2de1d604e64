"""Keep a copy of each attempt question's choices as shown (AttemptQuestion.shown).

Attempts started before this migration get the copy from their Choice rows as they are now:
the best that is left of what the learner saw. A choice an import has deleted since is kept
as a placeholder, so places on screen still line up with `choice_order`.
"""

from django.db import migrations, models

REMOVED = "(a choice removed from the notes since)"


def copy_choices(apps, schema_editor):
    AttemptQuestion = apps.get_model("exams", "AttemptQuestion")
    Choice = apps.get_model("questions", "Choice")
    items = list(AttemptQuestion.objects.order_by("pk"))
    for start in range(0, len(items), 500):
        batch = items[start : start + 500]
        ids = {pk for item in batch for pk in item.choice_order}
        rows = {
            pk: {"id": pk, "text": text, "correct": correct, "why_wrong": why}
            for pk, text, correct, why in Choice.objects.filter(pk__in=ids).values_list(
                "pk", "text", "correct", "why_wrong"
            )
        }
        for item in batch:
            item.shown = [
                rows.get(pk, {"id": pk, "text": REMOVED, "correct": False, "why_wrong": ""})
                for pk in item.choice_order
            ]
        AttemptQuestion.objects.bulk_update(batch, ["shown"])


class Migration(migrations.Migration):
    dependencies = [
        ("exams", "0001_initial"),
        ("questions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="attemptquestion",
            name="shown",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(copy_choices, migrations.RunPython.noop),
    ]
