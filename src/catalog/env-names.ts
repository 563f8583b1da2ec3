/** `ReviewTokenKey` -> `REVIEW_TOKEN_KEY`: the catalog's ids as parts of environment variable names. */
export const constantCase = (id: string): string => id.replace(/(?<=[a-z0-9])(?=[A-Z])/g, '_').toUpperCase();
