"""Every write of the matching app: criteria, runs, review, publishing (one module each)."""
