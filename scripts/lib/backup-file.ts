/** A backup file name ending in .db / .sqlite / .sqlite3 is an SQLite database file; anything else is portable. */
export function isSqliteFile(file: string): boolean {
  return /\.(db|sqlite3?)$/i.test(file);
}
