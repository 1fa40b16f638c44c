"""The matching pages: the cohort's matching page and runs, criteria and exclusions, review."""
