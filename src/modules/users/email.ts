/**
 * The one form in which an email is stored, compared and looked up: trimmed, Unicode NFC, and
 * case-folded (upper then lower case: `Straße` and `STRASSE` fold alike, as do `é` written as one
 * character or as `e` and an accent). Two addresses that differ only in these ways are one user.
 */
export function canonicalEmail(email: string): string {
  return email.trim().normalize('NFC').toUpperCase().toLowerCase().normalize('NFC');
}
