// The campaign page's countdown, in the page's language (the format comes from the template's
// translation). Copy-link and the share sheet are static/js/share.js. No inline script: the CSP forbids it.
for (const el of document.querySelectorAll("[data-countdown]")) {
  const end = new Date(el.dataset.countdown);
  const tick = () => {
    const s = Math.max(0, Math.floor((end - new Date()) / 1000));
    const parts = { d: Math.floor(s / 86400), h: Math.floor((s % 86400) / 3600), m: Math.floor((s % 3600) / 60) };
    el.textContent = " · " + el.dataset.format.replace(/\{(\w)\}/g, (_, k) => String(parts[k]));
  };
  tick();
  setInterval(tick, 30000);
}
