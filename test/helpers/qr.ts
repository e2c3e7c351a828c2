// Reads the QR code of a printed page back: the page's `<img alt="本指南二维码">` PNG data URL,
// decoded with pngjs, then jsQR. Tests compare the text with the URL the page should open.
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

const QR_IMG = /<img alt="本指南二维码" src="data:image\/png;base64,([A-Za-z0-9+/=]+)">/g;

/** The text of the page's one QR code; throws when there is not exactly one, or it cannot be read. */
export function decodePageQr(html: string): string {
  const images = [...html.matchAll(QR_IMG)];
  if (images.length !== 1) throw new Error(`expected one QR code image on the page, found ${images.length}`);
  const png = PNG.sync.read(Buffer.from(images[0]![1]!, 'base64'));
  // jsqr is CommonJS whose types declare a default export: under NodeNext the default import is
  // module.exports, and the function is also exposed as its own `.default`.
  const code = jsQR.default(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength), png.width, png.height);
  if (!code) throw new Error(`no readable QR code in the ${png.width}×${png.height} image`);
  return code.data;
}
