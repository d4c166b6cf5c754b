// The composer's niceties; the form works without them. Picking a style fills in its default settings
// (and a model it is made for), Ctrl+Enter or Cmd+Enter in the prompt submits, and a submission is sent once.
(function () {
  "use strict";
  var form = document.querySelector("[data-composer]");
  if (!form) return;
  var preset = form.elements.namedItem("style_preset");
  var model = form.elements.namedItem("model");

  function readJson(option, name, fallback) {
    try { return JSON.parse(option.getAttribute(name) || ""); } catch (e) { return fallback; }
  }

  function applyPreset() {
    var option = preset.options[preset.selectedIndex];
    if (!option || !option.value) return;
    var defaults = readJson(option, "data-defaults", {});
    Object.keys(defaults).forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field && "value" in field) field.value = defaults[name];
    });
    var models = readJson(option, "data-models", []).map(String);
    if (model && models.length && models.indexOf(model.value) === -1) {
      var usable = Array.prototype.filter.call(model.options, function (o) { return models.indexOf(o.value) !== -1; });
      if (usable.length) model.value = usable[0].value;
    }
  }

  if (preset) preset.addEventListener("change", applyPreset);

  var prompt = form.elements.namedItem("prompt");
  if (prompt) {
    prompt.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }

  form.addEventListener("submit", function () {
    var button = form.querySelector("button[type=submit]");
    // After this event, so the browser still sends the form.
    if (button) window.setTimeout(function () { button.disabled = true; }, 0);
  });
})();
