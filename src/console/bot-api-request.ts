// Bot API parameters from a request, in each encoding a client may use: query string,
// JSON, form-encoded, or multipart (grammY's uploads). An uploaded file keeps its name, size
// and bytes (the console saves a sent photo). The console transport and the test kit's fake server both read here.

export interface UploadedFile {
  name: string;
  size: number;
  content: Buffer;
}

/** Throws on a body that cannot be parsed. */
export function parseParams(
  body: Buffer,
  contentType: string | undefined,
  query: URLSearchParams,
): Record<string, unknown> {
  const params: Record<string, unknown> = Object.fromEntries(query);
  const [type = "", ...attributes] = (contentType ?? "").split(";").map((s) => s.trim());
  if (body.length === 0) return params;
  switch (type.toLowerCase()) {
    case "application/json": {
      const parsed: unknown = JSON.parse(body.toString("utf8"));
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new Error("the JSON body is not an object");
      }
      return { ...params, ...parsed };
    }
    case "application/x-www-form-urlencoded":
      return { ...params, ...Object.fromEntries(new URLSearchParams(body.toString("utf8"))) };
    case "multipart/form-data": {
      const boundary = attributes
        .find((a) => a.toLowerCase().startsWith("boundary="))
        ?.slice("boundary=".length)
        .replace(/^"|"$/g, "");
      if (!boundary) throw new Error("multipart body without a boundary");
      return { ...params, ...parseMultipart(body, boundary) };
    }
    default:
      return params;
  }
}

// grammY writes `content-disposition:form-data;name="x";filename=y.txt` (no spaces, the
// filename unquoted), which undici's FormData parser refuses, hence this small parser.
function parseMultipart(body: Buffer, boundary: string): Record<string, unknown> {
  const data = Buffer.concat([Buffer.from("\r\n"), body]);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const fields: Record<string, unknown> = {};
  const files = new Map<string, UploadedFile>();
  let at = data.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    if (data.subarray(start, start + 2).toString() === "--") break;
    const next = data.indexOf(delimiter, start);
    if (next === -1) throw new Error("multipart body not terminated");
    const part = data.subarray(start + 2, next);
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd === -1) throw new Error("multipart part without headers");
    const headers = part.subarray(0, headerEnd).toString("utf8");
    const content = part.subarray(headerEnd + 4);
    const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? "";
    const name = /;\s*name="?([^";]*)"?/i.exec(disposition)?.[1];
    const filename = /;\s*filename="?([^";]*)"?/i.exec(disposition)?.[1];
    if (name !== undefined && filename !== undefined) {
      files.set(name, { name: filename.trim(), size: content.length, content });
    } else if (name !== undefined) {
      fields[name] = content.toString("utf8");
    }
    at = next;
  }
  // A file is sent as its own part and named in a field as attach://<part name>.
  const attached = new Set<string>();
  for (const [key, value] of Object.entries(fields)) {
    const id = typeof value === "string" ? /^attach:\/\/(.+)$/.exec(value)?.[1] : undefined;
    if (id !== undefined && files.has(id)) {
      fields[key] = files.get(id);
      attached.add(id);
    }
  }
  for (const [key, file] of files) if (!attached.has(key)) fields[key] ??= file;
  return fields;
}
