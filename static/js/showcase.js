// Progressive enhancement for the certificate: a button that opens the print dialog
// (where "Save as PDF" is one of the printers). Without JavaScript the button stays hidden
// and the page's text says how to print.
document.querySelectorAll("button[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
