/**
 * The server name (SNI) of a TLS ClientHello, read the way a passthrough proxy
 * (ingress-nginx's SSL passthrough, a Gateway's TLS listener) reads it before
 * choosing a backend. `undefined`: more bytes are needed; `null`: not a
 * ClientHello or no server name.
 */
export function serverNameOf(data: Buffer): string | null | undefined {
  // TLS record: type 22 (handshake), version, length (RFC 8446 5.1).
  if (data.length < 5) {
    return undefined;
  }
  if (data[0] !== 22) {
    return null;
  }
  const recordEnd = 5 + data.readUInt16BE(3);
  if (data.length < recordEnd) {
    return undefined;
  }
  // Handshake: type 1 (client_hello), 3-byte length, then the hello.
  if (data[5] !== 1) {
    return null;
  }
  let p = 9 + 2 + 32; // legacy_version, random
  const skip = (lengthBytes: 1 | 2) => {
    if (p + lengthBytes > recordEnd) {
      return false;
    }
    const length = lengthBytes === 1 ? data[p] : data.readUInt16BE(p);
    p += lengthBytes + length;
    return p <= recordEnd;
  };
  if (!skip(1) || !skip(2) || !skip(1)) {
    // session id, cipher suites, compression methods
    return null;
  }
  if (p + 2 > recordEnd) {
    return null;
  }
  const extensionsEnd = p + 2 + data.readUInt16BE(p);
  p += 2;
  while (p + 4 <= Math.min(extensionsEnd, recordEnd)) {
    const type = data.readUInt16BE(p);
    const length = data.readUInt16BE(p + 2);
    const body = p + 4;
    if (type === 0 && body + 5 <= recordEnd) {
      // server_name: list length, name type 0 (host_name), name length, name.
      const nameLength = data.readUInt16BE(body + 3);
      if (data[body + 2] === 0 && body + 5 + nameLength <= recordEnd) {
        return data.toString('ascii', body + 5, body + 5 + nameLength);
      }
      return null;
    }
    p = body + length;
  }
  return null;
}
