// The certificate template editor's live preview: after a pause in typing, the preview image
// is asked again with the form's values. Without this script the Preview button does the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-template-editor]");
  var image = document.querySelector("img[data-preview]");
  if (!form || !image) { return; }
  var timer = null;
  function refresh() {
    var query = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (key !== "csrf") { query.append(key, value); }
    });
    image.src = "/certificates/template/preview.png?" + query.toString();
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
})();
