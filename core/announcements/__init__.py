"""Announcements without Discord: reading schedules (`recurrence`), planning runs (`plans`), what a due
occurrence does and who hears of a failure (`runs`), the text rules of a post (`text`) and the use cases
that write announcements and their jobs (`service`). The Discord adapter is `cogs/announcements/`."""
