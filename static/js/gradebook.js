// The attendance sheet's "All present" buttons: they fill one day's column on the page; the
// marks are saved, like any other, with the form. Without this script the buttons stay hidden
// and the sheet works the same, one cell at a time.
(function () {
  "use strict";
  document.querySelectorAll("button[data-mark-present]").forEach(function (button) {
    var day = button.getAttribute("data-mark-present");
    button.hidden = false;
    button.addEventListener("click", function () {
      var form = button.closest("form");
      form.querySelectorAll('select[data-day="' + day + '"]').forEach(function (select) {
        select.value = "present";
        select.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
  });
})();
