/* Starts every static explorer of the page (loaded once per page, as a module). */
import { mountAll } from "./core.js";

mountAll(document);
