// Start the NHS.UK frontend components (header menu, skip link, error summary focus, ...).
import { initAll } from "../vendor/nhsuk-frontend/nhsuk-frontend.min.js";

initAll();
