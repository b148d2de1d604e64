"""ReviewLog.answer: the right choices' texts at the time of each answer."""

from collections import defaultdict

from django.db import migrations, models


def fill_from_current_choices(apps, schema_editor):
    # Rows written before this field existed get today's right answer: the best that is known.
    # The historical model has no append-only guard; this only fills the new column.
    ReviewLog = apps.get_model("review", "ReviewLog")
    Choice = apps.get_model("questions", "Choice")
    right = defaultdict(list)
    for question_id, text in (
        Choice.objects.filter(correct=True)
        .order_by("position", "pk")
        .values_list("question_id", "text")
    ):
        right[question_id].append(text)
    for question_id, texts in right.items():
        ReviewLog.objects.filter(question_id=question_id, rating__isnull=False).update(answer=texts)


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0001_initial"),
        ("questions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="reviewlog",
            name="answer",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(fill_from_current_choices, migrations.RunPython.noop),
    ]
