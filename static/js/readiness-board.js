// The readiness board (templates/readiness/board.html). The page works without this script;
// it only saves clicks.
(function () {
  "use strict";

  // A requirement belongs to one profile and mission: choosing others forgets it.
  const lacks = document.getElementById("id_lacks");
  const only = document.getElementById("id_only");
  document.querySelectorAll("#id_mission, #id_profile").forEach(function (select) {
    select.addEventListener("change", function () {
      if (lacks) {
        lacks.value = "";
      }
      if (only) {
        only.checked = false;
      }
    });
  });

  // The box in the list's header ticks, or unticks, everyone who can be put on a roster.
  const all = document.getElementById("roster-all");
  if (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll(".roster-pick").forEach(function (box) {
        box.checked = all.checked;
      });
    });
  }
})();
