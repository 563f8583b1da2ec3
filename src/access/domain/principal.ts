/** Who is calling, as established by the authorizer (never by the request body or path). */
export type Principal =
  | { readonly kind: 'supplier'; readonly supplierId: string; readonly keyId: string }
  | { readonly kind: 'review-token'; readonly token: string }
  | { readonly kind: 'ops'; readonly keyId: string };
