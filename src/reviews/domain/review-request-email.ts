/**
 * The review-request e-mail: what the couple receives, and the one message the mailer's queue
 * carries. Pure functions; the link token is put into the e-mail here and nowhere else.
 */
import * as z from '../../shared/zod';
import { lazy } from '../../shared/lazy';

/**
 * The mailer's queue message: ids only (the token is signed by the mailer, never queued). Built
 * on the first message (ADR 0022, eighth round), not when the bundle loads.
 */
export const reviewRequestEmailMessage = /* @__PURE__ */ lazy(() =>
  z.strictObject({
    type: z.literal('review-request.email'),
    version: z.literal(1),
    supplierId: z.string().check(z.minLength(1), z.maxLength(64)),
    requestId: z.string().check(z.minLength(1), z.maxLength(64)),
  }),
);
export type ReviewRequestEmailMessage = z.infer<ReturnType<typeof reviewRequestEmailMessage>>;

/** The provider refused this message for good (bad address, suppressed, content): do not retry. */
export class EmailRejectedError extends Error {
  constructor(readonly reason: string) {
    super(`e-mail rejected: ${reason}`);
    this.name = 'EmailRejectedError';
  }
}

/** The link the couple follows: the token rides in the fragment, so no server or proxy logs it. */
export function reviewLink(baseUrl: string, token: string): string {
  const url = new URL(baseUrl);
  url.hash = `token=${token}`;
  return url.toString();
}

/** One line of plain text: no control characters (no header or line injection), bounded. */
const oneLine = (value: string, max = 120): string =>
  [...value]
    .map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? ' ' : c))
    .join('')
    .replace(/ {2,}/g, ' ')
    .trim()
    .slice(0, max);

const escapeHtml = (value: string): string =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export function composeReviewRequestEmail(input: {
  coupleName: string;
  supplierName: string;
  weddingDate: string;
  link: string;
  expiresAt: string;
}): { subject: string; text: string; html: string } {
  const couple = oneLine(input.coupleName);
  const supplier = oneLine(input.supplierName);
  const expires = input.expiresAt.slice(0, 10);
  const subject = `${supplier} would love your review`;
  const text = [
    `Dear ${couple},`,
    '',
    `${supplier} worked with you on your wedding of ${input.weddingDate} and asks how it went.`,
    'Your review is marked as verified: it comes from the couple themselves.',
    '',
    `Write your review: ${input.link}`,
    '',
    `This personal link works until ${expires}. Please do not forward it.`,
    'WedSync',
  ].join('\n');
  const html = [
    `<p>Dear ${escapeHtml(couple)},</p>`,
    `<p>${escapeHtml(supplier)} worked with you on your wedding of ${escapeHtml(input.weddingDate)} and asks how it went.`,
    'Your review is marked as verified: it comes from the couple themselves.</p>',
    `<p><a href="${escapeHtml(input.link)}">Write your review</a></p>`,
    `<p>This personal link works until ${escapeHtml(expires)}. Please do not forward it.</p>`,
    '<p>WedSync</p>',
  ].join('\n');
  return { subject, text, html };
}
