"""Is every string the site shows translated? Checked without the gettext tools.

- ``source_messages()``: every message the code and the templates ask to translate: the
  ``{% translate %}`` and ``{% blocktranslate %}`` tags of every template (read through
  Django's own template parser, so the message is exactly what Django will look up), and the
  ``gettext`` family's literal arguments in the apps' Python code (read with ``ast``);
- ``po_messages(language)``: the catalogue a translator edits (``locale/<language>/LC_MESSAGES/django.po``);
- ``problems(language)``: what is missing, untranslated, fuzzy, has other placeholders than
  its original, or differs in the compiled ``django.mo`` (not compiled again since).

``python manage.py translations`` prints the problems (``--update`` extracts and compiles first).
"""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.templatetags.i18n import BlockTranslateNode, TranslateNode

APPS = ["mentorship", "cohorts", "questionnaires", "matching", "meetings", "showcase"]
GETTEXT_FUNCTIONS = {
    "_": "s",
    "gettext": "s",
    "gettext_lazy": "s",
    "gettext_noop": "s",
    "_lazy": "s",
    "ngettext": "sp",
    "ngettext_lazy": "sp",
    "pgettext": "cs",
    "pgettext_lazy": "cs",
    "npgettext": "csp",
    "npgettext_lazy": "csp",
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|%[sdif]")


@dataclass(frozen=True)
class Message:
    msgid: str
    context: str = ""
    plural: str = ""
    where: str = field(default="", compare=False, hash=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.context, self.msgid)


# --- What the code asks for -----------------------------------------------------------------


def _template_messages(path: Path, name: str) -> list[Message]:
    engine = engines["django"].engine
    template = engine.from_string(path.read_text(encoding="utf-8"))
    found = []
    for node in template.nodelist.get_nodes_by_type(TranslateNode):
        var = node.filter_expression.var
        literal = getattr(var, "literal", None)
        if isinstance(literal, str):
            # As Django looks it up: a literal % is doubled (python-format).
            found.append(Message(str(literal).replace("%", "%%"), _context(node), where=name))
    for node in template.nodelist.get_nodes_by_type(BlockTranslateNode):
        singular, _vars = node.render_token_list(node.singular)
        plural = node.render_token_list(node.plural)[0] if node.plural else ""
        found.append(Message(singular, _context(node), plural, where=name))
    return found


def _context(node) -> str:
    context = node.message_context
    if context is None:
        return ""
    return str(context.var.literal if hasattr(context.var, "literal") else context.var)


def template_messages() -> list[Message]:
    found = []
    for directory in settings.TEMPLATES[0]["DIRS"]:
        root = Path(directory)
        for path in sorted(root.rglob("*")):
            if path.suffix in (".html", ".txt") and path.is_file():
                found += _template_messages(path, str(path.relative_to(root)))
    return found


def _literal(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def python_messages() -> list[Message]:
    found = []
    for app in APPS:
        for path in sorted((settings.BASE_DIR / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            where = str(path.relative_to(settings.BASE_DIR))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
                shape = GETTEXT_FUNCTIONS.get(name)
                if shape is None or len(node.args) < len(shape):
                    continue
                values = dict(zip(shape, (_literal(a) for a in node.args), strict=False))
                if any(values[k] is None for k in shape):
                    continue
                found.append(Message(values["s"], values.get("c", ""), values.get("p", ""), where=where))
    return found


def source_messages() -> list[Message]:
    return template_messages() + python_messages()


# --- What the catalogue holds ---------------------------------------------------------------------


@dataclass
class PoEntry:
    msgid: str
    context: str = ""
    plural: str = ""
    translations: list[str] = field(default_factory=list)
    fuzzy: bool = False

    @property
    def translated(self) -> bool:
        return bool(self.translations) and all(self.translations) and not self.fuzzy


_UNESCAPE = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unquote(text: str) -> str:
    body = text.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: _UNESCAPE.get(m.group(1), m.group(1)), body)


def catalogue_path(language: str, suffix: str = "po") -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / f"django.{suffix}"


def po_messages(language: str) -> dict[tuple[str, str], PoEntry]:
    """The .po file's entries by (context, msgid); the header and obsolete entries left out."""
    entries: dict[tuple[str, str], PoEntry] = {}
    entry: PoEntry | None = None
    current, index, pending_fuzzy = "", 0, False

    def flush():
        if entry is not None and entry.msgid:
            entries[(entry.context, entry.msgid)] = entry

    def append(value: str):
        if current == "msgstr":
            entry.translations[index] += value
        elif current == "msgctxt":
            entry.context += value
        elif current == "msgid":
            entry.msgid += value
        elif current == "msgid_plural":
            entry.plural += value

    for raw in catalogue_path(language).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#,"):
            pending_fuzzy = "fuzzy" in line
            continue
        if not line or line.startswith("#"):
            continue
        if line.startswith('"'):
            append(_unquote(line))
            continue
        keyword, _space, rest = line.partition(" ")
        if keyword == "msgctxt" or (keyword == "msgid" and current != "msgctxt"):
            flush()
            entry, pending_fuzzy = PoEntry(msgid="", fuzzy=pending_fuzzy), False
        if keyword.startswith("msgstr"):
            current, index = "msgstr", int(keyword[7:-1]) if "[" in keyword else 0
            while len(entry.translations) <= index:
                entry.translations.append("")
        else:
            current = keyword
        append(_unquote(rest))
    flush()
    return entries


def _placeholders(text: str) -> set[str]:
    return {match.group(0) for match in PLACEHOLDER.finditer(text)}


def problems(language: str) -> list[str]:
    """Everything that keeps the language from being complete, one line each."""
    if not catalogue_path(language).exists():
        return [f"{catalogue_path(language)} does not exist: run `python manage.py translations --update`."]
    po = po_messages(language)
    found = []
    seen = set()
    for message in source_messages():
        if message.key in seen:
            continue
        seen.add(message.key)
        entry = po.get(message.key)
        label = f"{message.where}: {message.msgid[:80]!r}"
        if entry is None:
            found.append(f"not in the catalogue (extract again): {label}")
        elif not entry.translated:
            found.append(f"{'fuzzy' if entry.fuzzy else 'not translated'}: {label}")
    for key, entry in po.items():
        if not entry.translated:
            if key not in seen:
                found.append(f"{'fuzzy' if entry.fuzzy else 'not translated'}: {entry.msgid[:80]!r}")
            continue
        originals = _placeholders(entry.msgid) | _placeholders(entry.plural)
        for translation in entry.translations:
            # A plural form may leave the number out ("un par"), never bring in another name.
            ok = _placeholders(translation) <= originals if entry.plural else _placeholders(translation) == originals
            if not ok:
                found.append(f"placeholders differ: {entry.msgid[:80]!r} -> {translation[:80]!r}")
    found += _compiled_problems(language, po)
    return found


def _compiled_problems(language: str, po: dict[tuple[str, str], PoEntry]) -> list[str]:
    mo_path = catalogue_path(language, "mo")
    if not mo_path.exists():
        return [f"{mo_path} does not exist: compile the catalogue."]
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    stale = 0
    for (context, msgid), entry in po.items():
        if not entry.translated:
            continue
        key = f"{context}\x04{msgid}" if context else msgid
        forms = range(len(entry.translations)) if entry.plural else [None]
        got = [compiled.get(key if n is None else (key, n)) for n in forms]
        if got != entry.translations:
            stale += 1
    if stale:
        return [f"{mo_path} is older than the .po ({stale} entries differ): compile the catalogue."]
    return []
