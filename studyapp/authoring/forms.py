"""The preview form: a note pasted into a textarea or uploaded as a file."""

from __future__ import annotations

from pathlib import PurePath

from django import forms

MAX_NOTE_BYTES = 1024 * 1024
PASTED_NAME = "preview.md"


class PreviewForm(forms.Form):
    text = forms.CharField(
        label="Note (markdown)",
        required=False,
        max_length=MAX_NOTE_BYTES,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
    )
    upload = forms.FileField(label="…or upload a .md file", required=False)

    def clean_upload(self) -> bytes | None:
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        if upload.size > MAX_NOTE_BYTES:
            raise forms.ValidationError("The file is larger than 1 MB; notes are text, split it.")
        data = upload.read()
        if b"\x00" in data:
            # NUL never appears in a text file; it is an image, a PDF or a zip.
            raise forms.ValidationError("This is not a text file; upload the note's .md file.")
        return data

    @property
    def source(self) -> bytes | str | None:
        """What to preview: the uploaded bytes if a file came, else the pasted text."""
        if self.cleaned_data.get("upload") is not None:
            return self.cleaned_data["upload"]
        return self.cleaned_data.get("text") or None

    @property
    def path(self) -> str:
        upload = self.files.get("upload")
        if upload is not None and self.cleaned_data.get("upload") is not None:
            return PurePath(upload.name).name or PASTED_NAME
        return PASTED_NAME
