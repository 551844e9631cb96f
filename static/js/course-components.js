// The course form's assessment components (templates/courses/_course_components_table.html):
// "Add a component" appends a row from the formset's empty form, and the sum of the weights
// is shown as they are typed. The server checks the sum again when the form is saved.
(function () {
  "use strict";

  const table = document.getElementById("components-table");
  if (!table) {
    return;
  }
  const body = table.querySelector("[data-formset-body]");
  const total = document.getElementById("id_" + table.dataset.formsetPrefix + "-TOTAL_FORMS");
  const sum = table.querySelector("[data-weight-sum]");

  function refreshSum() {
    let weights = 0;
    body.querySelectorAll("tr").forEach(function (row) {
      const removed = row.querySelector("input[name$='-DELETE']");
      const weight = row.querySelector("input[name$='-weight']");
      if (weight && weight.value && !(removed && removed.checked)) {
        weights += parseFloat(weight.value) || 0;
      }
    });
    weights = Math.round(weights * 100) / 100;
    sum.textContent = weights + " %";
    sum.classList.toggle("text-danger", weights !== 100);
    sum.classList.toggle("fw-bold", true);
  }

  document.querySelector("[data-formset-add]").addEventListener("click", function () {
    const index = parseInt(total.value, 10);
    const html = document
      .querySelector("[data-formset-empty]")
      .innerHTML.replace(/__prefix__/g, index);
    body.insertAdjacentHTML("beforeend", html);
    total.value = index + 1;
    const added = body.lastElementChild;
    const order = added.querySelector("input[name$='-order']");
    if (order) {
      order.value = index + 1;
    }
    added.querySelector("input").focus();
  });
  body.addEventListener("input", refreshSum);
  body.addEventListener("change", refreshSum);
  refreshSum();
})();
