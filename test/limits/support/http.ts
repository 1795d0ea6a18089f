/**
 * A POST that sends its headers and a first chunk of its body, then waits for
 * the answer without sending the rest; gives up after `timeoutMs`.
 */
import { request } from 'node:http';

export function postHeadersFirst(
  url: string,
  headers: Record<string, string | number>,
  firstChunk: string,
  timeoutMs = 5_000,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode!, body });
      });
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms while the body was still incomplete`));
    }, timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.write(firstChunk);
  });
}
