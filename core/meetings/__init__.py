"""Meetings without Discord: who may see a meeting (`visibility`), RSVPs and the waitlist (`rsvp`), who a
reminder reaches and when the jobs fall due (`reminders`), planning an edit of a meeting or a series
(`edits`), series start times (`series`) and calendar files (`calendar`). They take and return plain data
(`storage.meetings` rows, ids, aware UTC datetimes) and ask the platform through small protocols."""
