"""Calendar feeds: the ledger of what each calendar shows, RFC 5545 rendering, and the Feeds page."""
