"""Logins, personal and link tokens, signing in and out."""
