// The document store's browser side (a file of its own: the CSP allows no inline script). Each file goes to the API in
// a request of its own with the file itself as the raw body: the browser streams it from disk, nothing is read into
// memory here, so large files work. Every file has a progress bar and, when refused, a line with the server's reason.
// Folders dropped onto the zone become subfolders (found again when they exist already).
(function () {
  'use strict';

  var parallel = 3;

  function byId(id) { return document.getElementById(id); }

  function token(root) {
    var input = (root || document).querySelector('input[name="__af"]');
    return input ? input.value : '';
  }

  function format(text, values) {
    return String(text || '').replace(/\{(\d+)\}/g, function (all, i) { return values[i] === undefined ? all : values[i]; });
  }

  // A refusal in the page's language where the page knows its code (the list #document-errors), else the problem
  // details' title, else the status.
  function message(json, status, fallback, root) {
    var title = json && json.title;
    var code = json && json.code;
    // Blocked by the sluice: the reason in the page's language (#sluice-reasons), inside the "blocked" sentence.
    if (code === 'sluice.blocked' && json.reason) {
      var reason = Array.prototype.filter.call((root || document).querySelectorAll('#sluice-reasons li'), function (li) {
        return li.getAttribute('data-code') === json.reason;
      })[0];
      var blocked = (root || document).getAttribute ? (root || document).getAttribute('data-text-blocked') : null;
      if (reason && blocked) return format(blocked, [reason.textContent]);
    }
    var known = Array.prototype.filter.call((root || document).querySelectorAll('#document-errors li'), function (li) {
      return code && li.getAttribute('data-code') === code;
    })[0];
    if (known) return format(known.textContent, [title || '']);
    return title || (fallback + ' (HTTP ' + status + ')');
  }

  function problem(xhr, fallback, root) {
    var json = null;
    try {
      json = JSON.parse(xhr.responseText);
    } catch (e) { /* not problem details */ }
    return message(json, xhr.status, fallback, root);
  }

  // POSTs a file as the raw request body; resolves with the status when accepted (200 stored, 202 in the sluice's
  // quarantine), rejects with the reason.
  function sendFile(url, file, root, texts, onProgress, headers) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open('POST', url);
      xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
      xhr.setRequestHeader('RequestVerificationToken', token(root));
      Object.keys(headers || {}).forEach(function (name) { xhr.setRequestHeader(name, headers[name]); });
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) onProgress(e.loaded, e.total);
      };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300) resolve(xhr.status);
        else reject(new Error(problem(xhr, texts.failed, root)));
      };
      xhr.onerror = function () { reject(new Error(texts.network)); };
      xhr.onabort = xhr.onerror;
      xhr.send(file);
    });
  }

  function percent(loaded, total) {
    return total > 0 ? Math.floor(loaded * 100 / total) : 100;
  }

  var zone = byId('document-upload');
  if (zone) {
    var texts = {
      waiting: zone.getAttribute('data-text-waiting'),
      done: zone.getAttribute('data-text-done'),
      failed: zone.getAttribute('data-text-failed'),
      network: zone.getAttribute('data-text-network'),
      quarantine: zone.getAttribute('data-text-quarantine'),
      summary: zone.getAttribute('data-text-summary'),
      folder: zone.getAttribute('data-text-folder')
    };
    var api = zone.getAttribute('data-api');
    var folder = zone.getAttribute('data-folder');
    var page = zone.getAttribute('data-page');
    var drop = byId('document-drop');
    var input = byId('document-files');
    var list = byId('document-uploads');
    var summary = byId('document-upload-summary');
    zone.hidden = false;

    var row = function (label) {
      var li = document.createElement('li');
      var name = document.createElement('span');
      name.className = 'name';
      name.textContent = label;
      var bar = document.createElement('progress');
      bar.max = 100;
      bar.value = 0;
      var state = document.createElement('span');
      state.className = 'state';
      state.textContent = texts.waiting;
      li.appendChild(name);
      li.appendChild(bar);
      li.appendChild(state);
      list.appendChild(li);
      return {
        progress: function (loaded, total) {
          bar.max = total > 0 ? total : 1;
          bar.value = total > 0 ? loaded : 1;
          state.textContent = percent(loaded, total) + ' %';
        },
        done: function () {
          bar.max = 1;
          bar.value = 1;
          state.textContent = texts.done;
          li.className = 'done';
        },
        quarantine: function () {
          bar.max = 1;
          bar.value = 1;
          state.textContent = texts.quarantine;
          li.className = 'quarantine';
        },
        fail: function (message) {
          li.className = 'failed';
          state.textContent = '';
          bar.hidden = true;
          var line = document.createElement('p');
          line.className = 'error';
          line.textContent = message;
          li.appendChild(line);
        }
      };
    };

    var request = function (method, url, body) {
      return fetch(url, {
        method: method,
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'RequestVerificationToken': token(zone) },
        body: body === undefined ? undefined : JSON.stringify(body)
      }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (json) {
          if (r.ok) return json;
          var error = new Error(message(json, r.status, texts.failed, zone));
          error.code = json && json.code;
          throw error;
        });
      });
    };

    // The id of the subfolder <name> of <parent>: created, or the existing one of that name.
    var ensureFolder = function (name, parent) {
      return request('POST', api + '/folders', { name: name, parentId: parent }).then(function (created) {
        return created.id;
      }, function (e) {
        if (e.code !== 'document.name_taken') throw e;
        var wanted = name.normalize ? name.trim().normalize('NFC') : name.trim();
        return request('GET', api + '/folders').then(function (folders) {
          var found = folders.filter(function (f) { return f.parentId === parent && f.name === wanted; })[0];
          if (!found) throw e;
          return found.id;
        });
      });
    };

    var readAll = function (reader) {
      return new Promise(function (resolve, reject) {
        var all = [];
        var more = function () {
          reader.readEntries(function (batch) {
            if (batch.length === 0) { resolve(all); return; }
            all = all.concat(Array.prototype.slice.call(batch));
            more();
          }, reject);
        };
        more();
      });
    };

    var job = function (file, target, label) {
      return { file: file, folder: target, row: row(label) };
    };

    // Files of dropped entries into their folder, directories as subfolders, depth first.
    var collect = function (entries, target, prefix, jobs) {
      return entries.reduce(function (chain, entry) {
        return chain.then(function () {
          if (entry.isFile) {
            return new Promise(function (resolve, reject) { entry.file(resolve, reject); }).then(function (file) {
              jobs.push(job(file, target, prefix + file.name));
            }, function (e) {
              totals.failed++;
              row(prefix + entry.name).fail(e && e.message ? e.message : texts.failed);
            });
          }
          if (entry.isDirectory) {
            var label = prefix + entry.name + '/';
            return ensureFolder(entry.name, target).then(function (id) {
              return readAll(entry.createReader()).then(function (children) {
                return collect(children, id, label, jobs);
              });
            }).catch(function (e) {
              totals.failed++;
              row(label).fail(format(texts.folder, [e.message]));
            });
          }
          return undefined;
        });
      }, Promise.resolve());
    };

    // Reloads the folder tree and the list of documents, keeping the upload lines on the page.
    var refresh = function (failed) {
      return fetch(page, { credentials: 'same-origin' }).then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.text();
      }).then(function (html) {
        var fresh = new DOMParser().parseFromString(html, 'text/html');
        ['document-list', 'document-tree'].forEach(function (id) {
          var now = byId(id);
          var next = fresh.getElementById(id);
          if (now && next) now.replaceWith(document.importNode(next, true));
        });
      }).catch(function () {
        if (failed === 0) window.location.assign(page);
      });
    };

    var running = 0;
    var totals = { done: 0, failed: 0 };

    var upload = function (jobs) {
      var next = 0;
      var worker = function () {
        if (next >= jobs.length) return Promise.resolve();
        var item = jobs[next++];
        item.row.progress(0, item.file.size);
        var url = api + '?folder=' + encodeURIComponent(item.folder);
        return sendFile(url, item.file, zone, texts, item.row.progress, { 'X-Custos-File-Name': encodeURIComponent(item.file.name) })
          .then(function (status) {
            totals.done++;
            if (status === 202) item.row.quarantine(); else item.row.done();
          }, function (e) { totals.failed++; item.row.fail(e.message); })
          .then(worker);
      };
      var workers = [];
      for (var i = 0; i < Math.min(parallel, jobs.length); i++) workers.push(worker());
      return Promise.all(workers);
    };

    // One batch (a choice or a drop); the list is refreshed when the last running batch is through.
    var start = function (prepare) {
      running++;
      summary.hidden = true;
      var jobs = [];
      return Promise.resolve().then(function () { return prepare(jobs); })
        .then(function () { return upload(jobs); })
        .catch(function (e) { row('').fail(e && e.message ? e.message : texts.failed); totals.failed++; })
        .then(function () {
          running--;
          if (running > 0) return undefined;
          summary.textContent = format(texts.summary, [totals.done, totals.failed]);
          summary.hidden = false;
          var failed = totals.failed;
          totals = { done: 0, failed: 0 };
          return refresh(failed);
        });
    };

    var fromFiles = function (files) {
      var chosen = Array.prototype.slice.call(files || []);
      if (chosen.length === 0) return;
      start(function (jobs) {
        chosen.forEach(function (file) { jobs.push(job(file, folder, file.name)); });
      });
    };

    input.addEventListener('change', function () {
      fromFiles(input.files);
      input.value = '';
    });

    // A chosen folder: every file with its path below it, subfolders created (or found) on the way, one at a time.
    var folderInput = byId('document-folder-files');
    if (folderInput) folderInput.addEventListener('change', function () {
      var chosen = Array.prototype.slice.call(folderInput.files || []);
      folderInput.value = '';
      if (chosen.length === 0) return;
      start(function (jobs) {
        var known = {};
        var folderOf = function (parts) {
          var key = parts.join('/');
          if (parts.length === 0) return Promise.resolve(folder);
          if (!known[key]) {
            known[key] = folderOf(parts.slice(0, -1)).then(function (parent) { return ensureFolder(parts[parts.length - 1], parent); });
          }
          return known[key];
        };
        return chosen.reduce(function (chain, file) {
          return chain.then(function () {
            var path = (file.webkitRelativePath || file.name).split('/');
            return folderOf(path.slice(0, -1)).then(function (id) {
              jobs.push(job(file, id, path.join('/')));
            }, function (e) {
              totals.failed++;
              row(path.join('/')).fail(format(texts.folder, [e.message]));
            });
          });
        }, Promise.resolve());
      });
    });

    drop.addEventListener('dragover', function (e) {
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      drop.classList.add('over');
    });
    drop.addEventListener('dragleave', function () { drop.classList.remove('over'); });
    drop.addEventListener('drop', function (e) {
      e.preventDefault();
      drop.classList.remove('over');
      var transfer = e.dataTransfer;
      if (!transfer) return;
      // The entries must be taken while the event lasts; they are read afterwards.
      var entries = [];
      if (transfer.items && transfer.items.length && transfer.items[0].webkitGetAsEntry) {
        for (var i = 0; i < transfer.items.length; i++) {
          var entry = transfer.items[i].kind === 'file' ? transfer.items[i].webkitGetAsEntry() : null;
          if (entry) entries.push(entry);
        }
      }
      if (entries.some(function (x) { return x.isDirectory; })) {
        start(function (jobs) { return collect(entries, folder, '', jobs); });
      } else {
        fromFiles(transfer.files);
      }
    });
    // A file dropped beside the zone would make the browser leave the page for it.
    document.addEventListener('dragover', function (e) { e.preventDefault(); });
    document.addEventListener('drop', function (e) { e.preventDefault(); });
  }

  var checkin = byId('document-checkin');
  if (checkin) {
    var checkinTexts = {
      failed: checkin.getAttribute('data-text-failed'),
      network: checkin.getAttribute('data-text-network'),
      choose: checkin.getAttribute('data-text-choose')
    };
    var file = byId('checkin-file');
    var comment = byId('checkin-comment');
    var submit = byId('checkin-submit');
    var status = byId('checkin-status');
    var bar = byId('checkin-progress');
    var shown = byId('checkin-percent');
    var error = byId('checkin-error');
    checkin.hidden = false;

    var showError = function (message) {
      error.textContent = message;
      error.hidden = false;
    };

    submit.addEventListener('click', function () {
      error.hidden = true;
      var chosen = file.files && file.files[0];
      if (!chosen) { showError(checkinTexts.choose); return; }
      var note = comment.value.trim();
      var url = checkin.getAttribute('data-api') + (note ? '?comment=' + encodeURIComponent(note) : '');
      submit.disabled = true;
      file.disabled = true;
      status.hidden = false;
      bar.max = 100;
      bar.value = 0;
      shown.textContent = '0 %';
      sendFile(url, chosen, checkin, checkinTexts, function (loaded, total) {
        bar.max = total > 0 ? total : 1;
        bar.value = total > 0 ? loaded : 1;
        shown.textContent = percent(loaded, total) + ' %';
      }).then(function (code) {
        if (code === 202) {
          // In the sluice's quarantine: the version appears once released; the page stays as it is until then.
          shown.textContent = checkin.getAttribute('data-text-quarantine');
          return;
        }
        window.location.assign(checkin.getAttribute('data-page'));
      }, function (e) {
        submit.disabled = false;
        file.disabled = false;
        status.hidden = true;
        showError(e.message);
      });
    });
  }
})();
