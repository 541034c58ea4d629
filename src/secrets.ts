/** Masking of keys and tokens: the only form in which a secret may appear in output. */

/**
 * Masks a secret as `4f29…beef`. Secrets shorter than 16 characters show nothing of themselves,
 * since four characters from each end would give away half of them.
 */
export function maskSecret(secret: string): string {
  if (secret.length < 16) return "…";
  return `${secret.slice(0, 4)}…${secret.slice(-4)}`;
}
