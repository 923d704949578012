/** What a stored, masked header value looks like (lib/crypto.ts maskSecret: two characters, then eight dots). */
const MASKED = /•{8}$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** `X-API-Key` -> `X_API_KEY`: a shell variable name for a header's value. */
export function shellVariableFor(headerName: string): string {
  const name = headerName.toUpperCase().replace(/[^A-Z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  return /^[0-9]/.test(name) || name === "" ? `H_${name}` : name;
}

/** POSIX single quotes when the text is plain ASCII; bash/zsh `$'...'` with byte escapes otherwise. */
function quote(value: string): string {
  if (PRINTABLE_ASCII.test(value)) return `'${value.replace(/'/g, `'\\''`)}'`;
  let out = "";
  for (const byte of new TextEncoder().encode(value)) {
    if (byte === 0x5c) out += "\\\\";
    else if (byte === 0x27) out += "\\'";
    else if (byte >= 0x20 && byte <= 0x7e) out += String.fromCharCode(byte);
    else out += `\\x${byte.toString(16).padStart(2, "0")}`;
  }
  return `$'${out}'`;
}

/**
 * The request of an attempt as a curl command that runs as pasted and contains only ASCII. Header values stored
 * masked (custom secrets such as `X-API-Key: sk••••••••`) become shell variables (`$X_API_KEY`) that must be set
 * first, with a note saying so; the body is kept byte for byte (non-ASCII as `\xNN` escapes), so the recorded
 * signature still matches it.
 */
export function toCurl(url: string, headers: Record<string, string>, body: string): string {
  const notes: string[] = [];
  const used = new Set<string>();
  const lines = [`curl -X POST ${quote(url)}`];
  for (const [name, value] of Object.entries(headers)) {
    if (MASKED.test(value) || !PRINTABLE_ASCII.test(value)) {
      let variable = shellVariableFor(name);
      for (let n = 2; used.has(variable); n += 1) variable = `${shellVariableFor(name)}_${n}`;
      used.add(variable);
      notes.push(`# ${name} was stored masked: export ${variable}='<its value>' before running this.`);
      lines.push(`  -H "${name}: \${${variable}:?set ${variable} to the ${name} header value}"`);
    } else {
      lines.push(`  -H ${quote(`${name}: ${value}`)}`);
    }
  }
  lines.push(`  --data-raw ${quote(body)}`);
  const header = [
    ...notes,
    "# The signature headers are the original ones: a receiver that refuses requests older than five minutes refuses this replay.",
  ];
  return `${header.join("\n")}\n${lines.join(" \\\n")}`;
}
