/**
 * Points drawn with the mouse, a pen or a finger: a click adds one, a drag adds one every
 * few pixels. Coordinates are in [0, 1] with y upwards. Keyboard users type points instead.
 */
export function drawingCanvas(canvas: HTMLCanvasElement, changed: (points: Array<[number, number]>) => void): { clear(): void } {
  const points: Array<[number, number]> = [];
  const context = canvas.getContext("2d");
  if (context === null) throw new Error("no 2-d canvas in this browser");
  const ctx = context;
  let drawing = false;
  let last: [number, number] | undefined;

  function redraw(): void {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = getComputedStyle(canvas).color;
    for (const [x, y] of points) {
      ctx.beginPath();
      ctx.arc(x * canvas.width, (1 - y) * canvas.height, 3, 0, 2 * Math.PI);
      ctx.fill();
    }
  }

  function add(event: PointerEvent): void {
    const box = canvas.getBoundingClientRect();
    const x = (event.clientX - box.left) / box.width;
    const y = 1 - (event.clientY - box.top) / box.height;
    if (x < 0 || x > 1 || y < 0 || y > 1) return;
    // A drag adds a point per 8 screen pixels, so the density follows the stroke, not the mouse's speed.
    if (last && Math.hypot((x - last[0]) * box.width, (y - last[1]) * box.height) < 8) return;
    last = [x, y];
    points.push([x, y]);
    redraw();
    changed(points);
  }

  canvas.addEventListener("pointerdown", (event) => {
    drawing = true;
    last = undefined;
    canvas.setPointerCapture(event.pointerId);
    add(event);
  });
  canvas.addEventListener("pointermove", (event) => {
    if (drawing) add(event);
  });
  canvas.addEventListener("pointerup", () => {
    drawing = false;
  });
  return {
    clear() {
      points.length = 0;
      redraw();
    },
  };
}
