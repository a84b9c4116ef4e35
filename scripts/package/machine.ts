/** Reads which machines a native binary (.node: ELF, Mach-O, Mach-O universal, or PE) is built for, from its header. */
import { Machine } from './targets';

const ELF: Record<number, Machine> = { 0x3e: 'elf-x64', 0xb7: 'elf-arm64' };
const MACHO_CPU: Record<number, 'x64' | 'arm64'> = { 0x01000007: 'x64', 0x0100000c: 'arm64' };
const PE: Record<number, Machine> = { 0x8664: 'pe-x64', 0xaa64: 'pe-arm64' };

/** Every machine the binary holds code for; empty if the header is none of the above or names another CPU. */
export function binaryMachines(bytes: Buffer): Machine[] {
  if (bytes.length >= 20 && bytes.readUInt32BE(0) === 0x7f454c46) {
    const machine = ELF[bytes.readUInt16LE(18)];
    return machine ? [machine] : [];
  }
  if (bytes.length >= 8 && bytes.readUInt32LE(0) === 0xfeedfacf) {
    const cpu = MACHO_CPU[bytes.readUInt32LE(4)];
    return cpu ? [`macho-${cpu}`] : [];
  }
  if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0xcafebabe) {
    // universal (fat) binary: big-endian count, then 20-byte entries starting with the CPU type
    const count = bytes.readUInt32BE(4);
    const out: Machine[] = [];
    for (let i = 0; i < count && 8 + i * 20 + 4 <= bytes.length; i++) {
      const cpu = MACHO_CPU[bytes.readUInt32BE(8 + i * 20)];
      if (cpu) out.push(`macho-${cpu}`);
    }
    return out;
  }
  if (bytes.length >= 0x40 && bytes.toString('latin1', 0, 2) === 'MZ') {
    const pe = bytes.readUInt32LE(0x3c);
    if (pe + 6 <= bytes.length && bytes.toString('latin1', pe, pe + 4) === 'PE\0\0') {
      const machine = PE[bytes.readUInt16LE(pe + 4)];
      return machine ? [machine] : [];
    }
  }
  return [];
}
