"""Every write of the cohorts app. One module per aggregate; import from the module."""
