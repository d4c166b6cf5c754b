// Asks in a <dialog> before a one-click dangerous form (marked data-confirm) is sent. Without script the
// server asks instead, on a confirmation page: either way only a request with confirm=yes acts.
(function () {
  "use strict";
  if (typeof HTMLDialogElement !== "function") return;

  function button(label, value, className) {
    var element = document.createElement("button");
    element.type = "submit";
    element.value = value;
    element.textContent = label;
    if (className) element.className = className;
    return element;
  }

  function ask(form) {
    var dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.id = "confirm-dialog";
    var question = document.createElement("p");
    question.id = "confirm-dialog-question";
    question.textContent = form.dataset.confirm;
    dialog.setAttribute("aria-labelledby", question.id);
    var choices = document.createElement("form");
    choices.method = "dialog";
    var cancel = button(form.dataset.cancelLabel || "Cancel", "cancel", "");
    choices.append(button(form.dataset.confirmLabel || "OK", "confirm", "primary danger"), cancel);
    dialog.append(question, choices);
    dialog.addEventListener("close", function () {
      var accepted = dialog.returnValue === "confirm";
      dialog.remove();
      if (!accepted) return;
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = "confirm";
      field.value = "yes";
      form.append(field);
      form.submit();
    });
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  }

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      ask(form);
    });
  });
})();
