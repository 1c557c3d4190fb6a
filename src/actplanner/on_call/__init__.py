"""Who is on call: the lookup (page, API, CLI), the lead's covers, swaps and read-only links."""
