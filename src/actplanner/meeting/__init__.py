"""The morning meeting: Today, every client of the team most urgent first, and its printable sheet."""
