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
