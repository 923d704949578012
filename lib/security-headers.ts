/**
 * The browser-side security policy, in one place: the Content-Security-Policy of every page (set per request by
 * proxy.ts, with a fresh nonce that Next.js puts on its own scripts) and the static headers every response carries
 * (next.config.ts). No imports: next.config.ts loads this file before the app is built.
 */

/**
 * Who may show the portal in a frame unless PORTAL_EMBED_ORIGINS names origins: nobody. With origins, pages get
 * `frame-ancestors <origins>` and no X-Frame-Options (it cannot name origins); frame-ancestors alone decides. The
 * API and static files are never framed.
 */
export const FRAME_ANCESTORS: readonly string[] = ["'none'"];

/**
 * Style elements allowed by their content's hash: sonner (the toasts) adds its stylesheet as a style element when it
 * loads, and cannot be given the nonce. The empty one is that element before its text goes in. A unit test recomputes
 * the hash from the installed sonner, so an upgrade that changes its CSS fails there, not silently in the browser.
 */
export const STYLE_HASHES: readonly string[] = [
  "'sha256-StEaX+se6YS7pqjzrzMIA0KaX9zF/8zAhvQXZAe5epY='",
  "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
];

export interface PolicyOptions {
  /** The request's nonce: only scripts and style elements carrying it run. */
  nonce: string;
  /** `next dev` only: React's dev tooling uses eval and Next's hot reload inline styles (the production build neither). */
  development: boolean;
  /**
   * Origins a form may lead to besides this site: the sign-in providers' (a "Continue with GitHub" form answered
   * with a redirect to the provider is checked against form-action by the browser).
   */
  formActionOrigins?: readonly string[];
  /** Origins that may frame the page (PORTAL_EMBED_ORIGINS); none: nobody may. */
  embedOrigins?: readonly string[];
}

/**
 * A strict policy: scripts only with this response's nonce ('strict-dynamic' lets them load Next's chunks), no
 * plugins, no <base> tricks, forms only to this site, no framing. Style attributes stay allowed (style-src-attr):
 * Radix and the charts position elements with inline styles, which cannot run code; style elements need the nonce.
 */
export function contentSecurityPolicy({ nonce, development, formActionOrigins = [], embedOrigins = [] }: PolicyOptions): string {
  const directives: Record<string, string[]> = {
    "default-src": ["'self'"],
    "script-src": ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(development ? ["'unsafe-eval'"] : [])],
    // `next dev` injects the CSS it hot-reloads as style elements without the nonce (the production build links files).
    "style-src": ["'self'", ...(development ? ["'unsafe-inline'"] : [`'nonce-${nonce}'`, ...STYLE_HASHES])],
    "style-src-attr": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'", ...formActionOrigins],
    "frame-ancestors": embedOrigins.length > 0 ? [...embedOrigins] : [...FRAME_ANCESTORS],
  };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(" ")}`)
    .join("; ");
}

/** For responses that are not pages (the API, static files): nothing in them may run or be framed. */
export const NON_PAGE_CONTENT_SECURITY_POLICY = `default-src 'none'; frame-ancestors ${FRAME_ANCESTORS.join(" ")}`;

/**
 * Headers on every response, pages and API alike. X-Frame-Options is not among them: next.config.ts fixes these at
 * build time, and whether pages may be framed is configuration read when the server runs (proxy.ts sets it on pages
 * through `pageFrameOptions`; `NON_PAGE_FRAME_OPTIONS` covers the API and static files).
 */
export function staticSecurityHeaders(): { key: string; value: string }[] {
  return [
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  ];
}

/** The API and static files are never framed, whatever PORTAL_EMBED_ORIGINS says. */
export const NON_PAGE_FRAME_OPTIONS = { key: "X-Frame-Options", value: "DENY" } as const;

/** A page's X-Frame-Options: DENY when nobody may frame it; none when origins may (frame-ancestors names them). */
export function pageFrameOptions(embedOrigins: readonly string[]): string | undefined {
  return embedOrigins.length > 0 ? undefined : "DENY";
}

/** A fresh nonce per request: 128 random bits, base64 (Web Crypto, so it runs wherever the proxy runs). */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
