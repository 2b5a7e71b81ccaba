// A <template data-print-button> holds a Print button: it appears only where this script runs,
// so a browser without JavaScript shows no button that does nothing. (The Content-Security-
// Policy forbids inline handlers such as onclick="window.print()".)
for (const template of document.querySelectorAll("template[data-print-button]")) {
  const button = template.content.firstElementChild.cloneNode(true);
  button.addEventListener("click", () => window.print());
  template.replaceWith(button);
}
