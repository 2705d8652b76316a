/*
 * The pages' icon, inline: a browser that finds no <link rel="icon"> asks the server for /favicon.ico, which the
 * IdP does not serve (a 404 and a console error on every page, and a request in the journal that nobody made).
 * A data: URL is allowed by the dashboard's Content-Security-Policy (img-src data:).
 */
const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0b57d0"/><circle cx="8" cy="6.5" r="2.5" fill="#fff"/><path d="M7 8.5h2V13H7z" fill="#fff"/></svg>`;

/** The <link> for a page's <head>. */
export const FAVICON_LINK = `<link rel="icon" type="image/svg+xml" href="data:image/svg+xml,${encodeURIComponent(ICON)}">`;
