/** 16-bit PCM ↔ base64 in the browser (postMessage to and from the extension carries JSON). */
export function pcmToBase64(samples: Int16Array): string {
  const bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary);
}

export function base64ToPcm(text: string): Int16Array {
  const binary = atob(text);
  const samples = new Int16Array(binary.length >> 1);
  const bytes = new Uint8Array(samples.buffer);
  for (let i = 0; i < samples.byteLength; i++) bytes[i] = binary.charCodeAt(i);
  return samples;
}
