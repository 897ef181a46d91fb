// Share blocks (templates/marketing/_share_link.html): the link is a read-only input that works
// without script; this adds "copy link" and, where the browser has one, the phone's share sheet.
// No inline script: the CSP forbids it.
const shareStatus = (id, text) => {
  const status = document.querySelector(`[data-copy-status="${id}"]`);
  if (status) status.textContent = text;
};
for (const button of document.querySelectorAll("[data-copy]")) {
  const input = document.getElementById(button.dataset.copy);
  if (!input) continue;
  button.hidden = false;
  button.addEventListener("click", async () => {
    let copied = false;
    try {
      await navigator.clipboard.writeText(input.value);
      copied = true;
    } catch {
      input.focus();
      input.select();
      try {
        copied = document.execCommand("copy");
      } catch {
        copied = false;
      }
    }
    // Where no clipboard is allowed, the link stays selected for the learner to copy by hand.
    if (!copied) {
      input.focus();
      input.select();
    }
    shareStatus(button.dataset.copy, copied ? button.dataset.copied : button.dataset.copyFailed);
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
