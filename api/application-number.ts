// Application numbers: YJS + the Shanghai date + 6 random characters (no 0/O/1/I to misread at a window).
import { randomInt } from 'node:crypto';

const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const shanghaiDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });

export function newApplicationNumber(now = new Date()): string {
  const date = shanghaiDate.format(now).replaceAll('-', '');
  let suffix = '';
  for (let i = 0; i < 6; i++) suffix += ALPHABET[randomInt(ALPHABET.length)];
  return `YJS${date}${suffix}`;
}
