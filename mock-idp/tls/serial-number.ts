/**
 * A certificate serial number from 15 bytes (random, or a digest for a certificate that must come out the same
 * each time): 0x01 in front keeps it positive and its DER encoding minimal whatever the bytes are (RFC 5280
 * 4.1.2.2: positive, at most 20 octets). A 0x00 in front was illegal padding when the next byte was below 0x80,
 * which strict parsers refuse, and OpenSSL too when the bytes themselves began with 0x00.
 */
export function serialNumber(bytes: Uint8Array): string {
  if (bytes.length < 15) throw new Error(`a serial number needs 15 bytes, got ${bytes.length}`);
  return `01${Buffer.from(bytes.subarray(0, 15)).toString('hex')}`;
}
