// Question builder: show only the settings that apply to the chosen question type.
// Without JavaScript every group stays visible and the server ignores the others.
(function () {
  "use strict";
  var form = document.querySelector("[data-question-form]");
  if (!form) { return; }
  var typeSelect = form.querySelector("[data-question-type]");
  if (!typeSelect) { return; }
  function update() {
    var type = typeSelect.value;
    form.querySelectorAll("fieldset[data-for-types]").forEach(function (group) {
      var types = group.getAttribute("data-for-types").split(" ");
      group.hidden = types.indexOf(type) === -1;
    });
  }
  typeSelect.addEventListener("change", update);
  update();
})();
