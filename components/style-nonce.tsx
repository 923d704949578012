"use client";

import { setNonce } from "get-nonce";

let cached: string | undefined;

/**
 * This page's Content-Security-Policy nonce, in the browser (undefined on the server). Read back from one of Next's
 * own scripts: the browser keeps it readable from script but not from the attribute, and it never travels in the
 * page's data. Style elements that components add while the page runs need it (a Select's viewport style).
 */
export function pageNonce(): string | undefined {
  if (cached === undefined && typeof document !== "undefined") {
    cached = document.querySelector<HTMLScriptElement>("script[nonce]")?.nonce || undefined;
  }
  return cached;
}

// Radix's scroll lock (dialogs, menus, selects) adds a <style> element when it opens, with the nonce get-nonce holds.
const nonce = pageNonce();
if (nonce) setNonce(nonce);

/** Rendered once in the root layout so that the lines above run in the browser before any dialog opens. */
export function StyleNonce() {
  return null;
}
