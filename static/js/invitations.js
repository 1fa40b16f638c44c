// Invitation form: the capacity applies to mentors only, so it is shown only while the
// role is mentor. Without JavaScript the field stays visible and the server drops a
// capacity given for anyone else.
(function () {
  "use strict";
  document.querySelectorAll("form[data-invite-form]").forEach(function (form) {
    var role = form.querySelector("[data-invite-role]");
    if (!role) { return; }
    var fields = form.querySelectorAll("[data-mentor-only]");
    function update() {
      var mentor = role.value === "mentor";
      fields.forEach(function (input) {
        var wrapper = input.closest("[id^='div_id_']") || input;
        wrapper.hidden = !mentor;
        // A hidden field is not sent, so a number typed earlier cannot travel with a mentee.
        input.disabled = !mentor;
      });
    }
    role.addEventListener("change", update);
    update();
  });
})();
