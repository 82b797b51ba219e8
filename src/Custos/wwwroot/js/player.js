// Plays an asciicast v2 recording (output and resizes) in xterm.js: fetched from the API, which puts the viewing on
// record. Pauses longer than two seconds are shortened to two, as asciinema's idle limit does. Input ("i" events, where
// the folder's policy recorded it) is not terminal output: it is shown beside the screen, control keys made visible.
(() => {
    const root = document.getElementById('player-root');
    if (!root) return;
    const status = document.getElementById('player-status');
    const toggle = document.getElementById('player-toggle');
    const speed = document.getElementById('player-speed');
    const clock = document.getElementById('player-time');
    const typed = document.getElementById('player-input');
    const typedLimit = 200;
    const view = custosTerminal.create(document.getElementById('player'));
    const idleLimit = 2;
    let events = [];
    let index = 0;
    let position = 0;       // seconds of (idle-limited) recording time already shown
    let timer = null;

    // Enter as ⏎, other control characters as ^X (ESC as ^[), so that what was typed reads as keys.
    const visible = text => text.replace(/[\x00-\x1f\x7f]/g, c =>
        c === '\r' || c === '\n' ? '⏎' : c === '\x7f' ? '⌫' : '^' + String.fromCharCode(c.charCodeAt(0) + 64));

    const format = seconds => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;

    const parse = text => {
        const lines = text.split('\n').filter(l => l.trim().length > 0);
        const header = JSON.parse(lines[0]);
        if (header.version !== 2) throw new Error('not asciicast v2');
        view.term.resize(header.width || 80, header.height || 24);
        let last = 0, shifted = 0;
        return lines.slice(1).map(line => {
            const [time, type, data] = JSON.parse(line);
            shifted += Math.min(time - last, idleLimit);
            last = time;
            return { at: shifted, type, data };
        });
    };

    const step = () => {
        timer = null;
        while (index < events.length && events[index].at <= position + 0.001) {
            const e = events[index++];
            if (e.type === 'o') view.term.write(e.data);
            else if (e.type === 'i' && typed) typed.textContent = (typed.textContent + visible(e.data)).slice(-typedLimit);
            else if (e.type === 'r') {
                const [cols, rows] = e.data.split('x').map(Number);
                if (cols > 0 && rows > 0) view.term.resize(cols, rows);
            }
        }
        clock.textContent = format(position);
        if (index >= events.length) {
            status.textContent = root.dataset.textDone;
            toggle.textContent = toggle.dataset.play;
            index = 0; position = 0;
            return;
        }
        const wait = (events[index].at - position) / Number(speed.value);
        position = events[index].at;
        timer = setTimeout(step, Math.max(0, wait * 1000));
    };

    const play = () => {
        if (index === 0) {
            view.term.reset();
            if (typed) typed.textContent = '';
        }
        toggle.textContent = toggle.dataset.pause;
        status.textContent = '';
        step();
    };

    const pause = () => {
        clearTimeout(timer);
        timer = null;
        toggle.textContent = toggle.dataset.play;
    };

    toggle.addEventListener('click', () => (timer ? pause() : play()));
    toggle.disabled = true;
    status.textContent = root.dataset.textLoading;
    fetch(root.dataset.src, { credentials: 'same-origin' })
        .then(r => (r.ok ? r.text() : Promise.reject(new Error(r.status))))
        .then(text => {
            events = parse(text);
            toggle.disabled = false;
            play();
        })
        .catch(() => { status.textContent = root.dataset.textFailed; status.classList.add('error'); });
})();
