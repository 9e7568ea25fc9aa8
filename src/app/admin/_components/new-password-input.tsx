import { PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS } from "~/shared/limits";

/** A new password's field (or its repeat), with the length rule the server applies to every password. */
export function NewPasswordInput({ name, autoFocus }: { name: string; autoFocus?: boolean }) {
  return (
    <input
      name={name}
      type="password"
      autoComplete="new-password"
      minLength={PASSWORD_MIN_CHARS}
      maxLength={PASSWORD_MAX_CHARS}
      required
      autoFocus={autoFocus}
    />
  );
}
