"""The studyapp test suite (a package, so `tests.settings` and `tests.pgcluster` import cleanly)."""
