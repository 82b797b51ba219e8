// Security keys (WebAuthn) for elements marked data-webauthn="register" | "login" | "step-up".
// A file of its own because the CSP allows no inline script. The server keeps the challenge; this code only carries
// the options to the browser's authenticator API and the signed answer back, with the page's anti-forgery token.
(function () {
  'use strict';

  function toBuffer(base64url) {
    var base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
    var padded = base64 + '==='.slice((base64.length + 3) % 4);
    var binary = atob(padded);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = '';
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  // The browser rejects null where it expects an enum or a dictionary; absent is what the server means by null.
  function withoutNulls(value) {
    if (Array.isArray(value)) return value.map(withoutNulls);
    if (value && typeof value === 'object') {
      var copy = {};
      Object.keys(value).forEach(function (k) { if (value[k] !== null) copy[k] = withoutNulls(value[k]); });
      return copy;
    }
    return value;
  }

  function descriptors(list) {
    return (list || []).map(function (d) { return Object.assign({}, d, { id: toBuffer(d.id) }); });
  }

  function creationOptions(json) {
    var o = withoutNulls(json);
    o.challenge = toBuffer(o.challenge);
    o.user = Object.assign({}, o.user, { id: toBuffer(o.user.id) });
    o.excludeCredentials = descriptors(o.excludeCredentials);
    return o;
  }

  function requestOptions(json) {
    var o = withoutNulls(json);
    o.challenge = toBuffer(o.challenge);
    o.allowCredentials = descriptors(o.allowCredentials);
    return o;
  }

  function attestationJson(credential) {
    var r = credential.response;
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      response: {
        attestationObject: toBase64url(r.attestationObject),
        clientDataJSON: toBase64url(r.clientDataJSON),
        transports: typeof r.getTransports === 'function' ? r.getTransports() : []
      },
      clientExtensionResults: credential.getClientExtensionResults()
    };
  }

  function assertionJson(credential) {
    var r = credential.response;
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      response: {
        authenticatorData: toBase64url(r.authenticatorData),
        clientDataJSON: toBase64url(r.clientDataJSON),
        signature: toBase64url(r.signature),
        userHandle: r.userHandle && r.userHandle.byteLength > 0 ? toBase64url(r.userHandle) : null
      },
      clientExtensionResults: credential.getClientExtensionResults()
    };
  }

  function post(form, url, body) {
    var token = form.querySelector('input[name="__af"]');
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'RequestVerificationToken': token ? token.value : '' },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw { code: data.code || 'security_key.failed' };
        return data;
      });
    });
  }

  // Texts come from the page, in the user's language; the server's codes only pick one.
  function showError(form, code) {
    var box = form.querySelector('[data-webauthn-error]');
    if (!box) return;
    var message = form.querySelector('[data-webauthn-message="' + code + '"]') || form.querySelector('[data-webauthn-message="security_key.failed"]');
    box.textContent = message ? message.textContent : code;
    box.hidden = false;
  }

  function run(form) {
    var kind = form.getAttribute('data-webauthn');
    var base = form.getAttribute('data-endpoint');
    var button = form.querySelector('button[data-webauthn-start]');
    var fields = form.querySelectorAll('input[required]');
    for (var i = 0; i < fields.length; i++) if (!fields[i].reportValidity()) return;
    if (button) button.disabled = true;
    var done;
    if (kind === 'register') {
      var name = form.querySelector('[name="name"]').value;
      var password = form.querySelector('[name="password"]').value;
      done = post(form, base + '/begin')
        .then(function (options) { return navigator.credentials.create({ publicKey: creationOptions(options) }); })
        .then(function (credential) {
          return post(form, base + '/finish', { name: name, password: password, credential: attestationJson(credential) });
        });
    } else {
      done = post(form, base + '/begin')
        .then(function (options) { return navigator.credentials.get({ publicKey: requestOptions(options) }); })
        .then(function (credential) { return post(form, base + '/finish', { credential: assertionJson(credential) }); });
    }
    done.then(function () {
      window.location.assign(form.getAttribute('data-done') || '/');
    }, function (error) {
      if (button) button.disabled = false;
      // A DOMException means the user cancelled or the key refused; the server was not asked to verify anything.
      showError(form, error && error.code ? error.code : 'security_key.cancelled');
    });
  }

  function init() {
    // Not forms: nothing here may submit without the script, and the pages' real forms keep their own buttons.
    var widgets = document.querySelectorAll('[data-webauthn]');
    Array.prototype.forEach.call(widgets, function (widget) {
      var button = widget.querySelector('button[data-webauthn-start]');
      if (!button) return;
      if (!window.PublicKeyCredential) {
        showError(widget, 'security_key.unsupported');
        button.disabled = true;
        return;
      }
      button.addEventListener('click', function () { run(widget); });
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
