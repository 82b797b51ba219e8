// The browser terminal's side panel: list a folder on the target, download a file (a plain link, so large files stream
// to disk), upload one (with progress). Custos does the transfer with the entry's login; the browser never has it.
(() => {
    const panel = document.getElementById('terminal-files');
    if (!panel) return;
    const api = panel.dataset.api;
    const folder = document.getElementById('files-folder');
    const list = document.getElementById('files-list');
    const status = document.getElementById('files-status');
    const token = panel.querySelector('input[name=__af]').value;
    const reason = () => document.getElementById('terminal-reason')?.value.trim() || '';
    const format = (text, ...values) => values.reduce((t, v, i) => t.replace(`{${i}}`, v), text);
    const join = (dir, name) => (dir === '.' ? name : dir.replace(/\/+$/, '') + '/' + name);

    const say = (text, isError) => {
        status.textContent = text;
        status.classList.toggle('error', !!isError);
    };

    const problem = async response => {
        try {
            const body = await response.json();
            return custosTerminal.errorText(body.code, body.title || String(response.status));
        } catch {
            return String(response.status);
        }
    };

    const item = (label, onClick, href) => {
        const li = document.createElement('li');
        const a = document.createElement('a');
        a.textContent = label;
        if (href) {
            a.href = href;
            a.download = '';
        } else {
            a.href = '#';
            a.addEventListener('click', e => { e.preventDefault(); onClick(); });
        }
        li.append(a);
        return li;
    };

    const show = async path => {
        folder.value = path;
        const response = await fetch(`${api}/list?path=${encodeURIComponent(path)}`, { credentials: 'same-origin' });
        if (!response.ok) { say(await problem(response), true); return; }
        const files = await response.json();
        list.replaceChildren();
        if (path !== '/') list.append(item(`⬑ ${panel.dataset.textUp}`, () => show(path === '.' ? '..' : path.replace(/\/[^/]*\/?$/, '') || '/')));
        for (const f of files) {
            const full = join(path, f.name);
            if (f.isDirectory) list.append(item(`${f.name}/`, () => show(full)));
            else {
                const r = reason();
                list.append(item(`${f.name} (${f.size.toLocaleString()} B)`, null,
                    `${api}?path=${encodeURIComponent(full)}${r ? `&reason=${encodeURIComponent(r)}` : ''}`));
            }
        }
        if (files.length === 0) { const li = document.createElement('li'); li.textContent = panel.dataset.textEmpty; list.append(li); }
        say('');
    };

    document.getElementById('files-browse').addEventListener('submit', e => { e.preventDefault(); show(folder.value.trim() || '.'); });

    document.getElementById('files-upload').addEventListener('submit', e => {
        e.preventDefault();
        const file = document.getElementById('files-upload-file').files[0];
        if (!file) return;
        const path = join(folder.value.trim() || '.', file.name);
        const r = reason();
        // XMLHttpRequest, because fetch reports no upload progress.
        const request = new XMLHttpRequest();
        request.open('PUT', `${api}?path=${encodeURIComponent(path)}${r ? `&reason=${encodeURIComponent(r)}` : ''}`);
        request.setRequestHeader('RequestVerificationToken', token);
        request.upload.onprogress = p => { if (p.lengthComputable) say(format(panel.dataset.textUploading, Math.floor(100 * p.loaded / p.total))); };
        request.onload = async () => {
            if (request.status >= 200 && request.status < 300) {
                const body = JSON.parse(request.responseText);
                await show(folder.value.trim() || '.');
                say(format(panel.dataset.textUploaded, path, body.bytes.toLocaleString()));
            } else {
                let text = String(request.status);
                try { const body = JSON.parse(request.responseText); text = custosTerminal.errorText(body.code, body.title); } catch { /* not JSON */ }
                say(text, true);
            }
        };
        request.onerror = () => say(String(request.status || 'network error'), true);
        request.send(file);
    });

    panel.addEventListener('toggle', () => { if (panel.open && list.childElementCount === 0) show(folder.value.trim() || '.'); });
    panel.dataset.ready = 'true';
})();
