// The pages work without this script for signing in, downloads and paper tallies. It adds what needs a
// script: sending a file with a progress bar (checking it first, then counting it), and moving the focus to
// an error summary so that a screen reader announces it.
(function () {
  'use strict';

  var summary = document.querySelector('[data-autofocus]');
  if (summary) summary.focus();

  var form = document.getElementById('upload-form');
  if (form) setUpUpload(form);

  function setUpUpload(form) {
    var input = form.querySelector('input[type=file]');
    var csrf = form.querySelector('input[name=_csrf]').value;
    var result = document.getElementById('check-result');
    var progress = document.getElementById('upload-progress');
    var bar = document.getElementById('upload-progress-bar');
    var label = document.getElementById('upload-progress-label');
    var file = null;

    function chosen(f) {
      if (!f) return;
      file = f;
      check(new FormData());
    }

    input.addEventListener('change', function () { chosen(input.files[0]); });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (input.files[0]) chosen(input.files[0]);
      else input.focus();
    });
    ['dragenter', 'dragover'].forEach(function (type) {
      form.addEventListener(type, function (event) { event.preventDefault(); form.classList.add('dropzone--over'); });
    });
    ['dragleave', 'drop'].forEach(function (type) {
      form.addEventListener(type, function (event) { event.preventDefault(); form.classList.remove('dropzone--over'); });
    });
    form.addEventListener('drop', function (event) { chosen(event.dataTransfer.files[0]); });

    // The check's answer holds two forms: the column choices (check again) and "count these signatures".
    result.addEventListener('submit', function (event) {
      if (event.target.matches('[data-recheck]')) {
        event.preventDefault();
        check(new FormData(event.target));
      } else if (event.target.matches('[data-count]')) {
        event.preventDefault();
        count(new FormData(event.target));
      }
    });

    function check(fields) {
      send(form.dataset.checkUrl, fields, function (xhr) { show(xhr.responseText); });
    }

    // A counted file answers with a redirect to its batch's page, which the browser has followed; go there.
    function count(fields) {
      var countUrl = new URL(form.dataset.countUrl, location.href).href;
      send(countUrl, fields, function (xhr) {
        if (xhr.status === 200 && xhr.responseURL && xhr.responseURL !== countUrl) location.assign(xhr.responseURL);
        else show(xhr.responseText);
      });
    }

    function send(url, fields, done) {
      var body = new FormData();
      fields.forEach(function (value, name) { body.append(name, value); });
      body.append('file', file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open('POST', url);
      xhr.setRequestHeader('X-CSRF-Token', csrf);
      xhr.upload.onprogress = function (event) {
        if (event.lengthComputable) bar.value = Math.round((100 * event.loaded) / event.total);
      };
      xhr.upload.onload = function () {
        label.textContent = result.dataset.reading;
        bar.removeAttribute('value'); // indeterminate while the server reads the rows
      };
      xhr.onload = function () { finished(); done(xhr); };
      xhr.onerror = function () { finished(); showText(result.dataset.failed); };
      label.textContent = result.dataset.sending;
      bar.value = 0;
      progress.hidden = false;
      result.setAttribute('aria-busy', 'true');
      xhr.send(body);
    }

    function finished() {
      progress.hidden = true;
      result.removeAttribute('aria-busy');
    }

    function show(html) {
      result.innerHTML = html;
      if (window.htmx) window.htmx.process(result);
      var heading = result.querySelector('[role=alert], h2');
      if (heading) {
        heading.setAttribute('tabindex', '-1');
        heading.focus();
      }
    }

    function showText(text) {
      var p = document.createElement('p');
      p.className = 'notice notice--error';
      p.setAttribute('role', 'alert');
      p.textContent = text;
      result.replaceChildren(p);
    }
  }
})();
