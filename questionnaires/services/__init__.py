"""Every write of the questionnaires app. Import from the submodules, e.g.
``from questionnaires.services.responses import response_save``."""
