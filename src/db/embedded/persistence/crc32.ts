/**
 * CRC-32 (IEEE 802.3, the zlib/PNG polynomial) for journal and snapshot records. Node 20 has no zlib.crc32,
 * and this module owns its copy so that the on-disk format never changes because some other checksum
 * helper in the tree was edited.
 */

const REFLECTED_POLYNOMIAL = 0xedb88320;

// Slicing-by-4: four tables let the loop consume 4 bytes per step, about 3x faster than the one-table
// loop, which matters because every snapshot byte is checksummed on the event loop.
const TABLES = (() => {
  const tables = [0, 1, 2, 3].map(() => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? (c >>> 1) ^ REFLECTED_POLYNOMIAL : c >>> 1;
    tables[0][n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let t = 1; t < 4; t++) tables[t][n] = (tables[t - 1][n] >>> 8) ^ tables[0][tables[t - 1][n] & 0xff];
  }
  return tables;
})();

export function crc32(data: Uint8Array): number {
  const [t0, t1, t2, t3] = TABLES;
  let crc = 0xffffffff;
  let i = 0;
  const fourByteEnd = data.length - (data.length % 4);
  for (; i < fourByteEnd; i += 4) {
    crc ^= data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    crc = t3[crc & 0xff] ^ t2[(crc >>> 8) & 0xff] ^ t1[(crc >>> 16) & 0xff] ^ t0[crc >>> 24];
  }
  for (; i < data.length; i++) crc = t0[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
