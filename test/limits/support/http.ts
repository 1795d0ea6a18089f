/** A POST that sends its headers and a first chunk of its body, then waits for the answer without sending the rest. */
import { request } from 'node:http';

export function postHeadersFirst(url: string, headers: Record<string, string | number>, firstChunk: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode!, body });
      });
    });
    req.on('error', reject);
    req.write(firstChunk);
  });
}
