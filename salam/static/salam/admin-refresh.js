// Editor panels that show background work (PDF reading, tagging) carry data-refresh-url while the
// work is pending: fetch the panel again now and then and swap its content in place, until the
// server sends a version without data-refresh-url. Without JavaScript the panels say to reload.
(() => {
  const FIRST_DELAY = 3000;
  const MAX_DELAY = 30000;
  const GIVE_UP_AFTER = 30 * 60 * 1000;
  const watched = new WeakSet();

  const watch = (panel) => {
    if (watched.has(panel)) return;
    watched.add(panel);
    const started = Date.now();
    let delay = FIRST_DELAY;
    panel.querySelectorAll("[data-refresh-note]").forEach((note) => {
      note.textContent = "This updates by itself.";
    });

    const poll = async () => {
      const url = panel.dataset.refreshUrl;
      if (!url || !panel.isConnected) return;
      try {
        const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
        if (response.ok) {
          const fresh = new DOMParser().parseFromString(await response.text(), "text/html").body.firstElementChild;
          if (fresh && fresh.className === panel.className) {
            for (const { name, value } of [...fresh.attributes]) panel.setAttribute(name, value);
            if (!fresh.hasAttribute("data-refresh-url")) panel.removeAttribute("data-refresh-url");
            if (panel.innerHTML !== fresh.innerHTML) panel.innerHTML = fresh.innerHTML;
          }
        }
      } catch (error) {
        // A dropped connection is no reason to stop: the next try may work.
      }
      if (!panel.dataset.refreshUrl) return;
      panel.querySelectorAll("[data-refresh-note]").forEach((note) => {
        note.textContent = "This updates by itself.";
      });
      if (Date.now() - started > GIVE_UP_AFTER) return;
      delay = Math.min(delay * 1.5, MAX_DELAY);
      setTimeout(poll, delay);
    };
    setTimeout(poll, delay);
  };

  const scan = () => document.querySelectorAll("[data-refresh-url]").forEach(watch);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
  else scan();
})();
