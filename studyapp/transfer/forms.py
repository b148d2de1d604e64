"""The progress upload form: a JSON file exported from a studyapp server."""

from __future__ import annotations

import json
from typing import Any

from django import forms

MAX_PROGRESS_BYTES = 50 * 1024 * 1024


class ProgressUploadForm(forms.Form):
    file = forms.FileField(label="Progress file (.json)")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_PROGRESS_BYTES:
            raise forms.ValidationError("The file is larger than 50 MB.")
        try:
            return json.loads(upload.read().decode("utf-8-sig"), parse_constant=_no_constant)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise forms.ValidationError(f"This is not a JSON file: {error}") from error
        except (RecursionError, ValueError) as error:
            # Nested deeper than Python's parser goes, or NaN/Infinity (not JSON at all).
            raise forms.ValidationError(f"This is not a progress file: {error}") from error


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number JSON allows")
