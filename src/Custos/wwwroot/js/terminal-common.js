// Shared by the browser terminal and the recording player.
// xterm.js adds <style> elements while it runs; this page's CSP admits only those that carry its nonce, so every
// <style> created from here on gets it, at creation (a nonce set after insertion does not count).
(() => {
    const source = document.querySelector('[data-style-nonce]');
    if (!source) return;
    const nonce = source.dataset.styleNonce;
    const create = Document.prototype.createElement;
    Document.prototype.createElement = function (name, options) {
        const element = create.call(this, name, options);
        if (String(name).toLowerCase() === 'style') element.setAttribute('nonce', nonce);
        return element;
    };
})();

window.custosTerminal = {
    create(container) {
        const term = new Terminal({ cursorBlink: true, scrollback: 5000, fontFamily: 'DejaVu Sans Mono, Menlo, Consolas, monospace', fontSize: 14 });
        const fit = new FitAddon.FitAddon();
        term.loadAddon(fit);
        term.open(container);
        fit.fit();
        return { term, fit };
    },
    errorText(code, fallback) {
        const item = code && document.querySelector(`#terminal-errors [data-code="${CSS.escape(code)}"]`);
        return item ? item.textContent : fallback;
    },
};
