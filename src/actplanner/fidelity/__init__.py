"""The Fidelity page: a period's fidelity figures from the contact log, for the lead and the state review."""
