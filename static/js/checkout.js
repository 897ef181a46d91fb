// Progressive enhancement of the course page's coupon preview. Without JavaScript "Apply" posts
// the form and the server renders the page with the new price (or the coupon's error at its
// field). With it, the same request is made in the background and only the buy box is swapped,
// so the learner keeps their place on the page. Any failure falls back to the plain form post.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  const button = event.submitter;
  if (!form.matches("form[data-checkout]") || !button || !button.matches("[data-preview]")) return;
  if (form.dataset.plain) return;
  event.preventDefault();
  const box = form.closest("[data-buy-box]");
  button.disabled = true;
  try {
    const response = await fetch(button.formAction, { method: "POST", body: new FormData(form), credentials: "same-origin" });
    if (response.redirected) {
      window.location.assign(response.url); // the server had something to say as a page message
      return;
    }
    if (!response.ok && response.status !== 400) throw new Error(`HTTP ${response.status}`);
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.querySelector("[data-buy-box]");
    if (!box || !fresh) throw new Error("no buy box");
    box.replaceWith(fresh);
    const input = fresh.querySelector("input[name=coupon]");
    if (input) {
      input.focus();
      input.setSelectionRange(input.value.length, input.value.length);
    }
  } catch (error) {
    form.dataset.plain = "1";
    button.disabled = false;
    form.requestSubmit(button);
  }
});
