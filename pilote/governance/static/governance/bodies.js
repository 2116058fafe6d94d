// Print buttons of the governance pages (the meeting page prints as a relevé de décisions).
document.querySelectorAll("[data-gov-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
