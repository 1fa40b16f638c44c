// Progressive enhancements shared by every page. Everything works without this file.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) {
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
