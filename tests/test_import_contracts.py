"""The import contracts of ``.importlinter`` (the apps' dependency directions, the engine
without Django, each app's internals kept to itself) hold. ``make lint`` checks them too;
here they fail the test run that every change goes through."""

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)

    exit_code = lint_imports(config_filename=str(ROOT / ".importlinter"), no_cache=True, no_logo=True)

    assert exit_code == 0, capsys.readouterr().out
