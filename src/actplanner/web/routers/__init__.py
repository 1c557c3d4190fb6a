"""One router per feature: sign-in, home, audit trail, JSON API."""
