// Progressive enhancements shared by every page. Everything works without this file.
document.addEventListener("submit", (event) => {
  // A button may ask on its own (several actions in one form), else the form asks.
  const question = event.submitter?.dataset.confirm || event.target.closest("form[data-confirm]")?.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// "Tick all" boxes in tables of people.
document.addEventListener("change", (event) => {
  const all = event.target.closest("input[data-check-all]");
  if (!all) return;
  document.querySelectorAll(`input[name="${all.dataset.checkAll}"]`).forEach((box) => {
    box.checked = all.checked;
  });
});

// The browser's time zone: filled into the sign-up form and offered to people who have not
// chosen one. Without JavaScript the profile page asks instead.
const browserTimeZone = (() => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch {
    return "";
  }
})();
if (browserTimeZone) {
  document.querySelectorAll("[data-browser-time-zone]").forEach((field) => {
    const known = field.tagName !== "SELECT" || [...field.options].some((o) => o.value === browserTimeZone);
    if (!field.value && known) field.value = browserTimeZone;
  });
  document.querySelectorAll("[data-browser-time-zone-name]").forEach((label) => {
    label.textContent = browserTimeZone.replaceAll("_", " ");
  });
  document.querySelectorAll("[data-browser-time-zone-offer]").forEach((offer) => {
    offer.hidden = false;
  });
}

// A form that failed shows its error summary at the top: move focus there, so that it is read
// out and the keyboard starts from it; a link in it moves focus to the field it names.
function focusErrorSummary(root) {
  if (!root?.querySelector) return;
  const summary = root.matches?.("[data-error-summary]") ? root : root.querySelector("[data-error-summary]");
  if (summary) summary.focus();
}
document.addEventListener("DOMContentLoaded", () => focusErrorSummary(document));
// Only what a swap brought in: the unread-count poll must never pull focus back to the summary.
document.addEventListener("htmx:afterSwap", (event) => focusErrorSummary(event.target));
document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-error-summary] a[href^='#']");
  if (!link) return;
  const field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
  if (!field) return;
  event.preventDefault();
  field.focus();
  const label = field.labels?.[0] || field.closest("fieldset")?.querySelector("legend");
  (label || field).scrollIntoView({ block: "start" });
});

// A table wider than its box scrolls inside it: make that box reachable by keyboard (arrow keys
// then scroll it) and name it after the table, as axe's scrollable-region-focusable asks.
function markScrollingTables(root) {
  root.querySelectorAll?.(".table-responsive").forEach((box) => {
    const scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls && !box.hasAttribute("tabindex")) {
      const table = box.querySelector("table");
      const heading = box.closest("section")?.querySelector("h1, h2, h3, h4");
      const name = (table?.caption?.textContent || heading?.textContent || "").trim();
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      if (name) box.setAttribute("aria-label", name);
      box.dataset.scrollMarked = "";
    } else if (!scrolls && box.hasAttribute("data-scroll-marked")) {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-label");
      delete box.dataset.scrollMarked;
    }
  });
}
document.addEventListener("DOMContentLoaded", () => markScrollingTables(document));
document.addEventListener("htmx:afterSettle", (event) => markScrollingTables(event.target));
let resizeTimer;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => markScrollingTables(document), 200);
});
