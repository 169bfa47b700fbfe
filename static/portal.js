// Progressive enhancement only: every form works without this script.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function valuesOf(form, name) {
    var out = [];
    var els = form.querySelectorAll('[name="' + name + '"]');
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) continue;
      if (el.value !== "") out.push(el.value);
    }
    return out;
  }

  function test(form, cond) {
    if (cond.all) return cond.all.every(function (c) { return test(form, c); });
    if (cond.any) return cond.any.some(function (c) { return test(form, c); });
    var vals = valuesOf(form, cond.name);
    if ("is_set" in cond) return (vals.length > 0) === cond.is_set;
    if ("in" in cond) return vals.some(function (v) { return cond["in"].indexOf(v) >= 0; });
    if ("not_equals" in cond) return vals.indexOf(String(cond.not_equals)) < 0;
    return vals.indexOf(String(cond.equals)) >= 0;
  }

  function update(form) {
    var nodes = form.querySelectorAll("[data-show-if]");
    for (var i = 0; i < nodes.length; i++) {
      var cond;
      try { cond = JSON.parse(nodes[i].getAttribute("data-show-if")); } catch (e) { continue; }
      nodes[i].hidden = !test(form, cond);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form.portal-form");
    for (var i = 0; i < forms.length; i++) {
      (function (form) {
        update(form);
        form.addEventListener("change", function () { update(form); });
      })(forms[i]);
    }
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
    var once = document.querySelectorAll("[data-once]");
    for (var j = 0; j < once.length; j++) {
      once[j].form.addEventListener("submit", function (ev) {
        var btn = ev.target.querySelector("[data-once]");
        if (btn.dataset.sent) { ev.preventDefault(); return; }
        btn.dataset.sent = "1";
        btn.setAttribute("aria-disabled", "true");
      });
    }
    var prints = document.querySelectorAll("[data-print]");
    for (var k = 0; k < prints.length; k++) prints[k].hidden = false;
  });
})();
