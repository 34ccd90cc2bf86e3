"""Unit tests of the feature core (`core/`): the rules alone, with plain data and small fakes of
`core.platform` protocols; no Discord, no emulator, a database only where a rule reads one."""
