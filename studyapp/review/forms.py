"""The learner's study settings form."""

from __future__ import annotations

from django import forms

from studyapp.review import scheduling
from studyapp.review.models import StudySettings


class StudySettingsForm(forms.ModelForm):
    # A list to pick from rather than free text: a typo would silently shift the learner's day.
    time_zone = forms.ChoiceField(choices=scheduling.time_zone_choices)

    class Meta:
        model = StudySettings
        fields = ["desired_retention", "new_per_day", "reviews_per_day", "time_zone", "exam_date"]
        widgets = {
            "desired_retention": forms.NumberInput(
                attrs={"step": "0.01", "min": "0.70", "max": "0.97"}
            ),
            "exam_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
