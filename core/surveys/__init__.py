"""Surveys: questions as data, the two templates, pages, answers, audience, results with small-count
suppression (`questions`, `templates`, `answers`, `audience`, `results`, `errors`)."""
