"""Reading projects, the showcase, graduation, terms, check-ins and outcomes. Import from
the submodules, e.g. ``from showcase.selectors.graduation import graduation_pairs``."""
