import type { Awareness } from 'y-protocols/awareness';

const hexColour = /^#[0-9a-fA-F]{6}$/;
const hexColourWithAlpha = /^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/;
const fallbackColour = '#5c5c5c';
const longestName = 200;

/**
 * The editor writes each remote cursor's colour into a style attribute, so anything there but
 * `#rrggbb` is CSS of someone else's making (a page-wide overlay, a request to another site).
 * The server already rewrites names and colours; this makes sure of it on every state that
 * arrives, before the editor reads it. Returns a function that stops checking.
 *
 * Install it before the editor: listeners run in the order they were added.
 */
export function guardCursorColours(awareness: Awareness): () => void {
  const check = () => {
    for (const [clientId, state] of awareness.getStates()) {
      if (clientId === awareness.clientID) continue;
      const user = (state as { user?: unknown }).user;
      if (user === undefined) continue;
      if (typeof user !== 'object' || user === null) {
        (state as { user?: unknown }).user = { name: '', color: fallbackColour };
        continue;
      }
      const u = user as Record<string, unknown>;
      if (typeof u.color !== 'string' || !hexColour.test(u.color)) u.color = fallbackColour;
      if (u.colorLight !== undefined && (typeof u.colorLight !== 'string' || !hexColourWithAlpha.test(u.colorLight))) u.colorLight = `${u.color as string}33`;
      u.name = typeof u.name === 'string' ? u.name.slice(0, longestName) : '';
    }
  };
  check();
  awareness.on('change', check);
  return () => awareness.off('change', check);
}
