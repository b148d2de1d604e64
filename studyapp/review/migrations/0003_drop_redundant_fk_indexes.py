"""Drop the single-column indexes of Card.learner, ReviewLog.learner and ReviewLog.card.

Each is the first column of a composite index ((learner, question), (learner, due),
(learner, reviewed_at), (card, reviewed_at)), which serves every look-up and cascade the
single-column one did, while every answer paid for writing one more index page.

Only the indexes are dropped. Django's AlterField would rebuild the whole table on SQLite
(copying every learner's review history) to drop an index; here the database is told only
`DROP INDEX`, and the migration state gets the AlterField.
"""

from django.conf import settings
from django.db import migrations, models

REDUNDANT = [("card", "learner"), ("reviewlog", "learner"), ("reviewlog", "card")]


def _single_column_indexes(schema_editor, model, field):
    # Whatever name the index was created with: found by introspection, not guessed.
    return schema_editor._constraint_names(
        model, [field.column], index=True, unique=False, primary_key=False
    )


def drop_indexes(apps, schema_editor):
    for model_name, field_name in REDUNDANT:
        model = apps.get_model("review", model_name)
        field = model._meta.get_field(field_name)
        for name in _single_column_indexes(schema_editor, model, field):
            schema_editor.execute(schema_editor._delete_index_sql(model, name))


def create_indexes(apps, schema_editor):
    for model_name, field_name in REDUNDANT:
        model = apps.get_model("review", model_name)
        field = model._meta.get_field(field_name)
        if not _single_column_indexes(schema_editor, model, field):
            schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0002_reviewlog_answer"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
            state_operations=[
                migrations.AlterField(
                    model_name="card",
                    name="learner",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="study_cards",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="reviewlog",
                    name="learner",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="review_logs",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="reviewlog",
                    name="card",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=models.deletion.CASCADE,
                        related_name="logs",
                        to="review.card",
                    ),
                ),
            ],
        )
    ]
