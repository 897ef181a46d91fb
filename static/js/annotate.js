// The instructor's drawing over a learner's work (templates/partners/submission_review.html): strokes
// drawn on a canvas over each image are kept in the feedback form's hidden "annotation" field as JSON,
// [{"image": <position>, "points": [[x, y], ...]}], x and y normalised to 0..1 of the image, so they
// lie over it at any size. The server checks the same bounds again. No inline script: the CSP forbids it.
const box = document.querySelector("[data-annotate]");
if (box) {
  const field = document.getElementById(box.dataset.field);
  const maxStrokes = Number(box.dataset.maxStrokes);
  const maxPoints = Number(box.dataset.maxPoints);
  const maxTotal = Number(box.dataset.maxTotal);
  const count = box.querySelector("[data-annotate-count]");
  const canvases = [...box.querySelectorAll("canvas[data-annotate-canvas]")];
  // Closer points than this add nothing a learner could see (a few pixels on a phone).
  const MIN_STEP = 0.003;
  const round = (value) => Math.round(Math.min(1, Math.max(0, value)) * 10000) / 10000;
  const isPoint = (p) => Array.isArray(p) && p.length === 2 && p.every((v) => Number.isFinite(v) && v >= 0 && v <= 1);
  const isStroke = (s) => s && Number.isInteger(s.image) && Array.isArray(s.points) && s.points.every(isPoint);

  // A page sent back with another field's error keeps the strokes drawn before.
  let strokes = [];
  try {
    const stored = JSON.parse(field.value || "[]");
    if (Array.isArray(stored)) strokes = stored.filter(isStroke).slice(0, maxStrokes);
  } catch {
    strokes = [];
  }
  let current = null;
  const total = () => strokes.reduce((sum, s) => sum + s.points.length, 0);

  const draw = (canvas) => {
    const image = Number(canvas.dataset.annotateCanvas);
    const context = canvas.getContext("2d");
    context.clearRect(0, 0, canvas.width, canvas.height);
    context.lineWidth = 3 * (window.devicePixelRatio || 1);
    context.strokeStyle = "#e11d48";
    context.lineCap = "round";
    context.lineJoin = "round";
    for (const stroke of strokes) {
      if (stroke.image !== image) continue;
      context.beginPath();
      stroke.points.forEach(([x, y], index) => {
        const at = [x * canvas.width, y * canvas.height];
        if (index === 0) context.moveTo(...at);
        else context.lineTo(...at);
      });
      context.stroke();
    }
  };
  const save = () => {
    field.value = JSON.stringify(strokes);
    count.textContent = strokes.length ? `${box.dataset.countLabel}: ${strokes.length}` : "";
  };
  const fit = (canvas) => {
    const rect = canvas.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.max(1, Math.round(rect.width * ratio));
    canvas.height = Math.max(1, Math.round(rect.height * ratio));
    draw(canvas);
  };
  const pointAt = (canvas, event) => {
    const rect = canvas.getBoundingClientRect();
    return [round((event.clientX - rect.left) / rect.width), round((event.clientY - rect.top) / rect.height)];
  };

  for (const canvas of canvases) {
    canvas.addEventListener("pointerdown", (event) => {
      if (strokes.length >= maxStrokes || total() >= maxTotal - 1) return;
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      current = { image: Number(canvas.dataset.annotateCanvas), points: [pointAt(canvas, event)] };
      strokes.push(current);
    });
    canvas.addEventListener("pointermove", (event) => {
      if (!current) return;
      const point = pointAt(canvas, event);
      const last = current.points[current.points.length - 1];
      if (Math.hypot(point[0] - last[0], point[1] - last[1]) < MIN_STEP) return;
      if (current.points.length >= maxPoints || total() >= maxTotal) return;
      current.points.push(point);
      draw(canvas);
    });
    const end = () => {
      if (!current) return;
      // A tap is a dot: a stroke of two equal points.
      if (current.points.length < 2) current.points.push([...current.points[0]]);
      current = null;
      draw(canvas);
      save();
    };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    new ResizeObserver(() => fit(canvas)).observe(canvas);
  }
  box.querySelector("[data-annotate-undo]").addEventListener("click", () => {
    strokes.pop();
    canvases.forEach(draw);
    save();
  });
  box.querySelector("[data-annotate-clear]").addEventListener("click", () => {
    strokes = [];
    canvases.forEach(draw);
    save();
  });
  box.hidden = false;
  save();
}
