// Accepting or rejecting a suggestion submits a separate form and reloads the editor, which would
// throw away whatever the editor typed and has not saved. Ask first when there is such work.
// (Without JavaScript the panel says to save first.)
(() => {
  const FORM_ID = "themes-tag-decision-form";
  // Inputs Wagtail itself rewrites (autosave, CSRF) are not the editor's work.
  const IGNORED = new Set(["csrfmiddlewaretoken", "next", "loaded_revision_id", "loaded_revision_created_at"]);
  const pageForm = () => document.querySelector("form[data-edit-form]");
  const snapshot = (form) =>
    [...new FormData(form).entries()]
      .filter(([name]) => !IGNORED.has(name))
      .map(([name, value]) => `${name}=${typeof value === "string" ? value : value.name}`)
      .join("&");

  let saved = null;
  const remember = () => {
    const form = pageForm();
    if (form) saved = snapshot(form);
  };
  // Rich text and chooser widgets settle after "load"; autosave makes the current state the saved one.
  window.addEventListener("load", () => setTimeout(remember, 0));
  document.addEventListener("w-autosave:success", remember);

  const hasUnsavedWork = () => {
    const form = pageForm();
    if (!form || saved === null) return false;
    return form.dataset.wUnsavedForceValue === "true" || snapshot(form) !== saved;
  };

  document.addEventListener("click", (event) => {
    const button = event.target.closest(`button[form="${FORM_ID}"]`);
    if (!button || !hasUnsavedWork()) return;
    const message =
      "This page has changes that are not saved. Accepting or rejecting a label reloads the editor " +
      "and they would be lost. Press Cancel, save the page, then decide; or OK to discard them.";
    if (!window.confirm(message)) event.preventDefault();
  });
})();
