/** Attachments' types are read from their bytes (src/server/chat/attachments/file-kind.ts), never their names. */
import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { fileKindOf } from "~/server/chat/attachments/file-kind";
import { cleanFileName } from "~/server/chat/attachments/upload-attachment";

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
  "base64",
);
const zip = (files: Record<string, string>) =>
  Buffer.from(
    zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)]))),
  );

/** An OOXML package's [Content_Types].xml naming its main part, as office suites write it. */
const contentTypes = (main: string) =>
  '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
  `<Override PartName="/main.xml" ContentType="application/vnd.openxmlformats-officedocument.${main}.main+xml"/></Types>`;

describe("an attachment's type, from its bytes", () => {
  it.each([
    ["PNG", PNG, "image/png"],
    [
      "JPEG",
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
      "image/jpeg",
    ],
    ["GIF", Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "latin1"), "image/gif"],
    [
      "WebP",
      Buffer.concat([
        Buffer.from("RIFF"),
        Buffer.from([26, 0, 0, 0]),
        Buffer.from("WEBPVP8 "),
        Buffer.alloc(14),
      ]),
      "image/webp",
    ],
    ["PDF", Buffer.from("%PDF-1.4\n%%EOF\n"), "application/pdf"],
    ["UTF-8 text", Buffer.from("Grüße — ✓\r\n\tindented\n"), "text/plain; charset=utf-8"],
    [
      "docx",
      zip({
        "[Content_Types].xml": contentTypes("wordprocessingml.document"),
        "word/document.xml": "<w:document/>",
      }),
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ],
    [
      "xlsx",
      zip({ "[Content_Types].xml": contentTypes("spreadsheetml.sheet"), "xl/workbook.xml": "<workbook/>" }),
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ],
  ])("%s is allowed", async (_name, bytes, type) => {
    expect(await fileKindOf(bytes)).toBe(type);
  });

  it.each([
    [
      "an executable",
      Buffer.concat([Buffer.from("MZ"), Buffer.alloc(62), Buffer.from("PE\0\0"), Buffer.alloc(200)]),
    ],
    ["HTML", Buffer.from("  <!doctype html><script>alert(1)</script>")],
    ["SVG", Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')],
    ["XML", Buffer.from('<?xml version="1.0"?><x/>')],
    ["a plain zip", zip({ "readme.txt": "hi" })],
    ["binary junk", Buffer.from([0, 1, 2, 3, 255, 254])],
    ["Latin-1 text (not UTF-8)", Buffer.from("caf\xe9", "latin1")],
    ["an empty file", Buffer.alloc(0)],
  ])("%s is refused", async (_name, bytes) => {
    expect(await fileKindOf(bytes)).toBeNull();
  });

  it("keeps a file name's last segment, without control characters", () => {
    expect(cleanFileName("../../etc/passwd")).toBe("passwd");
    expect(cleanFileName("C:\\Users\\ada\\shot\u0007.png")).toBe("shot.png");
    expect(cleanFileName("   ")).toBe("file");
  });
});
