import { dashboardStyle } from './dashboard-style.js';
import { escapeHtml } from './html.js';

/** The HTML document around a page: inline style, one deferred script, serve's clock for the ages. */
export const pageFrame = (title: string, now: Date, bodyAttributes: string, content: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${dashboardStyle}</style></head>
<body data-now="${now.toISOString()}"${bodyAttributes}>
${content}
<script src="/dashboard/app.js" defer></script>
</body></html>
`;
