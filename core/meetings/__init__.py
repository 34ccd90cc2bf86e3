"""Meetings without Discord: who may see a meeting (`visibility`), who it is for (`audience`), RSVPs and the
waitlist (`rsvp`), when a meeting's jobs fall due and whom a reminder reaches (`reminders`), scheduling and
planning an edit of a meeting or a series (`edits`), series start times (`series`) and calendar files
(`calendar`). They take and return plain data (`storage.meetings` rows, ids, aware UTC datetimes), ask the
platform through small protocols (`visibility.ChannelViews`, `core.scheduler.Jobs`) and refuse with
`errors.MeetingRefusal`."""
