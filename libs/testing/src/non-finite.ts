/** Paths of every number in `value` that is not finite (JSON would store it as null). */
export function nonFiniteNumbers(value: unknown, path = '', out: string[] = []): string[] {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) out.push(`${path}=${value}`);
  } else if (typeof value === 'object' && value !== null)
    for (const [key, child] of Object.entries(value))
      nonFiniteNumbers(child, `${path}.${key}`, out);
  return out;
}
