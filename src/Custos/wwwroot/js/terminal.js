// The browser terminal: xterm.js on a WebSocket to Custos, which holds the SSH session. Binary frames carry terminal
// bytes both ways; a text frame resizes. The credential never comes here.
(() => {
    const root = document.getElementById('terminal-root');
    if (!root) return;
    const form = document.getElementById('terminal-start');
    const status = document.getElementById('terminal-status');
    const connectButton = document.getElementById('terminal-connect');
    const disconnectButton = document.getElementById('terminal-disconnect');
    const screen = document.getElementById('terminal');
    const recordedNote = document.getElementById('terminal-recorded');
    const encoder = new TextEncoder();
    let socket = null;
    let view = null;

    const say = (text, isError) => {
        status.textContent = text;
        status.classList.toggle('error', !!isError);
    };

    const send = bytes => { if (socket && socket.readyState === WebSocket.OPEN) socket.send(bytes); };

    form.addEventListener('submit', event => {
        event.preventDefault();
        if (socket) return;
        if (!view) {
            view = custosTerminal.create(screen);
            view.term.onData(data => send(encoder.encode(data)));
            // Mouse reports and the like come as binary strings: one byte per character.
            view.term.onBinary(data => send(Uint8Array.from(data, c => c.charCodeAt(0) & 0xff)));
            view.term.onResize(size => send(JSON.stringify({ type: 'resize', cols: size.cols, rows: size.rows })));
            window.addEventListener('resize', () => view.fit.fit());
        }
        view.term.reset();
        const url = new URL(root.dataset.ws, window.location.href);
        url.protocol = 'wss:';
        url.searchParams.set('cols', view.term.cols);
        url.searchParams.set('rows', view.term.rows);
        url.searchParams.set('errorFrames', 'true');
        const reason = document.getElementById('terminal-reason').value.trim();
        if (reason) url.searchParams.set('reason', reason);
        say(root.dataset.textConnecting);
        connectButton.disabled = true;
        let refused = false;
        socket = new WebSocket(url);
        socket.binaryType = 'arraybuffer';
        recordedNote.textContent = root.dataset.textOutputRecorded;
        socket.onopen = () => {
            say(root.dataset.textConnected);
            disconnectButton.hidden = false;
            view.term.focus();
        };
        socket.onmessage = event => {
            if (typeof event.data === 'string') {
                const message = JSON.parse(event.data);
                if (message.type === 'error') {
                    refused = true;
                    say(custosTerminal.errorText(message.code, message.title), true);
                } else if (message.type === 'notice' && message.code === 'ssh.input_recorded') {
                    // The folder's policy records keystrokes too: said where the user looks, and in the note below.
                    say(root.dataset.textInputRecorded);
                    recordedNote.textContent = root.dataset.textInputRecorded;
                }
                return;
            }
            view.term.write(new Uint8Array(event.data));
        };
        socket.onclose = event => {
            socket = null;
            connectButton.disabled = false;
            disconnectButton.hidden = true;
            if (!refused) say(event.code === 1008 ? root.dataset.textEnded : root.dataset.textClosed, event.code === 1008);
        };
    });

    disconnectButton.addEventListener('click', () => { if (socket) socket.close(1000, 'closed by the user'); });
    root.dataset.ready = 'true';
})();
