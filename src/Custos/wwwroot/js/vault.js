// The vault's browser side (a file of its own: the CSP allows no inline script). Secrets are fetched one field at a
// time, only when the user asks, through the reveal API (each call is recorded on the server); copying is a reveal too.
// A copied secret is overwritten on the clipboard after the configured seconds; a shown one is masked again.
(function () {
  'use strict';

  var box = document.getElementById('vault-entry');
  var form = document.getElementById('entry-form');

  function token(root) {
    var input = (root || document).querySelector('input[name="__af"]');
    return input ? input.value : '';
  }

  function post(url, body, root) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'RequestVerificationToken': token(root) },
      body: JSON.stringify(body || {})
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (json) {
        if (r.ok) return json;
        if (json && json.stepUpUrl) { window.location.href = json.stepUpUrl; }
        throw new Error((json && json.title) || ('HTTP ' + r.status));
      });
    });
  }

  function showError(message) {
    var el = document.getElementById('vault-error');
    if (!el) return;
    el.textContent = message;
    el.hidden = false;
  }

  if (box) {
    var api = box.getAttribute('data-api');
    var clearAfter = parseInt(box.getAttribute('data-clear'), 10) || 20;
    var copiedNote = document.getElementById('vault-copied');
    var maskTimers = {};
    var clipboardTimer = null;

    function reveal(field, version) {
      var body = { field: field };
      if (version) body.version = parseInt(version, 10);
      return post(api + '/reveal', body, box).then(function (r) { return r.value; });
    }

    function copy(value) {
      return navigator.clipboard.writeText(value).then(function () {
        if (copiedNote) copiedNote.hidden = false;
        clearTimeout(clipboardTimer);
        clipboardTimer = setTimeout(function () {
          // Overwrite rather than leave the secret for whatever is pasted next; only while the page is open.
          navigator.clipboard.writeText('').catch(function () { });
          if (copiedNote) copiedNote.hidden = true;
        }, clearAfter * 1000);
      });
    }

    document.querySelectorAll('[data-reveal]').forEach(function (button) {
      button.addEventListener('click', function () {
        var target = document.getElementById(button.getAttribute('data-target'));
        reveal(button.getAttribute('data-reveal'), button.getAttribute('data-version')).then(function (value) {
          target.textContent = value;
          target.classList.add('revealed');
          clearTimeout(maskTimers[target.id]);
          maskTimers[target.id] = setTimeout(function () {
            target.textContent = '••••••••';
            target.classList.remove('revealed');
          }, clearAfter * 1000);
        }).catch(function (e) { showError(e.message); });
      });
    });

    document.querySelectorAll('[data-copy]').forEach(function (button) {
      button.addEventListener('click', function () {
        reveal(button.getAttribute('data-copy')).then(copy).catch(function (e) { showError(e.message); });
      });
    });

    document.querySelectorAll('[data-copy-text]').forEach(function (button) {
      button.addEventListener('click', function () {
        var source = document.getElementById(button.getAttribute('data-copy-text'));
        navigator.clipboard.writeText(source.textContent).catch(function (e) { showError(e.message); });
      });
    });

    document.querySelectorAll('[data-totp]').forEach(function (button) {
      var target = document.getElementById(button.getAttribute('data-totp'));
      var left = document.getElementById('totp-left');
      var countdown = null;
      function fetchCode() {
        post(api + '/totp', {}, box).then(function (r) {
          target.textContent = r.code;
          var seconds = r.secondsLeft;
          clearInterval(countdown);
          left.textContent = seconds + ' s';
          countdown = setInterval(function () {
            seconds -= 1;
            left.textContent = Math.max(seconds, 0) + ' s';
            if (seconds <= 0) { clearInterval(countdown); target.textContent = '••• •••'; left.textContent = ''; }
          }, 1000);
        }).catch(function (e) { showError(e.message); });
      }
      button.addEventListener('click', fetchCode);
    });
  }

  if (form) {
    var generate = document.getElementById('generate-password');
    if (generate) {
      generate.addEventListener('click', function () {
        var length = parseInt(document.getElementById('generate-length').value, 10) || 20;
        var passphrase = document.getElementById('generate-passphrase').checked;
        post('/api/v1/vault/generate', passphrase ? { mode: 'passphrase' } : { length: length }, form).then(function (r) {
          var password = document.getElementById('entry-password');
          password.value = r.value;
          password.type = 'text';
          document.getElementById('entry-generated').value = 'true';
          var info = document.getElementById('generate-info');
          if (info) info.textContent = Math.round(r.entropyBits) + ' bit';
        }).catch(function (e) {
          var info = document.getElementById('generate-info');
          if (info) info.textContent = e.message;
        });
      });
      document.getElementById('entry-password').addEventListener('input', function () {
        document.getElementById('entry-generated').value = 'false';
      });
    }
  }
})();
