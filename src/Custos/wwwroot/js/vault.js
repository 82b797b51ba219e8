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
        var error = new Error((json && json.title) || ('HTTP ' + r.status));
        error.code = json && json.code;
        throw error;
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
    var generator = document.getElementById('generator');
    if (generator) {
      var byId = function (id) { return document.getElementById(id); };
      var password = byId('entry-password');
      var generated = byId('entry-generated');
      var info = byId('generate-info');
      var passphrase = byId('generate-passphrase');
      generator.hidden = false;

      function showMode() {
        byId('generate-characters').hidden = passphrase.checked;
        byId('generate-words').hidden = !passphrase.checked;
      }

      // The request shapes of POST /api/v1/vault/generate; the server checks every bound again.
      function request() {
        if (passphrase.checked) {
          return {
            mode: 'passphrase',
            words: parseInt(byId('generate-word-count').value, 10) || 5,
            separator: byId('generate-separator').value,
            language: byId('generate-language').value
          };
        }
        return {
          length: parseInt(byId('generate-length').value, 10) || 20,
          upper: byId('generate-upper').checked,
          lower: byId('generate-lower').checked,
          digits: byId('generate-digits').checked,
          symbols: byId('generate-symbols').checked,
          excludeAmbiguous: byId('generate-ambiguous').checked,
          exclude: byId('generate-exclude').value
        };
      }

      // The refusal in the page's language where the page knows the code, else the server's English title.
      function message(e) {
        var known = e.code && byId('generate-errors').querySelector('[data-code="' + e.code + '"]');
        return known ? known.textContent : e.message;
      }

      function generate() {
        post('/api/v1/vault/generate', request(), form).then(function (r) {
          password.value = r.value;
          password.type = 'text';
          // Setting the value fires no input event, so the flag survives until the user types.
          generated.value = 'true';
          info.textContent = generator.getAttribute('data-entropy').replace('{0}', Math.round(r.entropyBits));
        }).catch(function (e) {
          info.textContent = message(e);
        });
      }

      passphrase.addEventListener('change', showMode);
      showMode();
      byId('generate-password').addEventListener('click', generate);
      // That form only owns the generator's controls; should a browser submit it anyway, generate and stay.
      byId('password-generator').addEventListener('submit', function (e) {
        e.preventDefault();
        generate();
      });
      password.addEventListener('input', function () {
        generated.value = 'false';
      });
    }
  }
})();
