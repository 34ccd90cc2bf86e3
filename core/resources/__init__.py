"""The resource library without Discord: the rules of sharing (links `urls`, files `files`, what members type
`inputs`), the use cases (`library.Library`: share, duplicates, tags, marks, search) and the weekly digest
(`digest`). The Discord adapter is `cogs/resources/`; the SQL is `storage/resources/`."""
