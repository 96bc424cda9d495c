"""Stage 2, validate: from text cells to validated tidy tables (or every problem at once), and the
`Dataset` every command and notebook starts from."""
