/** RFC 5322 dot-atom local part (ASCII), at most 64 octets. */
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * An e-mail address as a CA can use it for DCV: `local@domain`, ASCII, a domain of at least two
 * LDH labels (IDN in A-label form), at most 254 characters. Returns it with the domain lower-cased,
 * or null. The local part may hold Slack markup characters (`_`, `*`, `~`): render it as code.
 */
export const parseMailbox = (value: string): string | null => {
  if (value.length > 254) return null;
  const at = value.lastIndexOf('@');
  if (at <= 0) return null;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1).toLowerCase();
  if (local.length > 64 || !LOCAL_PART.test(local)) return null;
  const labels = domain.split('.');
  if (labels.length < 2 || domain.length > 253) return null;
  if (!labels.every((label) => LDH_LABEL.test(label))) return null;
  if (/^\d+$/.test(labels.at(-1) ?? '')) return null;
  return `${local}@${domain}`;
};
