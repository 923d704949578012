/** The exact request of an attempt as a curl command (header values as stored: custom secrets already masked). */
export function toCurl(url: string, headers: Record<string, string>, body: string): string {
  const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
  const lines = [`curl -X POST ${quote(url)}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`  -H ${quote(`${name}: ${value}`)}`);
  lines.push(`  --data-raw ${quote(body)}`);
  return lines.join(" \\\n");
}
