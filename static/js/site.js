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
