"""The evidence report: what an organizer hands the evaluator (`/report`, `copbot report`)."""
