"""Every write of the showcase app. Import from the submodules, e.g.
``from showcase.services.graduation import pair_graduate``."""
