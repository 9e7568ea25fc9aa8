/**
 * File sizes next to an attachment, in the page's language. Found in the team flow's screenshots: a 591-byte PDF
 * read "591 byte" (CLDR's short unit for bytes is singular in English).
 */
import { describe, expect, it } from "vitest";
import { formatFileSize } from "~/components/attachments/upload";

describe("formatFileSize", () => {
  it("spells bytes out, in each language, singular and plural", () => {
    expect(formatFileSize(591, "en")).toBe("591 bytes");
    expect(formatFileSize(1, "en")).toBe("1 byte");
    expect(formatFileSize(591, "fr")).toMatch(/^591\s+octets$/);
    expect(formatFileSize(591, "de")).toBe("591 Byte");
  });

  it("uses kB and MB above a thousand, with one decimal under ten", () => {
    expect(formatFileSize(48_000, "en")).toBe("48 kB");
    expect(formatFileSize(1_234, "en")).toBe("1.2 kB");
    expect(formatFileSize(1_200_000, "en")).toBe("1.2 MB");
  });
});
