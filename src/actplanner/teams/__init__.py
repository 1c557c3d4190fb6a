"""A team's staff, clients and policy: import, export, the team page and its forms."""
