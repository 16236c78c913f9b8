/* The check-in form's signature pad: draw with a finger, pen or mouse on a <canvas>; on
   submit the drawing goes in the hidden "signature" field as a PNG data URL. Choosing
   "Type my name" hides the pad. No library: pointer events work on every current browser. */
(function () {
  "use strict";
  var form = document.getElementById("checkin-form");
  var canvas = document.getElementById("signature-pad");
  if (!form || !canvas) return;
  var field = document.getElementById("signature-data");
  var ctx = canvas.getContext("2d");
  var drawing = false;
  var drawn = false;
  var last = null;

  ctx.lineWidth = 3;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.strokeStyle = "#10243e";

  function point(event) {
    var box = canvas.getBoundingClientRect();
    return {
      x: (event.clientX - box.left) * (canvas.width / box.width),
      y: (event.clientY - box.top) * (canvas.height / box.height)
    };
  }

  canvas.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    drawing = true;
    last = point(event);
    if (canvas.setPointerCapture) canvas.setPointerCapture(event.pointerId);
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) return;
    event.preventDefault();
    var next = point(event);
    ctx.beginPath();
    ctx.moveTo(last.x, last.y);
    ctx.lineTo(next.x, next.y);
    ctx.stroke();
    last = next;
    drawn = true;
  });
  ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
    canvas.addEventListener(name, function () { drawing = false; });
  });

  document.getElementById("signature-clear").addEventListener("click", function () {
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    drawn = false;
    field.value = "";
  });

  function showKind() {
    var chosen = form.querySelector('input[name="signatureKind"]:checked');
    var kind = chosen ? chosen.value : "drawn";
    Array.prototype.forEach.call(form.querySelectorAll(".signature [data-kind]"), function (part) {
      part.hidden = part.getAttribute("data-kind") !== kind;
    });
  }
  Array.prototype.forEach.call(form.querySelectorAll('input[name="signatureKind"]'), function (radio) {
    radio.addEventListener("change", showKind);
  });
  showKind();

  form.addEventListener("submit", function () {
    field.value = drawn ? canvas.toDataURL("image/png") : "";
  });
})();
