// Exclusive choices ("not interested"): ticking one unticks the others, ticking another unticks it.
// The server refuses the combination anyway (SurveyForm.clean); this only saves a round trip.
// Every box of such a question carries data-exclusive, the values that exclude the rest.
document.querySelectorAll("input[type=checkbox][data-exclusive]").forEach((box) => {
  const exclusive = new Set(box.dataset.exclusive.split(" "));
  box.addEventListener("change", () => {
    if (!box.checked) return;
    document.querySelectorAll(`input[type=checkbox][name="${box.name}"]`).forEach((other) => {
      if (other !== box && (exclusive.has(box.value) || exclusive.has(other.value))) other.checked = false;
    });
  });
});
