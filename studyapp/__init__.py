"""studyapp: markdown notes become spaced-repetition questions and mock exams."""
