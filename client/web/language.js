// language.js: the masthead's language switch. The choice is kept in
// this browser and the page loads again in it.

import { h } from "./dom.js";
import { LANGUAGES, lang, setLanguage, t } from "./i18n.js";

const masthead = document.querySelector(".masthead");
if (masthead) {
  const select = h("select", {
    id: "language", class: "language small",
    aria: { label: t("common.language") },
    onchange: (e) => setLanguage(e.target.value),
  }, Object.entries(LANGUAGES).map(([code, name]) => h("option", { value: code, lang: code, selected: code === lang, text: name })));
  masthead.insertBefore(select, document.getElementById("conn"));
}
