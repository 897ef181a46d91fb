// The campaign page: a countdown in the page's language (the format comes from the template's
// translation), copy-link, and the phone's share sheet where the browser has one. No inline script: the CSP forbids it.
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
for (const button of document.querySelectorAll("[data-copy]")) {
  button.addEventListener("click", async () => {
    const input = document.getElementById(button.dataset.copy);
    try {
      await navigator.clipboard.writeText(input.value);
    } catch {
      input.select();
      document.execCommand("copy");
    }
    button.textContent = button.dataset.copied;
  });
}
for (const button of document.querySelectorAll("[data-share]")) {
  if (!navigator.share) continue;
  button.hidden = false;
  button.addEventListener("click", () => {
    const url = document.getElementById(button.dataset.share).value;
    navigator.share({ title: button.dataset.title, url }).catch(() => {});
  });
}
