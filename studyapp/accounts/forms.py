"""Forms for creating an account and editing one's profile."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from studyapp.review import scheduling
from studyapp.review.models import StudySettings


class SignupForm(UserCreationForm):
    """A new account: a username, an email address for password resets, a checked password."""

    email = forms.EmailField(help_text="Used only to send you a password reset link.")

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "email"]


class ProfileForm(forms.ModelForm):
    """The learner's time zone and exam date (kept on the study loop's StudySettings)."""

    # A list to pick from rather than free text: a typo would silently shift the learner's day.
    time_zone = forms.ChoiceField(
        choices=scheduling.time_zone_choices,
        help_text="Your day, its daily limits and your streak start at midnight here.",
    )

    class Meta:
        model = StudySettings
        fields = ["time_zone", "exam_date"]
        widgets = {"exam_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class EmailForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["email"]
