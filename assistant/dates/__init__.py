"""Dates: what a question says about when, article dates matched against it, and the
passages re-ranked by it."""
