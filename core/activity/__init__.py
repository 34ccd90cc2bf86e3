"""Activity counts, not content: messages per channel, day and stakeholder group (`counting`), what
organizers see of them (`summary`), and where meeting agendas came from (`agenda`)."""
