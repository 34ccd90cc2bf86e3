"""SQLite storage through aiosqlite. Never imports discord."""
