/* Admin lesson form: send a chosen media file with a progress bar instead of a silent wait. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var input = document.querySelector("input[type=file][name=media_file]");
    if (!input || !window.FormData || !window.XMLHttpRequest) return;
    var form = input.form;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.hidden = true;
    bar.className = "media-upload-progress";
    input.parentNode.appendChild(bar);
    form.addEventListener("submit", function (event) {
      if (!input.files.length) return;
      event.preventDefault();
      var request = new XMLHttpRequest();
      request.open("POST", form.action || window.location.href);
      bar.hidden = false;
      request.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
      });
      request.addEventListener("load", function () {
        // The admin answers a redirect (saved) or the form again (errors): show what it answered.
        if (request.responseURL && request.responseURL !== window.location.href) {
          window.location.assign(request.responseURL);
        } else {
          document.open();
          document.write(request.responseText);
          document.close();
        }
      });
      request.addEventListener("error", function () { bar.hidden = true; form.submit(); });
      request.send(new FormData(form, event.submitter || undefined));
    });
  });
})();
