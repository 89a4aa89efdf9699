/** Text for HTML content and double-quoted attributes: every markup character escaped (pure). */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (character) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character] ?? character);

/** Names that appear in ids and class names (host names, phases, states) keep only safe characters. */
export const token = (text: string): string => text.replace(/[^a-z0-9-]/gi, '_');
