// The timeline's print button: a listener here, not an inline onclick, which the
// Content-Security-Policy refuses (script-src 'self', see docs/securite.md).
document.querySelectorAll("[data-mon-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
