// The strength meter of new-password fields (inputs with data-strength="ID of the meter's container"). The server
// judges, so the meter and the save use the same lists and rules; requests wait until typing pauses.
(function () {
  'use strict';

  function attach(input) {
    var box = document.getElementById(input.getAttribute('data-strength'));
    if (!box) return;
    var meter = box.querySelector('meter');
    var text = box.querySelector('span');
    var labels = (box.getAttribute('data-labels') || '').split('|');
    var form = input.form;
    var timer = null;
    var latest = 0;

    function field(name) {
      var el = form && form.elements.namedItem(name);
      return el && el.value ? el.value : null;
    }

    function ask() {
      var value = input.value;
      var ticket = ++latest;
      if (!value) { box.hidden = true; return; }
      fetch('/api/v1/password-strength', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify({ password: value, userName: field('userName'), displayName: field('displayName') })
      }).then(function (r) { return r.ok ? r.json() : null; }).then(function (v) {
        if (!v || ticket !== latest) return; // an older answer must not overwrite a newer one
        meter.value = v.score;
        text.textContent = labels[v.score] + (v.problem ? ' – ' + v.problem : '');
        box.dataset.acceptable = v.acceptable ? 'true' : 'false';
        box.hidden = false;
      }).catch(function () { box.hidden = true; });
    }

    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 250);
    });
  }

  document.querySelectorAll('input[data-strength]').forEach(attach);
})();
