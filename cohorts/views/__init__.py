"""The cohorts app's pages, one module per area."""
