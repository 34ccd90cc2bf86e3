"""What members and organizers do in the end-to-end tests, and what they then find.

`story` reads as who does what (`organizer.schedules(...)`, `alice.clicks("Going", on=card)`); one module per
feature holds the steps behind it (`meetings.schedule`, `introductions.introduce`, `resources.share`,
`groups.join`, `announcements.schedule`) and what a test looks up (`meetings.card`, `resources.cards`); `server`
is what is on the server whatever the feature (members, roles, permissions, posts, attachments).
"""
