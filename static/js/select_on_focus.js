// Read-only inputs marked data-select-on-focus select their whole value when focused or clicked:
// managers copy tracked links from the admin into posts and chats in one click.
document.addEventListener("focusin", (event) => {
  if (event.target.matches("input[data-select-on-focus]")) event.target.select();
});
document.addEventListener("click", (event) => {
  if (event.target.matches("input[data-select-on-focus]")) event.target.select();
});
