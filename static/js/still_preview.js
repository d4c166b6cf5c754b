// The composer's first-frame field: shows the chosen still before it is sent (read locally, never uploaded here).
(function () {
  "use strict";
  var block = document.querySelector("[data-still-field]");
  if (!block) return;
  var input = block.querySelector("input[type=file]");
  var preview = block.querySelector("[data-still-preview]");
  var image = preview.querySelector("img");
  var name = preview.querySelector("[data-still-name]");

  function clear() {
    preview.hidden = true;
    image.removeAttribute("src");
    name.textContent = "";
  }

  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    if (!file || !/^image\/(png|jpeg|webp)$/.test(file.type)) { clear(); return; }
    var reader = new FileReader();
    reader.addEventListener("load", function () {
      image.src = reader.result; // a data: URL, which the page's Content-Security-Policy allows for images
      name.textContent = file.name;
      preview.hidden = false;
    });
    reader.readAsDataURL(file);
  });
})();
