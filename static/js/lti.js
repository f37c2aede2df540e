// Deep linking: post the signed selection back to the LMS without a second click. Without
// script the page shows the same form with its "Continue to the LMS" button.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-autosubmit]");
  if (form) {
    form.submit();
  }
});
