/* Where a participant's page opens (survey/ui/browser.py, open_view): at its top with
   keyboard focus on its heading, or at the first unanswered question. Called once the
   run has drawn the page; `seq` only makes each move a new call. */
window.surveyView = function (target, seq) {
  var tries = 0;
  function settle() {
    var idle = document.querySelector(
      '[data-testid="stApp"][data-test-script-state="notRunning"]');
    if (!idle && tries++ < 100) { setTimeout(settle, 30); return; }
    if (target === "missing") {
      var box = document.querySelector(".st-key-missing-first");
      if (box) {
        box.scrollIntoView({block: "start"});
        var first = box.querySelector('input[type="radio"]');
        if (first) { first.focus({preventScroll: true}); }
        return;
      }
    }
    var scrollers = document.querySelectorAll(
      '[data-testid="stMain"], [data-testid="stAppViewContainer"], section.main');
    for (var i = 0; i < scrollers.length; i++) { scrollers[i].scrollTop = 0; }
    window.scrollTo(0, 0);
    var heading = document.querySelector('[data-testid="stMain"] h1');
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus({preventScroll: true});
    }
  }
  settle();
};
