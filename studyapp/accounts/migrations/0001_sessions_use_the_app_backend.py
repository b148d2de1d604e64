"""Signed-in sessions keep working across the move to studyapp.accounts.backends.ModelBackend.

A session names the backend its user signed in with, and Django signs out any session whose
backend is no longer in AUTHENTICATION_BACKENDS: without this, every learner would be signed
out once by the upgrade, mid-session.
"""

from django.db import migrations

DJANGO_BACKEND = "django.contrib.auth.backends.ModelBackend"
APP_BACKEND = "studyapp.accounts.backends.ModelBackend"
BACKEND_KEY = "_auth_user_backend"  # django.contrib.auth.BACKEND_SESSION_KEY


def rename_backend(apps, old: str, new: str) -> int:
    from django.contrib.sessions.backends.db import SessionStore

    session_model = apps.get_model("sessions", "Session")
    store = SessionStore()
    changed = []
    for session in session_model.objects.iterator():
        data = store.decode(session.session_data)
        if data.get(BACKEND_KEY) == old:
            data[BACKEND_KEY] = new
            session.session_data = store.encode(data)
            changed.append(session)
    session_model.objects.bulk_update(changed, ["session_data"], batch_size=500)
    return len(changed)


def forwards(apps, schema_editor) -> None:
    rename_backend(apps, DJANGO_BACKEND, APP_BACKEND)


def backwards(apps, schema_editor) -> None:
    rename_backend(apps, APP_BACKEND, DJANGO_BACKEND)


class Migration(migrations.Migration):
    dependencies = [("sessions", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
