/**
 * The request schemas of the platform routes that another area's function serves (the reply to a
 * review, in the `reviews` area): a second public face of the capability, beside index.ts, that
 * imports only the schema's module (index.ts re-exports every platform's wire formats).
 */
export { replyBody } from './domain/reply-route-schemas';
