// In a publication's editor the only document chooser is the PDF's. Its upload form gets the
// publication's title as the document's title (Wagtail would take the file name) and its file
// picker offers PDFs only. Without JavaScript the form asks for a title and checks the file.
(() => {
  const publicationTitle = () => {
    const form = document.querySelector("form[data-edit-form]");
    if (!form || !form.querySelector('input[name="pdf"]')) return null;
    return form.querySelector('input[name="title"]');
  };

  document.addEventListener("wagtail:documents-upload", (event) => {
    const input = publicationTitle();
    const title = input ? input.value.trim() : "";
    if (!title) return;
    const max = event.detail.maxTitleLength;
    event.detail.data.title = max ? title.slice(0, max) : title;
  });

  // Chooser modals arrive after the page has loaded.
  new MutationObserver(() => {
    if (!publicationTitle()) return;
    document
      .querySelectorAll('.modal input[type="file"]:not([accept])')
      .forEach((input) => input.setAttribute("accept", ".pdf,application/pdf"));
  }).observe(document.body, { childList: true, subtree: true });
})();
