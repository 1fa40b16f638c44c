import pytest

# Every page reports each Content-Security-Policy violation to its console, in addition to
# the browser's own "Refused to ..." message, so that none goes unnoticed.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || document.location.href}:${event.lineNumber}`);
});
"""
CSP_WORDS = ("Content Security Policy", "CSP violation")


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _no_csp_violations(browser, monkeypatch):
    """Fail the test if any page of any browser context it opens (the ``page`` fixture's and
    those a test opens itself for a second person) breaks the Content-Security-Policy."""
    violations: list[str] = []

    def watch_page(page):
        def on_console(message):
            if any(word in message.text for word in CSP_WORDS):
                violations.append(f"{page.url}: {message.text}")

        page.on("console", on_console)

    def watch(context):
        context.add_init_script(script=REPORT_VIOLATIONS)
        context.on("page", watch_page)
        for page in context.pages:
            watch_page(page)
        return context

    original_new_context = browser.new_context

    def new_context(*args, **kwargs):
        return watch(original_new_context(*args, **kwargs))

    def new_page(*args, **kwargs):
        return new_context(*args, **kwargs).new_page()

    monkeypatch.setattr(browser, "new_context", new_context)
    monkeypatch.setattr(browser, "new_page", new_page)
    yield violations
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(dict.fromkeys(violations)))
