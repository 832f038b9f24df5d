// The English catalogue's answers that tests compare replies with: what a person with an
// English language_code (or none, BOT_LOCALE=en) reads.
import { createTranslator } from "../../src/i18n/catalogue.js";

export const EN = createTranslator("en");
export const REFUSAL = EN.t("auth-refusal");
