// Page behaviour without inline handlers: the Content-Security-Policy runs scripts from this
// site only. `data-autosubmit` on a field submits its form on change; `data-print` prints.
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (field && field.form) field.form.submit();
});
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
