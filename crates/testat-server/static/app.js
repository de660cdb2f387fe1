// Testat team server: the little the pages need beyond HTML. Every page works
// without it.
//
// - Forms marked data-confirm="question" ask before they change something that
//   cannot be undone (revoking, disabling).
// - Buttons marked data-copy="element-id" copy that element's text (a new token).
"use strict";

document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm &&
      !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

document.addEventListener("click", function (event) {
  var button = event.target instanceof Element ? event.target.closest("[data-copy]") : null;
  if (!button) {
    return;
  }
  var source = document.getElementById(button.dataset.copy);
  if (source && navigator.clipboard) {
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      button.textContent = "Copied";
    });
  }
});

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.hidden = !navigator.clipboard;
  });
});
