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


# A link that import-linter cannot see: a model looked up by name, a module imported from a
# string. Renaming the other side then breaks nothing until a page runs (or, with the error
# swallowed, silently falls back). Links between apps are imports of public functions or the
# hooks registries instead. The demo data is the one discovery by name: each app's demo.py.
HIDDEN_LINKS = ("get_model(", "import_module(", "__import__(")
DISCOVERY = {"mentorship/demo.py"}


def test_no_app_reaches_another_by_name():
    found = []
    for app in ("mentorship", "cohorts", "questionnaires", "matching", "meetings", "showcase"):
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative in DISCOVERY:
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if any(link in line for link in HIDDEN_LINKS):
                    found.append(f"{relative}:{number}: {line.strip()}")

    assert found == []
